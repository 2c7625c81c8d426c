// The code that runs on several threads at once, exercised the way the program uses it: the
// dashboard's UI thread refreshing views and reports while parse workers append batches, the
// view fold split over two threads, a Follower ingesting (into a state file) while another
// thread reads the engine and then stops it, a load cancelled from another thread. Each test
// checks exact totals; dev.sh also runs these under ThreadSanitizer (the "tsan." tests).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include "core/agg/engine.hpp"
#include "core/ingest/follower.hpp"
#include "core/ingest/ingestor.hpp"
#include "core/ingest/inputs.hpp"
#include "core/parse/record.hpp"
#include "core/util/thread_name.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string s3_line(int org, std::uint64_t bytes, int minute = 0) {
    return "owner bkt [01/Mar/2024:10:" + std::string(minute < 10 ? "0" : "") + std::to_string(minute) +
           ":00 +0000] 10.0.0." + std::to_string(org % 250) + " - REQ REST.GET.OBJECT k \"GET /bkt/k?org=org-" +
           std::to_string(org) + " HTTP/1.1\" 200 - " + std::to_string(bytes) + " 5 1 1 \"-\" \"ua\" -\n";
}

/// A record for org `org`; it views `query`, which must outlive it.
Record record(std::string& query, int org, std::uint64_t bytes, std::int64_t time) {
    query = "org=org-" + std::to_string(org);
    Record r;
    r.time = time;
    r.bucket = "bkt";
    r.remote_ip = "192.0.2.1";
    r.operation = "REST.GET.OBJECT";
    r.key = "k";
    r.query = query;
    r.method = "GET";
    r.status = 200;
    r.bytes_sent = bytes;
    return r;
}

