#include <fmt/format.h>

#include <cstdio>
#include <optional>

#include "app/commands.hpp"
#include "app/follow.hpp"
#include "app/output.hpp"
#include "app/replay.hpp"
#include "app/session.hpp"
#include "core/report/html.hpp"
#include "core/report/report_writer.hpp"
#include "core/report/terminal_text.hpp"
#include "core/report/units.hpp"

namespace s3top::app {

/// Orgs an HTML report carries a view of (its picker lists them, the most bytes first).
inline constexpr std::size_t kHtmlOrgs = 25;

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

    // HTML adds the time chart and the config's panels: it needs the records, not a stream.
    std::vector<PanelSpec> panels;
    if (opt.format == OutputFormat::Html) {
        for (const DimSpec& d : opt.panels) {
            panels.push_back(PanelSpec{d, 50, spec.sort});
            mark_needed({d}, needed);
        }
    }
    const auto follow = opt.follow ? std::optional<FollowOptions>(follow_options(opt)) : std::nullopt;
    Session s = opt.format == OutputFormat::Html ? make_session(opt, needed, std::nullopt, follow)
                                                 : make_session(opt, needed, spec, follow);
    if (opt.follow) return report_follow(s, opt, spec);
    if (opt.replay ? !replay_for_report(s, opt, spec) : !load_all(s, opt)) {
        fmt::print(stderr, "s3top: no input could be read\n");
        return 1;
    }
    say_unmatched_filter_values(*s.engine, spec.filter);
    ReportResult result = s.engine->report(spec);
    if (s.loader_options.dedupe) result.no_request_id = s.loader_options.dedupe->no_id();
    result.unread = s.unread;
    if (result.totals.overflow) fmt::print(stderr, "s3top: warning: {}\n", overflow_note());
    if (!result.unruled_operations.empty())
        fmt::print(stderr, "s3top: warning: {}\n",
                   terminal_safe(unruled_note(result.unruled_tier, result.unruled_operations, "counted")));
    std::string text;
    switch (opt.format) {
        case OutputFormat::Json: text = report_json(result); break;
        case OutputFormat::Csv: text = report_csv(result); break;
        case OutputFormat::Table: text = report_table(result, table_options(opt)); break;
        case OutputFormat::Html: {
            ViewSpec vs;
            vs.filter = spec.filter;
            vs.panels = panels;
            // A chart of at most a few hundred bars.
            const std::int64_t span = result.max_time - result.min_time;
            vs.resolution = span <= 6 * 3600      ? Dim::Minute
                            : span <= 14 * 86400  ? Dim::Hour
                            : span <= 400 * 86400 ? Dim::Day
                                                  : Dim::Month;
            View view(vs);
            // The page's org picker: the orgs with the most bytes, each with its own panels.
            text = report_html(result, s.engine->refresh(view, 1), org_views(*s.engine, vs, kHtmlOrgs));
            break;
        }
    }
    return exit_status_after_output(s, write_output(opt, text, "report"), "report");
}

}  // namespace s3top::app
