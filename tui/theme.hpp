#pragma once
// Colors of the dashboard ([dashboard.colors] of the config file) as plain data: which curses
// color pair each Role is drawn with. terminal.cpp only calls init_pair() with what
// color_pairs() returns, so tests check the mapping without a terminal.
#include <array>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/dashboard_names.hpp"
#include "tui/canvas.hpp"

namespace s3top::tui {

/// A foreground color per role: a curses color number (0..255, COLOR_BLACK = 0 ... COLOR_WHITE
/// = 7) or -1 for the terminal's default color. Roles without a color element (Normal, Dim,
/// Selected, Prompt) are drawn with attributes only.
struct Theme {
    std::array<short, kRoleCount> fg{};
    /// title, focus, key cyan; bar blue; chart, good green; warn yellow; bad red (the built-in
    /// config's [dashboard.colors]).
    static Theme defaults();
    friend bool operator==(const Theme&, const Theme&) = default;
};

/// The role a [dashboard.colors] element (kColorElementNames) colors: title, focus, bar,
/// chart, good, warn, bad, key (the hint bar's and help's key names). Colors are
/// parse_color_name()'s (core/config/dashboard_names.hpp).
std::optional<Role> color_element_role(std::string_view element);
/// The defaults with [dashboard.colors] (element -> color name) applied; an error names the
/// entry that is unknown (the config reader already refuses these, with file and line).
std::expected<Theme, std::string> theme_from_config(const std::map<std::string, std::string>& colors);

/// The color pair a role is drawn with; 0 (the terminal's default pair) for roles without one.
short color_pair_of(Role role);

struct ColorPair {
    short pair, fg, bg;
    friend bool operator==(const ColorPair&, const ColorPair&) = default;
};
/// The pairs to init_pair() for `theme` on a terminal with `colors` colors (curses' COLORS).
/// `default_colors`: the terminal takes -1 for its own default colors (use_default_colors()
/// succeeded); every pair then keeps the terminal's background. Without it the background is
/// black and "default" foregrounds are white. A color number the terminal does not have falls
/// back to the default foreground.
std::vector<ColorPair> color_pairs(const Theme& theme, int colors, bool default_colors);

/// Whether to draw in color at all: not with --no-color, nor when NO_COLOR is set to a
/// non-empty value (`no_color_env`, may be null); either wins over the config's colors.
bool colors_wanted(bool no_color_option, const char* no_color_env);

}  // namespace s3top::tui
