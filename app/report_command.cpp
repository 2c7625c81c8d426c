#include <fmt/format.h>

#include <cstdio>
#include <optional>

#include "app/commands.hpp"
#include "app/follow.hpp"
#include "app/output.hpp"
#include "app/replay.hpp"
#include "app/report_text.hpp"
#include "app/session.hpp"
#include "core/clickhouse/remote_report.hpp"
#include "core/report/html.hpp"
#include "core/report/report_writer.hpp"
#include "core/report/terminal_text.hpp"
#include "core/report/units.hpp"

namespace s3top::app {

namespace {

/// The HTML page of a report over ClickHouse: its chart, panels and org views are snapshots
/// made there, as the dashboard's are, drawn by the writer a local report uses.
std::expected<std::string, std::string> clickhouse_html(clickhouse::Client& client, clickhouse::AnswerCache& answers,
                                                        const ReportResult& result, const ReportSpec& spec,
                                                        const Options& opt) {
    const ViewSpec vs = html_view_spec(spec, result, opt.panels);
    const SnapshotOf snapshot = [&](const ViewSpec& v) { return clickhouse::run_snapshot(client, v, &answers); };
    auto all = snapshot(vs);
    if (!all) return std::unexpected(all.error());
    auto orgs = org_views(snapshot, vs, kHtmlOrgs);
    if (!orgs) return std::unexpected(orgs.error());
    return report_html(result, *all, *orgs);
}

/// report over a clickhouse:// PATH: the report as SQL there, printed by the same writers.
int report_from_clickhouse(const Options& opt, const ReportSpec& spec) {
    clickhouse::Client client(*opt.from);
    clickhouse::AnswerCache answers;  // the HTML page's views ask for the same values and lines
    auto result = clickhouse::run_report(client, spec, opt.config.tiers, &answers);
    std::string html;
    if (result && opt.format == OutputFormat::Html) {
        auto page = clickhouse_html(client, answers, *result, spec, opt);
        if (!page) result = std::unexpected(page.error());
        html = page.value_or(std::string());
    }
    if (!result) {
        fmt::print(stderr, "s3top: {}\n", terminal_safe(result.error()));
        return 1;
    }
    if (result->totals.overflow) fmt::print(stderr, "s3top: warning: {}\n", overflow_note());
    if (!result->unruled_operations.empty())
        fmt::print(stderr, "s3top: warning: {}\n",
                   terminal_safe(unruled_note(result->unruled_tier, result->unruled_operations, "counted")));
    const std::string text = opt.format == OutputFormat::Json   ? report_json(*result)
                             : opt.format == OutputFormat::Csv  ? report_csv(*result)
                             : opt.format == OutputFormat::Html ? html
                                                                : report_table(*result, table_options(opt));
    return write_output(opt, text, "report") ? 0 : 1;
}

}  // namespace

int run_report(const Options& opt) {
    ReportSpec spec;
    DimMask needed;
    spec.by = opt.by;
    mark_needed(spec.by, needed);
    needed.set(index(Dim::RemoteIp));   // distinct clients
    needed.set(index(Dim::Operation));  // operations no tier rule knows are named
    spec.filter = opt.filter;
    spec.top = opt.top;
    spec.sort = opt.sort;

    // HTML adds the time chart, the config's panels and a view per org (the org picker's): it
    // needs the records, not a stream, and their orgs whatever the panels.
    if (opt.format == OutputFormat::Html) {
        mark_needed(opt.panels, needed);
        needed.set(index(Dim::Org));
    }
    if (opt.from) return report_from_clickhouse(opt, spec);
    const auto follow = opt.follow ? std::optional<FollowOptions>(follow_options(opt)) : std::nullopt;
    Session s = opt.format == OutputFormat::Html ? make_session(opt, needed, std::nullopt, follow)
                                                 : make_session(opt, needed, spec, follow);
    if (opt.follow) return report_follow(s, opt, spec);
    if (opt.replay ? !replay_for_report(s, opt, spec) : !load_all(s, opt)) {
        fmt::print(stderr, "s3top: no input could be read\n");
        return 1;
    }
    say_unmatched_filter_values(*s.engine, spec.filter);
    const ReportResult result = session_report(s, spec);
    if (result.totals.overflow) fmt::print(stderr, "s3top: warning: {}\n", overflow_note());
    if (!result.unruled_operations.empty())
        fmt::print(stderr, "s3top: warning: {}\n",
                   terminal_safe(unruled_note(result.unruled_tier, result.unruled_operations, "counted")));
    const std::string text = report_text(s, result, spec, opt.format, opt.panels, table_options(opt));
    return exit_status_after_output(s, write_output(opt, text, "report"), "report");
}

}  // namespace s3top::app
