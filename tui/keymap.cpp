#include "tui/keymap.hpp"

#include <algorithm>

namespace s3top::tui {
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
    m.bind(Command::Problems, 'p');
    m.bind(Command::Reverse, 'r');
    m.bind(Command::Undo, 'u');
    m.bind(Command::Export, 'w');
    return m;
}

std::optional<Command> KeyMap::command(Key k) const {
    const auto it = std::find(keys_.begin(), keys_.end(), k);
    if (it == keys_.end()) return std::nullopt;
    return static_cast<Command>(it - keys_.begin());
}

std::string free_keys(const KeyMap& map, std::initializer_list<std::pair<Key, std::string_view>> fixed,
                      std::string_view separator) {
    std::string out;
    for (const auto& [key, label] : fixed) {
        if (map.bound(key)) continue;
        if (!out.empty()) out += separator;
        out += label;
    }
    return out;
}

std::expected<KeyMap, std::string> keymap_from_config(const std::map<std::string, std::string>& bindings) {
    KeyMap m = KeyMap::defaults();
    for (const auto& [command, name] : bindings) {
        const auto* it = std::find(kKeyCommandNames.begin(), kKeyCommandNames.end(), command);
        if (it == kKeyCommandNames.end()) return std::unexpected("dashboard.keys." + command + ": unknown command");
        const auto key = parse_key_name(name);
        if (!key) return std::unexpected("dashboard.keys." + command + ": unknown key '" + name + "'");
        m.bind(static_cast<Command>(it - kKeyCommandNames.begin()), *key);
    }
    for (std::size_t a = 0; a < kCommandCount; ++a) {
        for (std::size_t b = a + 1; b < kCommandCount; ++b) {
            if (m.key(static_cast<Command>(a)) == m.key(static_cast<Command>(b)))
                return std::unexpected("dashboard.keys: " + key_label(m.key(static_cast<Command>(a))) +
                                       " is bound to both " + std::string(kKeyCommandNames[a]) + " and " +
                                       std::string(kKeyCommandNames[b]));
        }
    }
    return m;
}

}  // namespace s3top::tui
