// Replay: records come out in (time, file, line) order across overlapping files, the clock
// follows an injected wall clock at the set speed (pause, step, faster, slower, skipped gaps),
// and when it ends the engine holds exactly what a normal load gives, rejected lines included.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <chrono>
#include <set>
#include <thread>

#include "core/ingest/replay.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

using namespace std::chrono_literals;

// 2019-02-06T00:00:00Z
constexpr std::int64_t kT0 = 1549411200;

/// An S3 line at kT0 + `sec` (within a few days) for `key` and `org`.
std::string s3_line(std::int64_t sec, const std::string& key, const std::string& org = "a", int bytes = 100) {
    const std::int64_t day = sec / 86400, rem = sec % 86400;
    return fmt::format(
        "owner bkt [{:02}/Feb/2019:{:02}:{:02}:{:02} +0000] 192.0.2.{} - REQ REST.GET.OBJECT {} \"GET /bkt/{}?org={} "
        "HTTP/1.1\" 200 - {} 100 5 1 \"-\" \"curl/8\" - hid SigV4 C AuthHeader h TLSv1.2 - -\n",
        6 + day, rem / 3600, rem / 60 % 60, rem % 60, 1 + bytes % 200, key, key, org, bytes);
}

/// A fake wall clock the test moves by hand.
struct FakeClock {
    ReplayOptions::Clock::time_point t{};
    std::function<ReplayOptions::Clock::time_point()> fn() {
        return [this] { return t; };
    }
};

std::vector<InputFile> inputs_of(const test::TempDir& d) {
    std::vector<InputProblem> problems;
    return collect_inputs({d.path().string()}, problems);
}

LoaderOptions loader_options(unsigned workers = 2) {
    LoaderOptions o;
    o.workers = workers;
    return o;
}

/// Keys in the engine, as a set (report by key).
std::set<std::string> keys_in(const Engine& e) {
    ReportSpec spec;
    spec.by = {DimSpec{Dim::Key, 0}};
    std::set<std::string> out;
    for (const auto& g : e.report(spec).groups) out.insert(g.key.at(0));
    return out;
}

/// Plays one record per tick at speed 0 and returns the keys in the order they arrived.
std::vector<std::string> play_order(const test::TempDir& d, LoaderOptions lo) {
    Engine e(EngineConfig{});
    ReplayOptions ro;
    ro.slice_rows = 1;
    Replay r(e, ro);
    EXPECT_TRUE(r.load(inputs_of(d), lo, {}).has_value());
    std::vector<std::string> order;
    std::set<std::string> seen;
    while (r.tick() == 1) {
        auto now = keys_in(e);
        std::vector<std::string> added;
        std::set_difference(now.begin(), now.end(), seen.begin(), seen.end(), std::back_inserter(added));
        EXPECT_EQ(added.size(), 1u);
        if (!added.empty()) order.push_back(added[0]);
        seen = std::move(now);
    }
    EXPECT_TRUE(r.status().done);
    return order;
}

TEST(Replay, MergesOverlappingFilesInTimeOrder) {
    test::TempDir d;
    // a.log is out of order inside (a4 at 20 after a3 at 50), as S3 objects are.
    d.write("a.log", s3_line(10, "a1") + s3_line(30, "a2") + s3_line(50, "a3") + s3_line(20, "a4") + s3_line(70, "a5"));
    d.write("b.log", s3_line(5, "b1") + s3_line(25, "b2") + s3_line(30, "b3") + s3_line(60, "b4"));
    const std::vector<std::string> want = {"b1", "a1", "a4", "b2", "a2", "b3", "a3", "b4", "a5"};
    EXPECT_EQ(play_order(d, loader_options()), want);
}

TEST(Replay, EqualTimestampsKeepFileAndLineOrderWhateverTheWorkers) {
    test::TempDir d;
    std::vector<std::string> want;
    // Same second everywhere, with one earlier line in the middle of each file; tiny blocks
    // so two workers build batches out of file order.
    for (int f = 0; f < 3; ++f) {
        std::string text;
        for (int i = 0; i < 40; ++i) {
            const std::string key = fmt::format("f{}-{:02}", f, i);
            if (i == 20) {
                text += s3_line(99, key);
                continue;
            }
            text += s3_line(100, key);
            want.push_back(key);
        }
        d.write(fmt::format("{}.log", f), text);
    }
    want.insert(want.begin(), {"f0-20", "f1-20", "f2-20"});
    LoaderOptions lo = loader_options(2);
    lo.block_bytes = 600;
    EXPECT_EQ(play_order(d, lo), want);
}

