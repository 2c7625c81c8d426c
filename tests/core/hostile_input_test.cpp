// Hostile input: log content is written by strangers, files change while they are read. Each
// case checks a clear counter or message, bounded memory, no crash, and that the good lines
// still add up exactly (read == parsed + rejected; their bytes summed independently here).
// Big inputs are generated under the temp folder at run time, never committed.
// The end-to-end half (the real binary, signals, full disks, permissions) is tests/e2e/hostile.sh.
#include <gtest/gtest.h>
#include <grp.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <csignal>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "core/agg/engine.hpp"
#include "core/ingest/ingestor.hpp"
#include "core/ingest/loader.hpp"
#include "core/parse/record.hpp"
#include "core/report/escape.hpp"
#include "core/report/report_writer.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kTooLong = static_cast<std::size_t>(RejectReason::LineTooLong);

/// One S3 access-log line (27 fields) with the hostile parts given.
std::string s3_line(std::string_view key = "k", std::string_view org = "a", std::string_view ua = "curl/8",
                    std::string_view bytes = "100", std::string_view time = "06/Feb/2019:00:00:38 +0000",
                    std::string_view referrer = "-", std::string_view requester = "-") {
    std::string l = "owner bkt [";
    l += time;
    l += "] 192.0.2.3 ";
    l += requester;
    l += " REQ REST.GET.OBJECT ";
    l += key;
    l += " \"GET /bkt/";
    l += key;
    l += "?org=";
    l += org;
    l += " HTTP/1.1\" 200 - ";
    l += bytes;
    l += " 100 5 1 \"";
    l += referrer;
    l += "\" \"";
    l += ua;
    l += "\" - hid SigV4 C AuthHeader h TLSv1.2 - -\n";
    return l;
}

struct Loaded {
    LoadResult result;
    ReportResult report;
    std::size_t memory = 0;
    std::string rejects;  ///< "line N: reason at column C" per rejected line, for messages
};

Loaded load_paths(const std::vector<std::string>& paths, LoaderOptions o = {}, ReportSpec spec = {},
                  const std::function<void()>& during = {}) {
    Engine e(EngineConfig{});
    if (o.workers == 0) o.workers = 2;
    Loader l(e, o);
    Loaded out;
    l.set_reject_sink([&out](const RejectedLine& r, const std::string&) {
        out.rejects += "line " + std::to_string(r.line_no) + ": " + std::string(reject_reason_name(r.error.reason)) +
                       " at column " + std::to_string(r.error.column) + "\n";
    });
    std::vector<InputProblem> problems;
    const auto files = collect_inputs(paths, problems);
    if (during) {
        std::thread t([&] { out.result = l.load(files); });
        during();
        t.join();
    } else {
        out.result = l.load(files);
    }
    out.result.problems = problems;
    out.report = e.report(spec);
    out.memory = e.memory_bytes();
    return out;
}

Loaded load_dir(const test::TempDir& d, LoaderOptions o = {}, ReportSpec spec = {}) {
    return load_paths({d.path().string()}, std::move(o), std::move(spec));
}

void expect_exact(const LineCounters& l) {
    EXPECT_EQ(l.read, l.parsed + l.rejected_total()) << "parsed + rejected != read";
}

/// Peak resident set of this process, in KiB (monotonic).
long peak_rss_kib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

/// Appends `n` bytes of `c` to a file in 1 MiB writes (a 100 MiB line costs no 100 MiB string).
void append_fill(const fs::path& p, std::size_t n, char c) {
    std::ofstream f(p, std::ios::binary | std::ios::app);
    const std::string chunk(1 << 20, c);
    while (n > 0) {
        const std::size_t k = std::min(n, chunk.size());
        f.write(chunk.data(), static_cast<std::streamsize>(k));
        n -= k;
    }
}

void append_text(const fs::path& p, const std::string& s) {
    std::ofstream f(p, std::ios::binary | std::ios::app);
    f << s;
}

