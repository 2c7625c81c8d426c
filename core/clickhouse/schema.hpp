#pragma once
// The ClickHouse table of records (`s3top schema clickhouse`, `s3top ingest --to clickhouse://`):
// one list of its columns, derived from kDims for the dimensions, and the DDL made from it.
// Only long-stable SQL: MergeTree with PARTITION BY / ORDER BY, Distributed, plain String
// columns (LowCardinality needs a setting on 18.x), DateTime('UTC'), Nullable; Debian's
// clickhouse-server 18.16 and current releases take the same statements.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/agg/dimension.hpp"

namespace s3top::clickhouse {

/// What a column of the records table holds, for the code that fills it.
enum class Field : std::uint8_t {
    Time,
    Dim,
    Status,
    Tier,
    BytesSent,
    BytesIn,
    TotalTime,
    FileNumber,
    SourceLine,
    BatchId
};

/// One column of the records table.
struct Column {
    std::string_view name;
    std::string_view type;
    Field field = Field::Dim;
    Dim dim = Dim::Count_;  ///< Field::Dim: the stored dimension
};

/// The columns of s3top_records, in table order: the time, every stored dimension and number
/// dimension of kDims that has a ClickHouse column, the byte and time numbers, and where each
/// record came from (its file's number in its batch, its line, and the batch that inserted it).
/// A file's path is written once per batch, in the lines table's `files`: a record's path is
/// `files[file_number]` of its batch's lines row.
const std::vector<Column>& record_columns();

/// A column of the lines table (one row per batch: its line counters).
struct LinesColumn {
    std::string_view name;
    std::string_view type;
};
const std::vector<LinesColumn>& lines_columns();
/// The lines table that goes with a records table: TABLE_lines.
std::string lines_table(std::string_view records_table);

/// A column of the storage table (one row per object-changing request that succeeded: what
/// `s3top storage` applies; a batch's failed ones are counted in its lines row).
struct StorageColumn {
    std::string_view name;
    std::string_view type;
};
const std::vector<StorageColumn>& storage_columns();
/// The storage table that goes with a records table: TABLE_storage.
std::string storage_table(std::string_view records_table);

/// A database, table or cluster name s3top writes into SQL: [A-Za-z_][A-Za-z0-9_]*, at most
/// 64 characters (no quoting needed, nothing to inject).
bool valid_identifier(std::string_view name);

struct SchemaOptions {
    std::string database = "default";
    std::string table = "s3top_records";
    std::string cluster;  ///< non-empty: also TABLE_all, a Distributed table over it on this cluster
};

/// The DDL, statements separated by ";\n" (clickhouse-client --multiquery reads it as it is):
/// CREATE DATABASE, the MergeTree tables of records, of lines (TABLE_lines) and of storage
/// events (TABLE_storage), and with a cluster a Distributed table over each (TABLE_all,
/// TABLE_lines_all, TABLE_storage_all). Every
/// statement is IF NOT EXISTS, so it can be run again. Names must be valid_identifier().
std::string schema_sql(const SchemaOptions& o);

/// schema_sql() cut into its statements (each without the ';'), for the HTTP interface,
/// which takes one statement per request.
std::vector<std::string> schema_statements(const SchemaOptions& o);

}  // namespace s3top::clickhouse