TEST(Replay, HoldsRecordsBackUntilPlayed) {
    test::TempDir d;
    d.write("a.log", s3_line(0, "k1") + "garbage line\n" + s3_line(5, "k2"));
    Engine e(EngineConfig{});
    Replay r(e, ReplayOptions{});
    EXPECT_TRUE(r.load(inputs_of(d), loader_options(), {}).has_value());
    EXPECT_EQ(e.records(), 0u);
    EXPECT_EQ(e.lines().read, 0u);
    EXPECT_EQ(r.status().total, 2u);
    EXPECT_EQ(r.status().clock, kT0);
    EXPECT_FALSE(r.status().done);
}

TEST(Replay, OrgPickerListsOnlyOrgsAlreadyPlayed) {
    // The strings are interned at load; the picker (Engine::values) must still list only orgs
    // that some played record has, or picking one shows nothing.
    test::TempDir d;
    d.write("a.log", s3_line(0, "k1", "early") + s3_line(10, "k2", "late"));
    d.write("b.log", s3_line(5, "k3", "middle"));
    Engine e(EngineConfig{});
    ReplayOptions ro;
    ro.slice_rows = 1;
    Replay r(e, ro);
    EXPECT_TRUE(r.load(inputs_of(d), loader_options(), {}).has_value());
    EXPECT_EQ(e.values(Dim::Org), std::vector<std::string>{});
    ASSERT_EQ(r.tick(), 1u);
    EXPECT_EQ(e.values(Dim::Org), std::vector<std::string>{"early"});
    ASSERT_EQ(r.tick(), 1u);
    EXPECT_EQ(e.values(Dim::Org), (std::vector<std::string>{"early", "middle"}));
    ASSERT_EQ(r.tick(), 1u);
    EXPECT_EQ(e.values(Dim::Org), (std::vector<std::string>{"early", "late", "middle"}));
}

TEST(Replay, ClockFollowsSpeedPauseGapsAndSteps) {
    test::TempDir d;
    d.write("a.log",
            s3_line(0, "k0") + s3_line(30, "k30a") + s3_line(60, "k60") + s3_line(300, "k300") + s3_line(900, "k900"));
    d.write("b.log", s3_line(30, "k30b") + s3_line(119, "k119") + s3_line(86400, "knext-day"));
    Engine e(EngineConfig{});
    FakeClock wall;
    ReplayOptions ro;
    ro.speed = 60;
    ro.max_idle = 2s;
    ro.now = wall.fn();
    Replay r(e, ro);
    EXPECT_TRUE(r.load(inputs_of(d), loader_options(), {}).has_value());

    EXPECT_EQ(r.tick(), 1u);  // starts at the first record
    EXPECT_EQ(r.status().clock, kT0);
    wall.t += 500ms;  // 30 log seconds
    EXPECT_EQ(r.tick(), 2u);
    EXPECT_EQ(r.status().clock, kT0 + 30);
    wall.t += 500ms;
    EXPECT_EQ(r.tick(), 1u);
    EXPECT_EQ(r.status().clock, kT0 + 60);

    r.toggle_pause();
    EXPECT_TRUE(r.status().paused);
    wall.t += 10s;
    EXPECT_EQ(r.tick(), 0u);
    EXPECT_EQ(r.status().clock, kT0 + 60);
    r.toggle_pause();  // goes on from where it stopped, not 10 s later
    wall.t += 900ms;
    EXPECT_EQ(r.tick(), 0u);
    EXPECT_EQ(r.status().clock, kT0 + 114);
    wall.t += 100ms;
    EXPECT_EQ(r.tick(), 1u);  // k119 at 120
    EXPECT_EQ(keys_in(e).count("k119"), 1u);

    // Twice the speed from here on: one wall second is two log minutes.
    r.faster();
    EXPECT_EQ(r.status().speed, 120);
    wall.t += 1s;
    EXPECT_EQ(r.tick(), 0u);
    EXPECT_EQ(r.status().clock, kT0 + 240);
    wall.t += 500ms;
    EXPECT_EQ(r.tick(), 1u);  // k300
    EXPECT_EQ(r.status().clock, kT0 + 300);

    // k900 is 5 wall seconds away at 120x: more than max_idle, so the clock jumps to it.
    wall.t += 50ms;
    EXPECT_EQ(r.tick(), 1u);
    EXPECT_EQ(r.status().clock, kT0 + 900);

    // A step pauses and plays one wall second's worth, or up to the next record.
    r.step();
    EXPECT_TRUE(r.status().paused);
    EXPECT_EQ(r.tick(), 1u);
    EXPECT_EQ(r.status().clock, kT0 + 86400);
    EXPECT_TRUE(r.status().done);
    EXPECT_EQ(r.status().played, 8u);
    EXPECT_EQ(e.records(), 8u);
}

