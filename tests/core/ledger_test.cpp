// The ledger and state file: nothing counted twice across re-runs, restarts, copies, appends,
// truncations, renamed temp files, torn or corrupt state files, corrupt .gz files.
#include <gtest/gtest.h>
#include <fmt/format.h>
#include <zlib.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <span>
#include <thread>

#include "core/ingest/ingestor.hpp"
#include "core/ingest/inputs.hpp"
#include "core/ingest/loader.hpp"
#include "core/ingest/opened_file.hpp"
#include "support/ingest_run.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

namespace fs = std::filesystem;

/// A valid S3 access log line for `org` sending `bytes`.
std::string line(const std::string& org, std::uint64_t bytes, int sec = 0) {
    return "b19c5acf04bde8335e181211ba6f7ff3 bucket [01/Mar/2024:00:00:" + std::string(sec < 10 ? "0" : "") +
           std::to_string(sec) + " +0000] 10.0.0.1 - 235C7E3C30A0693F REST.GET.OBJECT k \"GET /bucket/k?org=" + org +
           " HTTP/1.1\" 200 - " + std::to_string(bytes) + " " + std::to_string(bytes) + " 24 20 \"-\" \"curl\" -\n";
}

std::string lines(const std::string& org, int n, std::uint64_t bytes = 100) {
    std::string s;
    for (int i = 0; i < n; ++i) s += line(org, bytes, i % 60);
    return s;
}

struct Totals {
    std::uint64_t requests = 0, bytes = 0, read = 0;
    friend bool operator==(const Totals&, const Totals&) = default;
    friend std::ostream& operator<<(std::ostream& o, const Totals& t) {
        return o << "{" << t.requests << " requests, " << t.bytes << " bytes, " << t.read << " read}";
    }
};

/// One run of the program over `dir`: opens the state (when given), ingests, returns totals.
Totals run(const fs::path& dir, const fs::path& state, std::vector<std::string>* notes = nullptr, bool follow = false) {
    test::IngestRun how;
    how.state = state;
    how.follow = follow;
    auto out = test::ingest_and_report({dir.string()}, how);
    if (notes) *notes = std::move(out.notes);
    return {out.report.totals.requests, out.report.totals.bytes_sent, out.lines.read};
}

void append(const fs::path& p, const std::string& s) {
    std::ofstream out(p, std::ios::binary | std::ios::app);
    out << s;
}

/// What a kill -9 part-way through ingest leaves in the state file: batches (records with the
/// spans of input they hold) for the byte ranges in `committed`, and no ledger entries (they
/// are written after the batches). Each range is [begin, end) of the file, on line bounds.
using Committed = std::vector<std::pair<fs::path, std::pair<std::uint64_t, std::uint64_t>>>;
void crash_leaving(const fs::path& state, const Committed& committed) {
    EngineConfig cfg;
    Engine scratch(cfg), restored(cfg);
    Ledger ledger;
    StateStore store;
    std::vector<std::string> notes;
    ASSERT_TRUE(test::ok(store.open(state, 42, restored, ledger, notes)));
    for (const auto& [path, range] : committed) {
        PlannedJob pj;
        pj.job.file.path = path;
        pj.job.begin = range.first;
        pj.job.end = range.second;
        pj.stat = *stat_file(path);
        LoaderOptions lo;
        lo.workers = 1;
        Loader loader(scratch, lo);
        loader.set_commit_sink(
            [&](Batch&& b, std::vector<Span>&& spans) { ASSERT_TRUE(test::ok(store.append_batch(b, spans, {pj}))); });
        const LoadResult r = loader.load_jobs({pj.job});
        ASSERT_EQ(r.files.at(0).end, range.second);
    }
}

/// Bytes in the first `n` lines of a file.
std::uint64_t line_bytes(const std::string& content, int n) {
    std::size_t pos = 0;
    for (int i = 0; i < n; ++i) pos = content.find('\n', pos) + 1;
    return pos;
}

class LedgerTest : public ::testing::Test {
protected:
    test::TempDir tmp;
    fs::path logs() const { return tmp.path() / "logs"; }
    fs::path state() const { return tmp.path() / "state" / "x.state"; }
};

// The line ends kept as starts of a stream (keeps_head_prefix, which the plan's one pass over a
// head applies too): before the end given (the whole content is no start of itself), within the
// first KiB, the first eight.
TEST(HeadPrefixes, LineEndsBeforeTheEndWithinTheFirstKiBTheFirstEight) {
    const auto lengths = [](std::string_view head, std::uint64_t end) {
        std::vector<std::uint64_t> out;
        for (const HeadPrefix& p : head_prefixes(head, end)) {
            EXPECT_EQ(p.digest, StreamHash::of(head.substr(0, p.length))) << p.length;
            out.push_back(p.length);
        }
        return out;
    };
    using L = std::vector<std::uint64_t>;
    EXPECT_EQ(lengths("a\nbb\n", 5), (L{2}));
    EXPECT_EQ(lengths("a\nbb\n", ReadJob::kToEnd), (L{2, 5}));
    EXPECT_EQ(lengths("a\nbb\nc", ReadJob::kToEnd), (L{2, 5}));
    EXPECT_EQ(lengths(std::string(20, '\n'), ReadJob::kToEnd), (L{1, 2, 3, 4, 5, 6, 7, 8}));
    const std::string kib = std::string(1023, 'x') + "\n" + "y\n";  // ends at 1024 and 1026
    EXPECT_EQ(lengths(kib, ReadJob::kToEnd), (L{1024}));
    EXPECT_TRUE(keeps_head_prefix(kEdgeBytes, kEdgeBytes + 1, kMaxHeadPrefixes - 1));
    EXPECT_FALSE(keeps_head_prefix(kEdgeBytes + 1, ReadJob::kToEnd, 0));
    EXPECT_FALSE(keeps_head_prefix(5, 5, 0));
    EXPECT_FALSE(keeps_head_prefix(2, 5, kMaxHeadPrefixes));
}

TEST_F(LedgerTest, ReRunAndRestartCountNothingTwice) {
    tmp.write("logs/a", lines("a", 10));
    tmp.write("logs/b", lines("b", 5, 7));
    const Totals want{15, 10 * 100 + 5 * 7, 15};
    EXPECT_EQ(run(logs(), state()), want);
    EXPECT_EQ(run(logs(), state()), want);  // restored from the state file, nothing read
    tmp.write("logs/c", lines("c", 3));     // restart mid-folder: only c is new
    EXPECT_EQ(run(logs(), state()), (Totals{18, 1335, 18}));
}

// s3:// objects are handed to the ingest as each lands: a round is read (its lines in the
// engine) before the next inputs are asked for, and an input handed twice, or one handed
// again after a restart, counts once.
TEST_F(LedgerTest, InputsArrivingDuringAnIngestAreReadInRoundsAndCountedOnce) {
    const fs::path a = tmp.write("logs/a", lines("a", 10));
    EngineConfig cfg;
    Engine engine(cfg);
    std::vector<std::string> notes;
    {
        Ingestor ing(engine, LoaderOptions{});
        ASSERT_TRUE(test::ok(ing.open_state(state(), 42, notes)));
        std::vector<std::uint64_t> read_when_asked;
        const auto more = [&]() -> std::optional<std::vector<InputFile>> {
            read_when_asked.push_back(engine.lines().read);
            if (read_when_asked.size() == 1) {
                const fs::path b = tmp.write("logs/b", lines("b", 5, 7));
                std::vector<InputProblem> problems;
                return collect_inputs({b.string(), a.string()}, problems);  // a again: already counted
            }
            return std::nullopt;
        };
        std::vector<InputProblem> problems;
        const IngestResult r = ing.ingest(collect_inputs({a.string()}, problems), false, nullptr, more);
        EXPECT_EQ(read_when_asked, (std::vector<std::uint64_t>{10, 15}));
        EXPECT_EQ(r.load.files.size(), 2u);
        EXPECT_EQ(r.counts.read, 2u);
        EXPECT_EQ(r.counts.unchanged, 1u);
    }
    EXPECT_EQ(engine.lines().read, 15u);
    Engine again(cfg);
    Ingestor ing(again, LoaderOptions{});
    ASSERT_TRUE(test::ok(ing.open_state(state(), 42, notes)));
    std::vector<InputProblem> problems;
    const IngestResult r = ing.ingest(collect_inputs({logs().string()}, problems), false);
    EXPECT_EQ(r.counts.unchanged, 2u);
    EXPECT_EQ(again.lines().read, 15u);  // restored, nothing read twice
}

