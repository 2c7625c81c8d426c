#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "tui/dashboard.hpp"

#include "app/commands.hpp"
#include "app/session.hpp"
#include "core/report/html.hpp"
#include "core/report/report_writer.hpp"
#include "core/util/atomic_file.hpp"

namespace s3top::app {

int run_report(const Options& opt) {
    ReportSpec spec;
    spec.by.clear();
    DimMask needed;
    for (const auto& name : opt.by) {
        auto d = parse_dim(name);
        if (!d) throw UsageError{fmt::format("--by: unknown dimension '{}' (known: {})", name, dim_names_help())};
        spec.by.push_back(*d);
        if (is_string_dim(d->dim)) needed.set(index(d->dim));
        if (d->dim == Dim::KeyPrefix) needed.set(index(Dim::Key));
    }
    needed.set(index(Dim::RemoteIp));  // distinct clients
    auto filter = parse_filter(opt.filter);
    if (!filter) throw UsageError{"--filter: " + filter.error()};
    spec.filter = *filter;
    spec.top = opt.top;
    spec.sort = opt.sort == "requests" ? SortBy::Requests : opt.sort == "key" ? SortBy::Key : SortBy::Bytes;

    // HTML adds the time chart and the config's panels: it needs the records, not a stream.
    std::vector<PanelSpec> panels;
    if (opt.format == OutputFormat::Html) {
        for (const auto& name : opt.config.panels) {
            const auto d = parse_dim(name);  // validated when the config was read
            if (!d) continue;
            panels.push_back(PanelSpec{*d, 50, spec.sort});
            if (is_string_dim(d->dim)) needed.set(index(d->dim));
            if (d->dim == Dim::KeyPrefix) needed.set(index(Dim::Key));
            if (d->dim == Dim::Tier) needed.set(index(Dim::Operation));
        }
    }
    Session s = opt.format == OutputFormat::Html ? make_session(opt, needed) : make_session(opt, needed, spec);
    if (!load_all(s, opt)) {
        fmt::print(stderr, "s3top: no input could be read\n");
        return 1;
    }
    const ReportResult result = s.engine->report(spec);
    std::string text;
    switch (opt.format) {
        case OutputFormat::Json: text = report_json(result); break;
        case OutputFormat::Csv: text = report_csv(result); break;
        case OutputFormat::Table: text = report_table(result, TableOptions{!opt.exact, 48}); break;
        case OutputFormat::Html: {
            ViewSpec vs;
            vs.filter = spec.filter;
            vs.panels = panels;
            // A chart of at most a few hundred bars.
            const std::int64_t span = result.max_time - result.min_time;
            vs.resolution = span <= 6 * 3600 ? Dim::Minute : span <= 14 * 86400 ? Dim::Hour : span <= 400 * 86400 ? Dim::Day
                                                                                                                    : Dim::Month;
            View view(vs);
            text = report_html(result, s.engine->refresh(view, 1));
            break;
        }
    }
    if (!opt.output.empty()) {
        std::string err;
        if (!write_file_atomic(opt.output, text, err)) {
            fmt::print(stderr, "s3top: {}\n", err);
            return 1;
        }
        return 0;
    }
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
        fmt::print(stderr, "s3top: cannot write the report to standard output\n");
        return 1;
    }
    return 0;
}

int run_dashboard_command(const Options& opt) {
    if (!::isatty(STDOUT_FILENO)) {
        fmt::print(stderr,
                   "s3top: the dashboard needs a terminal; for a report on a pipe or file use\n"
                   "  s3top report [--format table|csv|json] PATH...\n");
        return 2;
    }
    auto filter = parse_filter(opt.filter);
    if (!filter) throw UsageError{"--filter: " + filter.error()};
    Session s = make_session(opt, DimMask{}.set());

    // Ingest on its own thread; the dashboard polls the engine's version.
    std::atomic<bool> cancel{false}, done{false};
    std::vector<std::string> messages;
    bool any = false;
    std::thread ingest([&] {
        any = load_all(s, opt, &messages, &cancel);
        done = true;
    });
    tui::DashboardOptions d;
    d.filter = *filter;
    d.no_color = opt.no_color;
    d.poll_interval = std::chrono::milliseconds(200);
    const std::size_t nfiles = s.inputs.size();
    d.status = [&] {
        tui::SourceStatus st;
        st.mode = done ? tui::SourceStatus::Mode::Loaded : tui::SourceStatus::Mode::Loading;
        st.files = nfiles;
        return st;
    };
    const int rc = tui::run_dashboard(*s.engine, d);
    cancel = true;
    ingest.join();
    for (const auto& m : messages) fmt::print(stderr, "{}\n", m);
    if (rc == 2) return 2;
    return any || nfiles == 0 ? 0 : 1;
}

}  // namespace s3top::app
