#include "app/cli.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "app/commands.hpp"
#include "app/session.hpp"

namespace s3top::app {
namespace {

void add_common(CLI::App& cmd, Options& o) {
    cmd.add_option("paths", o.paths, "Log files or folders (recursed); - for standard input");
    cmd.add_option("--filter", o.filter, "Filter expression, e.g. 'org=acme-17 status=5xx from=2024-03-01'");
    cmd.add_option("--org-from,--org-param", o.org_from,
                   "Where the org comes from: query parameter name(s) (org,x-org), requester, prefix:N, "
                   "access-point, ip, bucket or host")
        ->capture_default_str();
    cmd.add_option("--log-format", o.log_format, "Log format: auto, s3, or a GoAccess format string/name")
        ->capture_default_str();
    cmd.add_option("--date-format", o.date_format, "GoAccess-style date format (with a custom --log-format)");
    cmd.add_option("--time-format", o.time_format, "GoAccess-style time format (with a custom --log-format)");
    cmd.add_option("--rejects", o.rejects, "Write rejected lines to FILE (path, line, reason, column, text)");
    cmd.add_option("--workers", o.workers, "Parse threads (default: one per core)");
    cmd.add_option("--state", o.state_dir,
                   "State folder: what was ingested, so nothing is counted twice and restarts are instant "
                   "(default: $XDG_STATE_HOME/s3top or ~/.local/state/s3top)");
    cmd.add_flag("--no-state", o.no_state, "Remember nothing between runs (every run reads everything)");
    cmd.add_flag("-f,--follow", o.follow, "Keep watching the inputs for new files and lines");
    cmd.add_flag("--no-follow", o.no_follow, "Read the inputs once (the dashboard follows folders by default)");
    cmd.add_flag("--replay", o.replay, "Play the records back in timestamp order across all files");
    cmd.add_option("--speed", o.speed, "Replay speed: log seconds per second (60, 3600); default: as fast as possible")
        ->check(CLI::NonNegativeNumber);
}

}  // namespace

int run(int argc, char** argv) {
    CLI::App app{"s3top: who used how many bytes and requests of your S3 buckets, live and exactly"};
    app.set_version_flag("--version", "s3top 0.1.0");
    Options o;
    add_common(app, o);
    app.add_flag("--no-color", o.no_color, "No colors (NO_COLOR is honoured too)");

    auto* report = app.add_subcommand("report", "Print a usage report (table, CSV or JSON) and exit");
    Options r;
    add_common(*report, r);
    std::string by = "org";
    std::string format;
    report->add_option("--by", by, "Group by dimension(s), comma separated: " + std::string(dim_names_help()))
        ->capture_default_str();
    report->add_option("--top", r.top, "Only the N largest groups (default: all)");
    report->add_option("--sort", r.sort, "bytes, requests or key")->capture_default_str()->check(
        CLI::IsMember({"bytes", "requests", "key"}));
    report->add_option("--format", format, "table, csv or json (default: table)")
        ->check(CLI::IsMember({"table", "csv", "json"}));
    report->add_option("-o,--output", r.output, "Write the report to FILE (atomically) instead of standard output");
    report->add_flag("--exact", r.exact, "Exact integers in the table instead of KiB/MiB and k/M");
    report->add_option("--every", r.every, "With --follow: print a report every interval (5s, 1m, 500ms)")
        ->capture_default_str();

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        fmt::print(stderr, "s3top: {} (see s3top --help)\n", e.what());
        return 2;
    }
    try {
        if (*report) {
            r.by.clear();
            std::size_t pos = 0;
            while (pos <= by.size()) {
                auto comma = by.find(',', pos);
                if (comma == std::string::npos) comma = by.size();
                if (comma > pos) r.by.push_back(by.substr(pos, comma - pos));
                pos = comma + 1;
            }
            r.format = format == "csv" ? OutputFormat::Csv : format == "json" ? OutputFormat::Json : OutputFormat::Table;
            return run_report(r);
        }
        return run_dashboard_command(o);
    } catch (const UsageError& e) {
        fmt::print(stderr, "s3top: {}\n", e.message);
        return 2;
    }
}

}  // namespace s3top::app
