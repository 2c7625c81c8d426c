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

/// report over a clickhouse:// PATH: the report as SQL there, printed by the same writers.
int report_from_clickhouse(const Options& opt, const ReportSpec& spec) {
    clickhouse::Client client(*opt.from);
    clickhouse::AnswerCache answers;  // the HTML page's views ask for the same values and lines
    ReportResult report;
    const auto text =
        clickhouse_report_text(client, answers, spec, opt, opt.format, opt.panels, table_options(opt), &report);
    if (!text) {
        fmt::print(stderr, "s3top: {}\n", terminal_safe(text.error()));
        return 1;
    }
    if (report.totals.overflow) fmt::print(stderr, "s3top: warning: {}\n", overflow_note());
    if (!report.unruled_operations.empty())
        fmt::print(stderr, "s3top: warning: {}\n",
                   terminal_safe(unruled_note(report.unruled_tier, report.unruled_operations, "counted")));
    return write_output(opt, *text, "report") ? 0 : 1;
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
    s.ingestor->set_one_shot(true);  // one read of the inputs, then the output
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
    const bool written = write_output(opt, text, "report");
    leave_to_exit(s);
    return exit_status_after_output(s, written, "report");
}

}  // namespace s3top::app