TEST(Replay, StepAtAFiniteSpeedPlaysThatManyLogSeconds) {
    test::TempDir d;
    d.write("a.log", s3_line(0, "k0") + s3_line(10, "k10") + s3_line(100, "k100") + s3_line(101, "k101"));
    Engine e(EngineConfig{});
    FakeClock wall;
    ReplayOptions ro;
    ro.speed = 60;
    ro.now = wall.fn();
    Replay r(e, ro);
    EXPECT_TRUE(r.load(inputs_of(d), loader_options(), {}).has_value());
    r.set_paused(true);
    EXPECT_EQ(r.tick(), 0u);  // started, paused: nothing played
    wall.t += 1h;
    EXPECT_EQ(r.tick(), 0u);
    r.step();
    EXPECT_EQ(r.tick(), 2u);  // up to kT0 + 60: k0, k10
    EXPECT_EQ(r.status().clock, kT0 + 60);
    r.step();
    EXPECT_EQ(r.tick(), 2u);  // up to kT0 + 120: k100, k101
    EXPECT_TRUE(r.status().done);
}

TEST(Replay, StepAtFullSpeedPlaysOneSlice) {
    test::TempDir d;
    std::string text;
    for (int i = 0; i < 10; ++i) text += s3_line(i, fmt::format("k{}", i));
    d.write("a.log", text);
    Engine e(EngineConfig{});
    ReplayOptions ro;
    ro.slice_rows = 4;
    Replay r(e, ro);
    EXPECT_TRUE(r.load(inputs_of(d), loader_options(), {}).has_value());
    r.step();
    r.step();
    EXPECT_EQ(r.tick(), 8u);  // two steps queued before the feeder came round
    EXPECT_TRUE(r.status().paused);
    EXPECT_EQ(r.status().clock, kT0 + 7);
    EXPECT_EQ(r.tick(), 0u);
    r.set_paused(false);
    EXPECT_EQ(r.tick(), 2u);
    EXPECT_TRUE(r.status().done);
}

TEST(Replay, SpeedLadder) {
    EXPECT_EQ(replay_faster(1), 2);
    EXPECT_EQ(replay_faster(60), 120);
    EXPECT_EQ(replay_faster(45), 60);  // from a speed off the ladder: the next one up
    EXPECT_EQ(replay_slower(45), 30);
    EXPECT_EQ(replay_slower(3600), 1800);
    EXPECT_EQ(replay_faster(604800), 0);  // past the top: as fast as possible
    EXPECT_EQ(replay_faster(0), 0);
    EXPECT_EQ(replay_slower(0), 604800);
    EXPECT_EQ(replay_slower(0.1), 0.1);
    Engine e(EngineConfig{});
    ReplayOptions ro;
    ro.speed = 60;
    Replay r(e, ro);
    r.faster();
    EXPECT_EQ(r.status().speed, 120);
    r.slower();
    r.slower();
    EXPECT_EQ(r.status().speed, 30);
}

/// Files with overlapping times, several orgs and every kind of rejected line.
void write_mixed_set(const test::TempDir& d) {
    for (int f = 0; f < 4; ++f) {
        std::string text;
        for (int i = 0; i < 300; ++i) {
            const std::int64_t t = (i * 37 + f * 500) % 7200;
            text += s3_line(t, fmt::format("f{}/k{}", f, i % 50), fmt::format("org-{}", (i + f) % 7), 10 + i * 3 + f);
            if (i % 97 == 5) text += "not a log line at all\n";
            if (i % 113 == 7) text += "\n";
            if (i % 131 == 9) text += s3_line(t, "bad").replace(10, 5, "[99/");  // bad timestamp
        }
        d.write(fmt::format("{}.log", f), text);
    }
    d.write("notes.txt", "hello\nworld\n");  // no format: two no_format rejects
}

void expect_same(const ReportResult& a, const ReportResult& b) {
    EXPECT_EQ(a.lines.read, b.lines.read);
    EXPECT_EQ(a.lines.parsed, b.lines.parsed);
    EXPECT_EQ(a.lines.bytes, b.lines.bytes);
    EXPECT_EQ(a.lines.unparsed, b.lines.unparsed);
    EXPECT_EQ(a.totals, b.totals);
    EXPECT_EQ(a.distinct_clients, b.distinct_clients);
    EXPECT_EQ(a.min_time, b.min_time);
    EXPECT_EQ(a.max_time, b.max_time);
    ASSERT_EQ(a.groups.size(), b.groups.size());
    for (std::size_t i = 0; i < a.groups.size(); ++i) {
        EXPECT_EQ(a.groups[i].key, b.groups[i].key);
        EXPECT_EQ(a.groups[i].metrics, b.groups[i].metrics);
        EXPECT_EQ(a.groups[i].distinct_clients, b.groups[i].distinct_clients);
        EXPECT_EQ(a.groups[i].p95_ms, b.groups[i].p95_ms);
    }
}