// ---------------------------------------------------------------------------------------------
// Long lines

TEST(HostileInput, LinesPastTheLimitAreRejectedOnceAndTheRestAddsUp) {
    test::TempDir d;
    const fs::path p = d.path() / "long.log";
    std::string good;
    for (int i = 0; i < 10; ++i) good += s3_line();
    append_text(p, good);
    append_fill(p, (1 << 20) + 1, 'x');  // 1 MiB + 1: one over the default limit
    append_text(p, "\n" + good);
    append_fill(p, 3 << 20, 'y');  // 3 MiB, and no newline at the end of the file
    const Loaded l = load_dir(d);
    const auto& c = l.report.lines;
    expect_exact(c);
    EXPECT_EQ(c.parsed, 20u);
    EXPECT_EQ(c.unparsed[kTooLong], 2u);
    EXPECT_EQ(c.read, 22u);
    EXPECT_EQ(l.report.totals.bytes_sent, 20u * 100);
    EXPECT_EQ(c.bytes, fs::file_size(p)) << "every byte read is accounted, over-long lines included";
    EXPECT_TRUE(l.result.files.at(0).error.empty()) << l.result.files.at(0).error;
}

TEST(HostileInput, AHundredMebibyteLineWithoutANewlineIsOneRejectionInBoundedMemory) {
    test::TempDir d;
    const fs::path p = d.path() / "huge.log";
    std::string good;
    for (int i = 0; i < 5; ++i) good += s3_line();
    append_text(p, good);
    append_fill(p, std::size_t{100} << 20, 'z');
    const long before = peak_rss_kib();
    const Loaded l = load_dir(d);
    const long grown_mib = (peak_rss_kib() - before) / 1024;
    const auto& c = l.report.lines;
    expect_exact(c);
    EXPECT_EQ(c.parsed, 5u);
    EXPECT_EQ(c.unparsed[kTooLong], 1u);
    EXPECT_EQ(c.bytes, fs::file_size(p));
    // The reader keeps a few 5 MiB blocks, never the line: far below its 100 MiB.
    EXPECT_LT(grown_mib, 64) << "peak RSS grew by " << grown_mib << " MiB reading a 100 MiB line";
}

TEST(HostileInput, AnOverLongFirstLineDoesNotHideTheFormatOfTheLinesAfterIt) {
    // Detection skips the over-long line (one line_too_long) and decides from the lines after
    // it; the file is read in bounded memory either way.
    for (const std::size_t first : {(std::size_t{1} << 20) + 1, std::size_t{100} << 20}) {
        test::TempDir d;
        const fs::path p = d.path() / "first-line-long.log";
        append_fill(p, first, 'q');
        std::string good = "\n";
        for (int i = 0; i < 12; ++i) good += s3_line();
        append_text(p, good);
        const long before = peak_rss_kib();
        const Loaded l = load_dir(d);
        const long grown_mib = (peak_rss_kib() - before) / 1024;
        const auto& c = l.report.lines;
        expect_exact(c);
        EXPECT_EQ(c.unparsed[kTooLong], 1u) << first << " bytes:\n" << l.rejects;
        EXPECT_EQ(c.parsed, 12u) << first << " bytes:\n" << l.rejects;
        EXPECT_EQ(c.read, 13u);
        EXPECT_EQ(l.report.totals.bytes_sent, 12u * 100);
        EXPECT_EQ(c.bytes, fs::file_size(p));
        const FileResult& f = l.result.files.at(0);
        EXPECT_EQ(f.format, "s3");
        EXPECT_TRUE(f.error.empty()) << f.error;
        EXPECT_LT(grown_mib, 64) << "peak RSS grew by " << grown_mib << " MiB";
    }
}

