#pragma once
// The command line as typed, and the one place it becomes typed, checked Options.
#include <set>
#include <string>
#include <vector>

#include "app/cli.hpp"

namespace s3top::app {

/// What the command line said, word for word (cli.cpp fills it from CLI11).
struct CommandLineText {
    Command command = Command::Dashboard;
    std::set<std::string> given;  ///< long names of the options on the command line ("--every")
    std::vector<std::string> paths;
    std::string by = "org", filter, top, sort = "bytes", format, output, rejects;
    std::string org_from = "org", log_format = "auto", dedupe = "off", date_format, time_format;
    std::string panels, workers, state_dir, every = "5s", speed, config_file;
    std::string month, from, to, prices, tier_scope;
    std::string endpoint_url, profile, cache, versioned, inventory;
    std::string to_url, shard;  ///< ingest --to, --shard
    bool exact = false, no_color = false, no_state = false, follow = false, no_follow = false;
    bool replay = false, billing = false, exclude_errors = false, quiet = false, cache_prune = false;
    bool no_storage = false;
};

/// Reads the config (built in, then --config FILE or the user's file), puts the options given
/// over it, parses every value and checks every combination. Throws UsageError with one line.
/// Nothing is read from the inputs and no thread is started before it returns.
Options resolve_options(const CommandLineText& text, const char* xdg_config_home, const char* home);

/// Where an s3:// PATH is mirrored without --cache: $XDG_CACHE_HOME/s3top/s3 (or
/// ~/.cache/s3top/s3), then the bucket and the prefix as folders.
std::string default_s3_cache(const std::string& bucket, const std::string& prefix, const char* xdg_cache_home,
                             const char* home);

/// "5s", "1m", "500ms", "2h", "2" (seconds): from 10ms to 7 days. Throws UsageError.
std::chrono::milliseconds parse_interval(const std::string& text);

/// The most parse threads --workers takes: a few per core (more only waste memory).
unsigned max_workers();

}  // namespace s3top::app
