#pragma once
// The dashboard over ClickHouse: a Snapshot (totals, chart, panels) made from SQL over the
// records table, as Engine::refresh() makes one over the same records.
//
// Exact, and bounded by what is shown rather than by the table:
// - Totals, distinct clients and the first and last time are one aggregate; the chart is one
//   GROUP BY time bucket (days for the month resolution, folded here into months).
// - A panel is a GROUP BY of its dimension whose groups come back with one record's values
//   (source_select), keyed and labelled by the local Keyer and ordered by order_panel(), the
//   engine's own rule. Only the groups that can be among the first `limit` come back: the
//   limit-th group's sort metrics (bytes, then requests, or the other way) are asked first,
//   and then every group that ranks at least as high by them (HAVING): the first `limit` plus
//   the groups tied with the last, from which the local order picks as the engine would. A
//   panel sorted by its values (SortBy::Key), or with no limit, asks for every group.
// - Filters are where_sql(): the same translation as a report's, the same refusals.
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "core/agg/snapshot.hpp"
#include "core/clickhouse/report_query.hpp"

namespace s3top::clickhouse {

/// The number of groups the panel has under `where` (one UInt64).
std::string panel_groups_sql(const PanelSpec& spec, std::string_view table, std::string_view where);
/// The limit-th group's PanelCut (no row when there are fewer groups), or nullopt when the
/// panel asks for every group (limit 0, or sorted by its values).
std::optional<std::string> panel_cut_sql(const PanelSpec& spec, std::string_view table, std::string_view where);
/// The panel's groups that rank at least as high as `cut` (every group without one): each as
/// source_select() and metrics_select().
std::string panel_rows_sql(const PanelSpec& spec, std::string_view table, std::string_view where,
                           const std::optional<PanelCut>& cut);
/// The panel as the engine draws it: the rows of panel_rows_sql()'s answer keyed, labelled,
/// ordered and cut to the limit; `groups_answer` is panel_groups_sql()'s.
std::expected<PanelData, std::string> fold_panel(const PanelSpec& spec, std::string_view rows_answer,
                                                 std::string_view groups_answer);

/// The filtered records' metrics, distinct clients, first and last time, and their count.
std::string totals_sql(std::string_view table, std::string_view where);
/// Requests and bytes per chart bucket at `resolution` (per day for Dim::Month).
std::string series_sql(Dim resolution, std::string_view table, std::string_view where);
/// Every record of the table (unfiltered).
std::string records_sql(std::string_view table);

/// ClickHouse's answers for one snapshot (RowBinary), and its panels folded already.
struct SnapshotAnswers {
    std::string_view totals, series, records, lines, reasons;
    std::vector<PanelData> panels;  ///< in view.panels order
};

/// The snapshot of `view` the answers make (generation 0: the dashboard numbers it).
std::expected<Snapshot, std::string> fold_snapshot(const ViewSpec& view, SnapshotAnswers answers);

}  // namespace s3top::clickhouse
