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
#include <optional>
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

// Top N: only the groups that can be among the first N by an order of metrics come back. The
// N-th group's pair of sort metrics is asked first (cut_sql), then every group that ranks at
// least as high by them (having_sql): the first N plus those tied with the N-th, from which the
// local order picks as it would among all of them.

/// The sort metrics of the limit-th group: the first and second of its order's pair (bytes
/// sent then requests, or requests then bytes sent).
struct PanelCut {
    std::uint64_t first = 0, second = 0;
};
/// The `limit`-th group's PanelCut when grouped by `keys` (SQL) and ranked by `sort` (from the
/// last with `reverse`). `sort` must not be SortBy::Key.
std::string cut_sql(SortBy sort, bool reverse, std::size_t limit, std::string_view keys, std::string_view table,
                    std::string_view where);
/// The cut an answer to cut_sql() names: nullopt when it has no row (fewer groups: every group).
std::expected<std::optional<PanelCut>, std::string> read_cut(std::string_view answer);
/// " HAVING ...": the groups that rank at least as high as `cut` by `sort`.
std::string having_sql(SortBy sort, bool reverse, const PanelCut& cut);

/// The statements of a report, each FORMAT RowBinary.
struct ReportSql {
    std::string groups;       ///< per group: its keys' source columns, metrics, distinct clients
    std::string timed;        ///< per group and latency bucket: requests
    std::string overall;      ///< distinct clients, first and last time
    std::string operations;   ///< requests per operation, unfiltered (operations no rule knows)
    std::string lines;        ///< lines read, parsed, bytes, newest file time (the lines table)
    std::string reasons;      ///< lines that became no record, by reason
    std::string group_count;  ///< with a cut: how many groups there are (one UInt64); else empty
};
/// With --top N (and an order by metrics): cut_sql() for the report's groups; else nullopt.
std::optional<std::string> report_cut_sql(const ReportSpec& spec, std::string_view table, std::string_view where);
/// `table` names the records table; `lines_table` the line counters that go with it. With
/// `cut` (the answer to report_cut_sql()), only the groups that rank at least as high come back,
/// and their latency buckets.
ReportSql report_sql(const ReportSpec& spec, std::string_view table, std::string_view lines_table,
                     std::string_view where, const std::optional<PanelCut>& cut = std::nullopt);

/// ClickHouse's answers to the statements of a ReportSql (RowBinary).
struct ReportAnswers {
    std::string_view groups, timed, overall, operations, lines, reasons;
    std::string_view group_count;  ///< empty: the groups are all of them
};

/// Folds the answers to report_sql() into a result, as Engine::report() would make it over the
/// same records. An answer that does not parse is a one-line error.
std::expected<ReportResult, std::string> fold_report(const ReportSpec& spec, const TierMap& tiers,
                                                     const ReportAnswers& answers);

/// The values of a one-String-column RowBinary answer (SELECT DISTINCT expr), or an error.
std::expected<std::vector<std::string>, std::string> read_strings(std::string_view answer);

}  // namespace s3top::clickhouse
