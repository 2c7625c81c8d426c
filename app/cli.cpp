#include "app/cli.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "app/commands.hpp"
#include "app/session.hpp"
#include "app/settings.hpp"

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
    cmd.add_option("--dedupe", o.dedupe,
                   "Drop records delivered twice: off, or request-id (S3/CloudFront/ALB/CloudTrail request id "
                   "and content); default: the config's [log] dedupe, off");
    cmd.add_option("--rejects", o.rejects, "Write rejected lines to FILE (path, line, reason, column, text)");
    cmd.add_option("--workers", o.workers, "Parse threads (default: one per core)");
    cmd.add_option("--state", o.state_dir,
                   "State folder: what was ingested, so nothing is counted twice and restarts are instant "
                   "(default: $XDG_STATE_HOME/s3top or ~/.local/state/s3top)");
    cmd.add_flag("--no-state", o.no_state, "Remember nothing between runs (every run reads everything)");
    cmd.add_flag("-f,--follow", o.follow, "Keep watching the inputs for new files and lines");
    cmd.add_flag("--no-follow", o.no_follow, "Read the inputs once (the dashboard follows folders by default)");
    cmd.add_flag("--replay", o.replay, "Play the records back in timestamp order across all files");
    cmd.add_option("--speed", o.speed,
                   "Replay speed: log seconds per second (60, 3600); 0 or none: as fast as possible")
        ->check(CLI::NonNegativeNumber);
    cmd.add_option("--config", o.config_file,
                   "Config file (default: $XDG_CONFIG_HOME/s3top/s3top.conf when it exists); options given here win");
}

/// Billing options shared by `bill` and `report --billing`.
void add_billing(CLI::App& cmd, Options& o) {
    cmd.add_option("--month", o.month, "Bill one calendar month, UTC: 2024-03");
    cmd.add_option("--from", o.from, "Bill from this time on, UTC: 2024-03-01 or 2024-03-01T12:00");
    cmd.add_option("--to", o.to, "Bill up to this time, exclusive, UTC");
    cmd.add_option("--prices", o.prices, "Price table file (TOML; see config/prices/); default: the config's");
    cmd.add_flag("--exclude-errors", o.exclude_errors, "Do not bill 4xx and 5xx responses (shown apart)");
    cmd.add_option("--tier-scope", o.tier_scope, "Egress tiers apply to the total of all orgs, or per org")
        ->check(CLI::IsMember({"total", "per_group", "per_org"}));
}

/// Which of the command's options were given on the command line.
GivenOnCommandLine given_options(const CLI::App& cmd) {
    return GivenOnCommandLine{cmd.get_option("--org-from")->count() > 0, cmd.get_option("--log-format")->count() > 0,
                              cmd.get_option("--dedupe")->count() > 0};
}

/// "a,b" -> {"a", "b"}
std::vector<std::string> split_commas(const std::string& s) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= s.size()) {
        auto comma = s.find(',', pos);
        if (comma == std::string::npos) comma = s.size();
        if (comma > pos) out.push_back(s.substr(pos, comma - pos));
        pos = comma + 1;
    }
    return out;
}

bool given(const CLI::App& cmd, const char* name) { return cmd.get_option(name)->count() > 0; }

/// An option the command would ignore is refused, never silently dropped: a user who asks for
/// `bill --replay` or `--speed 60` without --replay would otherwise trust output that did not do
/// what they asked.
void refuse_ignored_options(const CLI::App& cmd, bool billing) {
    if (billing) {
        for (const char* name : {"--follow", "--replay", "--speed"})
            if (given(cmd, name))
                throw UsageError{fmt::format(
                    "{}: a billing statement prices the whole period at once; it cannot follow or replay "
                    "(s3top report --follow --every 1h prints usage as it arrives)",
                    name)};
        if (cmd.get_option_no_throw("--every") && given(cmd, "--every"))
            throw UsageError{"--every: not available with a billing statement"};
        return;
    }
    if (given(cmd, "--speed") && !given(cmd, "--replay"))
        throw UsageError{"--speed sets the replay speed: add --replay"};
    if (cmd.get_option_no_throw("--every") && given(cmd, "--every") && !given(cmd, "--follow") &&
        !given(cmd, "--replay"))
        throw UsageError{"--every prints a report per interval while following or replaying: add --follow or --replay"};
}

OutputFormat format_of(const std::string& f) {
    return f == "csv" ? OutputFormat::Csv : f == "json" ? OutputFormat::Json : f == "html" ? OutputFormat::Html
                                                                                          : OutputFormat::Table;
}

}  // namespace

int run(int argc, char** argv) {
    CLI::App app{"s3top: who used how many bytes and requests of your S3 buckets, live and exactly"};
    app.set_version_flag("--version", "s3top 0.1.0");
    Options o;
    add_common(app, o);
    app.add_flag("--no-color", o.no_color, "No colors (NO_COLOR is honoured too; both win over the config's colors)");
    std::string panels;
    app.add_option("--panels", panels, "Dashboard panels in order, comma separated (org,ip,status ...); default: the config's");

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
    report->add_option("--format", format, "table, csv, json or html (default: table)")
        ->check(CLI::IsMember({"table", "csv", "json", "html"}));
    report->add_option("-o,--output", r.output, "Write the report to FILE (atomically) instead of standard output");
    report->add_flag("--exact", r.exact, "Exact integers in the table instead of KiB/MiB and k/M");
    report->add_option("--every", r.every, "With --follow or --replay: print a report every interval (5s, 1m, 500ms)")
        ->capture_default_str();
    report->add_flag("--billing", r.billing, "A billing statement instead (as s3top bill)");
    add_billing(*report, r);

    auto* bill = app.add_subcommand("bill", "Print a billing statement per org for a period (table, CSV, JSON, HTML)");
    Options b;
    add_common(*bill, b);
    add_billing(*bill, b);
    std::string bill_by = "org";
    std::string bill_format;
    bill->add_option("--by", bill_by, "Bill per dimension(s), comma separated")->capture_default_str();
    bill->add_option("--format", bill_format, "table, csv, json or html (default: table)")
        ->check(CLI::IsMember({"table", "csv", "json", "html"}));
    bill->add_option("-o,--output", b.output, "Write the statement to FILE (atomically) instead of standard output");

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
        const char* xdg = std::getenv("XDG_CONFIG_HOME");
        const char* home = std::getenv("HOME");
        if (*bill) {
            b.by = split_commas(bill_by);
            b.format = format_of(bill_format);
            b.billing = true;
            refuse_ignored_options(*bill, true);
            load_config(b, given_options(*bill), xdg, home);
            return run_bill(b);
        }
        if (*report) {
            r.by = split_commas(by);
            r.format = format_of(format);
            r.every_given = report->get_option("--every")->count() > 0;
            refuse_ignored_options(*report, r.billing);
            load_config(r, given_options(*report), xdg, home);
            return r.billing ? run_bill(r) : run_report(r);
        }
        o.panels = split_commas(panels);
        refuse_ignored_options(app, false);
        load_config(o, given_options(app), xdg, home);
        return run_dashboard_command(o);
    } catch (const UsageError& e) {
        fmt::print(stderr, "s3top: {}\n", e.message);
        return 2;
    }
}

}  // namespace s3top::app
