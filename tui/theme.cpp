#include "tui/theme.hpp"

#include <algorithm>

namespace s3top::tui {
namespace {

struct Element {
    std::string_view name;
    Role role;
};
constexpr std::array<Element, 8> kElements = {{
    {"title", Role::Title},
    {"focus", Role::Focus},
    {"bar", Role::Bar},
    {"chart", Role::Chart},
    {"good", Role::Good},
    {"warn", Role::Warn},
    {"bad", Role::Bad},
    {"key", Role::Hotkey},
}};

constexpr std::array<std::string_view, 8> kColorNames = {"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"};
constexpr short kBlack = 0, kRed = 1, kGreen = 2, kYellow = 3, kBlue = 4, kCyan = 6, kWhite = 7;

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
    for (const Element& e : kElements) {
        if (e.name == element) return e.role;
    }
    return std::nullopt;
}

std::optional<short> parse_color(std::string_view name) {
    if (name == "default") return short{-1};
    if (const auto* it = std::find(kColorNames.begin(), kColorNames.end(), name); it != kColorNames.end())
        return static_cast<short>(it - kColorNames.begin());
    if (name.empty() || name.size() > 3) return std::nullopt;
    int v = 0;
    for (const char ch : name) {
        if (ch < '0' || ch > '9') return std::nullopt;
        v = v * 10 + (ch - '0');
    }
    if (v > 255) return std::nullopt;
    return static_cast<short>(v);
}

std::expected<Theme, std::string> theme_from_config(const std::map<std::string, std::string>& colors) {
    Theme t = Theme::defaults();
    for (const auto& [element, name] : colors) {
        const auto role = color_element_role(element);
        if (!role) return std::unexpected("dashboard.colors." + element + ": unknown element");
        const auto color = parse_color(name);
        if (!color) return std::unexpected("dashboard.colors." + element + ": unknown color '" + name + "'");
        t.fg[static_cast<std::size_t>(*role)] = *color;
    }
    return t;
}

short color_pair_of(Role role) {
    for (const Element& e : kElements) {
        if (e.role == role) return static_cast<short>(role);  // pair numbers are the roles' own (1..)
    }
    return 0;
}

std::vector<ColorPair> color_pairs(const Theme& theme, int colors, bool default_colors) {
    std::vector<ColorPair> out;
    for (const Element& e : kElements) {
        short fg = theme.fg[static_cast<std::size_t>(e.role)];
        if (fg >= colors) fg = -1;
        short bg = -1;
        if (!default_colors) {
            bg = kBlack;
            if (fg < 0) fg = kWhite;
        }
        out.push_back(ColorPair{color_pair_of(e.role), fg, bg});
    }
    return out;
}

bool colors_wanted(bool no_color_option, const char* no_color_env) {
    return !no_color_option && !(no_color_env && *no_color_env);
}

}  // namespace s3top::tui
