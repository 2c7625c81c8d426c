#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include "core/agg/batch.hpp"
#include "core/clickhouse/row_binary.hpp"
#include "core/clickhouse/schema.hpp"
#include "core/clickhouse/target.hpp"
#include "core/ingest/loader.hpp"
#include "core/parse/record.hpp"

using namespace s3top;
using namespace s3top::clickhouse;

namespace {

std::expected<Target, std::string> parse(std::string_view url, std::map<std::string, std::string> env = {}) {
    return parse_target(url, [env](const char* n) -> const char* {
        const auto it = env.find(n);
        return it == env.end() ? nullptr : it->second.c_str();
    });
}

}  // namespace

TEST(ClickHouseTarget, ReadsHostsDatabaseTableAndCredentials) {
    auto t = parse("clickhouse://ingest:p%40ss@ch1:8123,10.0.0.2:9123/logs?table=recs");
    ASSERT_TRUE(t) << t.error();
    ASSERT_EQ(t->hosts.size(), 2u);
    EXPECT_EQ(t->hosts[0].name, "ch1");
    EXPECT_EQ(t->hosts[1].port, 9123);
    EXPECT_EQ(t->database, "logs");
    EXPECT_EQ(t->table, "recs");
    EXPECT_EQ(t->user, "ingest");
    EXPECT_EQ(t->password, "p@ss");
    EXPECT_EQ(t->describe(), "clickhouse://ch1:8123,10.0.0.2:9123/logs?table=recs");
    EXPECT_EQ(t->base_url(1), "http://10.0.0.2:9123/");
}

TEST(ClickHouseTarget, InsertsAreGzippedUnlessEveryHostIsThisMachineOrTheUrlSays) {
    EXPECT_TRUE(parse("clickhouse://ch1:8123,127.0.0.1:8124/logs")->gzip);
    EXPECT_FALSE(parse("clickhouse://127.0.0.1:8123,127.0.0.2:8124/logs")->gzip);
    EXPECT_FALSE(parse("clickhouse://localhost:8123/logs")->gzip);
    EXPECT_TRUE(parse("clickhouse://localhost:8123/logs?compress=gzip")->gzip);
    EXPECT_FALSE(parse("clickhouse://ch1:8123/logs?table=t&compress=none")->gzip);
    auto bad = parse("clickhouse://ch1:8123/logs?compress=lz4");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), "--to: compress 'lz4' is neither gzip nor none");
}

TEST(ClickHouseTarget, TheEnvironmentGivesWhatTheUrlDoesNot) {
    const std::map<std::string, std::string> env{{"S3TOP_CLICKHOUSE_USER", "u"}, {"S3TOP_CLICKHOUSE_PASSWORD", "pw"}};
    auto t = parse("clickhouse://ch1/db", env);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->user, "u");
    EXPECT_EQ(t->password, "pw");
    EXPECT_EQ(t->table, "s3top_records");
    EXPECT_EQ(t->hosts[0].port, 8123);
    auto given = parse("clickhouse://me:mine@ch1/db", env);
    ASSERT_TRUE(given);
    EXPECT_EQ(given->user, "me");
    EXPECT_EQ(given->password, "mine");
}

TEST(ClickHouseTarget, ErrorsNeverShowThePassword) {
    for (const char* bad :
         {"clickhouse://u:sec/ret@ch1/db", "clickhouse://u:secret@ch1:99999/db", "clickhouse://u:secret@ch1/d-b",
          "clickhouse://u:secret@ch1/db?table=a;b", "clickhouse://u:secret@ch1/db?secret=1"}) {
        auto t = parse(bad);
        ASSERT_FALSE(t) << bad;
        EXPECT_EQ(t.error().find("sec"), std::string::npos) << t.error();
    }
    EXPECT_FALSE(parse("http://ch1/db"));
    EXPECT_FALSE(parse("clickhouse:///db"));
    EXPECT_FALSE(parse("clickhouse://ch1"));
    auto t = parse("clickhouse://ch1:x/db");
    ASSERT_FALSE(t);
    EXPECT_NE(t.error().find("'x' is not a port"), std::string::npos) << t.error();
}

TEST(ClickHouseRowBinary, ARowIsEveryColumnInTableOrder) {
    Batch b;
    DimMask keep;
    keep.set();
    BatchBuilder builder(OrgSource{}, keep);
    Record r;
    r.time = 1709251200;
    r.bucket = "bkt";
    r.remote_ip = "10.0.0.1";
    r.operation = "REST.GET.OBJECT";
    r.key = "k";
    r.query = "org=acme";
    r.status = 200;
    r.bytes_sent = 300;
    builder.add(r);
    builder.add_origin(origin_key(1, 17));
    b = builder.take();
    const EncodedRows e = encode_row_binary(b, [](std::uint32_t f) { return f == 1 ? "logs/a" : "?"; }, 0x42);
    EXPECT_EQ(e.rows, 1u);
    EXPECT_EQ(e.min_time, 1709251200);
    std::string want;
    auto u32 = [&](std::uint32_t v) { want.append(reinterpret_cast<const char*>(&v), 4); };
    auto u64 = [&](std::uint64_t v) { want.append(reinterpret_cast<const char*>(&v), 8); };
    auto str = [&](std::string_view s) {
        want.push_back(static_cast<char>(s.size()));
        want.append(s);
    };
    for (const Column& c : record_columns()) {
        switch (c.field) {
            case Field::Time: u32(1709251200); break;
            case Field::Dim:
                str(c.dim == Dim::Org         ? "acme"
                    : c.dim == Dim::Bucket    ? "bkt"
                    : c.dim == Dim::RemoteIp  ? "10.0.0.1"
                    : c.dim == Dim::Operation ? "REST.GET.OBJECT"
                    : c.dim == Dim::Key       ? "k"
                                              : "");
                break;
            case Field::Status: want.append("\xc8\x00", 2); break;
            case Field::Tier: want.push_back(0); break;
            case Field::BytesSent: u64(300); break;
            case Field::BytesIn: u64(0); break;
            case Field::TotalTime: want.push_back(1); break;  // absent: NULL
            case Field::SourceFile: str("logs/a"); break;
            case Field::SourceLine: u64(17); break;
            case Field::BatchId: u64(0x42); break;
        }
    }
    EXPECT_EQ(e.bytes, want);
    const EncodedRows none =
        encode_row_binary(b, [](std::uint32_t) { return ""; }, 1, [](std::uint32_t) { return false; });
    EXPECT_EQ(none.rows, 0u);
    EXPECT_TRUE(none.bytes.empty());
    EXPECT_EQ(insert_statement("logs", "t").rfind("INSERT INTO logs.t (time, org, ", 0), 0u);
    EXPECT_FALSE(gzip_compress(e.bytes).empty());
}
