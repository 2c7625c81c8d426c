#include "core/config/config.hpp"

#include <fmt/format.h>

#include "core/ingest/request_ids.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <span>
#include <sstream>
#include <toml++/toml.h>

#include "core/agg/batch.hpp"
#include "core/billing/money.hpp"
#include "core/config/builtin_files.hpp"
#include "core/config/dashboard_names.hpp"

namespace s3top {

std::string ConfigError::to_string() const {
    std::string s = file;
    if (line) s += fmt::format(":{}", line);
    s += ": ";
    if (!key.empty()) s += key + ": ";
    return s + message;
}

namespace {

/// Walks one document; any problem throws a ConfigError (caught at the API boundary).
class Reader {
public:
    explicit Reader(std::string file) : file_(std::move(file)) {}

    [[noreturn]] void fail(const toml::node* at, const std::string& key, const std::string& message) const {
        throw ConfigError{file_, at ? static_cast<std::uint32_t>(at->source().begin.line) : 0, key, message};
    }

    toml::table parse(std::string_view text) const {
        try {
            return toml::parse(text, file_);
        } catch (const toml::parse_error& e) {
            throw ConfigError{file_, static_cast<std::uint32_t>(e.source().begin.line), "",
                              std::string(e.description())};
        }
    }

    /// Rejects keys of `t` not in `known`.
    void only(const toml::table& t, const std::string& path, std::initializer_list<std::string_view> known) const {
        only(t, path, std::span<const std::string_view>(known.begin(), known.size()));
    }
    void only(const toml::table& t, const std::string& path, std::span<const std::string_view> known) const {
        for (auto&& [k, v] : t) {
            if (std::find(known.begin(), known.end(), k.str()) == known.end()) {
                std::string list;
                for (auto n : known) list += (list.empty() ? "" : ", ") + std::string(n);
                fail(&v, join(path, k.str()), fmt::format("unknown key (known here: {})", list));
            }
        }
    }

    static std::string join(const std::string& path, std::string_view k) {
        return path.empty() ? std::string(k) : path + "." + std::string(k);
    }

    std::string str(const toml::node& v, const std::string& key) const {
        if (const auto* s = v.as_string()) return s->get();
        fail(&v, key, "expected a string");
    }
    std::int64_t integer(const toml::node& v, const std::string& key, std::int64_t lo, std::int64_t hi) const {
        const auto* i = v.as_integer();
        if (!i) fail(&v, key, "expected an integer");
        if (i->get() < lo || i->get() > hi) fail(&v, key, fmt::format("must be between {} and {}", lo, hi));
        return i->get();
    }
    bool boolean(const toml::node& v, const std::string& key) const {
        if (const auto* b = v.as_boolean()) return b->get();
        fail(&v, key, "expected true or false");
    }
    std::vector<std::string> strings(const toml::node& v, const std::string& key) const {
        const auto* a = v.as_array();
        if (!a) fail(&v, key, "expected an array of strings");
        std::vector<std::string> out;
        for (const auto& e : *a) out.push_back(str(e, key));
        return out;
    }
    const toml::table& table(const toml::node& v, const std::string& key) const {
        if (const auto* t = v.as_table()) return *t;
        fail(&v, key, "expected a table");
    }
    /// An exact decimal: a string ("0.09") or an integer; floats are refused (inexact).
    std::int64_t decimal(const toml::node& v, const std::string& key, int scale) const {
        if (const auto* i = v.as_integer()) {
            if (auto d = parse_scaled_decimal(std::to_string(i->get()), scale)) return *d;
            fail(&v, key, "number too large");
        }
        if (v.is_floating_point())
            fail(&v, key, "write prices as strings (\"0.09\") so they stay exact; TOML floats are binary");
        const std::string s = str(v, key);
        if (auto d = parse_scaled_decimal(s, scale)) return *d;
        fail(&v, key, fmt::format("'{}' is not a decimal number with at most {} decimals", s, scale));
    }

