#pragma once
// The dashboard as plain functions of (snapshot, UI state) onto a Canvas: no terminal here, so
// tests render real engine snapshots and compare text.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>
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

/// "Bytes sent per hour", "Requests per 20 minutes", "Bytes sent per 2 months" ...
std::string chart_title(ChartMetric metric, Dim resolution, int group = 1);

/// How the chart folds its buckets into columns: `group` buckets of the view's resolution per
/// column, a step of that resolution's ladder (1 2 5 10 15 20 30 minutes, 1 2 3 4 6 12 hours,
/// 1 2 7 14 days, 1 2 3 4 6 12 24 60 120 months), so a column is a round span of time that
/// starts on a round time.
struct ChartFold {
    int group = 1;         ///< buckets per column
    std::size_t lead = 0;  ///< buckets before the first one in its column (round starts)
    std::size_t columns = 0;
};
/// The fold of `buckets` buckets from the one starting at `first` into at most `width`
/// columns; past the ladder (a resolution far too fine for the range) what fits.
ChartFold chart_fold(Dim resolution, std::int64_t first, std::size_t buckets, int width);
/// One column of the chart: its cells and the time it holds, [from, to).
struct ChartColumn {
    int x = 0, w = 0;
    std::int64_t from = 0, to = 0;
};
/// Where the chart in `r` draws: its gutter, its fold and each column, left to right. Shared by
/// render_chart and the controller (the time cursor, a drag over the columns).
struct ChartGeometry {
    int gutter = 0;
    ChartFold fold;
    std::vector<ChartColumn> columns;
    /// The column holding time `t` (the first or last when it is outside); columns not empty.
    std::size_t column_at(std::int64_t t) const;
    /// The column drawn at screen column `x`, if any.
    std::optional<std::size_t> column_under(int x) const;
};
ChartGeometry chart_geometry(const Snapshot& snap, const UiState& ui, Rect r);
/// "2024-03-01T00:20 .. 2024-03-01T01:00 UTC": a picked range as the chart names it.
std::string chart_range_text(Dim resolution, std::int64_t from, std::int64_t to);
/// The finest resolution whose ladder shows the range [min_time, max_time] in `width` columns
/// (Month when none does): what the chart uses while UiState::auto_resolution.
Dim fitting_resolution(std::int64_t min_time, std::int64_t max_time, int width);
/// Columns the chart plots in on a screen `screen_w` wide (its width less the scale's gutter).
inline int chart_plot_width(int screen_w) { return std::max(1, screen_w - 10); }
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
