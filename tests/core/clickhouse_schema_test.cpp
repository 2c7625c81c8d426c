#include "core/clickhouse/schema.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/agg/dimension.hpp"

using namespace s3top;
using namespace s3top::clickhouse;

namespace {

bool has_column(std::string_view name) {
    const auto& cols = record_columns();
    return std::any_of(cols.begin(), cols.end(), [&](const Column& c) { return c.name == name; });
}

}  // namespace

TEST(ClickHouseSchema, EveryDimensionColumnOfKDimsIsATableColumnOnce) {
    for (const DimInfo& d : kDims) {
        if (!d.clickhouse.column.empty()) {
            EXPECT_TRUE(has_column(d.clickhouse.column)) << d.name;
        }
    }
    std::set<std::string_view> names;
    for (const Column& c : record_columns()) {
        EXPECT_TRUE(names.insert(c.name).second) << c.name << " twice";
    }
    for (const char* n :
         {"time", "bytes_sent", "bytes_in", "total_time_ms", "file_number", "source_line", "batch_id"}) {
        EXPECT_TRUE(has_column(n)) << n;
    }
}

TEST(ClickHouseSchema, ExpressionsOfKDimsReadOnlyTableColumns) {
    // A dimension without a column of its own is an expression of stored columns: the one it
    // is cut from (key), or the time and the status.
    for (const DimInfo& d : kDims) {
        if (d.clickhouse.expr.empty()) {
            continue;
        }
        const bool reads_one = d.clickhouse.expr.find("time") != std::string_view::npos ||
                               d.clickhouse.expr.find("status") != std::string_view::npos ||
                               d.clickhouse.expr.find("key") != std::string_view::npos;
        EXPECT_TRUE(reads_one) << d.name << ": " << d.clickhouse.expr;
    }
}

TEST(ClickHouseSchema, StatementsAreOneDatabaseTheTablesOfRecordsLinesAndStorageAndTheDistributedOnesWithACluster) {
    SchemaOptions o;
    o.database = "logs";
    auto plain = schema_statements(o);
    ASSERT_EQ(plain.size(), 4u);
    EXPECT_EQ(plain[0], "CREATE DATABASE IF NOT EXISTS logs");
    EXPECT_NE(plain[1].find("CREATE TABLE IF NOT EXISTS logs.s3top_records\n"), std::string::npos);
    EXPECT_NE(plain[1].find("PARTITION BY toYYYYMM(time)\nORDER BY (org, time)"), std::string::npos);
    EXPECT_NE(plain[1].find("    total_time_ms Nullable(UInt32),\n"), std::string::npos);
    // A record names its file by its number in the batch; the path is once in the lines table.
    EXPECT_NE(plain[1].find("    file_number UInt32,\n    source_line UInt64,\n"), std::string::npos);
    EXPECT_EQ(plain[1].find("source_file"), std::string::npos);
    EXPECT_EQ(plain[1].find("LowCardinality"), std::string::npos) << "18.x refuses it without a setting";
    EXPECT_NE(plain[2].find("CREATE TABLE IF NOT EXISTS logs.s3top_records_lines\n"), std::string::npos);
    EXPECT_NE(
        plain[2].find("    newest_source_mtime Int64,\n    reasons Array(String),\n    reason_lines Array(UInt64),\n"
                      "    storage_failed Nullable(UInt64),\n    org_from String,\n    files Array(String)\n)"),
        std::string::npos);
    // The storage events, in the order storage applies them; their time is the log's (Int64,
    // not DateTime's 1970-2106).
    EXPECT_NE(plain[3].find("CREATE TABLE IF NOT EXISTS logs.s3top_records_storage\n(\n    batch_id UInt64,\n"
                            "    time Int64,\n"),
              std::string::npos);
    EXPECT_TRUE(plain[3].ends_with("ENGINE = MergeTree()\nORDER BY (time, source_file, source_offset)"));
    EXPECT_NE(plain[3].find("    object_size Nullable(UInt64),\n"), std::string::npos);
    o.cluster = "c2";
    o.table = "recs";
    auto clustered = schema_statements(o);
    ASSERT_EQ(clustered.size(), 7u);
    EXPECT_EQ(clustered[4],
              "CREATE TABLE IF NOT EXISTS logs.recs_all AS logs.recs\nENGINE = Distributed(c2, logs, recs, rand())");
    EXPECT_EQ(clustered[5],
              "CREATE TABLE IF NOT EXISTS logs.recs_lines_all AS logs.recs_lines\n"
              "ENGINE = Distributed(c2, logs, recs_lines, rand())");
    EXPECT_EQ(clustered[6],
              "CREATE TABLE IF NOT EXISTS logs.recs_storage_all AS logs.recs_storage\n"
              "ENGINE = Distributed(c2, logs, recs_storage, rand())");
    const std::string sql = schema_sql(o);
    EXPECT_EQ(std::count(sql.begin(), sql.end(), ';'), 7);
    EXPECT_TRUE(sql.ends_with(";\n"));
}

TEST(ClickHouseSchema, OnlyPlainIdentifiersAreNames) {
    for (const char* ok : {"s3top_records", "_x", "Logs2024", "a"}) {
        EXPECT_TRUE(valid_identifier(ok)) << ok;
    }
    for (const char* bad : {"", "2logs", "a-b", "a b", "x;DROP", "a.b", "`a`", "é"}) {
        EXPECT_FALSE(valid_identifier(bad)) << bad;
    }
    EXPECT_TRUE(valid_identifier(std::string(64, 'a')));
    EXPECT_FALSE(valid_identifier(std::string(65, 'a')));
}
