// The one place the command line's words become typed Options: every value parsed and
// bounded, every combination checked, before an input is read or a thread started (a usage
// error thrown past that point would leave a joinable thread behind: exit 134, no message).
#include "app/options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <cmath>
#include <filesystem>
#include <system_error>
#include <thread>

#include "core/s3/settings.hpp"
#include "core/util/civil_time.hpp"

namespace s3top::app {
namespace {

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

bool given(const CommandLineText& t, const char* name) { return t.given.contains(name); }

/// A whole number in [lo, hi], digits only (no sign, no "1e3"), or one line naming the range.
std::uint64_t parse_count(const std::string& text, const char* option, std::uint64_t lo, std::uint64_t hi) {
    std::uint64_t v = 0;
    const char* end = text.data() + text.size();
    const auto [p, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || text[0] == '+' || ec != std::errc{} || p != end || v < lo || v > hi)
        throw UsageError{fmt::format("{}: '{}' is not a whole number from {} to {}", option, text, lo, hi)};
    return v;
}

std::vector<DimSpec> dims_of(const std::string& list, const char* option) {
    std::vector<DimSpec> dims;
    for (const auto& name : split_commas(list)) {
        const auto d = parse_dim(name);
        if (!d) throw UsageError{fmt::format("{}: unknown dimension '{}' (known: {})", option, name, dim_names_help())};
        dims.push_back(*d);
    }
    if (dims.empty())
        throw UsageError{fmt::format("{}: name at least one dimension (known: {})", option, dim_names_help())};
    return dims;
}

/// --panels' names: dimensions, and (the dashboard's) "stored".
void panel_names_of(const std::string& list, const char* option) {
    const auto names = split_commas(list);
    for (const auto& name : names) {
        if (!parse_panel_name(name))
            throw UsageError{fmt::format("{}: unknown panel '{}' (known: {})", option, name, panel_names_help())};
    }
    if (names.empty())
        throw UsageError{fmt::format("{}: name at least one panel (known: {})", option, panel_names_help())};
}

OutputFormat format_of(const std::string& f) {
    return f == "csv"    ? OutputFormat::Csv
           : f == "json" ? OutputFormat::Json
           : f == "html" ? OutputFormat::Html
                         : OutputFormat::Table;
}

/// --format, else the -o file's extension (.csv, .json, .html or .htm, any case), else a table.
OutputFormat output_format(const CommandLineText& t) {
    if (!t.format.empty()) return format_of(t.format);
    std::string ext = std::filesystem::path(t.output).extension().string();
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext == ".htm") ext = ".html";
    return ext.empty() ? OutputFormat::Table : format_of(ext.substr(1));
}

/// An option the command would ignore is refused, never silently dropped: a user who asks for
/// `bill --replay` or `--speed 60` without --replay would otherwise trust output that did not do
/// what they asked.
void refuse_ignored_options(const CommandLineText& t, bool billing) {
    if (t.command == Command::Storage) {
        for (const char* name : {"--follow", "--replay", "--speed", "--every"})
            if (given(t, name))
                throw UsageError{
                    fmt::format("{}: storage is computed over a whole period at once; it cannot follow or "
                                "replay",
                                name)};
        return;
    }
    if (billing) {
        for (const char* name : {"--follow", "--replay", "--speed"})
            if (given(t, name))
                throw UsageError{
                    fmt::format("{}: a billing statement prices the whole period at once; it cannot follow or replay "
                                "(s3top report --follow --every 1h prints usage as it arrives)",
                                name)};
        if (given(t, "--every")) throw UsageError{"--every: not available with a billing statement"};
        return;
    }
    if (given(t, "--speed") && !t.replay) throw UsageError{"--speed sets the replay speed: add --replay"};
    if (given(t, "--every") && t.command != Command::Dashboard && !t.follow && !t.replay)
        throw UsageError{"--every prints a report per interval while following or replaying: add --follow or --replay"};
    if (t.follow && t.no_follow) throw UsageError{"--follow and --no-follow: give one or the other"};
    if (t.replay && t.follow) throw UsageError{"--replay plays what is there: it cannot be combined with --follow"};
}

std::vector<BillingPeriod> periods_of(const CommandLineText& t) {
    if (!t.month.empty() && (!t.from.empty() || !t.to.empty()))
        throw UsageError{"--month and --from/--to: give one or the other"};
    if (!t.month.empty()) {
        const auto start = t.month.size() == 7 ? parse_iso8601(t.month) : std::nullopt;
        if (!start) throw UsageError{fmt::format("--month: '{}' is not a month like 2024-03", t.month)};
        return periods_between(*start, next_bucket(Dim::Month, *start));
    }
    if (t.from.empty() || t.to.empty())
        throw UsageError{fmt::format("{} needs a period: --month 2024-03, or --from and --to (UTC, to exclusive)",
                                     t.command == Command::Storage ? "storage" : "bill")};
    const auto from = parse_iso8601(t.from);
    if (!from) throw UsageError{fmt::format("--from: '{}' is not a time like 2024-03-01 or 2024-03-01T12:00", t.from)};
    const auto to = parse_iso8601(t.to);
    if (!to) throw UsageError{fmt::format("--to: '{}' is not a time like 2024-04-01 or 2024-04-01T00:00", t.to)};
    if (*to <= *from) throw UsageError{"--to must be after --from"};
    return periods_between(*from, *to);
}

/// Built-in defaults, then --config FILE or the user's file when it exists, then the options
/// given on the command line that the file also sets.
Config load_config(const CommandLineText& t, const char* xdg_config_home, const char* home) {
    Config c = builtin_config();
    std::filesystem::path file = t.config_file;
    if (file.empty()) {
        file = user_config_path(xdg_config_home, home);
        std::error_code ec;
        if (!file.empty() && !std::filesystem::exists(file, ec)) file.clear();  // no user file: defaults
    }
    if (!file.empty()) {
        auto applied = apply_config_file(std::move(c), file);
        if (!applied) throw UsageError{"config: " + applied.error().to_string()};
        c = std::move(*applied);
    }
    if (!t.prices.empty()) {
        auto table = load_price_table_file(t.prices);
        if (!table) throw UsageError{"--prices: " + table.error().to_string()};
        c.prices = std::move(*table);
    }
    if (!t.tier_scope.empty()) c.prices.egress_scope = t.tier_scope == "total" ? TierScope::Total : TierScope::PerGroup;
    if (t.exclude_errors) c.exclude.errors = true;
    if (given(t, "--panels")) {
        panel_names_of(t.panels, "--panels");  // names checked here, kept as the config's words
        c.panels = split_commas(t.panels);
    }
    if (given(t, "--org-from")) c.org_from = t.org_from;
    if (given(t, "--log-format")) c.log_format = t.log_format;
    if (given(t, "--dedupe")) c.dedupe = t.dedupe;
    return c;
}

/// The dashboard follows by default when given a folder or an s3:// prefix.
bool dashboard_follows(const CommandLineText& t) {
    if (t.follow) return true;
    if (t.no_follow || t.replay) return false;
    for (const auto& p : t.paths) {
        std::error_code ec;
        if (s3::is_s3_url(p) || std::filesystem::is_directory(p, ec)) return true;
    }
    return false;
}

/// s3:// PATHs: checked, each given its folder (opt.paths names the folder from here on), and
/// the settings the AWS CLI would use resolved once, so a profile that does not exist or a bad
/// endpoint is a usage error before anything starts.
void resolve_s3(const CommandLineText& t, Options& o) {
    for (auto& p : o.paths) {
        if (!s3::is_s3_url(p)) continue;
        auto url = s3::parse_s3_url(p);
        if (!url) throw UsageError{url.error()};
        const std::string dir = !t.cache.empty() ? t.cache
                                                 : default_s3_cache(url->bucket, url->prefix,
                                                                    std::getenv("XDG_CACHE_HOME"), std::getenv("HOME"));
        if (dir.empty()) throw UsageError{p + ": no cache folder (set XDG_CACHE_HOME or HOME, or give --cache DIR)"};
        o.s3.push_back({p, dir});
        p = dir;
    }
    // storage and bill --inventory s3://bucket/prefix/: fetched into its own folder as a PATH is (the
    // default cache: --cache names the one log PATH's folder).
    if (s3::is_s3_url(o.inventory)) {
        auto url = s3::parse_s3_url(o.inventory);
        if (!url) throw UsageError{"--inventory: " + url.error()};
        const std::string dir =
            default_s3_cache(url->bucket, url->prefix, std::getenv("XDG_CACHE_HOME"), std::getenv("HOME"));
        if (dir.empty())
            throw UsageError{"--inventory " + o.inventory + ": no cache folder (set XDG_CACHE_HOME or HOME)"};
        o.inventory_s3 = Options::S3Path{o.inventory, dir};
        o.inventory = dir;
    }
    if (o.s3.empty()) {
        for (const char* name : {"--cache", "--cache-prune"})
            if (given(t, name)) throw UsageError{fmt::format("{}: only for s3:// PATHs", name)};
        if (!o.inventory_s3) {
            for (const char* name : {"--endpoint-url", "--profile"})
                if (given(t, name)) throw UsageError{fmt::format("{}: only for s3:// PATHs", name)};
        }
        if (given(t, "--every") && t.command == Command::Dashboard && !o.from)
            throw UsageError{
                "--every: on the dashboard, how often an s3:// PATH is listed or a clickhouse:// PATH polled; "
                "neither is named"};
        if (!o.inventory_s3) return;
    }
    if (t.cache_prune && t.no_state)
        throw UsageError{
            "--cache-prune deletes objects the state folder has counted: not with --no-state (the next run would "
            "miss them)"};
    o.cache_prune = t.cache_prune;
    if (!t.cache.empty() && o.s3.size() > 1)
        throw UsageError{"--cache DIR holds one s3:// PATH as aws s3 sync lays it out: name one, or leave --cache out"};
    o.endpoint_url = t.endpoint_url;
    o.profile = t.profile;
    const auto settings =
        s3::resolve_settings(s3::S3Request{o.profile, o.endpoint_url}, [](const char* n) { return std::getenv(n); });
    if (!settings) throw UsageError{settings.error().message};
    if (given(t, "--every")) o.s3_every = parse_interval(t.every);
}

/// PATH clickhouse://...: report, bill, storage and the dashboard read the records a `s3top
/// ingest` sent there, as SQL. It is the only PATH, and what needs the log files themselves is
/// refused.
void resolve_clickhouse_source(const CommandLineText& t, Options& o) {
    const auto ch = std::find_if(t.paths.begin(), t.paths.end(), clickhouse::is_clickhouse_url);
    if (ch == t.paths.end()) return;
    if (t.command != Command::Report && t.command != Command::Bill && t.command != Command::Storage &&
        t.command != Command::Dashboard)
        throw UsageError{"clickhouse:// PATHs: only `s3top report`, `bill`, `storage` and the dashboard read them"};
    if (t.paths.size() > 1) throw UsageError{"clickhouse:// PATH: give it alone, without log files or folders"};
    if (t.command == Command::Report && o.billing)
        throw UsageError{"clickhouse:// PATH: report --billing is not made from ClickHouse yet (s3top bill is)"};
    // The dashboard polls it every --every (default 5s).
    for (const char* name : {"--follow", "--replay", t.command == Command::Dashboard ? "--no-follow" : "--every",
                             "--state", "--no-state", "--rejects", "--org-from", "--log-format", "--dedupe",
                             "--workers", "--cache", "--cache-prune", "--inventory"}) {
        // storage and bill take an inventory: its owners by the org rule the ingest recorded.
        if (std::string_view(name) == "--inventory" && t.command != Command::Report && t.command != Command::Dashboard)
            continue;
        if (given(t, name))
            throw UsageError{
                fmt::format("{}: not for a clickhouse:// PATH (its records were read and counted by "
                            "`s3top ingest`)",
                            name)};
    }
    auto target = clickhouse::parse_target(*ch, [](const char* n) { return std::getenv(n); },
                                           {o.config.clickhouse_user, o.config.clickhouse_password});
    if (!target) throw UsageError{target.error()};
    o.from = std::move(*target);
}

/// `s3top ingest`: the target parsed (credentials from the URL or the environment), --shard
/// checked, and what an ingest cannot do refused.
void resolve_ingest(const CommandLineText& t, Options& o) {
    auto target = clickhouse::parse_target(t.to_url, [](const char* n) { return std::getenv(n); },
                                           {o.config.clickhouse_user, o.config.clickhouse_password});
    if (!target) throw UsageError{target.error()};
    o.to = std::move(*target);
    if (!t.shard.empty()) {
        const auto slash = t.shard.find('/');
        const std::string k = t.shard.substr(0, slash), n = slash == std::string::npos ? "" : t.shard.substr(slash + 1);
        const auto valid = [](const std::string& v) {
            return !v.empty() && v.size() <= 6 &&
                   std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
        };
        if (!valid(k) || !valid(n) || std::stoul(n) == 0 || std::stoul(k) == 0 || std::stoul(k) > std::stoul(n))
            throw UsageError{
                fmt::format("--shard: '{}' is not K/N with 1 <= K <= N (this machine's share of the files)", t.shard)};
        o.shard = static_cast<std::uint32_t>(std::stoul(k) - 1);
        o.shards = static_cast<std::uint32_t>(std::stoul(n));
    }
    // Exactly once needs the state file, which a pipe cannot have.
    if (o.no_state) throw UsageError{"--no-state: an ingest needs its state file to send every line exactly once"};
    if (std::find(o.paths.begin(), o.paths.end(), "-") != o.paths.end())
        throw UsageError{
            "ingest: standard input cannot be ingested exactly once (no state file for a pipe); name files"};
    if (o.replay) throw UsageError{"--replay: an ingest sends the records as they are read"};
    if (o.dedupe != DedupeMode::Off) {
        constexpr std::string_view why =
            "a record S3 delivered twice can be in files --shard gives to two machines, each state knowing only its "
            "own request ids, and the records table keeps none to ask ClickHouse by (report and bill --dedupe "
            "request-id read the logs)";
        // Set by a config file that report and bill share: say so, and how to ingest anyway.
        if (!given(t, "--dedupe"))
            throw UsageError{
                fmt::format("config: log.dedupe = \"request-id\" does not apply to ingest: {}; give "
                            "--dedupe off to ingest with this config",
                            why)};
        throw UsageError{fmt::format("--dedupe: not with ingest: {}", why)};
    }
}

}  // namespace

