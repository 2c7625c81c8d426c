#pragma once
// The configuration file (TOML, read with toml++): defaults are config/s3top.conf compiled
// in; a user's file overrides the keys it names. Errors are values naming file, line and key.
#include <cstdint>
#include <expected>
#include <filesystem>
#include <map>
#include <optional>

#include "core/parse/jsonl_log.hpp"
#include <string>
#include <string_view>
#include <vector>

#include "core/agg/tier_map.hpp"
#include "core/billing/price_table.hpp"
#include "core/billing/statement.hpp"

namespace s3top {

struct ConfigError {
    std::string file;
    std::uint32_t line = 0;  ///< 1-based; 0 when not known
    std::string key;         ///< dotted path ("billing.prices.requests.get_per_1000"); may be empty
    std::string message;
    /// "FILE:LINE: KEY: message"
    std::string to_string() const;
};

struct Config {
    std::string org_from = "org";     ///< [org] source (as --org-from)
    std::string log_format = "auto";  ///< [log] format
    std::string dedupe = "off";       ///< [log] dedupe: "off" or "request-id" (as --dedupe)
    JsonFieldMap json_fields;         ///< [log.json] JSON pointers of each field, for "jsonl" logs
    ExclusionRules exclude;           ///< [billing] exclude_*
    std::int64_t late_grace_hours = 48;
    TierMap tiers = TierMap::defaults();        ///< [request_tiers]
    PriceTable prices;                          ///< [billing] price_table / [billing.prices]
    std::vector<std::string> panels;            ///< [dashboard] panels, validated dimension names
    std::map<std::string, std::string> colors;  ///< [dashboard.colors] element -> color
    std::map<std::string, std::string> keys;    ///< [dashboard.keys] action -> key
    /// [clickhouse] user and password: for clickhouse:// URLs that do not give them (nor the
    /// environment). Never printed.
    std::optional<std::string> clickhouse_user, clickhouse_password;
    std::vector<std::string> files;  ///< files applied, in order ("built-in" first)
};

/// The shipped defaults (config/s3top.conf and config/prices/*.toml, compiled in).
std::string_view builtin_config_text();
std::string_view builtin_price_table_text();
/// The built-in configuration. Never fails for the shipped files (a test checks them).
Config builtin_config();

/// Applies the keys of a config text over `base`. `file` names it in errors; relative paths
/// in it (price_table) are relative to `dir`.
std::expected<Config, ConfigError> apply_config_text(Config base, std::string_view text, const std::string& file,
                                                     const std::filesystem::path& dir);
/// Reads and applies a config file; a missing or unreadable file is an error.
std::expected<Config, ConfigError> apply_config_file(Config base, const std::filesystem::path& path);

/// Parses a price table document (the format of config/prices/*.toml).
std::expected<PriceTable, ConfigError> parse_price_table(std::string_view text, const std::string& file);
std::expected<PriceTable, ConfigError> load_price_table_file(const std::filesystem::path& path);

/// The user's config file: $XDG_CONFIG_HOME/s3top/s3top.conf, or ~/.config/s3top/s3top.conf
/// (from the given environment values; empty when neither is set).
std::filesystem::path user_config_path(const char* xdg_config_home, const char* home);

}  // namespace s3top
