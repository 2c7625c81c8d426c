#include "app/settings.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "app/session.hpp"
#include "core/agg/dimension.hpp"
#include "core/ingest/request_ids.hpp"

namespace s3top::app {

void load_config(Options& opt, const GivenOnCommandLine& given, const char* xdg_config_home, const char* home) {
    Config c = builtin_config();
    std::filesystem::path file = opt.config_file;
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
    if (!opt.prices.empty()) {
        auto table = load_price_table_file(opt.prices);
        if (!table) throw UsageError{"--prices: " + table.error().to_string()};
        c.prices = std::move(*table);
    }
    if (!opt.tier_scope.empty()) c.prices.egress_scope = opt.tier_scope == "total" ? TierScope::Total : TierScope::PerGroup;
    if (opt.exclude_errors) c.exclude.errors = true;
    if (!opt.panels.empty()) {
        for (const auto& name : opt.panels) {
            if (!parse_dim(name)) throw UsageError{fmt::format("--panels: unknown dimension '{}' (known: {})", name, dim_names_help())};
        }
        c.panels = opt.panels;
    }
    if (!given.org_from) opt.org_from = c.org_from;
    if (!given.log_format) opt.log_format = c.log_format;
    if (!given.dedupe) opt.dedupe = c.dedupe;
    if (!parse_dedupe_mode(opt.dedupe))
        throw UsageError{fmt::format("--dedupe: unknown value '{}' (off or request-id)", opt.dedupe)};
    opt.config = std::move(c);
}

void apply_dashboard_config(const Options& opt, tui::DashboardOptions& d) {
    const Config& c = opt.config;
    d.panels.clear();
    for (const auto& name : c.panels) {
        const auto dim = parse_dim(name);
        if (!dim) throw UsageError{fmt::format("config: dashboard.panels: unknown dimension '{}'", name)};
        d.panels.push_back(*dim);
    }
    auto keys = tui::keymap_from_config(c.keys);
    if (!keys) throw UsageError{"config: " + keys.error()};
    d.keys = *keys;
    auto theme = tui::theme_from_config(c.colors);
    if (!theme) throw UsageError{"config: " + theme.error()};
    d.theme = *theme;
    d.no_color = opt.no_color;
}

}  // namespace s3top::app
