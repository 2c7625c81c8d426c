#pragma once
// A report, or the dashboard's snapshot, over a ClickHouse table of records (`s3top report
// clickhouse://...`, `s3top clickhouse://...`): the statements of report_query.hpp and
// snapshot_query.hpp sent through the HTTP client, their answers folded as a local run folds.
#include <expected>
#include <string>

#include "core/agg/engine.hpp"
#include "core/agg/tier_map.hpp"
#include "core/clickhouse/client.hpp"

namespace s3top::clickhouse {

/// Runs a report over the target's records: its table on one host, or with several hosts the
/// Distributed table TABLE_all (s3top schema clickhouse --cluster) on the first.
std::expected<ReportResult, std::string> run_report(Client& client, const ReportSpec& spec, const TierMap& tiers);

/// The dashboard's snapshot of `view` over the target's records (snapshot_query.hpp), from the
/// same tables as run_report(); or a one-line error (unreachable, a refused filter term ...).
std::expected<Snapshot, std::string> run_snapshot(Client& client, const ViewSpec& view);

}  // namespace s3top::clickhouse
