#include "tui/keymap.hpp"

#include <algorithm>

namespace s3top::tui {
namespace {

struct NamedKey {
    std::string_view name;   ///< as in the config
    std::string_view label;  ///< as shown
    Key key;
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

constexpr std::array<std::string_view, kCommandCount> kCommandNames = {
    "quit", "help", "filter", "org_picker", "sort", "resolution", "exact", "up", "down", "expand", "chart_metric",
    "cycle_dimension"};

}  // namespace

std::string_view command_name(Command c) { return kCommandNames[static_cast<std::size_t>(c)]; }

KeyMap KeyMap::defaults() {
    KeyMap m;
    m.bind(Command::Quit, 'q');
    m.bind(Command::Help, '?');
    m.bind(Command::Filter, '/');
    m.bind(Command::OrgPicker, 'o');
    m.bind(Command::Sort, 's');
    m.bind(Command::Resolution, 't');
    m.bind(Command::Exact, 'x');
    m.bind(Command::Up, 'k');
    m.bind(Command::Down, 'j');
    m.bind(Command::Expand, 'e');
    m.bind(Command::ChartMetric, 'm');
    m.bind(Command::CycleDimension, 'd');
    return m;
}

std::optional<Command> KeyMap::command(Key k) const {
    const auto it = std::find(keys_.begin(), keys_.end(), k);
    if (it == keys_.end()) return std::nullopt;
    return static_cast<Command>(it - keys_.begin());
}

std::optional<Key> parse_key_name(std::string_view name) {
    if (name.size() == 1) {
        const auto c = static_cast<unsigned char>(name[0]);
        if (c > 0x20 && c < 0x7F) return Key{c};
        return std::nullopt;
    }
    for (const NamedKey& n : kNamed) {
        if (n.name == name) return n.key;
    }
    if (name.size() == 6 && name.starts_with("ctrl-") && name[5] >= 'a' && name[5] <= 'z') return Key(name[5] - 'a' + 1);
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

std::string key_label(Key k) {
    for (const NamedKey& n : kNamed) {
        if (n.key == k) return std::string(n.label);
    }
    if (k >= keys::F1 && k < keys::function(13)) return "F" + std::to_string(k - keys::F1 + 1);
    if (k >= 1 && k <= 26) return std::string("Ctrl-") + static_cast<char>('A' + k - 1);
    if (k > 0x20 && k < 0x7F) return std::string(1, static_cast<char>(k));
    return "?";
}

std::expected<KeyMap, std::string> keymap_from_config(const std::map<std::string, std::string>& bindings) {
    KeyMap m = KeyMap::defaults();
    for (const auto& [command, name] : bindings) {
        const auto* it = std::find(kCommandNames.begin(), kCommandNames.end(), command);
        if (it == kCommandNames.end()) return std::unexpected("dashboard.keys." + command + ": unknown command");
        const auto key = parse_key_name(name);
        if (!key) return std::unexpected("dashboard.keys." + command + ": unknown key '" + name + "'");
        m.bind(static_cast<Command>(it - kCommandNames.begin()), *key);
    }
    for (std::size_t a = 0; a < kCommandCount; ++a) {
        for (std::size_t b = a + 1; b < kCommandCount; ++b) {
            if (m.key(static_cast<Command>(a)) == m.key(static_cast<Command>(b)))
                return std::unexpected("dashboard.keys: " + key_label(m.key(static_cast<Command>(a))) + " is bound to both " +
                                       std::string(kCommandNames[a]) + " and " + std::string(kCommandNames[b]));
        }
    }
    return m;
}

}  // namespace s3top::tui
