#pragma once
// The config file under the command line: built-in defaults, then the user's file (or
// --config FILE), then the options given on the command line.
#include "app/cli.hpp"
#include "tui/dashboard.hpp"

namespace s3top::app {

/// Which options the command line set explicitly (they win over the file).
struct GivenOnCommandLine {
    bool org_from = false;
    bool log_format = false;
    bool dedupe = false;
};

/// Loads opt.config (built-in, then --config FILE or the user's file when it exists) and
/// fills the options the command line left unset from it. Throws UsageError naming the
/// file, line and key on a bad file.
void load_config(Options& opt, const GivenOnCommandLine& given, const char* xdg_config_home, const char* home);

/// Sets the dashboard's panels, keys and colors from opt.config's [dashboard] section (which
/// load_config() already validated and put --panels over). --no-color stays in d.no_color and
/// wins over the colors. Throws UsageError should a value still be unusable.
void apply_dashboard_config(const Options& opt, tui::DashboardOptions& d);

}  // namespace s3top::app
