#include "tui/layout.hpp"

#include <algorithm>

namespace s3top::tui {

int chart_bar_rows(int screen_h) { return std::clamp(3 + (screen_h - 24) / 4, 3, 10); }

Rect picker_box(int screen_w, int screen_h) {
    const int w = std::min(screen_w - 4, 72), h = std::max(6, screen_h - 6);
    return {(screen_w - w) / 2, 3, w, h};
}

// Border, query line and separator above the list, border below.
int picker_list_rows(int screen_h) { return std::max(1, picker_box(80, screen_h).h - 4); }

Layout compute_layout(const UiState& ui, int w, int h) {
    Layout l;
    if (w < kMinWidth || h < kMinHeight) {
        l.too_small = true;
        return l;
    }
    l.header = {0, 0, w, kHeaderLines};
    l.hint = {0, h - 1, w, 1};
    if (ui.expanded) {
        l.body = {0, kHeaderLines, w, h - 1 - kHeaderLines};
        l.panels.push_back(PanelBox{ui.focus, l.body});
        l.rows_per_panel = std::max(0, l.body.h - 2);  // title and column headings
        return l;
    }
    l.chart = {0, kHeaderLines, w, chart_bar_rows(h) + 2};
    const int body_y = l.chart.y + l.chart.h;
    l.body = {0, body_y, w, h - 1 - body_y};

    const auto n = static_cast<int>(ui.slots.size());
    if (n == 0) return l;
    l.columns = std::clamp(w / (ui.exact ? kPanelMinWidthExact : kPanelMinWidth), 1, 4);
    l.grid_rows = (n + l.columns - 1) / l.columns;
    const int visible = std::clamp(l.body.h / kPanelMinHeight, 1, l.grid_rows);
    const int focus_row = static_cast<int>(ui.focus) / l.columns;
    int top = std::clamp(ui.grid_top, 0, l.grid_rows - visible);
    if (focus_row < top) top = focus_row;
    if (focus_row >= top + visible) top = focus_row - visible + 1;
    l.grid_top = top;

    const int col_total = w - (l.columns - 1);  // one blank column between panels
    l.rows_per_panel = l.body.h;
    int y = l.body.y;
    for (int r = 0; r < visible; ++r) {
        const int ph = l.body.h / visible + (r < l.body.h % visible ? 1 : 0);
        int x = 0;
        for (int c = 0; c < l.columns; ++c) {
            const int pw = col_total / l.columns + (c < col_total % l.columns ? 1 : 0);
            const int idx = (top + r) * l.columns + c;
            if (idx < n) l.panels.push_back(PanelBox{static_cast<std::size_t>(idx), Rect{x, y, pw, ph}});
            x += pw + 1;
        }
        l.rows_per_panel = std::min(l.rows_per_panel, ph - 1);
        y += ph;
    }
    return l;
}

}  // namespace s3top::tui
