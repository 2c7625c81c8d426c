#pragma once
// Where things go on a screen of a given size. Shared by render() (to draw) and the Controller
// (page sizes, mouse hits), so both agree on what is where.
#include <cstddef>
#include <vector>

#include "tui/ui_state.hpp"

namespace s3top::tui {

struct Rect {
    int x = 0, y = 0, w = 0, h = 0;
    bool contains(int px, int py) const { return px >= x && py >= y && px < x + w && py < y + h; }
    friend bool operator==(const Rect&, const Rect&) = default;
};

struct PanelBox {
    std::size_t panel = 0;  ///< slot index
    Rect rect;              ///< title line at rect.y, rows below
};

struct Layout {
    bool too_small = false;
    Rect header;                   ///< source line, filter line, totals line
    Rect chart;                    ///< title line, bars, time axis line (empty when expanded)
    Rect body;                     ///< the grid of panels, or the expanded panel
    Rect hint;                     ///< key hints / prompt (last line)
    std::vector<PanelBox> panels;  ///< visible panels
    int columns = 1;               ///< panels per grid row
    int grid_rows = 0;             ///< panel rows in all
    int grid_top = 0;              ///< first panel row shown (clamped so the focused panel is visible)
    int rows_per_panel = 0;        ///< grid rows of the visible panel row heights' minimum (page size)
};

inline constexpr int kHeaderLines = 3;
inline constexpr int kPanelMinWidth = 38;
/// With exact numbers ("2,040,009,170,754 B") panels are wider, so keys and the share still fit.
inline constexpr int kPanelMinWidthExact = 64;
inline constexpr int kPanelMinHeight = 5;  ///< title + 4 rows

/// Lays out a screen of `width` x `height` for ui.slots.size() panels.
Layout compute_layout(const UiState& ui, int width, int height);
/// ... of ui.screen_w x ui.screen_h.
inline Layout compute_layout(const UiState& ui) { return compute_layout(ui, ui.screen_w, ui.screen_h); }

/// The org picker overlay box (border included); its list shows picker_list_rows() rows.
Rect picker_box(int screen_w, int screen_h);
int picker_list_rows(int screen_h);

/// Chart bar rows for a screen height (3 at 24 lines, up to 10 on tall screens).
int chart_bar_rows(int screen_h);

}  // namespace s3top::tui