TEST(HostileInput, AFileOfOnlyOneOverLongLineIsOneRejectionAndNoError) {
    test::TempDir d;
    const fs::path p = d.path() / "only-long.log";
    append_fill(p, (std::size_t{3} << 20) + 5, 'w');  // no newline at all
    const Loaded l = load_dir(d);
    const auto& c = l.report.lines;
    expect_exact(c);
    EXPECT_EQ(c.read, 1u);
    EXPECT_EQ(c.unparsed[kTooLong], 1u);
    EXPECT_EQ(c.bytes, fs::file_size(p));
}

// ---------------------------------------------------------------------------------------------
// Bytes that attack terminals, spreadsheets and browsers

const std::vector<std::string>& hostile_values() {
    static const std::vector<std::string> v = {
        std::string("nul\0byte", 8),
        "bad\xff\xfe\xc0\x80utf8\xed\xa0\x80",
        "\x1b[2J\x1b[H\x1b[31mred",  // clear screen, home, colour
        "\x1b]52;c;aGVsbG8=\x07",    // OSC 52: set the clipboard
        "\x1b]0;title\x1b\\",        // OSC 0: window title, ST-terminated
        "\x1bP+q544e\x1b\\",         // DCS: terminfo query
        "\xc2\x9b"
        "31m\xc2\x9d"
        "0;t\xc2\x9c",  // C1 CSI / OSC / ST in UTF-8
        "\x9b"
        "2J",  // a raw 8-bit CSI
        "<script>alert(1)</script>",
        "<img/src=x/onerror=alert('x')>&amp;\"",
        "=HYPERLINK(\"http://x\",\"y\")",
        "+cmd|'/c_calc'!A0",
        "-2+3",
        "@SUM(A1)",
        "back\\slash\rcr\bbs\x7f"
        "del",
    };
    return v;
}

/// Every byte of a table is printable: no C0/C1 control but the newline, no DEL, no ESC.
void expect_terminal_clean(const std::string& out, const char* what) {
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto c = static_cast<unsigned char>(out[i]);
        ASSERT_FALSE((c < 0x20 && c != '\n') || c == 0x7F) << what << ": control byte " << int(c) << " at " << i;
        ASSERT_FALSE(c == 0xC2 && i + 1 < out.size() && static_cast<unsigned char>(out[i + 1]) < 0xA0)
            << what << ": C1 control at " << i;
    }
    EXPECT_EQ(to_valid_utf8(out), out) << what << ": invalid UTF-8";
}

TEST(HostileInput, ControlBytesMarkupAndFormulasInEveryFieldAreCountedAndEscaped) {
    test::TempDir d;
    std::string text;
    std::uint64_t want_bytes = 0;
    std::uint64_t n = 0;
    for (const auto& v : hostile_values()) {
        // The same value as key, org, user agent, referrer and requester (none has a space; S3
        // never writes a quote in a bare token, so there it is an apostrophe).
        std::string bare = v;
        std::replace(bare.begin(), bare.end(), '"', '\'');
        text += s3_line(bare, v, v, std::to_string(1000 + n), "06/Feb/2019:00:00:38 +0000", v, bare);
        want_bytes += 1000 + n;
        ++n;
    }
    d.write("hostile.log", text);
    for (const Dim dim : {Dim::Org, Dim::Key, Dim::UserAgent, Dim::Referrer, Dim::Requester}) {
        ReportSpec spec;
        spec.by = {DimSpec{dim, 0}};
        const Loaded l = load_dir(d, {}, spec);
        const auto& c = l.report.lines;
        expect_exact(c);
        EXPECT_EQ(c.read, n);
        EXPECT_EQ(c.parsed + c.rejected_total(), n);
        // What parsed adds up exactly; what did not is a counted rejection.
        std::uint64_t sum = 0;
        for (const auto& g : l.report.groups) sum += g.metrics.bytes_sent;
        EXPECT_EQ(sum, l.report.totals.bytes_sent);
        EXPECT_EQ(c.parsed, n) << "a hostile value made a well-formed line fail to parse:\n" << l.rejects;
        EXPECT_EQ(l.report.totals.bytes_sent, want_bytes);

        const std::string name = dim_name(DimSpec{dim, 0});
        expect_terminal_clean(report_table(l.report, TableOptions{true, 48}), ("table by " + name).c_str());
        expect_terminal_clean(report_table(l.report, TableOptions{false, 4096}), ("exact table by " + name).c_str());

        const std::string json = report_json(l.report);
        EXPECT_EQ(to_valid_utf8(json), json);
        for (const char ch : json) {
            ASSERT_TRUE(static_cast<unsigned char>(ch) >= 0x20 || ch == '\n') << "raw control byte in JSON";
        }

        const std::string csv = report_csv(l.report);
        EXPECT_EQ(to_valid_utf8(csv), csv);
        std::size_t pos = csv.find('\n') + 1;  // skip the header
        while (pos < csv.size()) {
            std::size_t cell = pos;
            if (csv[cell] == '"') ++cell;
            const char first = csv[cell];
            const bool absent = csv.compare(cell, 2, "-,") == 0;
            EXPECT_FALSE(!absent && (first == '=' || first == '+' || first == '-' || first == '@'))
                << "CSV cell starts a formula: " << csv.substr(pos, 40);
            // The next row: quoted cells may hold newlines, so walk quotes.
            bool quoted = false;
            while (pos < csv.size() && (quoted || csv[pos] != '\n')) {
                if (csv[pos] == '"') quoted = !quoted;
                ++pos;
            }
            ++pos;
        }
    }
}