std::string default_s3_cache(const std::string& bucket, const std::string& prefix, const char* xdg_cache_home,
                             const char* home) {
    std::filesystem::path base;
    if (xdg_cache_home && *xdg_cache_home == '/') {
        base = xdg_cache_home;
    } else if (home && *home) {
        base = std::filesystem::path(home) / ".cache";
    } else {
        return {};
    }
    std::string rel = prefix;
    while (rel.ends_with('/')) rel.pop_back();
    auto dir = base / "s3top" / "s3" / bucket;
    if (!rel.empty()) dir /= rel;
    return dir.string();
}

std::chrono::milliseconds parse_interval(const std::string& text) {
    std::size_t pos = 0;
    double n = 0;
    try {
        n = std::stod(text, &pos);
    } catch (...) {
        throw UsageError{"--every: not a duration: '" + text + "' (use 5s, 1m, 500ms)"};
    }
    const std::string unit = text.substr(pos);
    double ms = 0;
    if (unit == "ms")
        ms = n;
    else if (unit.empty() || unit == "s")
        ms = n * 1000;
    else if (unit == "m")
        ms = n * 60000;
    else if (unit == "h")
        ms = n * 3600000;
    else if (unit == "d")
        ms = n * 86400000;
    else
        throw UsageError{"--every: unknown unit in '" + text + "' (use ms, s, m, h or d)"};
    // Checked as a double, before the cast: a huge value must not wrap into a busy loop.
    constexpr double kMost = 7 * 86400000.0;
    if (!(ms >= 10) || !(ms <= kMost)) throw UsageError{"--every: from 10ms to 7d, not '" + text + "'"};
    return std::chrono::milliseconds(static_cast<long long>(ms));
}

