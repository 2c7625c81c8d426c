#pragma once
// The dashboard's rebindable keys ([dashboard.keys] of the config file): which key runs which
// command, and how a key is named in the config and shown in the hint bar and help. Keys not
// listed here (Tab, Enter, Esc, Backspace, the arrows, PgUp/PgDn, Home/End, F1, Ctrl-C, Ctrl-L,
// and the replay keys space + - .) are fixed; a binding wins over a fixed key.
#include <array>
#include <cstdint>
#include <expected>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/config/dashboard_names.hpp"

namespace s3top::tui {

/// A key code (core/config/dashboard_names.hpp: the `keys` constants, parse_key_name(),
/// key_label(), shared with the config reader).
using Key = char32_t;

/// What a rebindable key does. The config names are command_name()'s.
enum class Command : std::uint8_t {
    Quit,
    Help,
    Filter,
    OrgPicker,
    Sort,
    Resolution,
    Exact,
    Up,
    Down,
    Expand,
    ChartMetric,
    CycleDimension,
    Problems,
    Reverse,  ///< the focused panel's order the other way round
    Undo,
    Export,  ///< write the view to a file (CSV, JSON, HTML) as `s3top report` would
    Count_
};
inline constexpr std::size_t kCommandCount = static_cast<std::size_t>(Command::Count_);
static_assert(kCommandCount == kKeyCommandNames.size(), "one config name per command");

/// The command's key in [dashboard.keys] ("quit", "org_picker" ...).
inline std::string_view command_name(Command c) { return kKeyCommandNames[static_cast<std::size_t>(c)]; }

/// One key per command.
class KeyMap {
public:
    /// q ? / o s t x k j e m d p r u w (the built-in config's [dashboard.keys]).
    static KeyMap defaults();

    Key key(Command c) const { return keys_[static_cast<std::size_t>(c)]; }
    void bind(Command c, Key k) { keys_[static_cast<std::size_t>(c)] = k; }
    /// The command bound to `k`, if any.
    std::optional<Command> command(Key k) const;
    /// Whether `k` runs a command here (a bound key no longer does its fixed job).
    bool bound(Key k) const { return command(k).has_value(); }
    friend bool operator==(const KeyMap&, const KeyMap&) = default;

private:
    std::array<Key, kCommandCount> keys_{};
};

/// The labels of those of `fixed` (key, label) that no command is bound to, joined by
/// `separator`: what the help and hint bar may still promise of the fixed keys.
std::string free_keys(const KeyMap& map, std::initializer_list<std::pair<Key, std::string_view>> fixed,
                      std::string_view separator = "  ");

/// The defaults with [dashboard.keys] (command name -> key name) applied. An error names the
/// entry when a command or key name is unknown or two commands share a key (the config reader
/// already refuses these, with file and line).
std::expected<KeyMap, std::string> keymap_from_config(const std::map<std::string, std::string>& bindings);

}  // namespace s3top::tui