    PriceTable price_table(const toml::table& t, const std::string& path) const {
        only(t, path,
             {"name", "source", "date", "currency", "gb_bytes", "egress_tier_scope", "egress", "upload_price_per_gb",
              "requests", "markup", "orgs", "storage"});
        PriceTable p;
        p.origin = file_;
        for (auto&& [k, v] : t) {
            const std::string key = join(path, k.str());
            if (k == "name") p.name = str(v, key);
            if (k == "source") p.source = str(v, key);
            if (k == "date") p.date = str(v, key);
            if (k == "currency") p.currency = str(v, key);
            if (k == "gb_bytes") p.gb_bytes = static_cast<std::uint64_t>(integer(v, key, 1, std::int64_t{1} << 50));
            if (k == "egress_tier_scope") {
                const std::string s = str(v, key);
                if (s == "total")
                    p.egress_scope = TierScope::Total;
                else if (s == "per_group" || s == "per_org")
                    p.egress_scope = TierScope::PerGroup;
                else
                    fail(&v, key, "expected \"total\" or \"per_group\"");
            }
            if (k == "upload_price_per_gb") p.ingress_nanos_per_gb = decimal(v, key, 9);
            if (k == "egress") {
                const auto* a = v.as_array();
                if (!a || a->empty()) fail(&v, key, "expected an array of { up_to_gb, price_per_gb } tiers");
                for (const auto& e : *a) {
                    const auto& et = table(e, key);
                    only(et, key, {"up_to_gb", "price_per_gb"});
                    EgressTier tier;
                    if (const auto* u = et.get("up_to_gb"))
                        tier.up_to_gb =
                            static_cast<std::uint64_t>(integer(*u, key + ".up_to_gb", 0, std::int64_t{1} << 40));
                    const auto* price = et.get("price_per_gb");
                    if (!price) fail(&e, key, "a tier needs price_per_gb");
                    tier.nanos_per_gb = decimal(*price, key + ".price_per_gb", 9);
                    p.egress.push_back(tier);
                }
            }
            if (k == "requests") {
                const auto& rt = table(v, key);
                only(rt, key, {"get_per_1000", "put_per_1000"});
                if (const auto* g = rt.get("get_per_1000"))
                    p.get_nanos_per_1000 = decimal(*g, key + ".get_per_1000", 9);
                if (const auto* g = rt.get("put_per_1000"))
                    p.put_nanos_per_1000 = decimal(*g, key + ".put_per_1000", 9);
            }
            if (k == "markup") {
                const auto& mt = table(v, key);
                only(mt, key, {"percent", "fee"});
                if (const auto* m = mt.get("percent")) p.markup_ppm = decimal(*m, key + ".percent", 4);
                if (const auto* m = mt.get("fee")) p.fee_micros = decimal(*m, key + ".fee", 6);
            }
            if (k == "storage") {
                for (auto&& [name, sv] : table(v, key)) {
                    const std::string skey = join(key, name.str());
                    const auto cls = parse_storage_class(name.str());
                    if (!cls)
                        fail(&sv, skey,
                             "not a storage class (STANDARD, INTELLIGENT_TIERING, STANDARD_IA, ONEZONE_IA, "
                             "GLACIER_IR, GLACIER, DEEP_ARCHIVE, REDUCED_REDUNDANCY)");
                    const auto& st = table(sv, skey);
                    only(st, skey, {"price_per_gb_month", "min_days", "min_billable_bytes"});
                    const auto* price = st.get("price_per_gb_month");
                    if (!price) fail(&sv, skey, "needs price_per_gb_month");
                    StoragePrice sp;
                    sp.nanos_per_gb_month = decimal(*price, skey + ".price_per_gb_month", 9);
                    if (const auto* d = st.get("min_days"))
                        sp.min_days = static_cast<std::uint32_t>(integer(*d, skey + ".min_days", 0, 3650));
                    if (const auto* b = st.get("min_billable_bytes"))
                        sp.min_billable_bytes = static_cast<std::uint64_t>(
                            integer(*b, skey + ".min_billable_bytes", 0, std::int64_t{1} << 40));
                    p.storage[static_cast<std::size_t>(*cls)] = sp;
                }
            }
            if (k == "orgs") {
                for (auto&& [org, ov] : table(v, key)) {
                    const std::string okey = join(key, org.str());
                    const auto& ot = table(ov, okey);
                    only(ot, okey, {"percent", "fee"});
                    GroupPricing g;
                    if (const auto* m = ot.get("percent")) g.markup_ppm = decimal(*m, okey + ".percent", 4);
                    if (const auto* m = ot.get("fee")) g.fee_micros = decimal(*m, okey + ".fee", 6);
                    p.groups[std::string(org.str())] = g;
                }
            }
        }
        if (const std::string err = validate(p); !err.empty()) fail(&t, path.empty() ? "egress" : path, err);
        return p;
    }