TEST_F(LedgerTest, DuplicateContentUnderAnotherNameIsSkipped) {
    tmp.write("logs/a", lines("a", 10));
    tmp.write("logs/a-copy", lines("a", 10));  // same content, same run
    EXPECT_EQ(run(logs(), state()), (Totals{10, 1000, 10}));
    fs::copy_file(logs() / "a", logs() / "sub-again", fs::copy_options::overwrite_existing);  // synced again
    EXPECT_EQ(run(logs(), state()), (Totals{10, 1000, 10}));
    EXPECT_EQ(run(logs(), {}), (Totals{10, 1000, 10}));  // without a state file too
}

// A first run reads the files the plan has made final while it plans the rest (in chunks of
// heads): a copy, and a line-aligned start, of files in the first chunk that come in a
// later one are still found (matched against what was planned before them), with and without
// a state file, and a restart reads nothing again.
TEST_F(LedgerTest, AFirstRunLoadingWhileItPlansSkipsCopiesFromEarlierChunks) {
    constexpr int kFiles = 4200;
    for (int i = 0; i < kFiles; ++i) tmp.write(fmt::format("logs/f{:05}", i), lines(fmt::format("o{}", i), 2));
    tmp.write("logs/zz-copy", lines("o0", 2));   // all of f00000
    tmp.write("logs/zz-start", lines("o1", 1));  // f00001's first line
    const Totals want{2 * kFiles, 200 * kFiles, 2 * kFiles};
    EXPECT_EQ(run(logs(), {}), want);
    EXPECT_EQ(run(logs(), state()), want);
    EXPECT_EQ(run(logs(), state()), want);  // the restart: restored, nothing counted again
}

// A one-shot ingest (report, bill, storage without a state file) does not hash what it reads;
// copies and starts of files among its own inputs are still skipped (the plan compares them).
TEST_F(LedgerTest, AOneShotIngestSkipsCopiesAmongItsInputsWithoutHashingWhatItReads) {
    tmp.write("logs/a", lines("a", 10));
    tmp.write("logs/a-copy", lines("a", 10));
    tmp.write("logs/b", lines("b", 4, 7));
    tmp.write("logs/b-start", lines("b", 2, 7));  // b's first two lines
    test::IngestRun how;                          // one-shot, no state
    const auto one = test::ingest_and_report({logs().string()}, how);
    EXPECT_EQ(one.report.totals.requests, 14u);
    EXPECT_EQ(one.report.totals.bytes_sent, 10u * 100 + 4 * 7);
    EXPECT_EQ(one.result.counts.duplicate, 2u);
    ASSERT_EQ(one.result.load.files.size(), 2u);
    for (const auto& f : one.result.load.files) {
        EXPECT_FALSE(f.hashed) << f.path;
        // Nor its edges and head's line ends: the ledger takes them only if a plan comes after all.
        EXPECT_TRUE(f.edges_left) << f.path;
        EXPECT_FALSE(f.head_hash || f.tail_hash || f.head_prefixes) << f.path;
    }
    how.one_shot = false;  // as the dashboard reads: hashed, for the plans to come
    const auto kept = test::ingest_and_report({logs().string()}, how);
    EXPECT_EQ(kept.report.totals.requests, 14u);
    for (const auto& f : kept.result.load.files) {
        EXPECT_TRUE(f.hashed) << f.path;
        EXPECT_FALSE(f.edges_left) << f.path;
        EXPECT_TRUE(f.head_hash && f.tail_hash && f.head_prefixes) << f.path;
    }
}

// A plan after a one-shot ingest after all (another ingest on the same ingestor): what the
// one-shot round read is hashed first, so a copy of it arriving later is still a copy.
TEST_F(LedgerTest, APlanAfterAOneShotIngestMatchesFilesAgainstWhatItRead) {
    tmp.write("logs/a", lines("a", 10));
    tmp.write("logs/b", lines("b", 5, 7));
    Engine engine{EngineConfig{}};
    Ingestor ing(engine, test::IngestRun::two_workers());
    ing.set_one_shot(true);
    std::vector<InputProblem> problems;
    const IngestResult first = ing.ingest(collect_inputs({logs().string()}, problems), false);
    ASSERT_EQ(first.load.files.size(), 2u);
    EXPECT_FALSE(first.load.files[0].hashed);
    fs::copy_file(logs() / "a", logs() / "c-copy-of-a");
    tmp.write("logs/d-start-of-b", lines("b", 2, 7));  // a start of b: known by b's head's line ends
    const IngestResult second = ing.ingest(collect_inputs({logs().string()}, problems), false);
    EXPECT_EQ(second.counts.duplicate, 2u);
    EXPECT_EQ(second.counts.read, 0u);
    const ReportResult r = engine.report(ReportSpec{});
    EXPECT_EQ(r.totals.requests, 15u);
    EXPECT_EQ(r.totals.bytes_sent, 10u * 100 + 5 * 7);
}

// A one-shot ingest's files are recorded only when a plan comes after all: a file that changed
// between its plan and its read (here rewritten in place, shorter, while "a" is read) is planned
// again in the same ingest, against what was read before it: now a copy of "a", it adds nothing.
TEST_F(LedgerTest, AFileChangedWhileAOneShotIngestReadsIsPlannedAgainAgainstWhatItRead) {
    const std::string a = lines("a", 10);
    tmp.write("logs/a", a);
    tmp.write("logs/b", lines("b", 20, 7));  // longer than a: its rewrite reads short of the plan
    Engine engine{EngineConfig{}};
    LoaderOptions o;
    o.workers = 1;  // a then b, in one run of small files
    Ingestor ing(engine, o);
    ing.set_one_shot(true);
    std::atomic<bool> rewritten{false};
    ing.set_parser_factory(
        [&](std::string_view format, std::span<const std::string_view> first, const FormatOptions& options) {
            if (!first.empty() && !rewritten.exchange(true)) {
                std::ofstream(logs() / "b", std::ios::binary | std::ios::trunc) << a;  // in place: the same inode
            }
            return choose_format(format, first, options);
        });
    std::vector<InputProblem> problems;
    const IngestResult r = ing.ingest(collect_inputs({logs().string()}, problems), false);
    ASSERT_TRUE(rewritten.load());
    EXPECT_EQ(r.counts.duplicate, 1u);
    const ReportResult rep = engine.report(ReportSpec{});
    EXPECT_EQ(rep.totals.requests, 10u);
    EXPECT_EQ(rep.totals.bytes_sent, 10u * 100);
}

// Ledger::plan's `final`: called as chunks of heads are resolved and once at the end, never
// going down, and a job it has said is final is not changed afterwards.
TEST_F(LedgerTest, APlanSaysWhichJobsAreFinalChunkByChunk) {
    constexpr int kFiles = 4200;
    for (int i = 0; i < kFiles; ++i) tmp.write(fmt::format("logs/f{:05}", i), lines(fmt::format("o{}", i), 1));
    std::vector<InputProblem> problems;
    const auto inputs = collect_inputs({logs().string()}, problems);
    ASSERT_EQ(inputs.size(), static_cast<std::size_t>(kFiles));
    Ledger ledger;
    PlanCounts counts;
    std::vector<PlannedJob> out;
    std::vector<std::size_t> calls;
    std::vector<std::string> seen;  // the path of each job when it was said final
    ledger.plan(inputs, false, counts, problems, out, [&](std::size_t n) {
        ASSERT_LE(n, out.size());
        if (!calls.empty()) {
            ASSERT_GE(n, calls.back());
        }
        calls.push_back(n);
        for (std::size_t k = seen.size(); k < n; ++k) seen.push_back(out[k].job.file.path);
    });
    ASSERT_EQ(out.size(), static_cast<std::size_t>(kFiles));
    ASSERT_FALSE(calls.empty());
    EXPECT_EQ(calls.back(), out.size());
    EXPECT_TRUE(std::any_of(calls.begin(), calls.end(), [&](std::size_t n) { return n > 0 && n < out.size(); }))
        << "no job said final before the plan's end";
    ASSERT_EQ(seen.size(), out.size());
    for (std::size_t k = 0; k < out.size(); ++k) EXPECT_EQ(seen[k], out[k].job.file.path);
}

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

