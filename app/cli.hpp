#pragma once
// Command line: `s3top [OPTIONS] PATH...` (dashboard) and `s3top report [OPTIONS] PATH...`.
#include <string>
#include <vector>

#include "core/config/config.hpp"

namespace s3top::app {

enum class OutputFormat { Table, Csv, Json, Html };

/// Everything the command line sets, typed.
struct Options {
    std::vector<std::string> paths;
    std::vector<std::string> by{"org"};
    std::string filter;
    std::size_t top = 0;
    std::string org_from = "org";  ///< query parameter names, or requester / prefix:N / ...
    std::string sort = "bytes";
    OutputFormat format = OutputFormat::Table;
    std::string output;   ///< -o FILE; empty = stdout
    std::string rejects;  ///< --rejects FILE
    std::string log_format = "auto";
    std::string dedupe = "off";  ///< --dedupe off|request-id (or [log] dedupe)
    std::string date_format, time_format;
    bool exact = false;
    bool no_color = false;
    std::vector<std::string> panels;  ///< --panels (dashboard): over the config's [dashboard] panels
    unsigned workers = 0;
    // Sources (see README "Following, replay and the state folder").
    std::string state_dir;   ///< --state DIR; empty = the XDG state folder
    bool no_state = false;   ///< --no-state: no ledger file, nothing remembered between runs
    bool follow = false;     ///< --follow: keep reading new files and lines
    bool no_follow = false;  ///< --no-follow: the dashboard loads once even given a folder
    std::string every = "5s";  ///< report --follow / --replay: interval between reports
    bool every_given = false;  ///< --every was on the command line (report --replay prints per interval only then)
    bool replay = false;     ///< --replay: play records back in time order
    double speed = 0;        ///< --speed X: log seconds per second; 0 = as fast as possible

    // Config file (--config FILE, else the user's file) with command-line values applied over it.
    std::string config_file;  ///< --config
    Config config;            ///< built-in defaults + the config file; see load_config()

    // `s3top bill` / `report --billing`
    bool billing = false;
    std::string month;             ///< --month 2024-03
    std::string from, to;          ///< --from/--to (UTC; `to` exclusive)
    std::string prices;            ///< --prices FILE
    bool exclude_errors = false;   ///< --exclude-errors
    std::string tier_scope;        ///< --tier-scope total|per_group
};

/// Runs the program; returns the exit status (0 ok, 1 no input could be read, 2 bad usage).
int run(int argc, char** argv);

}  // namespace s3top::app