    std::vector<TierRule> tier_rules(const toml::node& v, const std::string& key) const {
        const auto* a = v.as_array();
        if (!a) fail(&v, key, "expected an array of { pattern, tier } rules");
        std::vector<TierRule> out;
        for (const auto& e : *a) {
            const auto& rt = table(e, key);
            only(rt, key, {"pattern", "tier"});
            const auto* pat = rt.get("pattern");
            const auto* tier = rt.get("tier");
            if (!pat || !tier) fail(&e, key, "a rule needs pattern and tier");
            const auto t = parse_tier(str(*tier, key + ".tier"));
            if (!t) fail(tier, key + ".tier", "expected \"get\", \"put\" or \"free\"");
            out.push_back(TierRule{str(*pat, key + ".pattern"), *t});
        }
        return out;
    }

    // [log.json]: a JSON pointer ("/request/remote_ip") per field, and the duration's unit.
    void json_fields(JsonFieldMap& m, const toml::table& t) const {
        std::vector<std::string_view> known;
        for (const auto& f : kJsonFields) known.push_back(f.name);
        known.push_back("duration_unit");
        only(t, "log.json", known);
        for (const auto& f : kJsonFields) {
            if (const auto* v = t.get(f.name)) {
                const std::string key = "log.json." + std::string(f.name);
                std::string ptr = str(*v, key);
                if (!ptr.empty() && ptr.front() != '/')
                    fail(v, key, "expected a JSON pointer such as \"/request/uri\" (or \"\" for none)");
                m.*f.pointer = std::move(ptr);
            }
        }
        if (const auto* v = t.get("duration_unit")) {
            const std::string u = str(*v, "log.json.duration_unit");
            if (u == "s") {
                m.duration_unit = JsonFieldMap::Unit::Seconds;
            } else if (u == "ms") {
                m.duration_unit = JsonFieldMap::Unit::Milliseconds;
            } else if (u == "us") {
                m.duration_unit = JsonFieldMap::Unit::Microseconds;
            } else if (u == "ns") {
                m.duration_unit = JsonFieldMap::Unit::Nanoseconds;
            } else {
                fail(v, "log.json.duration_unit", "expected \"s\", \"ms\", \"us\" or \"ns\"");
            }
        }
    }

