// The command line's words to typed, checked Options (app/options.cpp): what a user types wrong
// is one line naming the option, and what an ingest cannot do exactly is refused before any
// input is read. Secrets given in a URL never reach a message.
#include "app/options.hpp"

#include <gtest/gtest.h>

#include <string>

#include "support/test_support.hpp"

namespace s3top::app {
namespace {

/// Resolves `t` with no user config (an empty XDG folder); the UsageError's line, or "".
struct Resolved {
    std::optional<Options> options;
    std::string error;
};
Resolved resolve(const CommandLineText& t) {
    static test::TempDir home;  // no s3top config in it
    try {
        return {resolve_options(t, home.path().c_str(), home.path().c_str()), ""};
    } catch (const UsageError& e) {
        return {std::nullopt, e.message};
    }
}

CommandLineText ingest_to(std::string url) {
    CommandLineText t;
    t.command = Command::Ingest;
    t.paths = {"logs"};
    t.to_url = std::move(url);
    t.given = {"--to"};
    return t;
}

TEST(Options, ShardIsThisMachinesShareKOfN) {
    CommandLineText t = ingest_to("clickhouse://127.0.0.1:8123/logs");
    t.shard = "2/3";
    const Resolved r = resolve(t);
    ASSERT_TRUE(r.options) << r.error;
    EXPECT_EQ(r.options->shard, 1u);  // counted from 0 inside
    EXPECT_EQ(r.options->shards, 3u);
    for (const char* bad : {"0/3", "4/3", "3", "/3", "2/", "a/2", "1/0", "-1/2", "1/2/3", "1 /2", "9999999/9999999"}) {
        t.shard = bad;
        const Resolved e = resolve(t);
        EXPECT_FALSE(e.options) << bad;
        EXPECT_EQ(e.error.find("--shard: '" + std::string(bad) + "' is not K/N"), 0u) << bad << ": " << e.error;
    }
}

TEST(Options, AnIngestRefusesWhatItCannotSendExactlyOnce) {
    struct Case {
        const char* what;
        void (*change)(CommandLineText&);
        const char* says;
    } cases[] = {
        {"no state", [](CommandLineText& t) { t.no_state = true; }, "--no-state: an ingest needs its state file"},
        {"stdin", [](CommandLineText& t) { t.paths = {"-"}; }, "standard input cannot be ingested exactly once"},
        {"replay", [](CommandLineText& t) { t.replay = true; }, "--replay: an ingest sends the records"},
        {"dedupe",
         [](CommandLineText& t) {
             t.dedupe = "request-id";
             t.given.insert("--dedupe");
         },
         "--dedupe: not with ingest"},
    };
    for (const Case& c : cases) {
        CommandLineText t = ingest_to("clickhouse://127.0.0.1:8123/logs");
        c.change(t);
        const Resolved r = resolve(t);
        EXPECT_FALSE(r.options) << c.what;
        EXPECT_NE(r.error.find(c.says), std::string::npos) << c.what << ": " << r.error;
    }
}

TEST(Options, AConfigsRequestIdDedupeIsNamedAsTheConfigsAndAnIngestCanTurnItOff) {
    test::TempDir dir;
    const auto config = dir.write("s3top.toml", "[log]\ndedupe = \"request-id\"\n");
    CommandLineText t = ingest_to("clickhouse://127.0.0.1:8123/logs");
    t.config_file = config.string();
    t.given.insert("--config");
    Resolved r = resolve(t);
    EXPECT_FALSE(r.options);
    EXPECT_EQ(r.error.find("config: log.dedupe = \"request-id\" does not apply to ingest: "), 0u) << r.error;
    EXPECT_NE(r.error.find("give --dedupe off to ingest with this config"), std::string::npos) << r.error;
    t.dedupe = "off";
    t.given.insert("--dedupe");
    r = resolve(t);
    ASSERT_TRUE(r.options) << r.error;
    EXPECT_EQ(r.options->dedupe, DedupeMode::Off);
    // A report keeps the config's dedupe.
    t = CommandLineText{};
    t.command = Command::Report;
    t.paths = {"logs"};
    t.config_file = config.string();
    t.given = {"--config"};
    r = resolve(t);
    ASSERT_TRUE(r.options) << r.error;
    EXPECT_EQ(r.options->dedupe, DedupeMode::RequestId);
}

TEST(Options, APasswordInTheUrlIsKeptButNeverShown) {
    const std::string secret = "s3cr3t-Zq9/x";  // a '/' unescaped: read wrongly, it could become a host
    Resolved r = resolve(ingest_to("clickhouse://ingest:s3cr3t-Zq9%2Fx@127.0.0.1:8123,10.0.0.2:8123/logs?table=t"));
    ASSERT_TRUE(r.options) << r.error;
    ASSERT_TRUE(r.options->to);
    EXPECT_EQ(r.options->to->password, secret);
    EXPECT_EQ(r.options->to->user, "ingest");
    EXPECT_EQ(r.options->to->describe(), "clickhouse://127.0.0.1:8123,10.0.0.2:8123/logs?table=t");
    // Malformed URLs carrying it: the message says what is wrong, never the password.
    for (const std::string& url :
         {"clickhouse://ingest:" + secret + "@127.0.0.1:8123/logs",
          "clickhouse://ingest:" + secret + "@127.0.0.1:x/logs", "clickhouse://ingest:" + secret + "@/logs",
          "clickhouse://ingest:" + secret + "@127.0.0.1:8123/logs?table=a;b"}) {
        r = resolve(ingest_to(url));
        EXPECT_FALSE(r.options) << url;
        EXPECT_EQ(r.error.find("--to: "), 0u) << r.error;
        EXPECT_EQ(r.error.find("s3cr3t"), std::string::npos) << r.error;
    }
}

TEST(Options, EveryIsADurationFromTenMillisecondsToSevenDays) {
    CommandLineText t;
    t.command = Command::Report;
    t.paths = {"logs"};
    t.follow = true;
    t.given = {"--every"};
    for (const auto& [text, ms] : {std::pair{"500ms", 500}, {"5s", 5000}, {"2m", 120000}, {"3", 3000}, {"10ms", 10}}) {
        t.every = text;
        const Resolved r = resolve(t);
        ASSERT_TRUE(r.options) << text << ": " << r.error;
        EXPECT_EQ(r.options->every.count(), ms) << text;
    }
    for (const char* bad : {"9ms", "8d", "5x", "", "-1s", "s"}) {
        t.every = bad;
        const Resolved r = resolve(t);
        EXPECT_FALSE(r.options) << bad;
        EXPECT_EQ(r.error.find("--every: "), 0u) << bad << ": " << r.error;
    }
    t.follow = false;  // a report per interval needs something to follow or replay
    t.every = "5s";
    EXPECT_NE(resolve(t).error.find("add --follow or --replay"), std::string::npos);
}

TEST(Options, AnUnknownDimensionIsNamedWithTheKnownOnes) {
    CommandLineText t;
    t.command = Command::Report;
    t.paths = {"logs"};
    t.by = "org,nope";
    const Resolved r = resolve(t);
    EXPECT_FALSE(r.options);
    EXPECT_NE(r.error.find("unknown dimension 'nope'"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("org"), std::string::npos) << r.error;
    t.by = "org,day";
    const Resolved ok = resolve(t);
    ASSERT_TRUE(ok.options) << ok.error;
    EXPECT_EQ(ok.options->by.size(), 2u);
}

TEST(Options, AClickHousePathStandsAlone) {
    CommandLineText t;
    t.command = Command::Report;
    t.paths = {"clickhouse://127.0.0.1:8123/logs", "more-logs"};
    EXPECT_NE(resolve(t).error.find("give it alone"), std::string::npos) << resolve(t).error;
    t.command = Command::Ingest;
    t.paths = {"clickhouse://127.0.0.1:8123/logs"};
    t.to_url = "clickhouse://127.0.0.1:8123/logs";
    EXPECT_NE(resolve(t).error.find("only `s3top report`, `bill`, `storage` and the dashboard"), std::string::npos)
        << resolve(t).error;
}

TEST(Options, NoInputIsAUsageError) {
    CommandLineText t;
    t.command = Command::Report;
    EXPECT_EQ(resolve(t).error, "no input: name log files or folders, or - for standard input");
}

}  // namespace
}  // namespace s3top::app
