#pragma once
// The words of the config file's [dashboard.keys] and [dashboard.colors]: key names and their
// codes, command names, color names and color elements. core validates the file with these
// and tui runs the dashboard with the same ones, so a name the file accepts always works.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/agg/dimension.hpp"

namespace s3top {

/// A panel as [dashboard] panels and --panels name it: the top values of a dimension of the
/// records, or the Stored panel ("stored": bytes and objects stored at the end of the range,
/// per org, and per bucket or key prefix with `d`; the object table `s3top storage` keeps).
struct DashboardPanel {
    DimSpec dim;          ///< a records panel's dimension; the Stored panel's first grouping (org)
    bool stored = false;  ///< the Stored panel
    friend bool operator==(const DashboardPanel&, const DashboardPanel&) = default;
};
/// The name of the Stored panel.
inline constexpr std::string_view kStoredPanelName = "stored";
/// A dimension's name (a records panel) or "stored"; nullopt for anything else.
std::optional<DashboardPanel> parse_panel_name(std::string_view name);
/// The names a panel may have, for messages: the dimensions' and "stored".
std::string panel_names_help();

/// Key codes: a Unicode character (control characters as themselves, Ctrl-U = 0x15) or one of
/// the named keys below (outside the Unicode range).
namespace keys {
inline constexpr char32_t Tab = 0x09;
inline constexpr char32_t Enter = 0x0D;
inline constexpr char32_t Escape = 0x1B;
inline constexpr char32_t Backspace = 0x7F;
inline constexpr char32_t Up = 0x110000, Down = 0x110001, Left = 0x110002, Right = 0x110003;
inline constexpr char32_t PageUp = 0x110004, PageDown = 0x110005, Home = 0x110006, End = 0x110007;
inline constexpr char32_t BackTab = 0x110008, Delete = 0x110009, F1 = 0x11000A;  ///< F1..F12 follow F1
inline constexpr char32_t CtrlC = 0x03, CtrlL = 0x0C, CtrlU = 0x15, CtrlW = 0x17;
/// Function key Fn, n in 1..12.
constexpr char32_t function(int n) { return F1 + static_cast<char32_t>(n - 1); }
}  // namespace keys

/// A key name: one printable ASCII character, or enter, esc, tab, backtab, space, up, down,
/// left, right, pgup, pgdn, home, end, f1..f12, ctrl-a..ctrl-z. nullopt when unknown.
std::optional<char32_t> parse_key_name(std::string_view name);
/// Why a known key name cannot be bound ("terminals send it as tab"), or "" when it can:
/// ctrl-c (always quits), ctrl-z (suspends), ctrl-h/i/j/m (arrive as backspace, tab, enter).
std::string_view reserved_key(std::string_view name);
/// How a key is shown to the user: "q", "Enter", "Space", "Shift-Tab", "PgUp", "F5", "Ctrl-A".
std::string key_label(char32_t key);

/// The keys of [dashboard.keys], in the order of tui's Command enum.
inline constexpr std::array<std::string_view, 16> kKeyCommandNames = {
    "quit", "help",   "filter",       "org_picker",      "sort",     "resolution", "exact", "up",
    "down", "expand", "chart_metric", "cycle_dimension", "problems", "reverse",    "undo",  "export"};

/// The keys of [dashboard.colors]: what each colors.
inline constexpr std::array<std::string_view, 8> kColorElementNames = {"title", "focus", "bar", "chart",
                                                                       "good",  "warn",  "bad", "key"};
/// A color: "default" -> -1 (the terminal's own), black red green yellow blue magenta cyan
/// white -> 0..7 (curses' numbers), "0".."255". nullopt when unknown.
std::optional<short> parse_color_name(std::string_view name);

}  // namespace s3top