    /// [billing]: exclusions, the grace for late logs, and the prices (inline, a file beside
    /// the config, or the built-in table).
    void billing(Config& c, const toml::table& t, const std::filesystem::path& dir) const {
        only(t, "billing",
             {"exclude_requesters", "exclude_operations", "exclude_errors", "late_grace_hours", "price_table",
              "prices"});
        if (const auto* s = t.get("exclude_requesters"))
            c.exclude.requesters = strings(*s, "billing.exclude_requesters");
        if (const auto* s = t.get("exclude_operations"))
            c.exclude.operations = strings(*s, "billing.exclude_operations");
        if (const auto* s = t.get("exclude_errors")) c.exclude.errors = boolean(*s, "billing.exclude_errors");
        if (const auto* s = t.get("late_grace_hours"))
            c.late_grace_hours = integer(*s, "billing.late_grace_hours", 0, 24 * 366);
        if (const auto* s = t.get("prices")) {
            c.prices = price_table(table(*s, "billing.prices"), "billing.prices");
        } else if (const auto* s2 = t.get("price_table")) {
            const std::string v = str(*s2, "billing.price_table");
            if (v == "builtin") {
                c.prices = *parse_price_table(builtin_price_table_text(), "built-in s3-standard-us-east-1.toml");
            } else {
                std::filesystem::path p(v);
                if (p.is_relative()) p = dir / p;
                auto table_or = load_price_table_file(p);
                if (!table_or) {
                    ConfigError e = table_or.error();
                    if (e.line == 0)
                        e = ConfigError{file_, static_cast<std::uint32_t>(s2->source().begin.line),
                                        "billing.price_table", e.to_string()};
                    throw e;
                }
                c.prices = *table_or;
            }
        }
    }