TEST(HostileInput, NumbersPastTwoToTheSixtyFourAreRejectedNotWrapped) {
    test::TempDir d;
    d.write("big.log", s3_line("k", "a", "ua", "18446744073709551616") +         // 2^64
                           s3_line("k", "a", "ua", "99999999999999999999999") +  // far past
                           s3_line("k", "a", "ua", "-1") + s3_line("k", "a", "ua", "18446744073709551615") +
                           s3_line("k", "a", "ua", "7"));
    const Loaded l = load_dir(d);
    const auto& c = l.report.lines;
    expect_exact(c);
    EXPECT_EQ(c.parsed, 2u);
    EXPECT_EQ(c.unparsed[static_cast<std::size_t>(RejectReason::BadNumber)], 3u);
    EXPECT_EQ(l.report.totals.requests, 2u);
}

TEST(HostileInput, DatesOutOfRangeAreBadTimestamps) {
    test::TempDir d;
    std::string text;
    const std::vector<std::string> bad = {
        "31/Feb/2019:00:00:38 +0000",  "29/Feb/2023:00:00:00 +0000", "00/Jan/2019:00:00:00 +0000",
        "32/Jan/2019:00:00:00 +0000",  "01/Jan/2019:24:00:00 +0000", "01/Jan/2019:23:60:00 +0000",
        "01/Jan/2019:23:59:61 +0000",  "01/Jan/2019:00:00:00 +9999", "01/Foo/2019:00:00:00 +0000",
        "01/Jan/99999:00:00:00 +0000", "01/Jan/-001:00:00:00 +0000", "99999999999999999999/Jan/2019:00:00:00 +0000",
    };
    for (const auto& t : bad) text += s3_line("k", "a", "ua", "1", t);
    text += s3_line("k", "a", "ua", "1", "29/Feb/2024:23:59:59 -1400");
    text += s3_line("k", "a", "ua", "1", "01/Jan/1970:00:00:00 +0000");
    d.write("dates.log", text);
    const Loaded l = load_dir(d);
    const auto& c = l.report.lines;
    expect_exact(c);
    EXPECT_EQ(c.parsed, 2u);
    EXPECT_EQ(c.unparsed[static_cast<std::size_t>(RejectReason::BadTimestamp)], bad.size());
}

// ---------------------------------------------------------------------------------------------
// Volume: distinct keys, many files