TEST(OpenedFile, IsTakenOnceClosedWhenNoReaderTookItAndHeldWithinALimit) {
    const std::size_t before = OpenedFile::held();
    const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    auto taken = OpenedFile::hold(fd, std::chrono::milliseconds(0));
    ASSERT_TRUE(taken);
    EXPECT_EQ(OpenedFile::held(), before + 1);
    EXPECT_EQ(taken->take(), fd);
    EXPECT_EQ(taken->take(), -1) << "once";
    EXPECT_EQ(OpenedFile::held(), before) << "taken: the reader holds it now";
    taken.reset();
    EXPECT_TRUE(is_open(fd)) << "the reader closes what it took";
    ::close(fd);
    std::vector<std::shared_ptr<OpenedFile>> held;
    std::vector<int> fds;
    while (OpenedFile::held() < OpenedFile::kMaxHeld) {
        fds.push_back(::open("/dev/null", O_RDONLY | O_CLOEXEC));
        ASSERT_GE(fds.back(), 0);
        held.push_back(OpenedFile::hold(fds.back(), std::chrono::milliseconds(0)));
        ASSERT_TRUE(held.back());
    }
    const int one_more = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    EXPECT_FALSE(OpenedFile::hold(one_more, std::chrono::milliseconds(20))) << "no room: not held";
    EXPECT_FALSE(is_open(one_more)) << "and closed";
    // Readers taking a quarter of them wake a plan waiting for room (once, not at each take).
    std::jthread reader([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        for (std::size_t i = 0; i < OpenedFile::kMaxHeld / 4; ++i) ::close(held[i]->take());
    });
    const int waiting = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    constexpr auto kLong = std::chrono::seconds(30);
    const auto asked = std::chrono::steady_clock::now();
    auto got = OpenedFile::hold(waiting, kLong);
    EXPECT_TRUE(got);
    EXPECT_LT(std::chrono::steady_clock::now() - asked, kLong) << "woken, not let in by its time running out";
    reader.join();
    got.reset();
    EXPECT_FALSE(is_open(waiting)) << "never taken: closed with its last job";
    held.clear();
    for (const int each : fds) EXPECT_FALSE(is_open(each)) << "taken and closed, or closed untaken";
    EXPECT_EQ(OpenedFile::held(), before);
}

// A plan a loader reads as it goes (`final`) holds each file's descriptor for the job that reads
// it: the very file (device and inode), and none for a copy it skips; a plan without a loader
// reading along holds none.
TEST_F(LedgerTest, APlanReadAsItGoesHoldsEachFilesDescriptorForItsJob) {
    tmp.write("logs/a", lines("a", 3));
    tmp.write("logs/a-copy", lines("a", 3));
    tmp.write("logs/b", lines("b", 2));
    std::vector<InputProblem> problems;
    const auto inputs = collect_inputs({logs().string()}, problems);
    const std::size_t before = OpenedFile::held();
    {
        Ledger ledger;
        PlanCounts counts;
        std::vector<PlannedJob> out;
        ledger.plan(inputs, false, counts, problems, out, [](std::size_t) {});
        ASSERT_EQ(out.size(), 2u);
        EXPECT_EQ(counts.duplicate, 1u);
        EXPECT_EQ(OpenedFile::held(), before + 2) << "the copy's descriptor is closed";
        for (const PlannedJob& pj : out) {
            ASSERT_TRUE(pj.job.opened) << pj.job.file.path;
            const int fd = pj.job.opened->take();
            struct stat st{};
            ASSERT_EQ(::fstat(fd, &st), 0);
            EXPECT_EQ(static_cast<std::uint64_t>(st.st_ino), pj.job.file.ino) << pj.job.file.path;
            ::close(fd);
        }
        EXPECT_EQ(OpenedFile::held(), before);
    }
    Ledger ledger;
    PlanCounts counts;
    for (const PlannedJob& pj : ledger.plan(inputs, false, counts, problems)) EXPECT_FALSE(pj.job.opened);
}

// The reader takes the descriptor the plan held instead of opening the path again: a file
// renamed away after the plan is still read, whole, as the plan judged it.
TEST_F(LedgerTest, TheReaderReadsTheFileThePlanHeldOpen) {
    tmp.write("logs/a", lines("a", 5));
    std::vector<InputProblem> problems;
    const auto inputs = collect_inputs({logs().string()}, problems);
    Ledger ledger;
    PlanCounts counts;
    std::vector<PlannedJob> out;
    ledger.plan(inputs, false, counts, problems, out, [](std::size_t) {});
    ASSERT_EQ(out.size(), 1u);
    fs::rename(logs() / "a", tmp.path() / "moved");
    Engine engine{EngineConfig{}};
    Loader loader(engine, LoaderOptions{});
    const LoadResult r = loader.load_jobs({out[0].job});
    ASSERT_EQ(r.files.size(), 1u);
    EXPECT_TRUE(r.files[0].error.empty()) << r.files[0].error;
    EXPECT_EQ(r.files[0].lines, 5u);
    EXPECT_EQ(engine.report(ReportSpec{}).totals.requests, 5u);
}

// Files listed by name only (StatFiles::WhenOpened) are planned as the descriptor their head
// is read from says (the same stat a look at the path gives), whether the plan holds it for the
// reader or not; a copy among them is a duplicate with its own stat.
TEST_F(LedgerTest, APlanTakesTheStatOfFilesListedByNameOnlyFromTheirDescriptors) {
    tmp.write("logs/a", lines("a", 5));
    tmp.write("logs/a-copy", lines("a", 5));
    tmp.write("logs/b", lines("b", 3, 7));
    std::vector<InputProblem> problems;
    const auto inputs = collect_inputs({logs().string()}, problems, StatFiles::WhenOpened);
    ASSERT_EQ(inputs.size(), 3u);
    for (const bool read_along : {true, false}) {
        Ledger ledger;
        PlanCounts counts;
        std::vector<PlannedJob> out;
        if (read_along) {
            ledger.plan(inputs, false, counts, problems, out, [](std::size_t) {});
        } else {
            out = ledger.plan(inputs, false, counts, problems);
        }
        ASSERT_EQ(out.size(), 2u) << read_along;
        EXPECT_EQ(counts.duplicate, 1u);
        for (const PlannedJob& pj : out) {
            const std::string& path = pj.job.file.path;
            const auto st = stat_file(path);
            ASSERT_TRUE(st);
            EXPECT_EQ(pj.stat, *st) << path;
            EXPECT_TRUE(pj.job.file.stated) << path;
            EXPECT_EQ(pj.job.file.ino, st->ino) << path;
            EXPECT_EQ(pj.job.file.size, st->size) << path;
            EXPECT_EQ(pj.job.end, st->size) << path;
            EXPECT_EQ(static_cast<bool>(pj.job.opened), read_along) << path;
        }
        const LedgerEntry* copy = ledger.find((logs() / "a-copy").string());
        ASSERT_TRUE(copy);
        EXPECT_EQ(copy->stat, *stat_file(logs() / "a-copy"));
    }
}

// The plan opens the files of a folder relative to it (a run of several sharing it) and the
// others by their paths: each held descriptor is the file its job names, in a folder of many,
// in sub-folders of one or two, through a symlinked folder, and with the inode the listing saw.
TEST_F(LedgerTest, HeadsAreReadFromTheFilesTheJobsNameWhereverTheirFoldersAre) {
    for (int i = 0; i < 6; ++i) tmp.write(fmt::format("logs/f{}", i), lines(fmt::format("f{}", i), 1 + i));
    tmp.write("logs/one/x", lines("x", 2));
    tmp.write("logs/two/y", lines("y", 3));
    tmp.write("logs/two/z", lines("z", 4));
    for (int i = 0; i < 5; ++i) tmp.write(fmt::format("elsewhere/g{}", i), lines(fmt::format("g{}", i), 7 + i));
    fs::create_directory_symlink(tmp.path() / "elsewhere", logs() / "linked");
    for (const StatFiles how : {StatFiles::Listed, StatFiles::WhenOpened}) {
        std::vector<InputProblem> problems;
        const auto inputs = collect_inputs({logs().string()}, problems, how);
        ASSERT_EQ(inputs.size(), 14u);
        Ledger ledger;
        PlanCounts counts;
        std::vector<PlannedJob> out;
        ledger.plan(inputs, false, counts, problems, out, [](std::size_t) {});
        ASSERT_EQ(out.size(), 14u);
        for (const PlannedJob& pj : out) {
            ASSERT_TRUE(pj.job.opened) << pj.job.file.path;
            const int fd = pj.job.opened->take();
            struct stat st{};
            ASSERT_EQ(::fstat(fd, &st), 0);
            ::close(fd);
            EXPECT_EQ(static_cast<std::uint64_t>(st.st_ino), stat_file(pj.job.file.path)->ino) << pj.job.file.path;
            EXPECT_EQ(static_cast<std::uint64_t>(st.st_ino), pj.job.file.ino) << pj.job.file.path;
        }
    }
}