/// Options::source_words of `t`.
std::vector<std::string> source_words(const CommandLineText& t) {
    std::vector<std::string> out;
    const std::pair<const char*, const std::string*> valued[] = {
        {"--config", &t.config_file},      {"--org-from", &t.org_from},
        {"--log-format", &t.log_format},   {"--date-format", &t.date_format},
        {"--time-format", &t.time_format}, {"--dedupe", &t.dedupe},
        {"--state", &t.state_dir},         {"--endpoint-url", &t.endpoint_url},
        {"--profile", &t.profile},         {"--cache", &t.cache}};
    for (const auto& [name, value] : valued) {
        if (!given(t, name)) continue;
        out.emplace_back(name);
        out.push_back(*value);
    }
    if (t.no_state) out.emplace_back("--no-state");
    for (const std::string& p : t.paths) {
        if (clickhouse::is_clickhouse_url(p)) {
            // Without its user and password: the command is printed (they come from the
            // environment or the config file as well).
            const auto at = p.find('@'), slash = p.find('/', std::string_view("clickhouse://").size());
            out.push_back(at != std::string::npos && at < slash ? "clickhouse://" + p.substr(at + 1) : p);
            continue;
        }
        std::error_code ec;
        const std::filesystem::path abs =
            p == "-" || p.starts_with("s3://") ? std::filesystem::path(p) : std::filesystem::absolute(p, ec);
        out.push_back(ec ? p : abs.lexically_normal().string());
    }
    return out;
}

