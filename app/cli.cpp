#include "app/cli.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "app/build_info.hpp"
#include "app/commands.hpp"
#include "app/session.hpp"
#include "app/options.hpp"
#include "core/agg/dimension.hpp"
#include "core/agg/filter.hpp"
#include "core/parse/format_registry.hpp"
#include "core/parse/goaccess_format.hpp"
#include "core/report/terminal_text.hpp"

namespace s3top::app {
namespace {

void add_common(CLI::App& cmd, CommandLineText& o) {
    cmd.add_option("paths", o.paths,
                   "Log files or folders (recursed); s3://bucket/prefix (listed and fetched); - for standard input");
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
    cmd.add_option("--workers", o.workers,
                   fmt::format("Parse threads, 1 to {} (default: one per core)", max_workers()));
    cmd.add_option("--state", o.state_dir,
                   "State folder: what was ingested, so nothing is counted twice and restarts are instant "
                   "(default: $XDG_STATE_HOME/s3top or ~/.local/state/s3top)");
    cmd.add_flag("--no-state", o.no_state, "Remember nothing between runs (every run reads everything)");
    cmd.add_flag("-f,--follow", o.follow, "Keep watching the inputs for new files and lines");
    cmd.add_flag("--no-follow", o.no_follow, "Read the inputs once (the dashboard follows folders by default)");
    cmd.add_flag("-q,--quiet", o.quiet, "No progress line on stderr during long loads (messages still print)");
    cmd.add_flag("--replay", o.replay, "Play the records back in timestamp order across all files");
    cmd.add_option("--speed", o.speed,
                   "Replay speed: log seconds per second (60, 3600); 0 or none: as fast as possible");
    cmd.add_option("--endpoint-url", o.endpoint_url,
                   "s3:// PATHs: the S3-compatible endpoint (MinIO, Ceph, R2...), addressed path-style; default: "
                   "AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the profile's endpoint_url, else AWS");
    cmd.add_option(
        "--profile", o.profile,
        "s3:// PATHs: the AWS profile (~/.aws/credentials, ~/.aws/config); default: AWS_PROFILE, else default");
    cmd.add_option("--cache", o.cache,
                   "s3:// PATH: keep its objects in DIR, laid out as aws s3 sync would (default: "
                   "$XDG_CACHE_HOME/s3top/s3/BUCKET/PREFIX)");
    cmd.add_flag("--cache-prune", o.cache_prune,
                 "s3:// PATHs: once the state folder has counted them, delete the cached objects a re-run will not "
                 "list again (log objects older than the newest less 6 hours)");
    cmd.add_option("--config", o.config_file,
                   "Config file (default: $XDG_CONFIG_HOME/s3top/s3top.conf when it exists); options given here win");
}

/// Billing options shared by `bill` and `report --billing`.
void add_billing(CLI::App& cmd, CommandLineText& o) {
    cmd.add_option("--month", o.month, "Bill one calendar month, UTC: 2024-03");
    cmd.add_option("--from", o.from, "Bill from this time on, UTC: 2024-03-01 or 2024-03-01T12:00");
    cmd.add_option("--to", o.to, "Bill up to this time, exclusive, UTC");
    cmd.add_option("--prices", o.prices, "Price table file (TOML; see config/prices/); default: the config's");
    cmd.add_flag("--exclude-errors", o.exclude_errors, "Do not bill 4xx and 5xx responses (shown apart)");
    cmd.add_option("--tier-scope", o.tier_scope, "Egress tiers apply to the total of all orgs, or per org")
        ->check(CLI::IsMember({"total", "per_group", "per_org"}));
}

/// What storage reads besides the logs (`storage` and `bill`).
void add_stored(CLI::App& cmd, CommandLineText& o) {
    cmd.add_option("--versioned", o.versioned,
                   "Buckets with versioning on, comma separated: an overwrite or delete keeps the old version "
                   "(billed) until it is deleted by version id or expires");
    cmd.add_option(
        "--inventory", o.inventory,
        "S3 Inventory (CSV) of what was stored before the logs: a manifest.json, or a folder synced "
        "from the inventory's bucket, or its s3://bucket/prefix/ itself (the newest manifest at or before the "
        "period's start is used)");
}

/// The names --format takes (--list formats prints them for the completions).
const std::vector<std::string>& output_format_names() {
    static const std::vector<std::string> names{"table", "csv", "json", "html"};
    return names;
}

void add_output(CLI::App& cmd, CommandLineText& o, const char* what) {
    cmd.add_option("--format", o.format, "table, csv, json or html (default: table)")
        ->check(CLI::IsMember(output_format_names()));
    cmd.add_option("-o,--output", o.output,
                   fmt::format("Write the {} to FILE (atomically) instead of standard output", what));
}

/// The long names of the options the command line gave ("--every").
std::set<std::string> given_options(const CLI::App& cmd) {
    std::set<std::string> given;
    for (const CLI::Option* opt : cmd.get_options()) {
        // By its long name: get_name() is empty for an option hidden from --help.
        if (opt->count() > 0)
            given.insert(opt->get_lnames().empty() ? opt->get_name() : "--" + opt->get_lnames().front());
    }
    return given;
}

/// `s3top --version`: the version, the commit it was built from and the libraries built in.
std::string version_text() {
    return fmt::format("s3top {}\ncommit {}\nbuilt with {}", build_info::kVersion, build_info::kCommit,
                       build_info::kLibraries);
}

/// `s3top --list WHAT` (hidden; for the shell completions, so their words come from the
/// program's own tables): one word per line. False for an unknown WHAT.
bool print_list(const std::string& what) {
    if (what == "dims" || what == "panels") {
        for (const DimInfo& info : kDims) fmt::print("{}\n", info.name);
        if (what == "panels") fmt::print("{}\n", kStoredPanelName);  // the dashboard's panels: also the Stored panel
    } else if (what == "log-formats") {
        fmt::print("auto\n");
        for (std::string_view name : line_format_names()) {
            if (name != "goaccess") fmt::print("{}\n", name);  // "goaccess" needs a format string
        }
        fmt::print("cloudtrail\n");
        for (std::string_view name : goaccess_preset_names()) fmt::print("{}\n", name);  // GoAccess's own names
    } else if (what == "formats") {
        for (const std::string& name : output_format_names()) fmt::print("{}\n", name);
    } else {
        return false;
    }
    return true;
}

/// " (did you mean --format?)" for an option CLI11 did not know ("The following arguments were
/// not expected: --fromat"): the closest long option of the command it was given to.
std::string did_you_mean(std::string_view message, const CLI::App& cmd) {
    constexpr std::string_view kMarker = "not expected: ";
    const auto at = message.find(kMarker);
    if (at == std::string_view::npos) return {};
    std::vector<std::string> names;
    for (const CLI::Option* o : cmd.get_options()) {
        if (o->get_group().empty()) continue;  // hidden
        for (const std::string& n : o->get_lnames()) names.push_back("--" + n);
    }
    std::istringstream words{std::string(message.substr(at + kMarker.size()))};
    for (std::string w; words >> w;) {
        if (w.size() < 3 || w.compare(0, 2, "--") != 0) continue;
        const auto near = closest_values(w.substr(0, w.find('=')), names, 1);
        if (!near.empty()) return " (did you mean " + near.front() + "?)";
    }
    return {};
}

/// `s3top report`: its options into `r`.
CLI::App* add_report(CLI::App& app, CommandLineText& r) {
    auto* report = app.add_subcommand("report", "Print a usage report (table, CSV, JSON or HTML) and exit");
    r.command = Command::Report;
    add_common(*report, r);
    report->add_option("--by", r.by, "Group by dimension(s), comma separated: " + std::string(dim_names_help()))
        ->capture_default_str();
    report->add_option("--top", r.top, "Only the N largest groups (default: all)");
    report->add_option("--sort", r.sort, "bytes, requests or key")
        ->capture_default_str()
        ->check(CLI::IsMember({"bytes", "requests", "key"}));
    add_output(*report, r, "report");
    report->add_option("--panels", r.panels,
                       "HTML: the panels beside the table, in order (org,ip,status ...); default: the config's");
    report->add_flag("--exact", r.exact, "Exact integers in the table instead of KiB/MiB and k/M");
    report
        ->add_option("--every", r.every,
                     "With --follow or --replay: print a report every interval (5s, 1m, 500ms; at most 7d); "
                     "following an s3:// PATH, it is listed as often (default 60s)")
        ->capture_default_str();
    report->add_flag("--billing", r.billing, "A billing statement instead (as s3top bill)");
    add_billing(*report, r);
    return report;
}

/// `s3top bill`: its options into `b`.
CLI::App* add_bill(CLI::App& app, CommandLineText& b) {
    auto* bill = app.add_subcommand("bill", "Print a billing statement per org for a period (table, CSV, JSON, HTML)");
    b.command = Command::Bill;
    add_common(*bill, b);
    add_billing(*bill, b);
    add_stored(*bill, b);
    bill->add_flag("--no-storage", b.no_storage,
                   "No storage line: requests and transfer only (storage billed elsewhere)");
    bill->add_option("--by", b.by, "Bill per dimension(s), comma separated")->capture_default_str();
    add_output(*bill, b, "statement");
    // A statement prices a whole period: these are refused with a reason (resolve_options), so
    // its --help does not offer them.
    for (const char* name : {"--follow", "--no-follow", "--replay", "--speed"}) bill->get_option(name)->group("");
    return bill;
}

/// `s3top ingest`: its options into `g`.
CLI::App* add_ingest(CLI::App& app, CommandLineText& g) {
    auto* ingest = app.add_subcommand(
        "ingest",
        "Send the records to ClickHouse, every line exactly once (--to clickhouse://HOST:PORT/DB?table=NAME)");
    g.command = Command::Ingest;
    add_common(*ingest, g);
    ingest
        ->add_option("--to", g.to_url,
                     "clickhouse://[USER[:PASSWORD]@]HOST:PORT[,HOST:PORT...]/DB?table=NAME (its HTTP interface; a "
                     "file's records go to one host, by a hash of its path); user and password also from "
                     "S3TOP_CLICKHOUSE_USER and S3TOP_CLICKHOUSE_PASSWORD; &compress=gzip|none: gzip unless every "
                     "host is this machine")
        ->required();
    ingest->add_option("--shard", g.shard,
                       "K/N: ingest only this machine's share of the files (by a hash of each file's path under "
                       "its PATH), so N machines can ingest one log set at once");
    ingest->add_option("--every", g.every, "Following an s3:// PATH: how often it is listed (default 60s)");
    for (const char* name : {"--replay", "--speed", "--dedupe", "--no-state"}) ingest->get_option(name)->group("");
    return ingest;
}

/// `s3top storage`: its options into `st`.
CLI::App* add_storage(CLI::App& app, CommandLineText& st) {
    auto* storage = app.add_subcommand(
        "storage", "Print the bytes stored per org for a period: byte-seconds and GB-months (table, CSV, JSON, HTML)");
    st.command = Command::Storage;
    add_common(*storage, st);
    storage->add_option("--month", st.month, "One calendar month, UTC: 2024-03");
    storage->add_option("--from", st.from, "From this time on, UTC: 2024-03-01 or 2024-03-01T12:00");
    storage->add_option("--to", st.to, "Up to this time, exclusive, UTC");
    storage->add_option("--by", st.by, "Group by, comma separated: org, class, bucket, prefix:N")
        ->capture_default_str();
    add_stored(*storage, st);
    add_output(*storage, st, "storage report");
    storage->add_flag("--exact", st.exact, "Exact byte counts in the table instead of KiB/MiB");
    // What storage cannot do (yet): refused with a reason (resolve_options), not offered.
    for (const char* name : {"--follow", "--no-follow", "--replay", "--speed"}) storage->get_option(name)->group("");
    return storage;
}

}  // namespace

int run(int argc, char** argv) {
    // Named here, so usage lines say "s3top", not the path it was started by.
    CLI::App app{"s3top: who used how many bytes and requests of your S3 buckets, live and exactly", "s3top"};
    app.set_version_flag("--version", version_text());
    std::string list;
    app.add_option("--list", list, "dims, panels, log-formats or formats: one per line (for shell completions)")
        ->group("");
    CommandLineText d;
    d.command = Command::Dashboard;
    add_common(app, d);
    app.add_flag("--no-color", d.no_color, "No colors (NO_COLOR is honoured too; both win over the config's colors)");
    app.add_option("--every", d.every,
                   "Following an s3:// PATH: how often it is listed (default 60s); over a clickhouse:// PATH: how "
                   "often the view is polled (default 5s)");
    app.add_option("--panels", d.panels,
                   "Dashboard panels in order, comma separated (org,ip,status ...); default: the config's");

    CommandLineText r;
    CLI::App* report = add_report(app, r);

    CommandLineText b;
    CLI::App* bill = add_bill(app, b);

    CommandLineText g;
    CLI::App* ingest = add_ingest(app, g);

    auto* schema = app.add_subcommand("schema", "Print the DDL of a table for s3top's records (clickhouse) and exit");
    clickhouse::SchemaOptions schema_opt;
    std::string schema_engine;
    schema->add_option("engine", schema_engine, "The database the DDL is for: clickhouse")
        ->required()
        ->check(CLI::IsMember({"clickhouse"}));
    schema->add_option("--database", schema_opt.database, "Database of the tables")->capture_default_str();
    schema->add_option("--table", schema_opt.table, "Name of the MergeTree table of records")->capture_default_str();
    schema->add_option("--cluster", schema_opt.cluster,
                       "Also TABLE_all, a Distributed table over TABLE on the shards of this cluster (remote_servers)");

    CommandLineText st;
    CLI::App* storage = add_storage(app, st);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        const CLI::App& given = ingest->parsed()    ? *ingest
                                : bill->parsed()    ? *bill
                                : report->parsed()  ? *report
                                : schema->parsed()  ? *schema
                                : storage->parsed() ? *storage
                                                    : app;
        const std::string help = &given == &app ? "s3top --help" : "s3top " + given.get_name() + " --help";
        fmt::print(stderr, "s3top: {}{} (see {})\n", terminal_safe(e.what()),
                   terminal_safe(did_you_mean(e.what(), given)), help);
        return 2;
    }
    if (!list.empty()) {
        if (print_list(list)) return 0;
        fmt::print(stderr, "s3top: --list: dims, log-formats or formats, not '{}'\n", terminal_safe(list));
        return 2;
    }
    if (*schema) return run_schema(schema_opt);
    CommandLineText& text = *ingest ? g : *bill ? b : *report ? r : *storage ? st : d;
    text.given = given_options(*ingest ? *ingest : *bill ? *bill : *report ? *report : *storage ? *storage : app);
    Options opt;
    try {
        opt = resolve_options(text, std::getenv("XDG_CONFIG_HOME"), std::getenv("HOME"));
    } catch (const UsageError& e) {
        fmt::print(stderr, "s3top: {}\n", terminal_safe(e.message));
        return 2;
    }
    try {
        if (opt.command == Command::Storage) return run_storage(opt);
        if (opt.command == Command::Ingest) return run_ingest(opt);
        if (opt.billing) return run_bill(opt);
        if (opt.command == Command::Report) return run_report(opt);
        return run_dashboard_command(opt);
    } catch (const UsageError& e) {  // what only the inputs can tell (an unreadable --rejects file ...)
        fmt::print(stderr, "s3top: {}\n", terminal_safe(e.message));
        return 2;
    }
}

}  // namespace s3top::app
