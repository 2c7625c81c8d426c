#pragma once
// The dashboard's rebindable keys ([dashboard.keys] of the config file): which key runs which
// command, and how a key is named in the config and shown in the hint bar and help. Keys not
// listed here (Tab, Enter, Esc, Backspace, the arrows, PgUp/PgDn, Home/End, F1, Ctrl-C, Ctrl-L,
// and the replay keys space + - .) are fixed; a binding wins over a fixed key.
#include <array>
#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace s3top::tui {

/// A key: a Unicode character (control characters as themselves, Ctrl-U = 0x15) or one of the
/// named keys below (outside the Unicode range).
using Key = char32_t;
namespace keys {
inline constexpr Key Tab = 0x09;
inline constexpr Key Enter = 0x0D;
inline constexpr Key Escape = 0x1B;
inline constexpr Key Backspace = 0x7F;
inline constexpr Key Up = 0x110000, Down = 0x110001, Left = 0x110002, Right = 0x110003;
inline constexpr Key PageUp = 0x110004, PageDown = 0x110005, Home = 0x110006, End = 0x110007;
inline constexpr Key BackTab = 0x110008, Delete = 0x110009, F1 = 0x11000A;  ///< F1..F12 follow F1
inline constexpr Key CtrlC = 0x03, CtrlL = 0x0C, CtrlU = 0x15, CtrlW = 0x17;
/// Function key Fn, n in 1..12.
constexpr Key function(int n) { return F1 + static_cast<Key>(n - 1); }
}  // namespace keys

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
    Count_
};
inline constexpr std::size_t kCommandCount = static_cast<std::size_t>(Command::Count_);

/// "quit", "help", "filter", "org_picker", "sort", "resolution", "exact", "up", "down",
/// "expand", "chart_metric", "cycle_dimension" (the keys of [dashboard.keys]).
std::string_view command_name(Command c);

/// One key per command.
class KeyMap {
public:
    /// q ? / o s t x k j e m d (the built-in config's [dashboard.keys]).
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

/// A config key name: one printable ASCII character, or enter, esc, tab, backtab, space, up,
/// down, left, right, pgup, pgdn, home, end, f1..f12, ctrl-a..ctrl-z. nullopt when unknown.
std::optional<Key> parse_key_name(std::string_view name);
/// How a key is shown to the user: "q", "Enter", "Space", "Shift-Tab", "PgUp", "F5", "Ctrl-A".
std::string key_label(Key k);

/// The defaults with [dashboard.keys] (command name -> key name) applied. An error names the
/// entry when a command or key name is unknown or two commands share a key (the config reader
/// already refuses these, with file and line).
std::expected<KeyMap, std::string> keymap_from_config(const std::map<std::string, std::string>& bindings);

}  // namespace s3top::tui