unsigned max_workers() { return std::max(8u, 4 * std::max(1u, std::thread::hardware_concurrency())); }

Options resolve_options(const CommandLineText& t, const char* xdg_config_home, const char* home) {
    Options o;
    o.command = t.command;
    o.billing = t.command == Command::Bill || t.billing;
    refuse_ignored_options(t, o.billing);
    if (t.paths.empty()) throw UsageError{"no input: name log files or folders, or - for standard input"};
    o.paths = t.paths;
    o.config = load_config(t, xdg_config_home, home);

    if (t.command == Command::Storage) {
        o.storage_by.clear();
        for (const auto& name : split_commas(t.by)) {
            const auto d = parse_storage_dim(name);
            if (!d)
                throw UsageError{
                    fmt::format("--by: storage groups by org, class, bucket or prefix:N (1-9), not '{}'", name)};
            o.storage_by.push_back(*d);
        }
        if (o.storage_by.empty()) throw UsageError{"--by: name at least one of org, class, bucket, prefix:N"};
    } else if (t.command != Command::Dashboard) {
        o.by = dims_of(t.by, "--by");
    }
    o.versioned = split_commas(t.versioned);  // storage and bill (the only commands offering them)
    o.no_storage = t.no_storage;
    if (o.no_storage) {
        for (const char* name : {"--inventory", "--versioned"})
            if (given(t, name)) throw UsageError{fmt::format("{}: not with --no-storage (it is about storage)", name)};
    }
    o.inventory = t.inventory;
    auto filter = parse_filter(t.filter);
    if (!filter) throw UsageError{"--filter: " + filter.error()};
    o.filter = *std::move(filter);
    if (given(t, "--top")) o.top = parse_count(t.top, "--top", 1, 1'000'000'000);
    o.sort = t.sort == "requests" ? SortBy::Requests : t.sort == "key" ? SortBy::Key : SortBy::Bytes;
    // Hours, days and months read in time order unless --sort says otherwise.
    if (!given(t, "--sort") && !o.by.empty() && is_time_dim(o.by.front().dim)) o.sort = SortBy::Key;
    o.format = output_format(t);
    o.output = t.output;
    o.rejects = t.rejects;
    // A table written to a file is for reading later, or by a program: exact numbers.
    o.exact = t.exact || (!t.output.empty() && o.format == OutputFormat::Table);
    o.no_color = t.no_color;

    o.org_from = o.config.org_from;
    std::string err;
    const auto org = parse_org_source(o.org_from, err);
    if (!org) throw UsageError{"--org-from: " + err};
    o.org = *org;
    o.log_format = o.config.log_format;
    o.date_format = t.date_format;
    o.time_format = t.time_format;
    const auto dedupe = parse_dedupe_mode(o.config.dedupe);
    if (!dedupe) throw UsageError{fmt::format("--dedupe: unknown value '{}' (off or request-id)", o.config.dedupe)};
    o.dedupe = *dedupe;
    for (const auto& name : o.config.panels) {
        const auto p = parse_panel_name(name);
        if (!p) throw UsageError{fmt::format("config: dashboard.panels: unknown panel '{}'", name)};
        o.dashboard_panels.push_back(*p);
        if (!p->stored) o.panels.push_back(p->dim);  // an HTML page has no Stored panel
    }
    if (given(t, "--workers")) o.workers = static_cast<unsigned>(parse_count(t.workers, "--workers", 1, max_workers()));

    o.state_dir = t.state_dir;
    o.no_state = t.no_state;
    o.quiet = t.quiet;
    o.replay = t.replay;
    o.follow = t.command == Command::Dashboard ? dashboard_follows(t) : t.follow;
    o.every_given = given(t, "--every");
    o.every = parse_interval(t.every);
    resolve_clickhouse_source(t, o);
    resolve_s3(t, o);
    if (given(t, "--speed")) {
        std::size_t pos = 0;
        try {
            o.speed = std::stod(t.speed, &pos);
        } catch (...) {
            pos = 0;
        }
        if (pos == 0 || pos != t.speed.size() || !std::isfinite(o.speed) || o.speed < 0 || o.speed > 1e9)
            throw UsageError{
                fmt::format("--speed: '{}' is not a number from 0 to 1e9 (log seconds per second)", t.speed)};
    }
    if (t.command == Command::Report && given(t, "--panels") && (o.format != OutputFormat::Html || o.billing))
        throw UsageError{"--panels: the panels of an HTML report: only with --format html (or -o FILE.html)"};
    if (o.format == OutputFormat::Html && t.command == Command::Report && !o.billing) {
        if (o.follow) throw UsageError{"--format html: not available with --follow (one page is written once)"};
        if (o.every_given) throw UsageError{"--format html: not available with --every"};
    }
    if (o.billing || t.command == Command::Storage) o.periods = periods_of(t);
    if (t.command == Command::Storage) {
        if (const std::string why = storage_filter_problem(o.filter); !why.empty())
            throw UsageError{"--filter: " + why};
    }
    if (t.command == Command::Ingest) resolve_ingest(t, o);
    o.source_words = source_words(t);
    return o;
}

}  // namespace s3top::app