// A file listed by name only that is gone when the plan opens it is not counted, and said so;
// the others are read.
TEST_F(LedgerTest, AFileListedByNameOnlyAndGoneBeforeThePlanIsNamedNotCounted) {
    tmp.write("logs/a", lines("a", 5));
    tmp.write("logs/b", lines("b", 3, 7));
    std::vector<InputProblem> problems;
    const auto inputs = collect_inputs({logs().string()}, problems, StatFiles::WhenOpened);
    fs::remove(logs() / "b");
    Engine engine{EngineConfig{}};
    Ingestor ing(engine, test::IngestRun::two_workers());
    const IngestResult r = ing.ingest(inputs, false);
    EXPECT_EQ(engine.report(ReportSpec{}).totals.requests, 5u);
    const auto unread = unread_inputs({}, r.load);
    ASSERT_EQ(unread.size(), 1u);
    EXPECT_EQ(unread[0].path, (logs() / "b").string());
    EXPECT_FALSE(unread[0].reason.empty());
    EXPECT_FALSE(unread[0].partly);
}

// The plan holds a descriptor only for the file listed (the same inode, not shorter): one
// replaced or truncated between the listing and the plan is opened by its reader, which finds
// it changed, so it is planned again as it is.
TEST_F(LedgerTest, APlanHoldsNoDescriptorForAFileChangedSinceItsListing) {
    tmp.write("logs/a", lines("a", 5));
    tmp.write("logs/b", lines("b", 5));
    std::vector<InputProblem> problems;
    const auto inputs = collect_inputs({logs().string()}, problems);
    tmp.write("new-a", lines("c", 6));
    fs::rename(tmp.path() / "new-a", logs() / "a");               // another inode under the name
    fs::resize_file(logs() / "b", line_bytes(lines("b", 5), 2));  // shorter than listed
    Ledger ledger;
    PlanCounts counts;
    std::vector<PlannedJob> out;
    ledger.plan(inputs, false, counts, problems, out, [](std::size_t) {});
    ASSERT_EQ(out.size(), 2u);
    std::vector<ReadJob> jobs;
    for (const PlannedJob& pj : out) {
        EXPECT_FALSE(pj.job.opened) << pj.job.file.path;
        jobs.push_back(pj.job);
    }
    Engine engine{EngineConfig{}};
    Loader loader(engine, LoaderOptions{});
    const LoadResult r = loader.load_jobs(jobs);
    for (const FileResult& f : r.files) EXPECT_TRUE(f.untouched && f.changed) << f.path << ": " << f.error;
    EXPECT_EQ(engine.report(ReportSpec{}).totals.requests, 0u);
}

// The reader does not look at a held descriptor's stat again: a file truncated after the plan
// is found by its first read ending short of the planned size (a small file's only read), or,
// when that read is full, by one look at its length; either way nothing of it is taken and it
// is planned again.
TEST_F(LedgerTest, AFileTruncatedAfterThePlanThatHeldItIsNotReadAsPlanned) {
    const std::string a = lines("a", 5);
    for (const std::size_t first_read : {std::size_t{128} << 10, std::size_t{64}}) {
        for (const std::size_t left : {std::size_t{10}, line_bytes(a, 3)}) {
            tmp.write("logs/a", a);
            std::vector<InputProblem> problems;
            const auto inputs = collect_inputs({logs().string()}, problems, StatFiles::WhenOpened);
            Ledger ledger;
            PlanCounts counts;
            std::vector<PlannedJob> out;
            ledger.plan(inputs, false, counts, problems, out, [](std::size_t) {});
            ASSERT_EQ(out.size(), 1u);
            ASSERT_TRUE(out[0].job.opened);
            fs::resize_file(logs() / "a", left);
            Engine engine{EngineConfig{}};
            LoaderOptions o;
            o.whole_file_block_bytes = first_read;
            Loader loader(engine, o);
            const LoadResult r = loader.load_jobs({out[0].job});
            ASSERT_EQ(r.files.size(), 1u);
            EXPECT_TRUE(r.files[0].untouched && r.files[0].changed)
                << first_read << " " << left << ": " << r.files[0].error;
            EXPECT_EQ(engine.report(ReportSpec{}).totals.requests, 0u) << first_read << " " << left;
            fs::remove(logs() / "a");
        }
    }
}

// A kill -9 with two workers can commit a later block of a file before an earlier one: the
// file is then ingested in two ranges (restart reads the gap). Its content hash must still be
// known afterwards, or a copy of it under another name is counted again (#4).
TEST_F(LedgerTest, CopyOfAFileSplitByACrashIsADuplicate) {
    const std::string a = lines("a", 40), b = lines("b", 10, 7);
    tmp.write("logs/a", a);
    tmp.write("logs/b", b);
    const Totals want{50, 4070, 50};
    crash_leaving(state(), {{logs() / "a", {0, line_bytes(a, 12)}},
                            {logs() / "a", {line_bytes(a, 25), a.size()}},  // [12, 25) lines never committed
                            {logs() / "b", {0, b.size()}}});                // whole, but no entry
    EXPECT_EQ(run(logs(), state()), want);
    fs::copy_file(logs() / "a", logs() / "a-copy");
    fs::copy_file(logs() / "b", logs() / "b-copy");
    EXPECT_EQ(run(logs(), state()), want);
    EXPECT_EQ(run(logs(), state()), want);
}

// The same, with the copies already there when the crashed run restarts (one file read in two
// pieces with a gap, one read whole but without its ledger entry).
TEST_F(LedgerTest, CopyPresentAtRestartAfterACrashIsADuplicate) {
    const std::string a = lines("a", 40), b = lines("b", 10, 7);
    tmp.write("logs/a", a);
    tmp.write("logs/b", b);
    crash_leaving(state(), {{logs() / "a", {line_bytes(a, 20), a.size()}}, {logs() / "b", {0, b.size()}}});
    fs::copy_file(logs() / "a", logs() / "a-copy");
    fs::copy_file(logs() / "b", logs() / "b-copy");
    EXPECT_EQ(run(logs(), state()), (Totals{50, 4070, 50}));
    EXPECT_EQ(run(logs(), state()), (Totals{50, 4070, 50}));
}

TEST_F(LedgerTest, AppendedFileReadsOnlyTheNewLines) {
    tmp.write("logs/a", lines("a", 10));
    EXPECT_EQ(run(logs(), state()), (Totals{10, 1000, 10}));
    append(logs() / "a", lines("a", 4, 1));
    EXPECT_EQ(run(logs(), state()), (Totals{14, 1004, 14}));
    EXPECT_EQ(run(logs(), state()), (Totals{14, 1004, 14}));
}

TEST_F(LedgerTest, TruncatedFileIsANewFile) {
    tmp.write("logs/a", lines("a", 10));
    EXPECT_EQ(run(logs(), state()), (Totals{10, 1000, 10}));
    tmp.write("logs/a", lines("z", 3, 5));  // rewritten shorter: new content, old stays counted
    EXPECT_EQ(run(logs(), state()), (Totals{13, 1015, 13}));
    EXPECT_EQ(run(logs(), state()), (Totals{13, 1015, 13}));
}

TEST_F(LedgerTest, TempNameIgnoredUntilRenamed) {
    tmp.write("logs/a", lines("a", 2));
    tmp.write("logs/b.s3cmd.tmp", lines("b", 5));
    tmp.write("logs/c.AbC12dEf", lines("c", 5));  // aws cli
    EXPECT_EQ(run(logs(), state()), (Totals{2, 200, 2}));
    fs::rename(logs() / "b.s3cmd.tmp", logs() / "b");
    EXPECT_EQ(run(logs(), state()), (Totals{7, 700, 7}));
}