TEST(HostileInput, AMillionDistinctKeysStayWithinTheStatedMemory) {
#if defined(NDEBUG)
    constexpr std::size_t kRecords = 1'000'000;
#else
    constexpr std::size_t kRecords = 250'000;  // Debug and sanitizer builds: the same, smaller
#endif
    Engine e(EngineConfig{});
    BatchBuilder b(e.config().org, e.config().keep);
    std::string key, query;
    for (std::size_t i = 0; i < kRecords; ++i) {
        key = "data/2024/object-" + std::to_string(i) + ".bin";  // ~24 bytes, all distinct
        query = "org=org-" + std::to_string(i % 1000);
        Record r;
        r.time = 1'700'000'000 + static_cast<std::int64_t>(i);
        r.bucket = "bkt";
        r.remote_ip = "192.0.2.3";
        r.operation = "REST.GET.OBJECT";
        r.key = key;
        r.query = query;
        r.method = "GET";
        r.status = 200;
        r.bytes_sent = 1;
        b.add(r);
        if (b.pending_lines() >= 65536) e.append(b.take());
    }
    e.append(b.take());
    EXPECT_EQ(e.records(), kRecords);
    EXPECT_EQ(e.lines().parsed, kRecords);
    // The README's figures: ~34 bytes + 4 per kept dimension per record (13 kept here), and
    // per distinct string its bytes plus ~32 of view, hash and table; vectors grow by doubling,
    // so up to twice that.
    const std::size_t per_record = 34 + 4 * kStringDimCount;
    const std::size_t per_key = 24 + 32;
    const std::size_t bound = 2 * kRecords * (per_record + per_key);
    const std::size_t mem = e.memory_bytes();
    std::printf(
        "[ figures  ] %zu records, as many distinct keys: engine memory_bytes() = %.1f MiB (%.1f bytes/record)\n",
        kRecords, static_cast<double>(mem) / (1 << 20), static_cast<double>(mem) / kRecords);
    EXPECT_LT(mem, bound);
    ReportSpec spec;
    spec.by = {DimSpec{Dim::Key, 0}};
    spec.top = 3;
    const ReportResult r = e.report(spec);
    EXPECT_EQ(r.total_groups, kRecords);
    EXPECT_EQ(r.totals.bytes_sent, kRecords);
}

TEST(HostileInput, TwentyThousandEmptyFilesAreListedAndReadWithoutError) {
    test::TempDir d;
    constexpr int kFiles = 20'000;
    for (int i = 0; i < kFiles; ++i) {
        std::ofstream((d.path() / ("part-" + std::to_string(i) + ".log")).string());
    }
    d.write("z-real.log", s3_line() + s3_line());
    const auto start = std::chrono::steady_clock::now();
    const Loaded l = load_dir(d);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("[ figures  ] %d empty files + 1: %.2f s\n", kFiles, secs);
    EXPECT_EQ(l.result.files.size(), static_cast<std::size_t>(kFiles) + 1);
    EXPECT_TRUE(l.result.any_read());
    for (const auto& f : l.result.files) ASSERT_TRUE(f.error.empty()) << f.path << ": " << f.error;
    EXPECT_EQ(l.report.lines.parsed, 2u);
    expect_exact(l.report.lines);
}

// ---------------------------------------------------------------------------------------------
// The file system: loops, dangling links, permissions, files changing under the reader

TEST(HostileInput, SymlinkLoopsAndDanglingLinksAreProblemsNotHangs) {
    test::TempDir d;
    d.write("logs/good.log", s3_line());
    const fs::path logs = d.path() / "logs";
    fs::create_symlink(logs / "b", logs / "a");
    fs::create_symlink(logs / "a", logs / "b");
    fs::create_directory_symlink(logs, logs / "self");  // a folder that contains itself
    fs::create_symlink(logs / "nowhere", logs / "dangling.log");
    const Loaded l = load_paths({logs.string(), (logs / "a").string()});
    EXPECT_EQ(l.report.lines.parsed, 1u) << "the good file is read exactly once";
    expect_exact(l.report.lines);
    std::size_t complaints = l.result.problems.size();
    for (const auto& f : l.result.files) complaints += f.error.empty() ? 0 : 1;
    EXPECT_GE(complaints, 1u) << "the loop named on the command line is reported";
    for (const auto& p : l.result.problems) EXPECT_FALSE(p.message.empty());
}

