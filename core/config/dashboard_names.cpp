#include "core/config/dashboard_names.hpp"

#include <algorithm>

namespace s3top {
namespace {

struct NamedKey {
    std::string_view name;   ///< as in the config
    std::string_view label;  ///< as shown
    char32_t key;
};

constexpr std::array<NamedKey, 13> kNamed = {{
    {"enter", "Enter", keys::Enter},
    {"esc", "Esc", keys::Escape},
    {"tab", "Tab", keys::Tab},
    {"backtab", "Shift-Tab", keys::BackTab},
    {"space", "Space", ' '},
    {"up", "Up", keys::Up},
    {"down", "Down", keys::Down},
    {"left", "Left", keys::Left},
    {"right", "Right", keys::Right},
    {"pgup", "PgUp", keys::PageUp},
    {"pgdn", "PgDn", keys::PageDown},
    {"home", "Home", keys::Home},
    {"end", "End", keys::End},
}};

constexpr std::array<std::string_view, 8> kColorNames = {"black", "red",     "green", "yellow",
                                                         "blue",  "magenta", "cyan",  "white"};

}  // namespace

std::optional<char32_t> parse_key_name(std::string_view name) {
    if (name.size() == 1) {
        const auto c = static_cast<unsigned char>(name[0]);
        if (c > 0x20 && c < 0x7F) return char32_t{c};
        return std::nullopt;
    }
    for (const NamedKey& n : kNamed) {
        if (n.name == name) return n.key;
    }
    if (name.size() == 6 && name.starts_with("ctrl-") && name[5] >= 'a' && name[5] <= 'z')
        return static_cast<char32_t>(name[5] - 'a' + 1);
    if (name.size() >= 2 && name.size() <= 3 && name[0] == 'f') {
        int n = 0;
        for (const char ch : name.substr(1)) {
            if (ch < '0' || ch > '9') return std::nullopt;
            n = n * 10 + (ch - '0');
        }
        if (n >= 1 && n <= 12) return keys::function(n);
    }
    return std::nullopt;
}

std::string key_label(char32_t k) {
    for (const NamedKey& n : kNamed) {
        if (n.key == k) return std::string(n.label);
    }
    if (k >= keys::F1 && k < keys::function(13)) return "F" + std::to_string(k - keys::F1 + 1);
    if (k >= 1 && k <= 26) return std::string("Ctrl-") + static_cast<char>('A' + k - 1);
    if (k > 0x20 && k < 0x7F) return std::string(1, static_cast<char>(k));
    return "?";
}

std::string_view reserved_key(std::string_view k) {
    if (k == "ctrl-c") return "it always quits";
    if (k == "ctrl-z") return "it suspends s3top";
    if (k == "ctrl-h") return "terminals send it as backspace";
    if (k == "ctrl-i") return "terminals send it as tab";
    if (k == "ctrl-j" || k == "ctrl-m") return "terminals send it as enter";
    return {};
}

std::optional<short> parse_color_name(std::string_view name) {
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

std::optional<DashboardPanel> parse_panel_name(std::string_view name) {
    if (name == kStoredPanelName) return DashboardPanel{DimSpec{Dim::Org}, true};
    if (const auto d = parse_dim(name)) return DashboardPanel{*d, false};
    return std::nullopt;
}

std::string panel_names_help() { return std::string(dim_names_help()) + ", " + std::string(kStoredPanelName); }

}  // namespace s3top
