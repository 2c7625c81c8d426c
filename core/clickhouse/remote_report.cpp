#include "core/clickhouse/remote_report.hpp"

#include <fmt/format.h>

#include "core/clickhouse/report_query.hpp"
#include "core/clickhouse/schema.hpp"

namespace s3top::clickhouse {

std::expected<ReportResult, std::string> run_report(Client& client, const ReportSpec& spec, const TierMap& tiers) {
    // The first host answers: with several, through the Distributed table over all of them (a
    // stopped shard then fails the query, as it must: a report without it would be short).
    const Target& t = client.target();
    const std::string all = t.hosts.size() > 1 ? "_all" : "";
    const std::string table = fmt::format("{}.{}{}", t.database, t.table, all);
    const std::string lines = fmt::format("{}.{}{}", t.database, lines_table(t.table), all);
    auto ask = [&](const std::string& sql) { return client.select(0, sql); };
    const DistinctValues distinct = [&](std::string_view expr) -> std::expected<std::vector<std::string>, std::string> {
        auto answer = ask(fmt::format("SELECT DISTINCT {} FROM {} FORMAT RowBinary", expr, table));
        if (!answer) return std::unexpected(answer.error());
        return read_strings(*answer);
    };
    auto where = where_sql(spec.filter, distinct);
    if (!where) return std::unexpected(where.error());
    const ReportSql q = report_sql(spec, table, lines, *where);
    auto groups = ask(q.groups);
    if (!groups) return std::unexpected(groups.error());
    std::string timed;
    if (spec.percentiles) {
        auto answer = ask(q.timed);
        if (!answer) return std::unexpected(answer.error());
        timed = std::move(*answer);
    }
    auto overall = ask(q.overall);
    if (!overall) return std::unexpected(overall.error());
    auto operations = ask(q.operations);
    if (!operations) return std::unexpected(operations.error());
    auto line_counts = ask(q.lines);
    if (!line_counts) return std::unexpected(line_counts.error());
    auto reasons = ask(q.reasons);
    if (!reasons) return std::unexpected(reasons.error());
    return fold_report(spec, tiers, {*groups, timed, *overall, *operations, *line_counts, *reasons});
}

}  // namespace s3top::clickhouse
