#include "tui/theme.hpp"

#include <algorithm>

namespace s3top::tui {
namespace {

// The roles of kColorElementNames, in its order.
constexpr std::array<Role, kColorElementNames.size()> kElementRoles = {
    Role::Title, Role::Focus, Role::Bar, Role::Chart, Role::Good, Role::Warn, Role::Bad, Role::Hotkey};

constexpr short kBlack = 0, kRed = 1, kGreen = 2, kYellow = 3, kBlue = 4, kCyan = 6, kWhite = 7;  // curses numbers

}  // namespace

Theme Theme::defaults() {
    Theme t;
    t.fg.fill(-1);
    auto set = [&](Role r, short c) { t.fg[static_cast<std::size_t>(r)] = c; };
    set(Role::Title, kCyan);
    set(Role::Focus, kCyan);
    set(Role::Bar, kBlue);
    set(Role::Chart, kGreen);
    set(Role::Good, kGreen);
    set(Role::Warn, kYellow);
    set(Role::Bad, kRed);
    set(Role::Hotkey, kCyan);
    return t;
}

std::optional<Role> color_element_role(std::string_view element) {
    const auto* it = std::find(kColorElementNames.begin(), kColorElementNames.end(), element);
    if (it == kColorElementNames.end()) return std::nullopt;
    return kElementRoles[static_cast<std::size_t>(it - kColorElementNames.begin())];
}

std::expected<Theme, std::string> theme_from_config(const std::map<std::string, std::string>& colors) {
    Theme t = Theme::defaults();
    for (const auto& [element, name] : colors) {
        const auto role = color_element_role(element);
        if (!role) return std::unexpected("dashboard.colors." + element + ": unknown element");
        const auto color = parse_color_name(name);
        if (!color) return std::unexpected("dashboard.colors." + element + ": unknown color '" + name + "'");
        t.fg[static_cast<std::size_t>(*role)] = *color;
    }
    return t;
}

short color_pair_of(Role role) {
    const bool colored = std::find(kElementRoles.begin(), kElementRoles.end(), role) != kElementRoles.end();
    return colored ? static_cast<short>(role) : short{0};  // pair numbers are the roles' own (1..)
}

std::vector<ColorPair> color_pairs(const Theme& theme, int colors, bool default_colors) {
    std::vector<ColorPair> out;
    for (const Role role : kElementRoles) {
        short fg = theme.fg[static_cast<std::size_t>(role)];
        if (fg >= colors) fg = -1;
        short bg = -1;
        if (!default_colors) {
            bg = kBlack;
            if (fg < 0) fg = kWhite;
        }
        out.push_back(ColorPair{color_pair_of(role), fg, bg});
    }
    return out;
}

bool colors_wanted(bool no_color_option, const char* no_color_env) {
    return !no_color_option && !(no_color_env && *no_color_env);
}

}  // namespace s3top::tui
