#include "app/report_text.hpp"

#include "core/report/html.hpp"

namespace s3top::app {

ReportResult session_report(const Session& s, const ReportSpec& spec) {
    ReportResult result = s.engine->report(spec);
    if (s.loader_options.dedupe) result.no_request_id = s.loader_options.dedupe->no_id();
    result.unread = s.unread;
    return result;
}

std::string report_text(const Session& s, const ReportResult& result, const ReportSpec& spec, OutputFormat format,
                        const std::vector<DimSpec>& panels, const TableOptions& table) {
    switch (format) {
        case OutputFormat::Json: return report_json(result);
        case OutputFormat::Csv: return report_csv(result);
        case OutputFormat::Table: return report_table(result, table);
        case OutputFormat::Html: break;
    }
    const ViewSpec vs = html_view_spec(spec, result, panels);
    View view(vs);
    // The page's org picker: the orgs with the most bytes, each with its own panels.
    return report_html(result, s.engine->refresh(view, 1), org_views(*s.engine, vs, kHtmlOrgs));
}

std::expected<std::string, std::string> clickhouse_report_text(clickhouse::Client& client,
                                                               clickhouse::AnswerCache& answers, const ReportSpec& spec,
                                                               const Options& opt, OutputFormat format,
                                                               const std::vector<DimSpec>& panels,
                                                               const TableOptions& table, ReportResult* result) {
    auto report = clickhouse::run_report(client, spec, opt.config.tiers, &answers);
    if (!report) return std::unexpected(report.error());
    if (result) *result = *report;
    switch (format) {
        case OutputFormat::Json: return report_json(*report);
        case OutputFormat::Csv: return report_csv(*report);
        case OutputFormat::Table: return report_table(*report, table);
        case OutputFormat::Html: break;
    }
    // The chart, panels and org views: snapshots made there, as the dashboard's are.
    const ViewSpec vs = html_view_spec(spec, *report, panels);
    const SnapshotOf snapshot = [&](const ViewSpec& v) { return clickhouse::run_snapshot(client, v, &answers); };
    auto all = snapshot(vs);
    if (!all) return std::unexpected(all.error());
    auto orgs = org_views(snapshot, vs, kHtmlOrgs);
    if (!orgs) return std::unexpected(orgs.error());
    return report_html(*report, *all, *orgs);
}

}  // namespace s3top::app
