#pragma once
// Keys and mouse clicks to UiState changes, with no curses: the dashboard translates curses
// events into Key / MouseEvent, and tests drive the same object directly.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/agg/snapshot.hpp"
#include "tui/layout.hpp"
#include "tui/ui_state.hpp"

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
inline constexpr Key BackTab = 0x110008, Delete = 0x110009, F1 = 0x11000A;
inline constexpr Key CtrlC = 0x03, CtrlL = 0x0C, CtrlU = 0x15, CtrlW = 0x17;
}  // namespace keys

struct MouseEvent {
    enum class Kind : std::uint8_t { Press, WheelUp, WheelDown };
    Kind kind = Kind::Press;
    int x = 0, y = 0;
};

/// What the dashboard must do after an event.
enum class Action : std::uint8_t {
    None,         ///< nothing changed
    Redraw,       ///< presentation changed
    ViewChanged,  ///< the engine view (filter, panels, resolution, sort) changed: refresh, redraw
    Quit,
    TogglePause,  ///< replay controls (space, +, -, .)
    Faster,
    Slower,
    Step,
};

class Controller {
public:
    /// `org_values` lists every org for the picker (Engine::values(Dim::Org)); may be empty.
    explicit Controller(UiState state = UiState::defaults(),
                        std::function<std::vector<std::string>()> org_values = {});

    const UiState& state() const { return ui_; }
    UiState& state() { return ui_; }

    /// Handles one key against the snapshot on screen (its rows are what Enter drills into).
    Action on_key(Key key, const Snapshot& shown);
    /// Handles a click or wheel turn at screen cell (x, y).
    Action on_mouse(const MouseEvent& ev, const Snapshot& shown);
    /// A new snapshot arrived: selections follow their row's label, else are clamped to the
    /// rows that exist; scroll offsets keep the selection visible.
    void on_snapshot(const Snapshot& snap);
    void on_resize(int width, int height);

private:
    Action key_grid(Key key, const Snapshot& shown);
    Action key_prompt(Key key);
    Action key_picker(Key key);
    Action move_selection(int delta, const Snapshot& shown);
    Action drill_down(const Snapshot& shown);
    void open_picker();
    void focus_panel(std::size_t panel);
    int page_rows() const;
    void keep_visible(std::size_t panel, int rows_in_panel);

    UiState ui_;
    std::function<std::vector<std::string>()> org_values_;
};

/// Rows a panel of the snapshot has (0 when the snapshot does not have it yet).
std::size_t panel_row_count(const Snapshot& s, std::size_t panel);

}  // namespace s3top::tui
