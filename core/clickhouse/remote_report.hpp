#pragma once
// A report over a ClickHouse table of records (`s3top report clickhouse://...`): the statements
// of report_query.hpp sent through the HTTP client, their answers folded as a local run folds.
#include <expected>
#include <string>

#include "core/agg/engine.hpp"
#include "core/agg/tier_map.hpp"
#include "core/clickhouse/client.hpp"

namespace s3top::clickhouse {

/// Runs a report over the target's records: its table on one host, or with several hosts the
/// Distributed table TABLE_all (s3top schema clickhouse --cluster) on the first.
std::expected<ReportResult, std::string> run_report(Client& client, const ReportSpec& spec, const TierMap& tiers);

}  // namespace s3top::clickhouse
