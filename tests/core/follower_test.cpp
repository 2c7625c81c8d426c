// Follow rounds over the files inotify named: only inputs (under a root, not temp names) are
// read, by the same names a full listing gives them, so the ledger never counts one twice.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include "core/ingest/follower.hpp"
#include "core/ingest/inputs.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

namespace fs = std::filesystem;

std::string lines(const std::string& org, int n) {
    std::string s;
    for (int i = 0; i < n; ++i)
        s += "b19c5acf04bde8335e181211ba6f7ff3 bucket [01/Mar/2024:00:00:1" + std::to_string(i % 10) +
             " +0000] 10.0.0.1 - 235C7E3C30A0693F REST.GET.OBJECT k \"GET /bucket/k?org=" + org +
             " HTTP/1.1\" 200 - 100 100 24 20 \"-\" \"curl\" -\n";
    return s;
}

TEST(FollowerTest, RoundOverNamedPathsReadsOnlyInputsOnce) {
    test::TempDir tmp;
    const fs::path logs = tmp.path() / "logs";
    tmp.write("logs/a", lines("a", 3));
    tmp.write("outside/x", lines("x", 5));
    EngineConfig cfg;
    Engine engine(cfg);
    Ingestor ing(engine, LoaderOptions{});
    Follower f(ing, FollowOptions{{logs.string()}});
    EXPECT_EQ(f.round().load.files.size(), 1u);
    EXPECT_EQ(engine.lines().read, 3u);

    tmp.write("logs/sub/b", lines("b", 4));
    tmp.write("logs/.b.tmp", lines("t", 6));  // a temp name: waits for its rename
    tmp.write("logs/c.part", lines("t", 6));
    const auto r = f.round({(logs / "sub" / "b").string(), (logs / ".b.tmp").string(), (logs / "c.part").string(),
                            (tmp.path() / "outside" / "x").string(), (logs / "a").string(), (logs / "gone").string()});
    EXPECT_EQ(engine.lines().read, 7u);  // b only: a is unchanged, the rest are not inputs
    ASSERT_EQ(r.load.files.size(), 1u);
    EXPECT_EQ(r.load.files[0].path, (logs / "sub" / "b").string());
    // A full round afterwards finds nothing new: the event round used the listing's names.
    f.round();
    EXPECT_EQ(engine.lines().read, 7u);
}

TEST(FollowerTest, RootFileIsKnownByItsGivenName) {
    test::TempDir tmp;
    const fs::path file = tmp.write("logs/one.log", lines("a", 2));
    EngineConfig cfg;
    Engine engine(cfg);
    Ingestor ing(engine, LoaderOptions{});
    Follower f(ing, FollowOptions{{file.string()}});
    f.round();
    EXPECT_EQ(engine.lines().read, 2u);
    tmp.write("logs/sibling.log", lines("b", 9));  // beside the root file, not named: not read
    f.round({(tmp.path() / "logs" / "." / "one.log").string(), (tmp.path() / "logs" / "sibling.log").string()});
    EXPECT_EQ(engine.lines().read, 2u);
    {
        std::FILE* out = std::fopen(file.c_str(), "ab");
        const std::string more = lines("a", 5);
        std::fwrite(more.data(), 1, more.size(), out);
        std::fclose(out);
    }
    f.round({(tmp.path() / "logs" / "." / "one.log").string()});
    EXPECT_EQ(engine.lines().read, 7u);
    f.round();
    EXPECT_EQ(engine.lines().read, 7u);
}

/// Runs the follower on a thread until its first round has read something; that round.
std::vector<IngestResult> first_round(Follower& f) {
    std::vector<IngestResult> rounds;
    std::thread t([&] {
        f.run([&](const IngestResult& r) {
            rounds.push_back(r);
            f.stop();
        });
    });
    t.join();
    return rounds;
}

// Watching from before the listing: a file renamed in right after the load is read by an event
// round over just that file; nothing is listed or planned again (issue #4: over 100,000 files
// that full round made it wait for seconds).
TEST(FollowerTest, FileRenamedInAfterTheLoadIsReadWithoutAFullRound) {
    test::TempDir tmp;
    const fs::path logs = tmp.path() / "logs";
    for (int i = 0; i < 20; ++i) tmp.write("logs/f" + std::to_string(100 + i), lines("a" + std::to_string(i), 2));
    EngineConfig cfg;
    Engine engine(cfg);
    Ingestor ing(engine, LoaderOptions{});
    Follower f(ing, FollowOptions{{logs.string()}});
    f.watch();
    if (!f.watching()) GTEST_SKIP() << "no inotify here";
    std::vector<InputProblem> problems;
    ing.ingest(collect_inputs({logs.string()}, problems), true);
    ASSERT_EQ(engine.lines().read, 40u);

    tmp.write("logs/.incoming", lines("b", 3));  // a temp name: not read until renamed
    fs::rename(logs / ".incoming", logs / "new.log");
    const std::vector<IngestResult> rounds = first_round(f);
    ASSERT_EQ(rounds.size(), 1u);
    ASSERT_EQ(rounds[0].load.files.size(), 1u);
    EXPECT_EQ(rounds[0].load.files[0].path, (logs / "new.log").string());
    EXPECT_EQ(rounds[0].counts.read, 1u);
    EXPECT_EQ(rounds[0].counts.unchanged, 0u);  // the 20 loaded files were not planned again
    EXPECT_EQ(f.full_rounds(), 0u);
    EXPECT_EQ(engine.lines().read, 43u);
}

