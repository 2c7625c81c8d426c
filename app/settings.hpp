#pragma once
// The dashboard's part of the config file: panels, keys and colors.
#include "app/cli.hpp"
#include "tui/dashboard.hpp"

namespace s3top::app {

/// Sets the dashboard's panels, keys and colors from the options (the config's [dashboard]
/// section, which resolve_options() validated and put --panels over). --no-color stays in
/// d.no_color and wins over the colors. Throws UsageError should a value still be unusable.
void apply_dashboard_config(const Options& opt, tui::DashboardOptions& d);

}  // namespace s3top::app
