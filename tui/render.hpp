#pragma once
// The dashboard as plain functions of (snapshot, UI state) onto a Canvas: no terminal here, so
// tests render real engine snapshots and compare text.
#include <string>
#include <string_view>

#include "core/agg/snapshot.hpp"
#include "tui/canvas.hpp"
#include "tui/layout.hpp"
#include "tui/ui_state.hpp"

namespace s3top::tui {

/// Draws the whole screen into `canvas` (cleared first; its size is the screen's): header,
/// chart, panel grid or the expanded panel, key hints, and the open overlay. Below
/// kMinWidth x kMinHeight draws a "terminal too small" notice instead. Deterministic: the same
/// inputs give the same cells. Every label from the snapshot is drawn sanitized.
void render(const Snapshot& snap, const UiState& ui, Canvas& canvas);

// The parts, for tests and for the layout's rectangles.
void render_header(const Snapshot& snap, const UiState& ui, Canvas& c, Rect r);
void render_chart(const Snapshot& snap, const UiState& ui, Canvas& c, Rect r);
/// One ranked panel (slot `panel`) in `r`: title line then rows; expanded adds column headings
/// and more columns.
void render_panel(const Snapshot& snap, const UiState& ui, std::size_t panel, Canvas& c, Rect r, bool expanded);
/// Key hints (or the filter prompt, or a message); `right_note` right-aligned when given.
void render_hint_bar(const UiState& ui, Canvas& c, Rect r, std::string_view right_note = {});
/// The help overlay, naming the keys as bound in `keys`, its text wrapped to the screen; when
/// it is taller than the screen, from row `scroll` (clamped) with the rows shown in its footer.
void render_help(const KeyMap& keys, int scroll, Canvas& c);
/// The furthest the help scrolls on a screen of this size (0: it all fits).
int help_max_scroll(const KeyMap& keys, int screen_w, int screen_h);
/// The org picker; orgs that are in the snapshot's Org panel show their requests and bytes.
void render_org_picker(const Snapshot& snap, const UiState& ui, Canvas& c);

/// "Bytes sent per hour", "Requests per day" ...
std::string chart_title(ChartMetric metric, Dim resolution);
/// "minute", "hour", "day", "month".
std::string_view resolution_name(Dim resolution);

// Drawing helpers shared by the render files.
namespace draw {
/// A box border around `r` with an optional title in the top edge.
void box(Canvas& c, Rect r, Style style, std::string_view title = {});
/// A horizontal share bar of `width` cells filled `fraction` (0..1), in eighths when unicode.
void hbar(Canvas& c, int x, int y, int width, double fraction, Style style);
/// Writes pieces left to right on one line, stopping at the right edge.
class Line {
public:
    Line(Canvas& c, int x, int y, int right) : c_(c), x_(x), y_(y), right_(right) {}
    Line& add(std::string_view text, Style style = {});
    Line& gap(int n = 2);
    int x() const { return x_; }
    int remaining() const { return right_ - x_; }

private:
    Canvas& c_;
    int x_, y_, right_;
};

/// A label and its value (or any run of styled pieces) that must show whole or not at all.
using Field = std::vector<std::pair<std::string, Style>>;
/// Lays `fields` out on `line`, never cutting one: two cells apart when all fit, one when that
/// makes them fit, and fields that still do not fit are left out whole, from the end, with a
/// "…" in their place. A number cut short ("Clients 2" for 2.06k) would be read as a number.
void fields(Canvas& c, Line& line, const std::vector<Field>& fields);
}  // namespace draw

}  // namespace s3top::tui
