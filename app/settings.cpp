#include "app/settings.hpp"

namespace s3top::app {

void apply_dashboard_config(const Options& opt, tui::DashboardOptions& d) {
    const Config& c = opt.config;
    d.panels = opt.panels;
    auto keys = tui::keymap_from_config(c.keys);
    if (!keys) throw UsageError{"config: " + keys.error()};
    d.keys = *keys;
    auto theme = tui::theme_from_config(c.colors);
    if (!theme) throw UsageError{"config: " + theme.error()};
    d.theme = *theme;
    d.no_color = opt.no_color;
}

}  // namespace s3top::app
