// The loader: formats detected per file, documents read whole, gzip, over-long lines,
// unmatched files reported, and read == parsed + rejected across it all.
#include <gtest/gtest.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>
#include <condition_variable>
#include <chrono>
#include <atomic>
#include <map>

#include "core/ingest/inputs.hpp"
#include "core/ingest/loader.hpp"
#include "core/util/thread_name.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

const char* kS3 =
    "owner bkt [06/Feb/2019:00:00:38 +0000] 192.0.2.3 - REQ REST.GET.OBJECT k \"GET /bkt/k?org=a HTTP/1.1\" 200 - 100 "
    "100 5 1 \"-\" \"curl/8\" - hid SigV4 C AuthHeader h TLSv1.2 - -\n";
const char* kCombined =
    "203.0.113.9 - - [10/Oct/2023:13:55:36 +0000] \"GET /a.png?org=b HTTP/1.1\" 200 2326 \"-\" \"Mozilla/5.0\"\n";
const char* kCloudTrail =
    R"({"Records":[{"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventName":"GetObject",
"eventTime":"2024-03-01T00:00:00Z","sourceIPAddress":"198.51.100.1","userAgent":"aws-cli",
"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/x"},
"requestParameters":{"bucketName":"b","key":"k"},"additionalEventData":{"bytesTransferredOut":42}}]})";

struct Loaded {
    LoadResult result;
    ReportResult report;
};

Loaded load(const test::TempDir& dir, const std::string& format = "auto", std::size_t max_line = 1 << 20) {
    Engine e(EngineConfig{});
    LoaderOptions o;
    o.format = format;
    o.max_line_bytes = max_line;
    o.workers = 2;
    Loader l(e, o);
    std::vector<InputProblem> problems;
    const auto files = collect_inputs({dir.path().string()}, problems);
    Loaded out{l.load(files), {}};
    out.report = e.report(ReportSpec{});
    return out;
}

const FileResult& file(const Loaded& l, std::string_view name) {
    for (const auto& f : l.result.files) {
        if (f.path.ends_with(name)) return f;
    }
    throw std::runtime_error("no file " + std::string(name));
}

TEST(Loader, DetectsFormatsPerFileAndReadsDocumentsWhole) {
    test::TempDir d;
    d.write("a-s3.log", std::string(kS3) + kS3);
    d.write("b-access.log", kCombined);
    d.write("c-trail.json", kCloudTrail);
    d.write("d-notes.txt", "hello\nworld\n");
    d.write("e-s3.log.gz", test::gzip(std::string(kS3) + kS3 + kS3));
    const Loaded l = load(d);
    EXPECT_EQ(file(l, "a-s3.log").format, "s3");
    EXPECT_EQ(file(l, "b-access.log").format, "combined");
    EXPECT_EQ(file(l, "c-trail.json").format, "cloudtrail");
    EXPECT_EQ(file(l, "e-s3.log.gz").format, "s3");
    EXPECT_NE(file(l, "d-notes.txt").error.find("no known log format"), std::string::npos);
    const auto& lines = l.report.lines;
    EXPECT_EQ(lines.parsed, 2u + 1 + 1 + 3);
    EXPECT_EQ(lines.unparsed[static_cast<std::size_t>(RejectReason::NoFormat)], 2u);
    EXPECT_EQ(lines.rejected_total(), 0u) << "a file that is no log has no rejected lines";
    EXPECT_EQ(lines.ignored_total(), 2u);
    EXPECT_EQ(lines.read, lines.parsed + lines.rejected_total() + lines.ignored_total());
    EXPECT_EQ(l.report.totals.bytes_sent, 5 * 100u + 2326 + 42);
}

// #22 item 11: blank lines, '#' lines and a file that is no log are no records: counted as
// ignored, never as rejected, and never in the rejects list. read = parsed + rejected + ignored.
TEST(Loader, BlankAndCommentLinesAndFilesThatAreNoLogsAreIgnoredNotRejected) {
    test::TempDir d;
    d.write("a-s3.log", std::string("\n") + kS3 + "   \r\n# written by the log shipper\n" + kS3 + "\n\nbroken line\n");
    d.write("README.md", "# Logs\n\nThese are our logs.\n");
    const Loaded l = load(d);
    const auto& lines = l.report.lines;
    EXPECT_EQ(lines.parsed, 2u);
    EXPECT_EQ(lines.rejected_total(), 1u) << "only the broken line should have been a record";
    EXPECT_EQ(lines.of(RejectReason::EmptyLine), 4u);
    EXPECT_EQ(lines.of(RejectReason::HeaderLine), 1u);
    EXPECT_EQ(lines.of(RejectReason::NoFormat), 3u);
    EXPECT_EQ(lines.ignored_total(), 8u);
    EXPECT_EQ(lines.read, lines.parsed + lines.rejected_total() + lines.ignored_total());
    EXPECT_NE(file(l, "README.md").error.find("no known log format"), std::string::npos) << "named once";
}

