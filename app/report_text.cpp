#include "app/report_text.hpp"

#include "core/report/html.hpp"

namespace s3top::app {
namespace {

/// Orgs an HTML report carries a view of (its picker lists them, the most bytes first).
constexpr std::size_t kHtmlOrgs = 25;

}  // namespace

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
    ViewSpec vs;
    vs.filter = spec.filter;
    for (const DimSpec& d : panels) vs.panels.push_back(PanelSpec{d, 50, spec.sort});
    // A chart of at most a few hundred bars.
    const std::int64_t span = result.max_time - result.min_time;
    vs.resolution = span <= 6 * 3600      ? Dim::Minute
                    : span <= 14 * 86400  ? Dim::Hour
                    : span <= 400 * 86400 ? Dim::Day
                                          : Dim::Month;
    View view(vs);
    // The page's org picker: the orgs with the most bytes, each with its own panels.
    return report_html(result, s.engine->refresh(view, 1), org_views(*s.engine, vs, kHtmlOrgs));
}

}  // namespace s3top::app
