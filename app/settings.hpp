#pragma once
// The config file under the command line: built-in defaults, then the user's file (or
// --config FILE), then the options given on the command line.
#include "app/cli.hpp"

namespace s3top::app {

/// Which options the command line set explicitly (they win over the file).
struct GivenOnCommandLine {
    bool org_from = false;
    bool log_format = false;
};

/// Loads opt.config (built-in, then --config FILE or the user's file when it exists) and
/// fills the options the command line left unset from it. Throws UsageError naming the
/// file, line and key on a bad file.
void load_config(Options& opt, const GivenOnCommandLine& given, const char* xdg_config_home, const char* home);

}  // namespace s3top::app
