#include "app/settings.hpp"

namespace s3top::app {

void apply_dashboard_config(const Options& opt, tui::DashboardOptions& d) {
    const Config& c = opt.config;
    d.panels = opt.dashboard_panels;
    auto keys = tui::keymap_from_config(c.keys);
    if (!keys) throw UsageError{"config: " + keys.error()};
    d.keys = *keys;
    auto theme = tui::theme_from_config(c.colors);
    if (!theme) throw UsageError{"config: " + theme.error()};
    d.theme = *theme;
    d.no_color = opt.no_color;
    // The org panel's cost: the prices and exclusions `bill` would use.
    BillingSpec billing;
    billing.exclude = c.exclude;
    billing.prices = c.prices;
    billing.late_grace_seconds = c.late_grace_hours * 3600;
    d.billing = std::move(billing);
}

}  // namespace s3top::app