TEST(Replay, EndsWithExactlyANormalLoadsTotals) {
    test::TempDir d;
    write_mixed_set(d);
    ReportSpec spec;
    spec.by = {DimSpec{Dim::Org, 0}, DimSpec{Dim::Key, 0}};
    for (const bool stream : {false, true}) {
        EngineConfig cfg;
        if (stream) cfg.stream = spec;
        Engine normal(cfg);
        Loader(normal, loader_options()).load(inputs_of(d));
        const ReportResult want = normal.report(spec);
        ASSERT_GT(want.lines.rejected_total(), 10u);
        ASSERT_GT(want.lines.parsed, 1000u);

        Engine replayed(cfg);
        ReplayOptions ro;
        ro.slice_rows = 97;  // many slices, cut inside chunks
        Replay r(replayed, ro);
        std::size_t sunk = 0;
        EXPECT_TRUE(r.load(inputs_of(d), loader_options(), [&](const RejectedLine&, const std::string&) {
                         ++sunk;
                     }).has_value());
        EXPECT_EQ(sunk, want.lines.rejected_total());
        r.run();
        EXPECT_TRUE(r.status().done);
        expect_same(replayed.report(spec), want);
        EXPECT_EQ(replayed.recent_rejects().size(), normal.recent_rejects().size());
    }
}

TEST(Replay, ControlsFromAnotherThreadWhileTheFeederRuns) {
    test::TempDir d;
    write_mixed_set(d);
    Engine normal(EngineConfig{});
    Loader(normal, loader_options()).load(inputs_of(d));

    Engine e(EngineConfig{});
    ReplayOptions ro;
    ro.slice_rows = 100;
    Replay r(e, ro);
    r.set_paused(true);
    std::thread feeder([&] { r.run(); });  // waits for load, then for a control
    EXPECT_TRUE(r.load(inputs_of(d), loader_options(), {}).has_value());
    r.step();
    // Wait (bounded) for the feeder to take the step: exactly one slice, then paused.
    for (int i = 0; i < 5000 && r.status().played == 0; ++i) std::this_thread::sleep_for(1ms);
    EXPECT_EQ(r.status().played, 100u);
    EXPECT_TRUE(r.status().paused);
    r.faster();
    r.set_paused(false);
    feeder.join();
    EXPECT_TRUE(r.status().done);
    expect_same(e.report(ReportSpec{}), normal.report(ReportSpec{}));
}

TEST(Replay, StopEndsRunEarly) {
    test::TempDir d;
    d.write("a.log", s3_line(0, "k0") + s3_line(3600, "k1"));
    Engine e(EngineConfig{});
    ReplayOptions ro;
    ro.speed = 0.1;  // would take ten hours
    ro.max_idle = 0ms;
    Replay r(e, ro);
    EXPECT_TRUE(r.load(inputs_of(d), loader_options(), {}).has_value());
    std::thread feeder([&] { r.run(); });
    for (int i = 0; i < 5000 && r.status().played == 0; ++i) std::this_thread::sleep_for(1ms);
    r.stop();
    feeder.join();
    EXPECT_EQ(r.status().played, 1u);
    EXPECT_FALSE(r.status().done);
}

TEST(Replay, EmptyInputIsDoneAtOnce) {
    test::TempDir d;
    d.write("a.log", "garbage\n");
    Engine e(EngineConfig{});
    Replay r(e, ReplayOptions{});
    EXPECT_TRUE(r.load(inputs_of(d), loader_options(), {}).has_value());
    r.run();
    EXPECT_TRUE(r.status().done);
    EXPECT_EQ(e.lines().read, 1u);
    EXPECT_EQ(e.lines().ignored_total(), 1u) << "a file that is no log";
}

TEST(Replay, CorpusTotalsEqualANormalLoad) {
    S3TOP_REQUIRE_CORPUS(corpus);
    std::vector<InputProblem> problems;
    const auto files = collect_inputs({corpus.string()}, problems);
    Engine normal(EngineConfig{});
    Loader(normal, loader_options()).load(files);
    Engine e(EngineConfig{});
    Replay r(e, ReplayOptions{});
    EXPECT_TRUE(r.load(files, loader_options(), {}).has_value());
    r.run();
    expect_same(e.report(ReportSpec{}), normal.report(ReportSpec{}));
}

}  // namespace
}  // namespace s3top
