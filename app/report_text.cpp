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

}  // namespace s3top::app