    void apply(Config& c, const toml::table& root, const std::filesystem::path& dir) const {
        only(root, "", {"org", "log", "billing", "request_tiers", "dashboard", "clickhouse"});
        if (const auto* n = root.get("org")) {
            const auto& t = table(*n, "org");
            only(t, "org", {"source"});
            if (const auto* s = t.get("source")) {
                c.org_from = str(*s, "org.source");
                std::string err;
                if (!parse_org_source(c.org_from, err)) fail(s, "org.source", err);
            }
        }
        if (const auto* n = root.get("log")) {
            const auto& t = table(*n, "log");
            only(t, "log", {"format", "dedupe", "json"});
            if (const auto* s = t.get("format")) c.log_format = str(*s, "log.format");
            if (const auto* s = t.get("dedupe")) {
                c.dedupe = str(*s, "log.dedupe");
                if (!parse_dedupe_mode(c.dedupe)) fail(s, "log.dedupe", "expected \"off\" or \"request-id\"");
            }
            if (const auto* j = t.get("json")) json_fields(c.json_fields, table(*j, "log.json"));
        }
        if (const auto* n = root.get("billing")) billing(c, table(*n, "billing"), dir);
        if (const auto* n = root.get("clickhouse")) {
            const auto& t = table(*n, "clickhouse");
            only(t, "clickhouse", {"user", "password"});
            if (const auto* s = t.get("user")) c.clickhouse_user = str(*s, "clickhouse.user");
            if (const auto* s = t.get("password")) c.clickhouse_password = str(*s, "clickhouse.password");
        }
        if (const auto* n = root.get("request_tiers")) {
            const auto& t = table(*n, "request_tiers");
            only(t, "request_tiers", {"operations", "methods", "fallback"});
            if (const auto* s = t.get("operations")) c.tiers.operations = tier_rules(*s, "request_tiers.operations");
            if (const auto* s = t.get("methods")) c.tiers.methods = tier_rules(*s, "request_tiers.methods");
            if (const auto* s = t.get("fallback")) {
                const auto tier = parse_tier(str(*s, "request_tiers.fallback"));
                if (!tier) fail(s, "request_tiers.fallback", "expected \"get\", \"put\" or \"free\"");
                c.tiers.fallback = *tier;
            }
        }
        if (const auto* n = root.get("dashboard")) {
            const auto& t = table(*n, "dashboard");
            only(t, "dashboard", {"panels", "colors", "keys"});
            if (const auto* s = t.get("panels")) {
                auto names = strings(*s, "dashboard.panels");
                for (const auto& name : names) {
                    if (!parse_panel_name(name))
                        fail(s, "dashboard.panels",
                             fmt::format("unknown panel '{}' (known: {})", name, panel_names_help()));
                }
                if (names.empty()) fail(s, "dashboard.panels", "name at least one panel");
                c.panels = std::move(names);
            }
            if (const auto* s = t.get("colors")) {
                const auto& ct = table(*s, "dashboard.colors");
                only(ct, "dashboard.colors", kColorElementNames);
                for (auto&& [k, v] : ct) {
                    const std::string key = join("dashboard.colors", k.str());
                    const std::string color = str(v, key);
                    if (!parse_color_name(color))
                        fail(&v, key,
                             fmt::format("unknown color '{}' (default, black, red, green, yellow, blue, magenta, cyan, "
                                         "white, or 0..255)",
                                         color));
                    c.colors[std::string(k.str())] = color;
                }
            }
            if (const auto* s = t.get("keys")) {
                const auto& kt = table(*s, "dashboard.keys");
                only(kt, "dashboard.keys", kKeyCommandNames);
                std::map<std::string, std::string> keys = c.keys;
                for (auto&& [k, v] : kt) {
                    const std::string key = join("dashboard.keys", k.str());
                    const std::string name = str(v, key);
                    if (!parse_key_name(name))
                        fail(&v, key,
                             fmt::format(
                                 "unknown key '{}' (one character, or enter, esc, tab, backtab, space, up, down, "
                                 "left, right, pgup, pgdn, home, end, f1..f12, ctrl-a..ctrl-z)",
                                 name));
                    if (const std::string_view why = reserved_key(name); !why.empty())
                        fail(&v, key, fmt::format("'{}' cannot be bound: {}", name, why));
                    keys[std::string(k.str())] = name;
                }
                std::map<std::string, std::string> used;
                for (const auto& [action, name] : keys) {
                    if (const auto [it, fresh] = used.emplace(name, action); !fresh) {
                        const toml::node* at = kt.get(action) ? kt.get(action) : kt.get(it->second);
                        fail(at, "dashboard.keys." + action,
                             fmt::format("'{}' is already bound to {}", name, it->second));
                    }
                }
                c.keys = std::move(keys);
            }
        }
    }

private:
    std::string file_;
};

std::expected<std::string, ConfigError> read_whole(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::unexpected(ConfigError{path.string(), 0, "", "cannot be read (missing or no permission)"});
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return std::unexpected(ConfigError{path.string(), 0, "", "read error"});
    return ss.str();
}

}  // namespace

std::string_view builtin_config_text() { return kBuiltinConfig; }
std::string_view builtin_price_table_text() { return kBuiltinPriceTable; }

Config builtin_config() {
    auto c = apply_config_text(Config{}, builtin_config_text(), "built-in s3top.conf", {});
    if (!c) return Config{};  // unreachable for the shipped file (tested)
    return *c;
}

std::expected<Config, ConfigError> apply_config_text(Config base, std::string_view text, const std::string& file,
                                                     const std::filesystem::path& dir) {
    try {
        Reader r(file);
        const toml::table root = r.parse(text);
        r.apply(base, root, dir);
        base.files.push_back(file);
        return base;
    } catch (const ConfigError& e) {
        return std::unexpected(e);
    }
}

std::expected<Config, ConfigError> apply_config_file(Config base, const std::filesystem::path& path) {
    auto text = read_whole(path);
    if (!text) return std::unexpected(text.error());
    return apply_config_text(std::move(base), *text, path.string(), path.parent_path());
}

std::expected<PriceTable, ConfigError> parse_price_table(std::string_view text, const std::string& file) {
    try {
        Reader r(file);
        const toml::table root = r.parse(text);
        return r.price_table(root, "");
    } catch (const ConfigError& e) {
        return std::unexpected(e);
    }
}

std::expected<PriceTable, ConfigError> load_price_table_file(const std::filesystem::path& path) {
    auto text = read_whole(path);
    if (!text) return std::unexpected(text.error());
    return parse_price_table(*text, path.string());
}

std::filesystem::path user_config_path(const char* xdg_config_home, const char* home) {
    if (xdg_config_home && *xdg_config_home) return std::filesystem::path(xdg_config_home) / "s3top" / "s3top.conf";
    if (home && *home) return std::filesystem::path(home) / ".config" / "s3top" / "s3top.conf";
    return {};
}

}  // namespace s3top
