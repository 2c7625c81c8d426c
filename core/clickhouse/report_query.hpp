#pragma once
// `s3top report clickhouse://...`: a report pushed down to ClickHouse as SQL over the records
// table (GROUP BY, WHERE, distinct clients, latency buckets), its answers folded into the same
// ReportAccumulator a local run uses, so sorting, cutting and every writer are shared and the
// groups come out exactly as a local run over the same logs prints them.
//
// Exact by construction, not by a second implementation of each rule:
// - A group's keys come back as one of its records' values (any()), and the local Keyer makes
//   the key and label from it; the SQL only has to partition alike (kDims' ClickHouse column
//   or expression).
// - A filter term on a string dimension is decided by the local filter code on each distinct
//   value ClickHouse has, and sent as `expr IN (...)` (or NOT IN, whichever list is shorter);
//   on a number dimension, on each of its few keys. A term on a time dimension is refused.
// - Sums that could pass 2^64 are sent as two halves and saturate as the local sum does.
#include <cstdint>
#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/agg/engine.hpp"
#include "core/agg/tier_map.hpp"
#include "core/clickhouse/answer_reader.hpp"

namespace s3top::clickhouse {

/// Distinct values of an SQL expression over the records table (for filter terms).
using DistinctValues = std::function<std::expected<std::vector<std::string>, std::string>(std::string_view expr)>;

/// An SQL string literal of `s` (every byte that is not plain printable ASCII as \xHH).
std::string sql_string(std::string_view s);

/// The SQL expression a dimension groups by (its column, or kDims' expression with the depth).
std::string dim_expr(const DimSpec& d);

/// The WHERE clause of `filter` ("1" when it is empty), or a one-line refusal naming the term.
std::expected<std::string, std::string> where_sql(const Filter& filter, const DistinctValues& distinct);

// The parts every statement over the records table is made of, and how their answers read.

/// The stored columns the keys of `by` are made from (a key prefix's is the key).
DimMask source_dims(const std::vector<DimSpec>& by);
/// The SELECT list of a group's representative row: one record's value of every column in
/// `sources` (any()), its status and tier, its first time. The local Keyer makes the group's
/// key and label from it, as from a record.
std::string source_select(const DimMask& sources);
/// Reads a source_select() row, appended to `c` (its strings interned into `pools`).
void read_source_row(AnswerReader& r, const DimMask& sources, Columns& c, Pools& pools);
/// The SELECT list of a group's Metrics (requests, bytes as halves, errors, tiers, total time).
std::string metrics_select();
/// Reads a metrics_select() row; a byte sum past 2^64-1 stops there and sets `overflow`.
Metrics read_metrics(AnswerReader& r);
/// The sum of a UInt64 column as its high and low 32-bit halves (two UInt64 columns).
std::string halves(std::string_view column);
/// Reads a halves() pair: the sum, stopped at 2^64-1 (then `overflow` is set).
std::uint64_t read_saturated(AnswerReader& r, bool& overflow);
/// The sum of a UInt64 column as one UInt64 that stops at 2^64-1 as add_saturating() does
/// (to ORDER BY what Metrics holds).
std::string saturated_sum(std::string_view column);
/// The line counters (lines read, parsed, bytes, newest file time) of a lines table.
std::string lines_sql(std::string_view lines_table);
/// The lines that became no record, by reason, of a lines table.
std::string reasons_sql(std::string_view lines_table);
/// Folds the answers to lines_sql() and reasons_sql() into `lines` and `newest`.
std::expected<void, std::string> fold_lines(std::string_view lines_answer, std::string_view reasons_answer,
                                            LineCounters& lines, std::int64_t& newest);
/// "ClickHouse's answer to the WHAT query does not parse ...".
std::string garbled(std::string_view what);

/// The statements of a report, each FORMAT RowBinary.
struct ReportSql {
    std::string groups;      ///< per group: its keys' source columns, metrics, distinct clients
    std::string timed;       ///< per group and latency bucket: requests
    std::string overall;     ///< distinct clients, first and last time
    std::string operations;  ///< requests per operation, unfiltered (operations no rule knows)
    std::string lines;       ///< lines read, parsed, bytes, newest file time (the lines table)
    std::string reasons;     ///< lines that became no record, by reason
};
/// `table` names the records table; `lines_table` the line counters that go with it.
ReportSql report_sql(const ReportSpec& spec, std::string_view table, std::string_view lines_table,
                     std::string_view where);

/// ClickHouse's answers to the statements of a ReportSql (RowBinary).
struct ReportAnswers {
    std::string_view groups, timed, overall, operations, lines, reasons;
};

/// Folds the answers to report_sql() into a result, as Engine::report() would make it over the
/// same records. An answer that does not parse is a one-line error.
std::expected<ReportResult, std::string> fold_report(const ReportSpec& spec, const TierMap& tiers,
                                                     const ReportAnswers& answers);

/// The values of a one-String-column RowBinary answer (SELECT DISTINCT expr), or an error.
std::expected<std::vector<std::string>, std::string> read_strings(std::string_view answer);

}  // namespace s3top::clickhouse