/// Runs `body` as a user permissions apply to: as is for a user, in a child dropped to nobody
/// (65534) for root, which reads everything. Returns false when the body failed there.
bool as_unprivileged(const fs::path& dir, const std::function<void()>& body) {
    if (::geteuid() != 0) {
        body();
        return !::testing::Test::HasFailure();
    }
    fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                             fs::perms::others_exec);
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0 ||
            ::setresuid(65534, 65534, 65534) != 0)
            ::_exit(3);
        body();
        std::fflush(nullptr);
        ::_exit(::testing::Test::HasFailure() ? 1 : 0);
    }
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

TEST(HostileInput, UnreadableFilesAndFoldersAreNamedAndTheRestIsRead) {
    test::TempDir d;
    d.write("good.log", s3_line());
    const fs::path secret = d.write("secret.log", s3_line());
    d.write("closed/inner.log", s3_line());
    fs::permissions(secret, fs::perms::none);
    fs::permissions(d.path() / "closed", fs::perms::none);
    EXPECT_TRUE(as_unprivileged(d.path(), [&] {
        const Loaded l = load_dir(d);
        EXPECT_EQ(l.report.lines.parsed, 1u);
        std::size_t complaints = l.result.problems.size();
        for (const auto& f : l.result.files) complaints += f.error.empty() ? 0 : 1;
        EXPECT_EQ(complaints, 2u);
    })) << "the good file read, the unreadable file and folder named (as nobody when run as root)";
    fs::permissions(d.path() / "closed", fs::perms::owner_all);
}

/// A file of `lines` good lines, each sending 100 bytes.
fs::path write_good_lines(const test::TempDir& d, const std::string& name, std::size_t lines) {
    const std::string line = s3_line();
    std::string block;
    for (int i = 0; i < 1000; ++i) block += line;
    const fs::path p = d.path() / name;
    std::ofstream f(p, std::ios::binary);
    for (std::size_t i = 0; i < lines / 1000; ++i) f << block;
    return p;
}