// #22 item 7: a JSON document detection took for CloudTrail (its first line is "{") that is no
// CloudTrail log is named, and its lines are ignored: no rejected record.
TEST(Loader, AJsonDocumentThatIsNoCloudTrailLogCountsNothing) {
    test::TempDir d;
    d.write("c-trail.json", kCloudTrail);
    d.write("manifest.json",
            "{\n  \"sourceBucket\" : \"b\",\n  \"fileFormat\" : \"CSV\",\n  \"eventVersion\" : \"x\"\n}\n");
    const Loaded l = load(d);
    EXPECT_EQ(file(l, "c-trail.json").format, "cloudtrail");
    EXPECT_NE(file(l, "manifest.json").error.find("no CloudTrail log"), std::string::npos)
        << file(l, "manifest.json").error;
    EXPECT_EQ(l.report.lines.parsed, 1u);
    EXPECT_EQ(l.report.lines.rejected_total(), 0u);
    EXPECT_EQ(l.report.lines.of(RejectReason::NoFormat), 5u) << "its five lines";
    EXPECT_TRUE(unread_inputs({}, l.result).empty()) << "it was read; it is no log";
}

TEST(Loader, OverLongLineIsRejectedOnceAndTheRestCounts) {
    test::TempDir d;
    d.write("big.log", std::string(kS3) + std::string(3000, 'x') + "\n" + kS3);
    const Loaded l = load(d, "s3", 1000);
    EXPECT_EQ(l.report.lines.parsed, 2u);
    EXPECT_EQ(l.report.lines.unparsed[static_cast<std::size_t>(RejectReason::LineTooLong)], 1u);
    EXPECT_EQ(l.report.lines.read, 3u);
}

TEST(Loader, CorruptGzipIsReportedAndOtherFilesGoOn) {
    test::TempDir d;
    std::string gz = test::gzip(std::string(kS3) + kS3);
    gz.resize(gz.size() / 2);  // truncated
    d.write("bad.log.gz", gz);
    d.write("good.log", kS3);
    const Loaded l = load(d, "s3");
    EXPECT_FALSE(file(l, "bad.log.gz").error.empty());
    EXPECT_TRUE(file(l, "good.log").error.empty());
    EXPECT_GE(l.report.lines.parsed, 1u);
    EXPECT_EQ(l.report.lines.read, l.report.lines.parsed + l.report.lines.rejected_total());
}

TEST(Loader, GoAccessPresetNameSelectsGoAccessParser) {
    test::TempDir d;
    d.write("access.log", std::string(kCombined) + kCombined);
    const Loaded l = load(d, "COMBINED");
    EXPECT_EQ(file(l, "access.log").format, "goaccess");
    EXPECT_EQ(l.report.lines.parsed, 2u);
}

// --- #23: files that change under the loader ---

/// One job over `path` as the plan saw it (stat now), read with `prepare` run in between.
FileResult read_after(const std::filesystem::path& path, const std::function<void(ReadJob&)>& prepare,
                      bool follow = false) {
    std::vector<InputProblem> problems;
    const auto listed = collect_inputs({path.string()}, problems);
    EXPECT_EQ(listed.size(), 1u);
    ReadJob job;
    job.file = listed.at(0);
    job.take_partial_tail = !follow;
    prepare(job);
    Engine e(EngineConfig{});
    LoaderOptions o;
    o.workers = 1;
    Loader l(e, o);
    return l.load_jobs({job}).files.at(0);
}

TEST(Loader, FileThatCannotBeOpenedIsUntouched) {
    test::TempDir d;
    const auto p = d.write("a.log", kS3);
    const FileResult r = read_after(p, [&](ReadJob&) { std::filesystem::remove(p); });
    EXPECT_TRUE(r.untouched);
    EXPECT_FALSE(r.changed);
    EXPECT_FALSE(r.error.empty());
    EXPECT_EQ(r.lines, 0u);
}