TEST_F(LedgerTest, PartialLastLineWaitsInFollowMode) {
    std::string two = lines("a", 2);
    tmp.write("logs/a", lines("a", 3) + two.substr(0, 40));
    EXPECT_EQ(run(logs(), state(), nullptr, true), (Totals{3, 300, 3}));
    append(logs() / "a", two.substr(40));
    EXPECT_EQ(run(logs(), state(), nullptr, true), (Totals{5, 500, 5}));
}

TEST_F(LedgerTest, TornStateFileIsCutAndLinesReadAgain) {
    tmp.write("logs/a", lines("a", 10));
    tmp.write("logs/b", lines("b", 10));
    EXPECT_EQ(run(logs(), state()), (Totals{20, 2000, 20}));
    const auto size = fs::file_size(state());
    for (std::uint64_t cut : {size - 1, size - 200, size / 2, std::uint64_t{30}, std::uint64_t{3}}) {
        fs::resize_file(state(), cut);  // a crash mid-write, at several points
        std::vector<std::string> notes;
        EXPECT_EQ(run(logs(), state(), &notes), (Totals{20, 2000, 20})) << "cut at " << cut;
        EXPECT_EQ(run(logs(), state()), (Totals{20, 2000, 20})) << "cut at " << cut;
    }
}