TEST(HostileInput, AFileTruncatedWhileBeingReadStillAddsUp) {
    test::TempDir d;
    const fs::path p = write_good_lines(d, "shrinking.log", 200'000);  // ~37 MB
    LoaderOptions o;
    o.block_bytes = 256 << 10;  // many blocks, so the truncation lands mid-file
    const Loaded l = load_paths({p.string()}, o, {}, [&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        fs::resize_file(p, 1'000'003);  // mid-line
    });
    const auto& c = l.report.lines;
    expect_exact(c);
    // Truncated after the listing but before the open (a loaded machine starts the loader
    // late): the file is named as changed and looked at again, nothing of it counted now.
    const FileResult& f = l.result.files.at(0);
    if (f.untouched) {
        EXPECT_TRUE(f.changed) << f.error;
        EXPECT_EQ(c.read, 0u);
        return;
    }
    EXPECT_GT(c.read, 0u);
    EXPECT_LE(c.parsed, 200'000u);
    // Every line that parsed is a whole good line (100 bytes sent each); a cut one is rejected.
    EXPECT_EQ(l.report.totals.bytes_sent, 100 * c.parsed);
}

TEST(HostileInput, AFileDeletedWhileBeingReadIsReadToItsEnd) {
    test::TempDir d;
    const fs::path p = write_good_lines(d, "vanishing.log", 100'000);
    LoaderOptions o;
    o.block_bytes = 256 << 10;
    const Loaded l = load_paths({p.string()}, o, {}, [&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        fs::remove(p);
    });
    const auto& c = l.report.lines;
    expect_exact(c);
    // Opened before the unlink: the data stays readable. Unlinked before the open: named.
    if (l.result.files.at(0).error.empty()) {
        EXPECT_EQ(c.parsed, 100'000u);
        EXPECT_EQ(l.report.totals.bytes_sent, 100u * 100'000);
    } else {
        EXPECT_EQ(c.read, 0u);
    }
}

// ---------------------------------------------------------------------------------------------
// gzip

/// `n` zero bytes, gzip-compressed (1 GiB -> ~1 MiB) without holding them.
std::string gzip_zeros(std::size_t n) {
    z_stream z{};
    deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY);
    const std::string zeros(1 << 20, '\0');
    std::string out;
    char buf[1 << 16];
    while (true) {
        const std::size_t k = std::min(n, zeros.size());
        n -= k;
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
        z.avail_in = static_cast<uInt>(k);
        const int flush = n == 0 ? Z_FINISH : Z_NO_FLUSH;
        int rc;
        do {
            z.next_out = reinterpret_cast<Bytef*>(buf);
            z.avail_out = sizeof buf;
            rc = deflate(&z, flush);
            out.append(buf, sizeof buf - z.avail_out);
        } while (z.avail_out == 0);
        if (flush == Z_FINISH && rc == Z_STREAM_END) break;
    }
    deflateEnd(&z);
    return out;
}

TEST(HostileInput, AGzipBombIsStoppedWithAMessageInBoundedMemory) {
    test::TempDir d;
    const std::string bomb = gzip_zeros(std::size_t{1} << 30);  // 1 GiB of zeros
    ASSERT_LT(bomb.size(), 2u << 20);
    d.write("a-good.log", s3_line() + s3_line());
    d.write("b-bomb.log.gz", bomb);
    d.write("c-good.log", s3_line());
    const long before = peak_rss_kib();
    const Loaded l = load_dir(d);
    const long grown_mib = (peak_rss_kib() - before) / 1024;
    const auto& c = l.report.lines;
    expect_exact(c);
    EXPECT_EQ(c.parsed, 3u);
    EXPECT_LT(grown_mib, 64) << "peak RSS grew by " << grown_mib << " MiB on a gzip bomb";
    const FileResult& f = l.result.files.at(1);
    EXPECT_NE(f.error.find("gzip"), std::string::npos) << f.error;
    EXPECT_NE(f.error.find("bomb"), std::string::npos) << f.error;
    EXPECT_LE(f.bytes, std::uint64_t{300} << 20) << "stopped early, not after the whole GiB";
}

TEST(HostileInput, ADecompressedSizeLimitStopsAFileWithAMessage) {
    test::TempDir d;
    std::string text;
    for (int i = 0; i < 2000; ++i) text += s3_line("k" + std::to_string(i));  // ~400 KB, compresses ~20:1
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
    std::string gz(compressBound(static_cast<uLong>(text.size())) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(text.data());
    z.avail_in = static_cast<uInt>(text.size());
    z.next_out = reinterpret_cast<Bytef*>(gz.data());
    z.avail_out = static_cast<uInt>(gz.size());
    deflate(&z, Z_FINISH);
    gz.resize(z.total_out);
    deflateEnd(&z);
    d.write("x.log.gz", gz);
    LoaderOptions o;
    o.max_decompressed_bytes = 100'000;
    const Loaded l = load_dir(d, o);
    const auto& c = l.report.lines;
    expect_exact(c);
    EXPECT_LT(c.parsed, 2000u);
    EXPECT_EQ(l.report.totals.bytes_sent, 100 * c.parsed);
    EXPECT_NE(l.result.files.at(0).error.find("limit"), std::string::npos) << l.result.files.at(0).error;
    // Without the limit, the whole file.
    const Loaded all = load_dir(d);
    EXPECT_EQ(all.report.lines.parsed, 2000u);
    EXPECT_TRUE(all.result.files.at(0).error.empty()) << all.result.files.at(0).error;
}

TEST(HostileInput, ATruncatedGzipFileIsNamedAndItsWholeLinesCount) {
    test::TempDir d;
    const fs::path plain = write_good_lines(d, "plain.txt", 20'000);
    std::string text = test::read_file(plain);
    fs::remove(plain);
    std::string gz(compressBound(static_cast<uLong>(text.size())) + 64, '\0');
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
    z.next_in = reinterpret_cast<Bytef*>(text.data());
    z.avail_in = static_cast<uInt>(text.size());
    z.next_out = reinterpret_cast<Bytef*>(gz.data());
    z.avail_out = static_cast<uInt>(gz.size());
    deflate(&z, Z_FINISH);
    gz.resize(z.total_out / 2);  // cut in the middle
    deflateEnd(&z);
    d.write("cut.log.gz", gz);
    const Loaded l = load_dir(d);
    const auto& c = l.report.lines;
    expect_exact(c);
    EXPECT_FALSE(l.result.files.at(0).error.empty());
    EXPECT_EQ(l.report.totals.bytes_sent, 100 * c.parsed);
}

// ---------------------------------------------------------------------------------------------
// A full disk under the state file

/// Totals of one run over `dir` with the state file `state`; `notes` gets its complaints.
std::uint64_t ingest_with_state(const fs::path& dir, const fs::path& state, std::vector<std::string>& notes) {
    Engine e(EngineConfig{});
    LoaderOptions lo;
    lo.workers = 2;
    Ingestor ing(e, lo);
    EXPECT_TRUE(test::ok(ing.open_state(state, 5, notes)));
    std::vector<InputProblem> problems;
    const IngestResult r = ing.ingest(collect_inputs({dir.string()}, problems), false);
    notes.insert(notes.end(), r.notes.begin(), r.notes.end());
    return e.report(ReportSpec{}).totals.requests;
}

TEST(HostileInput, AFullDiskUnderTheStateFileLosesNothingOnTheNextRun) {
    // The file size limit (RLIMIT_FSIZE) stands in for a full disk: a write past it fails
    // (EFBIG) as it would with ENOSPC. The first batch does not fit; the small ledger record
    // after it would, and must not be written without it.
    test::TempDir d;
    fs::create_directories(d.path() / "logs");
    write_good_lines(d, "logs/a.log", 3000);
    const fs::path state = d.path() / "state" / "s.state";
    std::vector<std::string> notes;
    ASSERT_EQ(ingest_with_state(d.path() / "logs", d.path() / "state" / "probe.state", notes), 3000u);
    {
        std::vector<std::string> n;
        Engine e(EngineConfig{});
        Ingestor ing(e, LoaderOptions{});
        ASSERT_TRUE(test::ok(ing.open_state(state, 5, n)));  // creates it with its header
    }
    rlimit old{};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small = old;
    small.rlim_cur = static_cast<rlim_t>(fs::file_size(state) + (16 << 10));
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    notes.clear();
    const std::uint64_t first = ingest_with_state(d.path() / "logs", state, notes);
    ::setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, old_handler);
    EXPECT_EQ(first, 3000u) << "this run's totals do not depend on the state file";
    std::string all;
    for (const auto& n : notes) all += n + "\n";
    EXPECT_NE(all.find(state.string() + ": "), std::string::npos) << "the failed write names the file: " << all;
    EXPECT_LE(fs::file_size(state), static_cast<std::uintmax_t>(small.rlim_cur));

    notes.clear();
    EXPECT_EQ(ingest_with_state(d.path() / "logs", state, notes), 3000u) << "the next run reads again what is missing";
    notes.clear();
    EXPECT_EQ(ingest_with_state(d.path() / "logs", state, notes), 3000u) << "and then never twice";
}

}  // namespace
}  // namespace s3top