TEST(Loader, FileRotatedBetweenPlanAndReadIsNotRead) {
    test::TempDir d;
    const auto p = d.write("app.log", std::string(kS3) + kS3);
    // Renamed away and a new file in its place: another inode.
    FileResult r = read_after(p, [&](ReadJob&) {
        std::filesystem::rename(p, d.path() / "app.log.1");
        d.write("app.log", std::string(kS3) + kS3 + kS3);
    });
    EXPECT_TRUE(r.untouched && r.changed) << r.error;
    EXPECT_EQ(r.lines, 0u);
    // Truncated (copytruncate) since the plan: shorter than planned.
    r = read_after(p, [&](ReadJob&) { std::filesystem::resize_file(p, 10); });
    EXPECT_TRUE(r.untouched && r.changed) << r.error;
    // Truncated and written past the planned size again: the counted bytes before `begin` differ.
    const std::string two = std::string(kS3) + kS3;
    d.write("b.log", two);
    r = read_after(d.path() / "b.log", [&](ReadJob& j) {
        j.begin = std::strlen(kS3);
        j.tail_before = StreamHash::of(std::string_view(two).substr(0, j.begin));
        std::ofstream(d.path() / "b.log", std::ios::binary | std::ios::in | std::ios::out) << "X";  // same inode
    });
    EXPECT_TRUE(r.untouched && r.changed) << r.error;
    // The same check passes when the bytes are as counted.
    r = read_after(d.path() / "b.log", [&](ReadJob& j) {
        j.begin = std::strlen(kS3);
        j.tail_before = StreamHash::of(std::string_view("X" + two.substr(1)).substr(0, j.begin));
    });
    EXPECT_FALSE(r.untouched) << r.error;
    EXPECT_EQ(r.lines, 1u);
}

TEST(Loader, GzipStillBeingWrittenGivesItsWholeLinesOnly) {
    test::TempDir d;
    std::string content;
    for (int i = 0; i < 400; ++i)
        content += std::string(kS3).replace(std::string(kS3).find("100 5"), 3, std::to_string(1000 + i * 7919 % 9000));
    const std::string gz = test::gzip(content);
    const auto p = d.write("w.log.gz", gz.substr(0, gz.size() / 2));
    for (const bool follow : {false, true}) {
        const FileResult r = read_after(p, [](ReadJob&) {}, follow);
        EXPECT_FALSE(r.untouched);
        EXPECT_GT(r.end, 0u);
        EXPECT_LT(r.end, content.size());
        EXPECT_EQ(content[r.end - 1], '\n') << "ends at a line end";
        EXPECT_TRUE(r.hashed);
        EXPECT_EQ(StreamHash::restore(r.hash).digest(), StreamHash::of(std::string_view(content).substr(0, r.end)));
        EXPECT_NE(r.error.find("still being written"), std::string::npos) << r.error;
        // The file and where it stopped are named; zlib's own name for the stream is not.
        EXPECT_TRUE(r.failed);
        EXPECT_NE(r.error.find("at compressed byte " + std::to_string(gz.size() / 2)), std::string::npos) << r.error;
        EXPECT_NE(r.error.find(fmt::format("counted up to line {} (byte {} ", r.next_line - 1, r.end)),
                  std::string::npos)
            << r.error;
        EXPECT_EQ(r.error.find("<fd:"), std::string::npos) << r.error;
    }
}

