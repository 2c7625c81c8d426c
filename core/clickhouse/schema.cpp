#include "core/clickhouse/schema.hpp"

#include <fmt/format.h>

#include "core/agg/dimension.hpp"

namespace s3top::clickhouse {

const std::vector<Column>& record_columns() {
    static const std::vector<Column> columns = [] {
        std::vector<Column> c{{"time", "DateTime('UTC')", Field::Time}};
        for (const DimInfo& d : kDims) {
            if (d.clickhouse.column.empty()) continue;
            const Field f = d.kind == DimKind::Stored          ? Field::Dim
                            : d.number == NumberColumn::Status ? Field::Status
                                                               : Field::Tier;
            c.push_back({d.clickhouse.column, d.clickhouse.type, f, d.dim});
        }
        // The number columns that are no dimension (see for_each_number_column_accessor);
        // an absent total time is NULL, so percentiles skip it as a local report does.
        c.push_back({"bytes_sent", "UInt64", Field::BytesSent});
        c.push_back({"bytes_in", "UInt64", Field::BytesIn});
        c.push_back({"total_time_ms", "Nullable(UInt32)", Field::TotalTime});
        // Its file's place in its batch's lines row `files` (from 1, as ClickHouse's arrays): a
        // path on every row was a sixth of the bytes the servers take in.
        c.push_back({"file_number", "UInt32", Field::FileNumber});
        c.push_back({"source_line", "UInt64", Field::SourceLine});
        c.push_back({"batch_id", "UInt64", Field::BatchId});
        return c;
    }();
    return columns;
}

const std::vector<LinesColumn>& lines_columns() {
    static const std::vector<LinesColumn> columns{
        {"batch_id", "UInt64"},
        {"ingested_at", "DateTime('UTC') DEFAULT now()"},
        {"lines_read", "UInt64"},
        {"lines_parsed", "UInt64"},
        {"bytes_read", "UInt64"},
        {"newest_source_mtime", "Int64"},
        {"reasons", "Array(String)"},
        {"reason_lines", "Array(UInt64)"},
        // The batch's object-changing requests that failed (they change nothing; storage counts
        // them). NULL: the batch was sent by an s3top that did not send its storage events.
        {"storage_failed", "Nullable(UInt64)"},
        // The --org-from the batch's orgs were taken by (org_source_spec): storage over
        // ClickHouse gives an inventory's objects their owners by the same rule.
        {"org_from", "String"},
        // The batch's files by path, each once: a record's file is files[file_number].
        {"files", "Array(String)"}};
    return columns;
}

std::string lines_table(std::string_view records_table) { return std::string(records_table) + "_lines"; }

const std::vector<StorageColumn>& storage_columns() {
    // StorageLine's fields, as storage applies them: `change` is the change an operation makes,
    // named by kStorageOps' first operation that makes it (REST.PUT.OBJECT for every Put, a
    // transition's own name for its class); `time` is the log's, not clamped to DateTime.
    static const std::vector<StorageColumn> columns{
        {"batch_id", "UInt64"},      {"time", "Int64"},       {"source_file", "String"},
        {"source_offset", "UInt64"}, {"org", "String"},       {"bucket", "String"},
        {"key", "String"},           {"change", "String"},    {"object_size", "Nullable(UInt64)"},
        {"version_id", "String"},    {"upload_id", "String"}, {"part_number", "UInt16"}};
    return columns;
}

std::string storage_table(std::string_view records_table) { return std::string(records_table) + "_storage"; }

bool valid_identifier(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char ch = name[i];
        const bool letter = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
        if (!letter && !(i > 0 && ch >= '0' && ch <= '9')) return false;
    }
    return true;
}

std::vector<std::string> schema_statements(const SchemaOptions& o) {
    std::vector<std::string> out;
    out.push_back(fmt::format("CREATE DATABASE IF NOT EXISTS {}", o.database));
    std::string cols;
    for (const Column& c : record_columns()) cols += fmt::format("    {} {},\n", c.name, c.type);
    cols.resize(cols.size() - 2);  // the last ",\n"
    // By org, then time: per-org reports over a period read a contiguous range of each part.
    out.push_back(
        fmt::format("CREATE TABLE IF NOT EXISTS {}.{}\n(\n{}\n)\nENGINE = MergeTree()\n"
                    "PARTITION BY toYYYYMM(time)\nORDER BY (org, time)",
                    o.database, o.table, cols));
    // Each batch's line counters (read, parsed, bytes, the lines that became no record by
    // reason): what a report over ClickHouse says of the lines, as a local one does.
    std::string lcols;
    for (const LinesColumn& c : lines_columns()) lcols += fmt::format("    {} {},\n", c.name, c.type);
    lcols.resize(lcols.size() - 2);
    out.push_back(fmt::format("CREATE TABLE IF NOT EXISTS {}.{}\n(\n{}\n)\nENGINE = MergeTree()\nORDER BY batch_id",
                              o.database, lines_table(o.table), lcols));
    // Each object-changing request, in the order storage applies them (by time, then where it
    // was read): storage over ClickHouse fetches them in that order and applies them here.
    std::string scols;
    for (const StorageColumn& c : storage_columns()) scols += fmt::format("    {} {},\n", c.name, c.type);
    scols.resize(scols.size() - 2);
    out.push_back(fmt::format(
        "CREATE TABLE IF NOT EXISTS {}.{}\n(\n{}\n)\nENGINE = MergeTree()\nORDER BY (time, source_file, source_offset)",
        o.database, storage_table(o.table), scols));
    if (!o.cluster.empty()) {
        for (const std::string& t : {o.table, lines_table(o.table), storage_table(o.table)}) {
            out.push_back(
                fmt::format("CREATE TABLE IF NOT EXISTS {0}.{1}_all AS {0}.{1}\n"
                            "ENGINE = Distributed({2}, {0}, {1}, rand())",
                            o.database, t, o.cluster));
        }
    }
    return out;
}

std::string schema_sql(const SchemaOptions& o) {
    std::string sql;
    for (const std::string& s : schema_statements(o)) sql += s + ";\n";
    return sql;
}

}  // namespace s3top::clickhouse