TEST_F(LedgerTest, CorruptStateFileIsReportedAndRebuilt) {
    tmp.write("logs/a", lines("a", 10));
    EXPECT_EQ(run(logs(), state()), (Totals{10, 1000, 10}));
    {
        std::fstream f(state(), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(60);
        f << "garbage!";
    }
    std::vector<std::string> notes;
    EXPECT_EQ(run(logs(), state(), &notes), (Totals{10, 1000, 10}));
    ASSERT_FALSE(notes.empty());
    tmp.write("state/x.state", "not a state file at all");
    EXPECT_EQ(run(logs(), state(), &notes), (Totals{10, 1000, 10}));
    ASSERT_FALSE(notes.empty());
    EXPECT_NE(notes[0].find("rebuilt"), std::string::npos);
}

TEST_F(LedgerTest, CorruptGzipIsReportedByNameAndTheRestGoesOn) {
    const std::string content = lines("g", 50);
    {
        const auto p = logs() / "g.gz";
        fs::create_directories(logs());
        gzFile f = gzopen(p.c_str(), "wb");
        gzwrite(f, content.data(), static_cast<unsigned>(content.size()));
        gzclose(f);
        fs::resize_file(p, fs::file_size(p) - 12);  // truncated: no trailer, last block cut
    }
    tmp.write("logs/ok", lines("a", 4));
    std::vector<std::string> notes;
    const Totals t = run(logs(), state(), &notes);
    ASSERT_FALSE(notes.empty());
    EXPECT_NE(notes[0].find("g.gz"), std::string::npos) << notes[0];
    EXPECT_GE(t.requests, 4u);
    EXPECT_EQ(run(logs(), state()), t);  // and never counted twice
}

// --- #4 step 2: every way a file can come back, totals exact each time ---

/// Writes `content` to `p` as a new file (a new inode: written beside it, renamed over it), the
/// way sync tools replace a file.
void resync(const fs::path& p, const std::string& content) {
    const fs::path t = p.parent_path().parent_path() / (p.filename().string() + ".sync");
    std::ofstream(t, std::ios::binary) << content;
    fs::rename(t, p);
}

/// `content` as one gzip member.
std::string gz_member(const std::string& content, int level = 6) {
    uLongf cap = compressBound(static_cast<uLong>(content.size())) + 64;
    std::string out(cap, '\0');
    z_stream z{};
    deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // gzip wrapper
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(content.data()));
    z.avail_in = static_cast<uInt>(content.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

// --- #23: files changing under the reader ---

/// `n` lines that compress poorly (each with its own byte count), as one string.
std::string varied(const std::string& org, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += line(org, 1000 + static_cast<std::uint64_t>(i) * 7919 % 100000, i % 60);
    return s;
}

// A .gz copied in while it is still being written: its whole lines count once, and the rest
// once it is whole, never from its start again (one-shot runs with state, and follow rounds).
TEST_F(LedgerTest, GzipStillBeingWrittenIsCountedOnce) {
    const std::string content = varied("g", 300);
    const std::string gz = gz_member(content);
    const Totals want{300, run(tmp.write("whole/g.gz", gz).parent_path(), {}).bytes, 300};
    for (const bool follow : {false, true}) {
        SCOPED_TRACE(follow ? "follow" : "one-shot");
        const fs::path st = tmp.path() / (follow ? "fstate" : "ostate") / "x.state";
        fs::remove_all(logs());
        std::vector<std::string> notes;
        for (const std::size_t part : {gz.size() / 3, gz.size() / 3, 2 * gz.size() / 3, gz.size()}) {
            tmp.write("logs/g.gz", gz.substr(0, part));
            const Totals t = run(logs(), st, &notes, follow);
            EXPECT_LE(t.requests, want.requests) << part;
        }
        EXPECT_EQ(run(logs(), st, &notes, follow), want);
        EXPECT_EQ(run(logs(), st), want);  // and a restart
    }
}

// A .gz cut short for good: every run with the state (and after a restart, from the stored
// entry) names it as read in part, not only the run that read it.
TEST_F(LedgerTest, AGzipCutShortStaysNamedAsReadInPart) {
    const std::string gz = gz_member(varied("t", 300));
    tmp.write("logs/t.gz", gz.substr(0, gz.size() / 2));
    for (int run_no = 0; run_no < 3; ++run_no) {
        SCOPED_TRACE(run_no);
        test::IngestRun how;
        how.state = state();
        const auto out = test::ingest_and_report({logs().string()}, how);
        const auto unread = unread_inputs({}, out.result.load);
        ASSERT_EQ(unread.size(), 1u);
        EXPECT_TRUE(unread[0].partly);
        EXPECT_NE(unread[0].reason.find("counted up to line"), std::string::npos) << unread[0].reason;
        EXPECT_GT(out.report.totals.requests, 0u);
        EXPECT_LT(out.report.totals.requests, 300u);
    }
}

// A file rewritten in place with the same size and its mtime set back (touch -r): only its
// ctime tells, and then its first and last KiB do.
TEST_F(LedgerTest, RewrittenWithSameSizeAndMtimeIsReadAgain) {
    const std::string a = lines("a", 10), b = lines("b", 10);  // same length
    ASSERT_EQ(a.size(), b.size());
    const fs::path p = tmp.write("logs/x", a);
    EXPECT_EQ(run(logs(), state()), (Totals{10, 1000, 10}));
    struct stat before{};
    ASSERT_EQ(::stat(p.c_str(), &before), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // another ctime
    {
        std::ofstream out(p, std::ios::binary | std::ios::in | std::ios::out);  // same inode
        out << b;
    }
    const timespec times[2] = {before.st_atim, before.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, p.c_str(), times, 0), 0);
    EXPECT_EQ(run(logs(), state()), (Totals{20, 2000, 20}));  // a's lines stay counted, b's are added
    EXPECT_EQ(run(logs(), state()), (Totals{20, 2000, 20}));
    // Only a chmod (the ctime moves, the bytes do not): nothing read.
    fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_EQ(run(logs(), state()), (Totals{20, 2000, 20}));
}

// A file that cannot be read for a while (no permission, gone) keeps its ledger entry: once it
// can be read again only its new lines count.
TEST_F(LedgerTest, FailedReadChangesNothingInTheLedger) {
    const fs::path a = tmp.write("logs/a", lines("a", 10));
    Ledger ledger;
    Engine engine{EngineConfig{}};
    auto ingest = [&] {
        std::vector<InputProblem> problems;
        PlanCounts counts;
        const auto inputs = collect_inputs({logs().string()}, problems);
        auto planned = ledger.plan(inputs, false, counts, problems);
        Loader loader(engine, LoaderOptions{});
        std::vector<ReadJob> jobs;
        for (const auto& p : planned) jobs.push_back(p.job);
        return std::pair{planned, loader.load_jobs(jobs)};
    };
    {
        auto [planned, loaded] = ingest();
        ASSERT_EQ(planned.size(), 1u);
        ledger.record(planned[0], loaded.files[0]);
    }
    const LedgerEntry before = *ledger.find(a.string());
    append(a, lines("a", 5));
    {
        auto [planned, loaded] = ingest();
        ASSERT_EQ(planned.size(), 1u);
        FileResult failed;  // what the loader gives for a file it may not open (EACCES)
        failed.path = a.string();
        failed.error = "Permission denied";
        failed.untouched = true;
        failed.end = planned[0].job.begin;
        ledger.record(planned[0], failed);
    }
    const LedgerEntry& after = *ledger.find(a.string());
    EXPECT_EQ(after.offset, before.offset);
    EXPECT_EQ(after.stat, before.stat);
    EXPECT_EQ(after.next_line, before.next_line);
    {
        auto [planned, loaded] = ingest();
        ASSERT_EQ(planned.size(), 1u);
        EXPECT_EQ(planned[0].kind, PlanKind::Appended);
        EXPECT_EQ(planned[0].job.begin, before.offset);
    }
}

TEST_F(LedgerTest, SameNameResyncedWithTheSameBytesAddsNothing) {
    const std::string a = lines("a", 10), s = lines("s", 2);  // s: under 1 KiB
    tmp.write("logs/a", a);
    tmp.write("logs/s", s);
    const Totals want{12, 1200, 12};
    EXPECT_EQ(run(logs(), state()), want);
    resync(logs() / "a", a);
    resync(logs() / "s", s);
    EXPECT_EQ(run(logs(), state()), want);
    EXPECT_EQ(run(logs(), state()), want);
}

TEST_F(LedgerTest, SameNameResyncedWithOtherBytesCountsThem) {
    tmp.write("logs/a", lines("a", 10));
    tmp.write("logs/s", lines("s", 2));
    EXPECT_EQ(run(logs(), state()), (Totals{12, 1200, 12}));
    resync(logs() / "a", lines("z", 3, 5));  // other records under the old name: both count
    resync(logs() / "s", lines("y", 1, 9));
    EXPECT_EQ(run(logs(), state()), (Totals{16, 1224, 16}));
    EXPECT_EQ(run(logs(), state()), (Totals{16, 1224, 16}));
}

// (a) The same name synced again, longer: only the new tail counts. If what was counted is not
// its start (here: one counted line differs), it is another file and counts whole.
TEST_F(LedgerTest, ResyncedLongerReadsOnlyTheNewTail) {
    const std::string a = lines("a", 10), s = lines("s", 2);
    tmp.write("logs/a", a);
    tmp.write("logs/s", s);
    EXPECT_EQ(run(logs(), state()), (Totals{12, 1200, 12}));
    resync(logs() / "a", a + lines("a", 4, 1));  // the grown log synced again: a new inode
    resync(logs() / "s", s + lines("s", 1, 1));  // under 1 KiB
    EXPECT_EQ(run(logs(), state()), (Totals{17, 1205, 17}));
    EXPECT_EQ(run(logs(), state()), (Totals{17, 1205, 17}));
    EXPECT_EQ(run(logs(), state(), nullptr, true), (Totals{17, 1205, 17}));
    // same length, its last line changed: what was counted last is not its start, but the
    // 10 lines first counted under that name are: read from there (the longest counted start)
    std::string b = a + lines("a", 4, 1);
    b.replace(b.rfind("org=a"), 5, "org=b");
    resync(logs() / "a", b);
    EXPECT_EQ(run(logs(), state()), (Totals{21, 1209, 21}));
    EXPECT_EQ(run(logs(), state()), (Totals{21, 1209, 21}));
    // nothing counted is its start: another file, all of it counts
    std::string c = b;
    c.replace(c.find("org=a"), 5, "org=c");
    resync(logs() / "a", c);
    EXPECT_EQ(run(logs(), state()), (Totals{35, 2213, 35}));
    EXPECT_EQ(run(logs(), state()), (Totals{35, 2213, 35}));
}

TEST_F(LedgerTest, TruncatedThenRewrittenCountsTheNewBytes) {
    tmp.write("logs/a", lines("a", 10));
    EXPECT_EQ(run(logs(), state()), (Totals{10, 1000, 10}));
    fs::resize_file(logs() / "a", 0);  // copytruncate: same inode, emptied, then written again
    EXPECT_EQ(run(logs(), state()), (Totals{10, 1000, 10}));
    append(logs() / "a", lines("b", 12, 2));  // longer than before: still not a continuation
    EXPECT_EQ(run(logs(), state()), (Totals{22, 1024, 22}));
    append(logs() / "a", lines("b", 1, 3));
    EXPECT_EQ(run(logs(), state()), (Totals{23, 1027, 23}));
}

// (b) A .gz compares by its decompressed lines: recompressed adds nothing, a member appended
// (or the same lines written longer) adds only the new lines.
TEST_F(LedgerTest, GzipRecompressedOrGrownCountsOnlyNewLines) {
    const std::string a = lines("a", 10), more = lines("a", 5, 1), last = lines("z", 2, 3);
    tmp.write("logs/a.gz", gz_member(a));
    EXPECT_EQ(run(logs(), state()), (Totals{10, 1000, 10}));
    tmp.write("logs/a.gz", gz_member(a, 9));  // recompressed in place: other bytes, same lines
    EXPECT_EQ(run(logs(), state()), (Totals{10, 1000, 10}));
    resync(logs() / "a.gz", gz_member(a, 1));  // and as a new file
    EXPECT_EQ(run(logs(), state()), (Totals{10, 1000, 10}));
    append(logs() / "a.gz", gz_member(more));  // a second gzip member appended
    EXPECT_EQ(run(logs(), state()), (Totals{15, 1005, 15}));
    resync(logs() / "a.gz", gz_member(a + more + last, 9));  // recompressed as one, longer
    EXPECT_EQ(run(logs(), state()), (Totals{17, 1011, 17}));
    tmp.write("logs/a-plain", a + more + last);  // the same lines, not compressed
    EXPECT_EQ(run(logs(), state()), (Totals{17, 1011, 17}));
    EXPECT_EQ(run(logs(), state()), (Totals{17, 1011, 17}));
    EXPECT_EQ(run(logs(), {}), (Totals{17, 1011, 17}));  // one run, no state: the same
}

// (c) A copy under another name of a file that keeps growing: the copy is behind, level, or
// ahead of its original; listed after it ("b") or before it ("0-copy"); across restarts.
TEST_F(LedgerTest, CopyOfAGrowingFileIsCountedOnce) {
    for (const std::string copy : {"b", "0-copy"}) {
        test::TempDir t;
        const fs::path dir = t.path() / "logs", st = t.path() / "state" / "x.state";
        const std::string a10 = lines("a", 10), more = lines("m", 5, 1), late = lines("l", 3, 2);
        t.write("logs/a", a10);
        EXPECT_EQ(run(dir, st), (Totals{10, 1000, 10})) << copy;
        append(dir / "a", more);  // a grows; a copy of it is taken before the next run
        fs::copy_file(dir / "a", dir / copy);
        append(dir / "a", more);  // and a grows past its copy
        EXPECT_EQ(run(dir, st), (Totals{20, 1010, 20})) << copy;
        append(dir / copy, more);  // the copy follows its original (a mirror): nothing new
        EXPECT_EQ(run(dir, st), (Totals{20, 1010, 20})) << copy;
        append(dir / copy, late);  // the copy runs ahead: its new lines count once ...
        EXPECT_EQ(run(dir, st), (Totals{23, 1016, 23})) << copy;
        append(dir / "a", late);  // ... and not again when the original gets them
        EXPECT_EQ(run(dir, st), (Totals{23, 1016, 23})) << copy;
        EXPECT_EQ(run(dir, st, nullptr, true), (Totals{23, 1016, 23})) << copy;
        EXPECT_EQ(run(dir, {}), (Totals{23, 1016, 23})) << copy;  // one run over both, no state
    }
}

// (c) The same within one run: the copy and the grown original are both planned together.
TEST_F(LedgerTest, CopyOfAGrowingFileInOneRunIsCountedOnce) {
    for (const std::string copy : {"b", "0-copy"}) {
        for (const bool follow : {false, true}) {
            test::TempDir t;
            const fs::path dir = t.path() / "logs", st = t.path() / "state" / "x.state";
            const std::string a = lines("a", 10), more = lines("m", 5, 1);
            t.write("logs/a", a);
            EXPECT_EQ(run(dir, st, nullptr, follow), (Totals{10, 1000, 10}));
            t.write("logs/" + copy, a + more);  // taken while a grew by 5 lines ...
            append(dir / "a", more + more);     // ... and a grew on
            EXPECT_EQ(run(dir, st, nullptr, follow), (Totals{20, 1010, 20})) << copy << follow;
            append(dir / copy, more + more);  // now the copy is ahead by 5
            EXPECT_EQ(run(dir, st, nullptr, follow), (Totals{25, 1015, 25})) << copy << follow;
            append(dir / "a", more + more);  // the original catches up and passes it
            EXPECT_EQ(run(dir, st, nullptr, follow), (Totals{30, 1020, 30})) << copy << follow;
        }
    }
}

// (e) The same content under several names given together, and a start of it (a prefix)
// listed before and after: one file's worth. A start under 1 KiB counted before the longer
// file is found too (README Limits: not when it comes after).
TEST_F(LedgerTest, CopiesAppearingInTheSameRunAreCountedOnce) {
    const std::string a = lines("a", 10);
    ASSERT_GT(line_bytes(a, 6), kEdgeBytes);
    ASSERT_LT(line_bytes(a, 3), kEdgeBytes);
    tmp.write("logs/0-head", a.substr(0, line_bytes(a, 6)));  // a start over 1 KiB
    tmp.write("logs/+small", a.substr(0, line_bytes(a, 3)));  // a start under 1 KiB, listed first
    tmp.write("logs/a", a);
    tmp.write("logs/a-copy1", a);
    tmp.write("logs/a-copy2", a);
    tmp.write("logs/z-head", a.substr(0, line_bytes(a, 8)));  // a start over 1 KiB, listed last
    EXPECT_EQ(run(logs(), state()), (Totals{10, 1000, 10}));
    EXPECT_EQ(run(logs(), state()), (Totals{10, 1000, 10}));
    EXPECT_EQ(run(logs(), {}), (Totals{10, 1000, 10}));  // without a state file too
}

// Files planned in one run that share their first KiB (and so their head key) are all looked
// at, not only the last one planned: a line-aligned start, a copy and a longer version of "a"
// listed after "b", which starts as "a" does, are still a's.
TEST_F(LedgerTest, CopiesBehindAnotherFileWithTheSameFirstKiBAreCountedOnce) {
    const std::string shared = lines("s", 6);
    ASSERT_GT(shared.size(), kEdgeBytes);
    const std::string a = shared + lines("a", 4);
    tmp.write("logs/1-a", a);
    tmp.write("logs/2-b", shared + lines("b", 4));  // not a's: its own 10 lines count
    tmp.write("logs/3-a-start", a.substr(0, line_bytes(a, 8)));
    tmp.write("logs/4-a-copy", a);
    tmp.write("logs/5-a-longer", a + lines("c", 3));
    const Totals want{23, 2300, 23};
    EXPECT_EQ(run(logs(), {}), want);
    EXPECT_EQ(run(logs(), state()), want);
    EXPECT_EQ(run(logs(), state()), want);
}

TEST_F(LedgerTest, CountedStartUnder1KiBThenTheWholeFile) {
    const std::string a = lines("a", 10);
    tmp.write("logs/small", a.substr(0, line_bytes(a, 2)));
    EXPECT_EQ(run(logs(), state()), (Totals{2, 200, 2}));
    tmp.write("logs/whole", a);
    EXPECT_EQ(run(logs(), state()), (Totals{10, 1000, 10}));
    EXPECT_EQ(run(logs(), state()), (Totals{10, 1000, 10}));
}

// A start under 1 KiB of a file counted before it (an interrupted sync, found after the whole
// object): its whole content is one of the longer file's kept line-end starts, so it is
// counted content, in the same run, after a restart and after a compaction.
TEST_F(LedgerTest, ShortStartAfterTheLongerFileIsNotCountedAgain) {
    const std::string a = lines("a", 10);
    ASSERT_LT(line_bytes(a, 3), kEdgeBytes);
    tmp.write("logs/a", a);
    const Totals want{10, 1000, 10};
    EXPECT_EQ(run(logs(), state()), want);
    tmp.write("logs/b-start", a.substr(0, line_bytes(a, 2)));  // after a restart
    EXPECT_EQ(run(logs(), state()), want);
    EXPECT_EQ(run(logs(), {}), want);  // in one run: "a" is planned first
    {                                  // carried through a compaction of the state file
        EngineConfig cfg;
        Engine engine(cfg);
        Ledger ledger;
        StateStore store;
        std::vector<std::string> notes;
        ASSERT_TRUE(test::ok(store.open(state(), 42, engine, ledger, notes)));
        EXPECT_EQ(ledger.start_count(), 5u);  // a's line ends in its first KiB (179 bytes a line)
        ASSERT_TRUE(test::ok(store.compact()));
    }
    tmp.write("logs/c-start", a.substr(0, line_bytes(a, 3)));
    tmp.write("logs/d-one-line", a.substr(0, line_bytes(a, 1)));
    EXPECT_EQ(run(logs(), state()), want);
    // The kept starts are the counted file's: when it is replaced under its name (other
    // bytes), its old starts stay known, like its old content.
    tmp.write("logs/a", lines("z", 4, 7));
    EXPECT_EQ(run(logs(), state()), (Totals{14, 1028, 14}));
    tmp.write("logs/e-start", a.substr(0, line_bytes(a, 2)));
    EXPECT_EQ(run(logs(), state()), (Totals{14, 1028, 14}));
}

// `head -2 a > part` (or `| gzip -c >`): the shell creates the file empty and the lines come
// after, so a run (or a follow round) can see it empty, or with half a line, before it is
// written. Once written it is judged as any new file: all counted content adds nothing.
// It did count its lines again (an empty file grows as the same file, read from 0).
TEST_F(LedgerTest, FileCreatedEmptyThenWrittenIsJudgedAsNew) {
    for (const bool follow : {false, true}) {
        SCOPED_TRACE(follow ? "follow" : "runs");
        test::TempDir t;
        const fs::path dir = t.path() / "logs", st = t.path() / "state" / "x.state";
        const std::string a = lines("a", 10);
        t.write("logs/a", a);
        const Totals want{10, 1000, 10};
        EXPECT_EQ(run(dir, st, nullptr, follow), want);
        t.write("logs/part", "");
        EXPECT_EQ(run(dir, st, nullptr, follow), want);
        append(dir / "part", a.substr(0, line_bytes(a, 1)));  // the same file (inode), now a start of a
        EXPECT_EQ(run(dir, st, nullptr, follow), want);
        append(dir / "part", a.substr(line_bytes(a, 1), line_bytes(a, 3) - line_bytes(a, 1)));
        EXPECT_EQ(run(dir, st, nullptr, follow), want);
        if (follow) {  // half a line waits; whole, it is a's
            const std::string l4 = a.substr(line_bytes(a, 3), line_bytes(a, 4) - line_bytes(a, 3));
            append(dir / "part", l4.substr(0, 50));
            EXPECT_EQ(run(dir, st, nullptr, follow), want);
            append(dir / "part", l4.substr(50));
            EXPECT_EQ(run(dir, st, nullptr, follow), want);
        }
        append(dir / "part", line("p", 7));  // a line of its own is counted, once
        const Totals more{11, 1007, 11};
        EXPECT_EQ(run(dir, st, nullptr, follow), more);
        EXPECT_EQ(run(dir, st, nullptr, follow), more);
        t.write("logs/new", "");  // new lines written the same way count, once
        EXPECT_EQ(run(dir, st, nullptr, follow), more);
        append(dir / "new", lines("n", 2, 3));
        EXPECT_EQ(run(dir, st, nullptr, follow), (Totals{13, 1013, 13}));
        EXPECT_EQ(run(dir, st, nullptr, follow), (Totals{13, 1013, 13}));
    }
}

TEST_F(LedgerTest, ShortFileThatIsNotAStartStillCounts) {
    const std::string a = lines("a", 10);
    tmp.write("logs/a", a);
    EXPECT_EQ(run(logs(), state()), (Totals{10, 1000, 10}));
    // Lines 2-3 of a: a middle, not a start.
    tmp.write("logs/b-middle", a.substr(line_bytes(a, 1), line_bytes(a, 3) - line_bytes(a, 1)));
    EXPECT_EQ(run(logs(), state()), (Totals{12, 1200, 12}));
    // a's first two lines cut inside the second: not line-aligned, its own content.
    tmp.write("logs/c-cut", a.substr(0, line_bytes(a, 2) - 30));
    EXPECT_EQ(run(logs(), state()).read, 14u);
    // A start of a, then a line of its own: read whole (W3C and CloudFront files share their
    // header lines, which must be read; only a file that is all counted content is skipped).
    tmp.write("logs/d-start-plus", a.substr(0, line_bytes(a, 2)) + line("d", 5));
    EXPECT_EQ(run(logs(), state()).requests, 12u + 1 + 3);
}

TEST_F(LedgerTest, GzipShortStartAfterTheLongerFileIsNotCountedAgain) {
    const std::string a = lines("a", 10);
    tmp.write("logs/a.gz", gz_member(a));
    tmp.write("logs/b", lines("b", 5, 7));
    const Totals want{15, 1035, 15};
    EXPECT_EQ(run(logs(), state()), want);
    tmp.write("logs/c-start.gz", gz_member(a.substr(0, line_bytes(a, 2))));  // a .gz start of a .gz
    tmp.write("logs/d-start", a.substr(0, line_bytes(a, 3)));                // a plain start of it
    tmp.write("logs/e-start.gz", gz_member(lines("b", 5, 7).substr(0, line_bytes(lines("b", 5, 7), 1))));
    EXPECT_EQ(run(logs(), state()), want);
    EXPECT_EQ(run(logs(), {}), want);
}

// (d) logrotate without copytruncate: renamed, the server writes two more lines before it
// reopens, then a new file grows under the old name; also with follow rounds.
TEST_F(LedgerTest, RotatedByRenameCountsEachLineOnce) {
    for (const bool follow : {false, true}) {
        test::TempDir t;
        const fs::path dir = t.path() / "logs", st = t.path() / "state" / "x.state";
        t.write("logs/access.log", lines("a", 10));
        EXPECT_EQ(run(dir, st, nullptr, follow), (Totals{10, 1000, 10}));
        fs::rename(dir / "access.log", dir / "access.log.1");
        append(dir / "access.log.1", lines("a", 2, 1));
        t.write("logs/access.log", lines("n", 3, 2));
        EXPECT_EQ(run(dir, st, nullptr, follow), (Totals{15, 1008, 15})) << follow;
        append(dir / "access.log", lines("n", 2, 3));
        EXPECT_EQ(run(dir, st, nullptr, follow), (Totals{17, 1014, 17})) << follow;
        // the next rotation: .1 compressed to .2.gz (new bytes, same lines), access.log -> .1
        fs::remove(dir / "access.log.1");
        t.write("logs/access.log.2.gz", gz_member(lines("a", 10) + lines("a", 2, 1)));
        fs::rename(dir / "access.log", dir / "access.log.1");
        t.write("logs/access.log", lines("q", 1, 4));
        EXPECT_EQ(run(dir, st, nullptr, follow), (Totals{18, 1018, 18})) << follow;
        EXPECT_EQ(run(dir, st, nullptr, follow), (Totals{18, 1018, 18})) << follow;
    }
}

// (4) A file growing over many follow rounds keeps one indexed content, also after a restart
// that loads one ledger record per round.
TEST_F(LedgerTest, GrowingFileKeepsOneContentOverFollowRounds) {
    tmp.write("logs/a", lines("a", 10));
    tmp.write("logs/b", lines("b", 10));
    std::uint64_t want = 20;
    {
        EngineConfig cfg;
        Engine engine(cfg);
        LoaderOptions lo;
        lo.workers = 1;
        Ingestor ing(engine, lo);
        std::vector<std::string> notes;
        ASSERT_TRUE(test::ok(ing.open_state(state(), 42, notes)));
        std::vector<InputProblem> problems;
        ing.ingest(collect_inputs({logs().string()}, problems), true);
        EXPECT_EQ(ing.ledger().content_count(), 2u);
        for (int round = 0; round < 200; ++round) {
            append(logs() / "a", line("a", 1, round % 60));
            ++want;
            ing.ingest(collect_inputs({logs().string()}, problems), true);
            ASSERT_EQ(ing.ledger().content_count(), 2u) << "round " << round;
        }
        EXPECT_EQ(engine.lines().read, want);
    }
    EngineConfig cfg;
    Engine engine(cfg);
    LoaderOptions lo;
    Ingestor ing(engine, lo);
    std::vector<std::string> notes;
    ASSERT_TRUE(test::ok(ing.open_state(state(), 42, notes)));
    EXPECT_EQ(ing.ledger().content_count(), 2u);
    EXPECT_EQ(engine.lines().read, want);
}

/// A CloudFront log with a header longer than 1 KiB (every such file's first KiB is alike)
/// and `n` records of `bytes` bytes, told apart by `id`.
std::string cloudfront(int id, int n, int bytes) {
    std::string s =
        "#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem "
        "sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id "
        "x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher "
        "x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port "
        "time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start "
        "sc-range-end\n";
    while (s.size() < 1400) s += "#Remark: a long shared header, as some exporters write\n";
    for (int i = 0; i < n; ++i) {
        s += "2024-01-02\t03:04:" + std::string(i % 60 < 10 ? "0" : "") + std::to_string(i % 60) + "\tFRA2\t" +
             std::to_string(bytes) + "\t198.51.100.4\tGET\td1.cloudfront.net\t/f" + std::to_string(id) +
             "\t200\t-\tcurl\torg=acme\t-\tHit\treq" + std::to_string(id) + "x" + std::to_string(i) +
             "\tmedia.example.com\thttps\t310\t0.012\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tHit\tHTTP/"
             "2.0\t-\t-\t443\t0.01\tHit\t"
             "image/jpeg\t" +
             std::to_string(bytes) + "\t-\t-\n";
    }
    return s;
}

// (3) Many files sharing a long header: found content stays exact (copies, a longer version)
// and the search per file is bounded (not every other file looked at and read).
TEST_F(LedgerTest, SharedLongHeaderStaysLinearAndExact) {
    constexpr int kFiles = 400;
    std::uint64_t requests = 0, bytes = 0, read = 0, total_bytes = 0;
    for (int i = 0; i < kFiles; ++i) {
        const int n = 1 + i % 7;
        const std::string c = cloudfront(i, n, 10 + i);
        tmp.write("logs/cf" + std::to_string(1000 + i), c);
        total_bytes += c.size();
        requests += n;
        bytes += static_cast<std::uint64_t>(n) * (10 + i);
        read += static_cast<std::uint64_t>(std::count(c.begin(), c.end(), '\n'));  // header lines are read too
    }
    // a copy and a longer version of one of them, a start of another
    tmp.write("logs/cf1003-copy", cloudfront(3, 4, 13));
    tmp.write("logs/cf1005-longer", cloudfront(5, 9, 15));
    requests += 3;
    bytes += 3 * 15;
    read += 3;
    const std::string six = cloudfront(6, 7, 16);
    tmp.write("logs/cf1006-start", six.substr(0, six.size() - 200));
    total_bytes += 2 * six.size();
    const Totals want{requests, bytes, read};
    {
        EngineConfig cfg;
        Engine engine(cfg);
        LoaderOptions lo;
        lo.workers = 2;
        Ingestor ing(engine, lo);
        std::vector<std::string> notes;
        ASSERT_TRUE(test::ok(ing.open_state(state(), 42, notes)));
        std::vector<InputProblem> problems;
        ing.ingest(collect_inputs({logs().string()}, problems), false);
        const auto r = engine.report(ReportSpec{});
        EXPECT_EQ((Totals{r.totals.requests, r.totals.bytes_sent, engine.lines().read}), want);
        const SearchStats& s = ing.ledger().search_stats();
        EXPECT_LE(s.candidates, Ledger::kMaxCandidates * (kFiles + 3));
        EXPECT_LE(s.prefix_reads, Ledger::kMaxPrefixReads * (kFiles + 3));
        EXPECT_LE(s.bytes_hashed, (2 + Ledger::kMaxPrefixReads) * total_bytes);
        std::printf("search: %llu candidates, %llu prefix reads, %llu bytes hashed for %llu bytes of logs\n",
                    static_cast<unsigned long long>(s.candidates), static_cast<unsigned long long>(s.prefix_reads),
                    static_cast<unsigned long long>(s.bytes_hashed), static_cast<unsigned long long>(total_bytes));
    }
    EXPECT_EQ(run(logs(), state()), want);
    EXPECT_EQ(run(logs(), {}), want);
}

}  // namespace
}  // namespace s3top