TEST(Loader, ACorruptGzipIsNamedWithoutZlibsStreamName) {
    test::TempDir d;
    std::string content;
    for (int i = 0; i < 50; ++i) content += kS3;
    std::string gz = test::gzip(content);
    gz[gz.size() - 6] ^= 0x5a;  // the CRC: the data is known wrong only at its end
    const FileResult r = read_after(d.write("c.log.gz", gz), [](ReadJob&) {});
    EXPECT_TRUE(r.failed);
    EXPECT_EQ(r.error.find("<fd:"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("gzip: "), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("at compressed byte"), std::string::npos) << r.error;
}

TEST(Loader, UnreadInputsAreWhatTheFiguresLeaveOut) {
    const std::vector<InputProblem> listed{
        {"z/listed.log", "Permission denied"},
        {"loop", "a symlinked folder that leads back ...", InputProblem::Effect::NothingMissing}};
    LoadResult load;
    load.problems.push_back({"b.gz", "gzip: ...; counted up to line 3", InputProblem::Effect::ReadInPart});
    FileResult ok;
    ok.path = "a.log";
    FileResult no_format;  // its lines are counted (as rejected): nothing is missing
    no_format.path = "c.txt";
    no_format.error = "no known log format";
    FileResult denied;
    denied.path = "d.log";
    denied.error = "Permission denied";
    denied.untouched = true;
    FileResult cut;
    cut.path = "e.gz";
    cut.error = "gzip: unexpected end of file";
    cut.failed = true;
    cut.end = 700;
    FileResult crc;
    crc.path = "f.gz";
    crc.error = "gzip: incorrect data check; nothing of it is counted";
    crc.failed = true;
    load.files = {ok, no_format, denied, cut, crc};
    const auto unread = unread_inputs(listed, load);
    std::vector<std::string> got;
    for (const auto& u : unread) got.push_back(u.path + (u.partly ? " part" : " none"));
    EXPECT_EQ(got,
              (std::vector<std::string>{"b.gz part", "d.log none", "e.gz part", "f.gz none", "z/listed.log none"}));
}

TEST(Loader, FollowDoesNotJudgeAPendingPartialLine) {
    test::TempDir d;
    const std::string line(kS3);
    const auto p = d.write("p.log", line.substr(0, 40));  // no newline yet
    FileResult r = read_after(p, [](ReadJob&) {}, true);
    EXPECT_TRUE(r.error.empty()) << r.error;
    EXPECT_EQ(r.end, 0u);
    d.write("p.log", line);
    r = read_after(p, [](ReadJob&) {}, true);
    EXPECT_TRUE(r.error.empty()) << r.error;
    EXPECT_EQ(r.format, "s3");
    EXPECT_EQ(r.end, line.size());
}

/// Everything the ledger keeps of one file's read (FileResult minus the path).
std::string describe(const FileResult& f) {
    std::string s = f.format + "|" + std::to_string(f.bytes) + "|" + std::to_string(f.lines) + "|" + f.error + "|" +
                    std::to_string(f.end) + "|" + std::to_string(f.next_line) + "|" + std::to_string(f.hashed) + "|" +
                    std::to_string(f.gzip);
    if (f.hashed) s += "|h" + std::to_string(StreamHash::restore(f.hash).digest());
    s += "|" + (f.head_hash ? std::to_string(*f.head_hash) : "-") + "|" +
         (f.tail_hash ? std::to_string(*f.tail_hash) : "-");
    if (f.head_prefixes) {
        for (const auto& p : *f.head_prefixes) s += "|p" + std::to_string(p.length) + ":" + std::to_string(p.digest);
    }
    return s;
}

// A small file is read whole by a parse worker (a block of whole_file_block_bytes at a time), a
// big one cut into blocks by the reader: the same files read either way give the same results
// per file (what the ledger keeps), the same counts and the same rejected lines.
TEST(Loader, AFileReadWholeByAWorkerGivesWhatTheReaderGives) {
    test::TempDir d;
    std::string many;
    for (int i = 0; i < 60; ++i) many += kS3;  // ~14 KB
    d.write("a-s3.log", many);
    d.write("b-s3-no-newline.log", many + std::string(kS3).substr(0, 40));
    d.write("c-long-line.log", many + std::string(5000, 'x') + "\n" + many);
    d.write("d-access.log", std::string(kCombined) + kCombined);
    d.write("e-trail.json", kCloudTrail);
    d.write("f-notes.txt", "hello\nworld\n");
    d.write("g-s3.log.gz", test::gzip(many + many));
    d.write("h-empty.log", "");
    d.write("i-blank-first.log", "\n\n" + many);
    std::vector<InputProblem> problems;
    const auto files = collect_inputs({d.path().string()}, problems);
    ASSERT_EQ(files.size(), 9u);

    struct Run {
        std::vector<std::string> files;
        std::vector<std::string> rejects;
        ReportResult report;
    };
    auto run = [&](std::size_t block_bytes, bool follow, std::size_t whole_file_block_bytes = 128 << 10) {
        Engine e(EngineConfig{});
        LoaderOptions o;
        o.max_line_bytes = 3000;
        o.block_bytes = block_bytes;
        o.whole_file_block_bytes = whole_file_block_bytes;
        o.workers = 2;
        Loader l(e, o);
        Run out;
        std::mutex m;
        l.set_reject_sink([&](const RejectedLine& r, const std::string& path) {
            std::lock_guard g(m);
            out.rejects.push_back(path + ":" + std::to_string(r.line_no) + ":" + r.text.substr(0, 50));
        });
        std::vector<ReadJob> jobs;
        for (const auto& f : files) {
            ReadJob j;
            j.file = f;
            j.take_partial_tail = !follow;
            jobs.push_back(j);
        }
        for (const auto& f : l.load_jobs(jobs).files) out.files.push_back(describe(f));
        std::sort(out.rejects.begin(), out.rejects.end());
        out.report = e.report(ReportSpec{});
        return out;
    };
    for (const bool follow : {false, true}) {
        SCOPED_TRACE(follow ? "follow" : "to the end");
        const Run whole = run(1 << 20, follow);  // every file under the block size: workers
        const Run cut = run(4096, follow);       // every file over it (but e, f, h): the reader
        // Workers again, each file read and parsed 100 bytes at a time (shorter than every S3
        // line and the file's edges kept for the ledger): the same again, but for the file with
        // an over-long line: read in pieces, that line is skipped while it is read, as the
        // reader skips one longer than its buffer, and the skipped bytes are not hashed.
        const Run pieces = run(1 << 20, follow, 100);
        ASSERT_EQ(whole.files.size(), pieces.files.size());
        for (std::size_t i = 0; i < whole.files.size(); ++i) {
            if (files[i].path.ends_with("c-long-line.log")) {
                const auto counted = [](const std::string& text) {  // format|bytes|lines|error|end|next_line
                    std::size_t at = 0;
                    for (int f = 0; f < 6 && at != std::string::npos; ++f) at = text.find('|', at + 1);
                    return text.substr(0, at);
                };
                EXPECT_EQ(counted(whole.files[i]), counted(pieces.files[i]));
                EXPECT_EQ(pieces.files[i].substr(counted(pieces.files[i]).size()), "|0|0|-|-");
            } else {
                EXPECT_EQ(whole.files[i], pieces.files[i]) << files[i].path;
            }
        }
        EXPECT_EQ(whole.rejects, pieces.rejects);
        EXPECT_EQ(whole.report.lines.read, pieces.report.lines.read);
        EXPECT_EQ(whole.report.lines.unparsed, pieces.report.lines.unparsed);
        EXPECT_EQ(whole.report.totals.bytes_sent, pieces.report.totals.bytes_sent);
        EXPECT_EQ(whole.files, cut.files);
        EXPECT_EQ(whole.rejects, cut.rejects);
        EXPECT_EQ(whole.report.lines.read, cut.report.lines.read);
        EXPECT_EQ(whole.report.lines.parsed, cut.report.lines.parsed);
        EXPECT_EQ(whole.report.lines.unparsed, cut.report.lines.unparsed);
        EXPECT_EQ(whole.report.totals.bytes_sent, cut.report.totals.bytes_sent);
        EXPECT_EQ(whole.report.totals.requests, cut.report.totals.requests);
        // Not vacuous: records, a line_too_long, no_format lines, a partial tail.
        EXPECT_EQ(whole.report.lines.parsed, 60u * 7 + 2 + 1);  // s3 lines (a, b, c, g, i), d, e
        EXPECT_EQ(whole.report.lines.unparsed[static_cast<std::size_t>(RejectReason::LineTooLong)], 1u);
    }
}

// Small files go to the workers in runs of about a block's bytes, not one hand-over each (over
// 100,000 files a hand-over per file was a tenth of the CPU); a big file between them ends a
// run. Each file is still read once, whole, and told done in order.
TEST(Loader, SmallFilesAreHandedToTheWorkersInRuns) {
    test::TempDir d;
    std::string lines;
    for (int i = 0; i < 10; ++i) lines += kS3;  // ~2.3 KB
    std::string big;
    for (int i = 0; i < 400; ++i) big += kS3;  // ~92 KB: over the block size below
    for (int i = 0; i < 300; ++i) d.write(fmt::format("{:03}-s3.log", i), i == 150 ? big : lines);
    std::vector<InputProblem> problems;
    const auto files = collect_inputs({d.path().string()}, problems);
    ASSERT_EQ(files.size(), 300u);
    Engine e(EngineConfig{});
    LoaderOptions o;
    o.block_bytes = 64 << 10;
    o.workers = 2;
    Loader l(e, o);
    std::vector<std::size_t> told;
    l.set_file_done([&](std::size_t i, const FileResult&) { told.push_back(i); });
    const LoadResult r = l.load(files);
    // 299 small files of ~6.4 KB counted (their bytes and 4 KiB each): ~10 a run, so ~30
    // runs, and the big file's two blocks.
    EXPECT_LE(r.handovers, 40u);
    EXPECT_GE(r.handovers, 25u);
    ASSERT_EQ(told.size(), 300u);
    for (std::size_t i = 0; i < told.size(); ++i) EXPECT_EQ(told[i], i);
    for (const auto& f : r.files) EXPECT_TRUE(f.error.empty()) << f.path << ": " << f.error;
    EXPECT_EQ(e.report(ReportSpec{}).lines.parsed, 299u * 10 + 400);
}

// A file of kS3 lines, ~200 KB (over a small block_bytes), as big-s3.log in `d`; its text.
std::string write_big_s3(test::TempDir& d) {
    std::string big;
    while (big.size() < 200'000) big += kS3;
    d.write("big-s3.log", big);
    return big;
}

// A big file (over block_bytes) is cut by the reader into blocks of at most reader_block_bytes
// for the workers: a 200 KB file in 16 KiB blocks is a dozen hand-overs, every line counted.
TEST(Loader, TheReaderCutsABigFileIntoBlocksOfReaderBlockBytes) {
    test::TempDir d;
    const std::string big = write_big_s3(d);
    std::vector<InputProblem> problems;
    const auto files = collect_inputs({d.path().string()}, problems);
    auto run = [&](std::size_t reader_block_bytes) {
        Engine e(EngineConfig{});
        LoaderOptions o;
        o.block_bytes = 64 << 10;
        o.reader_block_bytes = reader_block_bytes;
        o.workers = 2;
        Loader l(e, o);
        const LoadResult r = l.load(files);
        EXPECT_EQ(e.report(ReportSpec{}).lines.parsed, big.size() / std::string_view(kS3).size());
        return r.handovers;
    };
    const auto small = run(16 << 10);  // ~12.2 blocks
    EXPECT_GE(small, 12u);
    EXPECT_LE(small, 14u);
    EXPECT_LE(run(1 << 20), 4u);  // block_bytes (64 KiB) then bounds it: ~3.1 blocks
}

// Each parse worker names its thread s3top-parse/N, N its number (top -H, perf, gdb tell them
// apart). A big file in many blocks keeps both busy; each worker's first batch waits until the
// other's has come, so both surely hand one over.
TEST(Loader, EachParseWorkerNamesItsThreadByItsNumber) {
#if !defined(__linux__)
    GTEST_SKIP() << "no thread names on this system";
#endif
    test::TempDir d;
    const std::string big = write_big_s3(d);
    std::vector<InputProblem> problems;
    const auto files = collect_inputs({d.path().string()}, problems);
    Engine e(EngineConfig{});
    LoaderOptions o;
    o.block_bytes = 16 << 10;
    o.reader_block_bytes = 4 << 10;  // ~49 blocks
    o.batch_lines = 4;
    o.workers = 2;
    Loader l(e, o);
    std::mutex m;
    std::condition_variable cv;
    std::map<std::thread::id, std::string> names;
    l.set_commit_sink([&](Batch&&, std::vector<Span>&&) {
        std::unique_lock g(m);
        if (!names.emplace(std::this_thread::get_id(), this_thread_name()).second) return;
        cv.notify_all();
        cv.wait_for(g, std::chrono::seconds(30), [&] { return names.size() >= 2; });
    });
    (void)l.load(files);
    std::vector<std::string> seen;
    for (const auto& [id, name] : names) seen.push_back(name);
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen, (std::vector<std::string>{"s3top-parse/0", "s3top-parse/1"}));
}

// A line longer than a block but within max_line_bytes is one record, however small the blocks:
// the reader's buffers hold the longest line taken (they held two blocks, so with 4 KiB blocks
// a 10 KB line was rejected as line_too_long).
TEST(Loader, ALineLongerThanABlockButWithinTheLimitIsOneRecord) {
    test::TempDir d;
    std::string line = kS3;
    line.replace(line.find("curl/8"), 6, std::string(10'000, 'a'));
    std::string text;
    for (int i = 0; i < 20; ++i) text += i == 10 ? line : std::string(kS3);
    d.write("a-s3.log", text);
    std::vector<InputProblem> problems;
    const auto files = collect_inputs({d.path().string()}, problems);
    for (const std::size_t block : {std::size_t{4096}, std::size_t{64} << 10}) {
        SCOPED_TRACE(block);
        Engine e(EngineConfig{});
        LoaderOptions o;
        o.block_bytes = block;  // under the file's size: the reader cuts it
        o.reader_block_bytes = block;
        o.max_line_bytes = 1 << 20;
        o.workers = 2;
        Loader l(e, o);
        (void)l.load(files);
        const ReportResult r = e.report(ReportSpec{});
        EXPECT_EQ(r.lines.parsed, 20u);
        EXPECT_EQ(r.lines.unparsed[static_cast<std::size_t>(RejectReason::LineTooLong)], 0u);
    }
}

// A commit sink takes each batch by reference and leaves what it did not keep: the worker hands
// the storage lines' room it left back to its builder (an ingest's sink leaves it), so the next
// batch's lines go into that memory; a sink that keeps them (the engine) leaves none, and
// every line is counted once either way.
TEST(LoaderCommit, TheNextBatchReusesTheStorageLinesRoomTheSinkLeft) {
    const std::string put =
        "owner bkt [06/Feb/2019:00:00:38 +0000] 192.0.2.3 - REQ REST.PUT.OBJECT k \"PUT /bkt/k?org=a HTTP/1.1\" 200 - "
        "- "
        "100 5 1 \"-\" \"curl/8\" - hid SigV4 C AuthHeader h TLSv1.2 - -\n";
    constexpr std::size_t kRoom = 1000;  // what the sink leaves: far more than a batch of 4 takes
    test::TempDir d;
    std::string text;
    for (int i = 0; i < 16; ++i) text += put;
    d.write("a-s3.log", text);
    std::vector<InputProblem> problems;
    const auto files = collect_inputs({d.path().string()}, problems);
    ASSERT_EQ(files.size(), 1u);
    for (const bool keep : {false, true}) {
        Engine e(EngineConfig{});
        LoaderOptions o;
        o.workers = 1;
        o.batch_lines = 4;
        o.whole_file_block_bytes = 4 * put.size();  // read about 4 lines at a time: a batch each
        o.storage_lines = true;
        Loader l(e, o);
        std::vector<std::size_t> capacities;  // of each batch's lines, as it came
        std::uint64_t lines = 0;
        l.set_commit_sink([&](Batch&& b, std::vector<Span>&&) {
            if (b.storage.lines.empty()) return;  // the last flush: nothing left to read
            capacities.push_back(b.storage.lines.capacity());
            lines += b.storage.lines.size();
            if (keep) {  // as the engine does: the lines are kept, nothing left
                StorageLines kept = std::move(b.storage);
                b = Batch();
            } else {  // as an ingest's sink does: the room left, here more of it
                b.storage.lines.reserve(kRoom);
            }
        });
        const LoadResult r = l.load(files);
        ASSERT_EQ(r.files.size(), 1u);
        EXPECT_EQ(r.files[0].lines, 16u);
        EXPECT_EQ(lines, 16u) << "keep " << keep;
        ASSERT_GE(capacities.size(), 3u) << "keep " << keep;  // batches of about 4 lines
        EXPECT_LT(capacities[0], kRoom);
        for (std::size_t i = 1; i < capacities.size(); ++i) {
            if (keep) {
                EXPECT_LT(capacities[i], kRoom) << i;
            } else {
                EXPECT_GE(capacities[i], kRoom) << "batch " << i << "'s lines not in the room the sink left";
            }
        }
    }
}

// A record sink (the state file's) sees every batch once, with the spans it holds, and the
// worker still hands each to the engine itself (held while the engine is busy, as without one):
// the spans cover every file's bytes once and the engine counts every line once.
TEST(Loader, ARecordSinkSeesEveryBatchOnceAndTheEngineStillCountsIt) {
    test::TempDir d;
    for (int i = 0; i < 4; ++i) d.write(fmt::format("{}-s3.log", i), std::string(kS3) + kS3 + kS3);
    std::vector<InputProblem> problems;
    const auto files = collect_inputs({d.path().string()}, problems);
    ASSERT_EQ(files.size(), 4u);
    Engine e(EngineConfig{});
    LoaderOptions o;
    o.workers = 2;
    o.batch_lines = 1;  // a batch a line
    Loader l(e, o);
    std::mutex m;
    std::uint64_t rows = 0, lines = 0;
    std::vector<std::uint64_t> covered(files.size());
    l.set_record_sink([&](const Batch& b, const std::vector<Span>& spans) {
        std::lock_guard g(m);
        rows += b.columns.size();
        for (const Span& s : spans) {
            covered[s.job] += s.end - s.begin;
            lines += s.lines;
        }
    });
    const LoadResult r = l.load(files);
    ASSERT_EQ(r.files.size(), 4u);
    EXPECT_EQ(rows, 12u);
    EXPECT_EQ(lines, 12u);
    for (std::size_t i = 0; i < files.size(); ++i) EXPECT_EQ(covered[i], files[i].size) << i;
    EXPECT_EQ(e.lines().read, 12u);
    EXPECT_EQ(e.lines().parsed, 12u);
    EXPECT_EQ(e.records(), 12u);
}

// A plan still going on: the jobs fed so far are read (their batches committed) before the
// feed is closed; files are told done only once it is, in order, each once.
TEST(LoaderFeed, ReadsTheJobsFedSoFarWhileThePlanGoesOn) {
    test::TempDir d;
    for (int i = 0; i < 3; ++i) d.write(fmt::format("{}-s3.log", i), std::string(kS3) + kS3);
    std::vector<InputProblem> problems;
    const auto files = collect_inputs({d.path().string()}, problems);
    ASSERT_EQ(files.size(), 3u);
    std::vector<ReadJob> jobs(files.size());
    Engine e(EngineConfig{});
    LoaderOptions o;
    o.workers = 2;
    o.batch_lines = 1;  // every line its own batch: committed at once
    Loader l(e, o);
    std::mutex m;
    std::condition_variable seen;
    std::vector<std::uint32_t> committed;  // the job of each span committed
    std::vector<std::size_t> told;
    l.set_commit_sink([&](Batch&& b, std::vector<Span>&& spans) {
        e.append(std::move(b));
        std::lock_guard g(m);
        for (const Span& s : spans) committed.push_back(s.job);
        seen.notify_all();
    });
    l.set_file_done([&](std::size_t i, const FileResult&) {
        std::lock_guard g(m);
        told.push_back(i);
    });
    JobFeed feed;
    LoadResult r;
    std::jthread loading([&] { r = l.load_fed(jobs, feed, nullptr); });
    jobs[0].file = files[0];
    feed.publish(1);
    bool early = false;
    {
        std::unique_lock g(m);
        early = seen.wait_for(g, std::chrono::seconds(20), [&] { return !committed.empty(); });
        EXPECT_TRUE(early) << "job 0 not committed while the feed is open";
        EXPECT_EQ(std::count(committed.begin(), committed.end(), 0u), static_cast<long>(committed.size()));
        EXPECT_TRUE(told.empty()) << "a file told done before the plan was over";
    }
    jobs[1].file = files[1];
    jobs[2].file = files[2];
    feed.publish(3);
    feed.close();
    loading.join();
    ASSERT_EQ(r.files.size(), 3u);
    EXPECT_EQ(told, (std::vector<std::size_t>{0, 1, 2}));
    for (const auto& f : r.files) EXPECT_EQ(f.lines, 2u) << f.path;
    EXPECT_EQ(e.report(ReportSpec{}).lines.parsed, 6u);
}

// A feed closed with fewer jobs than the vector has room for: those are the load's files, and
// a load cancelled while the plan goes on still tells every job it ends with, once closed.
TEST(LoaderFeed, EndsWithTheJobsTheFeedClosedWithAndTellsThemAllWhenCancelled) {
    test::TempDir d;
    for (int i = 0; i < 4; ++i) d.write(fmt::format("{}-s3.log", i), kS3);
    std::vector<InputProblem> problems;
    const auto files = collect_inputs({d.path().string()}, problems);
    ASSERT_EQ(files.size(), 4u);
    for (const bool cancelled : {false, true}) {
        std::vector<ReadJob> jobs(files.size());
        for (std::size_t i = 0; i < 2; ++i) jobs[i].file = files[i];
        Engine e(EngineConfig{});
        LoaderOptions o;
        o.workers = 2;
        Loader l(e, o);
        std::vector<std::size_t> told;
        l.set_file_done([&](std::size_t i, const FileResult&) { told.push_back(i); });
        std::atomic<bool> cancel{cancelled};
        JobFeed feed;
        feed.publish(1);
        LoadResult r;
        std::jthread loading([&] { r = l.load_fed(jobs, feed, &cancel); });
        feed.publish(2);
        feed.close();
        loading.join();
        ASSERT_EQ(r.files.size(), 2u) << cancelled;
        EXPECT_EQ(told, (std::vector<std::size_t>{0, 1})) << cancelled;
        if (!cancelled) {
            EXPECT_EQ(e.report(ReportSpec{}).lines.parsed, 2u);
        }
    }
}

}  // namespace
}  // namespace s3top
