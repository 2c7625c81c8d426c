// The ledger and state file: nothing counted twice across re-runs, restarts, copies, appends,
// truncations, renamed temp files, torn or corrupt state files, corrupt .gz files.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "core/ingest/ingestor.hpp"
#include "core/ingest/inputs.hpp"
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
};

/// One run of the program over `dir`: opens the state (when given), ingests, returns totals.
Totals run(const fs::path& dir, const fs::path& state, std::vector<std::string>* notes = nullptr, bool follow = false) {
    EngineConfig cfg;
    Engine engine(cfg);
    LoaderOptions lo;
    lo.workers = 2;
    Ingestor ing(engine, lo);
    std::vector<std::string> n;
    std::string err;
    if (!state.empty()) {
        EXPECT_TRUE(ing.open_state(state, 42, n, err)) << err;
    }
    std::vector<InputProblem> problems;
    auto res = ing.ingest(collect_inputs({dir.string()}, problems), follow);
    for (auto& f : res.load.files) {
        if (!f.error.empty()) n.push_back(f.path + ": " + f.error);
    }
    for (auto& x : res.notes) n.push_back(x);
    if (notes) *notes = n;
    const auto r = engine.report(ReportSpec{});
    return {r.totals.requests, r.totals.bytes_sent, engine.lines().read};
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
    std::string err;
    ASSERT_TRUE(store.open(state, 42, restored, ledger, notes, err)) << err;
    for (const auto& [path, range] : committed) {
        PlannedJob pj;
        pj.job.file.path = path;
        pj.job.begin = range.first;
        pj.job.end = range.second;
        pj.stat = *stat_file(path);
        LoaderOptions lo;
        lo.workers = 1;
        Loader loader(scratch, lo);
        loader.set_commit_sink([&](Batch&& b, std::vector<Span>&& spans) {
            ASSERT_TRUE(store.append_batch(b, spans, {pj}, err)) << err;
        });
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

TEST_F(LedgerTest, ReRunAndRestartCountNothingTwice) {
    tmp.write("logs/a", lines("a", 10));
    tmp.write("logs/b", lines("b", 5, 7));
    const Totals want{15, 10 * 100 + 5 * 7, 15};
    EXPECT_EQ(run(logs(), state()), want);
    EXPECT_EQ(run(logs(), state()), want);  // restored from the state file, nothing read
    tmp.write("logs/c", lines("c", 3));      // restart mid-folder: only c is new
    EXPECT_EQ(run(logs(), state()), (Totals{18, 1335, 18}));
}

TEST_F(LedgerTest, DuplicateContentUnderAnotherNameIsSkipped) {
    tmp.write("logs/a", lines("a", 10));
    tmp.write("logs/a-copy", lines("a", 10));  // same content, same run
    EXPECT_EQ(run(logs(), state()), (Totals{10, 1000, 10}));
    fs::copy_file(logs() / "a", logs() / "sub-again", fs::copy_options::overwrite_existing);  // synced again
    EXPECT_EQ(run(logs(), state()), (Totals{10, 1000, 10}));
    EXPECT_EQ(run(logs(), {}), (Totals{10, 1000, 10}));  // without a state file too
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

}  // namespace
}  // namespace s3top