TEST(Threads, ViewsAndReportsWhileWorkersAppendAddUpExactly) {
    Engine e(EngineConfig{});
    constexpr int kWorkers = 2, kBatches = 40, kRows = 500;
    std::atomic<int> running{kWorkers};
    std::vector<std::thread> workers;
    for (int w = 0; w < kWorkers; ++w) {
        workers.emplace_back([&, w] {
            BatchBuilder b(e.config().org, e.config().keep);
            std::string q;
            for (int i = 0; i < kBatches; ++i) {
                for (int r = 0; r < kRows; ++r) b.add(record(q, (w * 7 + r) % 13, 10, 1'700'000'000 + i * 60 + r));
                e.append(b.take());
            }
            --running;
        });
    }
    // The UI thread: refresh one view incrementally and ask for reports meanwhile.
    ViewSpec vs;
    vs.panels = {PanelSpec{DimSpec{Dim::Org, 0}, 5, SortBy::Bytes}, PanelSpec{DimSpec{Dim::Minute, 0}, 0, SortBy::Key}};
    View v(vs);
    std::uint64_t gen = 0, last_requests = 0;
    while (running.load() > 0) {
        const Snapshot s = e.refresh(v, ++gen);
        EXPECT_GE(s.totals.requests, last_requests) << "a snapshot never goes back";
        EXPECT_EQ(s.lines.read, s.lines.parsed);
        last_requests = s.totals.requests;
        const ReportResult r = e.report(ReportSpec{});
        std::uint64_t sum = 0;
        for (const auto& g : r.groups) sum += g.metrics.requests;
        EXPECT_EQ(sum, r.totals.requests);
        std::this_thread::yield();
    }
    for (auto& t : workers) t.join();
    const std::uint64_t want = std::uint64_t{kWorkers} * kBatches * kRows;
    const Snapshot s = e.refresh(v, ++gen);
    EXPECT_EQ(s.totals.requests, want);
    EXPECT_EQ(s.totals.bytes_sent, want * 10);
    EXPECT_EQ(e.report(ReportSpec{}).totals.requests, want);
    EXPECT_EQ(s.panels.at(0).groups, 13u);
}

// A parse worker tries to append rather than wait while a reader holds the engine: the try
// comes back at once, and the batch, appended later, counts once.
TEST(Threads, AnAppendTriedWhileAViewIsFoldedReturnsAtOnceAndTheBatchCountsOnceLater) {
    Engine e(EngineConfig{});
    std::string q;
    {
        BatchBuilder b(e.config().org, e.config().keep);
        for (int r = 0; r < 200'000; ++r) b.add(record(q, r % 97, 10, 1'700'000'000 + r));
        e.append(b.take());
    }
    std::atomic<bool> stop{false};
    std::thread reader([&] {
        ViewSpec vs;
        vs.panels = {PanelSpec{DimSpec{Dim::Org, 0}, 5, SortBy::Bytes}};
        for (std::uint64_t gen = 1; !stop.load(); ++gen) {
            View v(vs);  // a new view folds every record, holding the engine meanwhile
            (void)e.refresh(v, gen);
        }
    });
    std::uint64_t appended = 0, refused = 0;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while ((refused == 0 || appended < 20) && std::chrono::steady_clock::now() < deadline) {
        BatchBuilder b(e.config().org, e.config().keep);
        for (int r = 0; r < 10; ++r) b.add(record(q, 100 + r, 7, 1'700'300'000 + r));
        Batch batch = b.take();
        while (!e.try_append(batch)) ++refused;
        ++appended;
    }
    stop = true;
    reader.join();
    EXPECT_GT(refused, 0u) << "a try while a view is folded is refused, not waited for";
    const ReportResult r = e.report(ReportSpec{});
    EXPECT_EQ(r.totals.requests, 200'000 + appended * 10);
    EXPECT_EQ(r.totals.bytes_sent, 200'000 * 10 + appended * 70);
    EXPECT_EQ(r.lines.read, 200'000 + appended * 10);
}

TEST(Threads, AViewOverManyNewRowsFoldsOnTwoThreadsLikeOne) {
    // Past EngineConfig::split_fold_rows new rows (a million; 4096 here) a view folds two
    // halves on two threads and merges them: the same snapshot as one thread's.
    EngineConfig split_cfg, one_cfg;
    split_cfg.split_fold_rows = 4096;
    one_cfg.split_fold_rows = ~std::size_t{0};
    Engine split(split_cfg), one(one_cfg);
    constexpr std::size_t kRows = 50'000;
    BatchBuilder bs(split.config().org, split.config().keep), bo(one.config().org, one.config().keep);
    std::string q;
    std::uint64_t want_bytes = 0;
    for (std::size_t i = 0; i < kRows; ++i) {
        const std::uint64_t bytes = i % 1000;
        want_bytes += bytes;
        const Record r = record(q, static_cast<int>(i % 97), bytes, 1'700'000'000 + static_cast<std::int64_t>(i * 7));
        bs.add(r);
        bo.add(r);
        if (bs.pending_lines() >= 8192) {
            split.append(bs.take());
            one.append(bo.take());
        }
    }
    split.append(bs.take());
    one.append(bo.take());
    ViewSpec vs;
    vs.panels = {PanelSpec{DimSpec{Dim::Org, 0}, 0, SortBy::Key}, PanelSpec{DimSpec{Dim::Minute, 0}, 0, SortBy::Key}};
    View vsplit(vs), vone(vs);
    const Snapshot s = split.refresh(vsplit, 1);
    const Snapshot o = one.refresh(vone, 1);
    EXPECT_EQ(s.totals.requests, kRows);
    EXPECT_EQ(s.totals.bytes_sent, want_bytes);
    EXPECT_EQ(s.totals, o.totals);
    EXPECT_EQ(s.distinct_clients, o.distinct_clients);
    ASSERT_EQ(s.panels.size(), 2u);
    EXPECT_EQ(s.panels[0].groups, 97u);
    for (std::size_t p = 0; p < 2; ++p) {
        ASSERT_EQ(s.panels[p].rows.size(), o.panels[p].rows.size());
        for (std::size_t i = 0; i < s.panels[p].rows.size(); ++i) {
            EXPECT_EQ(s.panels[p].rows[i].label, o.panels[p].rows[i].label);
            EXPECT_EQ(s.panels[p].rows[i].metrics, o.panels[p].rows[i].metrics);
        }
    }
    ASSERT_EQ(s.series.size(), o.series.size());
    for (std::size_t i = 0; i < s.series.size(); ++i) EXPECT_EQ(s.series[i].bytes_sent, o.series[i].bytes_sent);
}

/// Writes `n` lines of org `org` to dir/name via a temp name and a rename (as sync tools do).
void drop_file(const fs::path& dir, const std::string& name, int org, int n) {
    const fs::path tmp = dir / ("." + name + ".tmp");
    {
        std::ofstream f(tmp, std::ios::binary);
        for (int i = 0; i < n; ++i) f << s3_line(org, 100, i % 60);
    }
    fs::rename(tmp, dir / name);
}

TEST(Threads, AFollowerIngestsWhileAnotherThreadReadsThenStopsIt) {
    test::TempDir d;
    const fs::path logs = d.path() / "logs";
    fs::create_directories(logs);
    drop_file(logs, "a.log", 1, 300);
    const fs::path state = d.path() / "state" / "x.state";
    constexpr int kFiles = 6, kLines = 400;
    {
        Engine e(EngineConfig{});
        LoaderOptions lo;
        lo.workers = 2;
        Ingestor ing(e, lo);
        std::vector<std::string> notes;
        ASSERT_TRUE(test::ok(ing.open_state(state, 7, notes)));
        FollowOptions fo;
        fo.roots = {logs.string()};
        fo.poll_interval = 50ms;
        fo.settle = 5ms;
        Follower follower(ing, fo);
        std::atomic<int> rounds{0};
        std::thread watcher([&] { follower.run([&](const IngestResult&) { ++rounds; }); });
        // Files arrive while the UI side reads the engine.
        for (int f = 0; f < kFiles; ++f) {
            drop_file(logs, "f" + std::to_string(f) + ".log", 10 + f, kLines);
            (void)e.report(ReportSpec{});
        }
        const std::uint64_t want = 300 + kFiles * kLines;
        const auto deadline = std::chrono::steady_clock::now() + 60s;
        while (e.report(ReportSpec{}).totals.requests < want && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(10ms);
        }
        follower.stop();
        watcher.join();
        const ReportResult r = e.report(ReportSpec{});
        EXPECT_EQ(r.totals.requests, want);
        EXPECT_EQ(r.totals.bytes_sent, want * 100);
        EXPECT_EQ(r.groups.size(), 1u + kFiles);
        EXPECT_GE(rounds.load(), 1);
    }
    // A restart from the state file counts the same, reading nothing again.
    Engine e2(EngineConfig{});
    Ingestor ing2(e2, LoaderOptions{});
    std::vector<std::string> notes;
    ASSERT_TRUE(test::ok(ing2.open_state(state, 7, notes)));
    std::vector<InputProblem> problems;
    const IngestResult again = ing2.ingest(collect_inputs({logs.string()}, problems), false);
    EXPECT_TRUE(again.load.files.empty()) << again.load.files.size() << " files read again";
    EXPECT_EQ(e2.report(ReportSpec{}).totals.requests, 300u + kFiles * kLines);
}

TEST(Threads, ALoadCancelledFromAnotherThreadStopsWithConsistentCounters) {
    test::TempDir d;
    std::string block;
    for (int i = 0; i < 1000; ++i) block += s3_line(i % 5, 100, i % 60);
    for (int f = 0; f < 8; ++f) {
        std::ofstream out(d.path() / ("p" + std::to_string(f) + ".log"), std::ios::binary);
        for (int k = 0; k < 40; ++k) out << block;
    }
    Engine e(EngineConfig{});
    LoaderOptions o;
    o.workers = 2;
    o.block_bytes = 64 << 10;
    Loader l(e, o);
    std::vector<InputProblem> problems;
    const auto files = collect_inputs({d.path().string()}, problems);
    std::atomic<bool> cancel{false};
    LoadResult res;
    std::thread t([&] { res = l.load(files, &cancel); });
    std::this_thread::sleep_for(5ms);
    cancel = true;
    t.join();
    const LineCounters c = e.lines();
    EXPECT_EQ(c.read, c.parsed + c.rejected_total());
    EXPECT_EQ(c.rejected_total(), 0u) << "a cancelled load hands on whole lines only";
    EXPECT_LE(c.parsed, 8u * 40'000);
    EXPECT_EQ(e.report(ReportSpec{}).totals.bytes_sent, 100 * c.parsed);
}

// An ingest's reader (the Ingestor's loading thread, alive until the workers are joined) is
// s3top-read in /proc while its parse workers run, and a worker is s3top-parse/N.
TEST(Threads, AnIngestsReaderAndWorkersGoByTheirNamesInProc) {
    if (!test::thread_names_in_proc()) GTEST_SKIP() << "no /proc/self/task here";
    test::TempDir d;
    std::string text;
    for (int i = 0; i < 50; ++i) text += s3_line(i % 5, 100, i % 60);
    d.write("a.log", text + "not a log line\n" + text);
    Engine e(EngineConfig{});
    LoaderOptions o;
    o.workers = 2;
    Ingestor ing(e, o);
    std::mutex m;
    std::vector<std::string> worker_names;
    std::optional<std::vector<std::string>> in_proc;
    ing.set_reject_sink([&](const RejectedLine&, const std::string&) {
        std::lock_guard g(m);
        worker_names.push_back(this_thread_name());
        in_proc = test::thread_names_in_proc();
    });
    std::vector<InputProblem> problems;
    const IngestResult r = ing.ingest(collect_inputs({d.path().string()}, problems), false);
    EXPECT_EQ(e.lines().rejected_total(), 1u);
    ASSERT_EQ(worker_names.size(), 1u);
    EXPECT_TRUE(worker_names[0] == "s3top-parse/0" || worker_names[0] == "s3top-parse/1") << worker_names[0];
    ASSERT_TRUE(in_proc.has_value());
    // At least one: a thread the reader has just started (the other worker) carries the
    // reader's name until its first line names it (4 runs in 30 saw two).
    EXPECT_GE(std::count(in_proc->begin(), in_proc->end(), "s3top-read"), 1);
    EXPECT_GE(std::count(in_proc->begin(), in_proc->end(), worker_names[0]), 1);
}

}  // namespace
}  // namespace s3top