// A copy of a counted file is skipped, and the round says so (the dashboard counts copies
// skipped), though it read nothing; the full round after it does not count it again.
TEST(FollowerTest, ARoundThatOnlySkippedACopyIsReported) {
    test::TempDir tmp;
    const fs::path logs = tmp.path() / "logs";
    tmp.write("logs/a.log", lines("a", 4));
    EngineConfig cfg;
    Engine engine(cfg);
    Ingestor ing(engine, LoaderOptions{});
    Follower f(ing, FollowOptions{{logs.string()}});
    f.watch();
    if (!f.watching()) GTEST_SKIP() << "no inotify here";
    std::vector<InputProblem> problems;
    ing.ingest(collect_inputs({logs.string()}, problems), true);
    tmp.write("logs/.incoming", lines("a", 4));  // the same content under another name
    fs::rename(logs / ".incoming", logs / "copy-of-a.log");
    const std::vector<IngestResult> rounds = first_round(f);
    ASSERT_EQ(rounds.size(), 1u);
    EXPECT_EQ(rounds[0].counts.duplicate, 1u);
    EXPECT_TRUE(rounds[0].load.files.empty());
    EXPECT_EQ(engine.lines().read, 4u);
    EXPECT_EQ(f.round().counts.duplicate, 0u) << "known as a copy from then on";
}

// Without watch() before the load, run() cannot know what arrived meanwhile: it starts with a
// full round, which finds the new file (and plans every loaded one again).
TEST(FollowerTest, WithoutEarlyWatchRunStartsWithAFullRound) {
    test::TempDir tmp;
    const fs::path logs = tmp.path() / "logs";
    for (int i = 0; i < 5; ++i) tmp.write("logs/f" + std::to_string(100 + i), lines("a" + std::to_string(i), 2));
    EngineConfig cfg;
    Engine engine(cfg);
    Ingestor ing(engine, LoaderOptions{});
    std::vector<InputProblem> problems;
    ing.ingest(collect_inputs({logs.string()}, problems), true);
    tmp.write("logs/new.log", lines("b", 3));  // before any watch: no event names it
    Follower f(ing, FollowOptions{{logs.string()}});
    const std::vector<IngestResult> rounds = first_round(f);
    ASSERT_EQ(rounds.size(), 1u);
    EXPECT_EQ(rounds[0].counts.read, 1u);
    EXPECT_EQ(rounds[0].counts.unchanged, 5u);
    EXPECT_EQ(f.full_rounds(), 1u);
    EXPECT_EQ(engine.lines().read, 13u);
}

TEST(FollowerTest, MessagesAreSaidOnceAndAgainWhenTheyChange) {
    MessageFilter once;
    auto round = [&](std::vector<std::pair<std::string, std::string>> files, std::vector<std::string> notes) {
        IngestResult r;
        for (auto& [path, error] : files) {
            FileResult f;
            f.path = path;
            f.error = error;
            r.load.files.push_back(f);
        }
        r.notes = std::move(notes);
        once.filter(r);
        std::vector<std::string> said;
        for (const auto& f : r.load.files) {
            if (!f.error.empty()) said.push_back(f.path + ": " + f.error);
        }
        for (const auto& n : r.notes) said.push_back(n);
        return said;
    };
    using V = std::vector<std::string>;
    EXPECT_EQ(round({{"a", "no known log format"}}, {"No space left on device"}),
              (V{"a: no known log format", "No space left on device"}));
    EXPECT_EQ(round({{"a", "no known log format"}}, {"No space left on device"}), V{});
    EXPECT_EQ(round({{"a", "no known log format"}, {"b", "Permission denied"}}, {"No space left on device"}),
              (V{"b: Permission denied"}));
    EXPECT_EQ(round({{"a", "gzip: corrupt"}}, {}), (V{"a: gzip: corrupt"}));                     // changed
    EXPECT_EQ(round({{"a", ""}}, {"No space left on device"}), (V{"No space left on device"}));  // after a clean round
    EXPECT_EQ(round({{"a", "gzip: corrupt"}}, {}), (V{"a: gzip: corrupt"}));  // news again after a clean read
    // A .gz still being written says how far it is counted; a round further on is not news.
    EXPECT_EQ(round({{"g", "gzip: unexpected end at compressed byte 100; counted up to line 7"}}, {}),
              (V{"g: gzip: unexpected end at compressed byte 100; counted up to line 7"}));
    EXPECT_EQ(round({{"g", "gzip: unexpected end at compressed byte 2000; counted up to line 91"}}, {}), V{});
}

}  // namespace
}  // namespace s3top
