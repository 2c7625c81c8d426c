// Ranked panels: the grid's compact lists and the expanded full-screen table.
#include <algorithm>
#include <array>
#include <optional>

#include "core/report/metric_columns.hpp"
#include "core/report/units.hpp"
#include "tui/format.hpp"
#include "tui/render.hpp"
#include "tui/stored_panel.hpp"
#include "core/report/terminal_text.hpp"

namespace s3top::tui {
namespace {

std::string_view sort_name(SortBy s) {
    switch (s) {
        case SortBy::Bytes: return "by bytes";
        case SortBy::Requests: return "by requests";
        case SortBy::Key: return "by name";
    }
    return "";
}

/// Color for a status value ("404", "5xx") so errors stand out.
Role status_role(DimSpec d, std::string_view label) {
    if ((d.dim != Dim::Status && d.dim != Dim::StatusClass) || label.empty()) return Role::Normal;
    switch (label.front()) {
        case '2': return Role::Good;
        case '4': return Role::Warn;
        case '5': return Role::Bad;
        default: return Role::Normal;
    }
}

}  // namespace

namespace {

/// The mark on the column the rows are ranked by, so the order needs no words: "▼" largest
/// (or Z) first, "▲" smallest (or A) first.
std::string sort_mark(const Canvas& c, const PanelSpec& spec) {
    const bool up = (spec.sort == SortBy::Key) != spec.reverse;
    return std::string(up ? c.glyph("▲", "^") : c.glyph("▼", "v"));
}

/// What a panel's title line shows.
struct PanelTitle {
    const PanelData* pd;  ///< null while the first snapshot is being made
    DimSpec dim;
    std::string name;  ///< dim_title(dim), or the Stored panel's stored_title
    bool focused, selected, expanded;
    int scroll, shown, n;  ///< first row shown, rows shown, rows kept
};

Style title_style_of(const PanelTitle& t) { return Style{t.focused ? Role::Focus : Role::Title, true, t.focused}; }

/// The expanded panel's title line: the dimension on the left; on the right the groups, the
/// sort and which of the top rows show. Its column headings are on the line below.
void render_expanded_title(const PanelTitle& t, const UiState& ui, Canvas& c, Rect r) {
    const Style title_style = title_style_of(t);
    c.fill(r.x, r.y, r.w, 1, title_style);
    std::string right = t.pd ? std::string(sort_name(t.pd->spec.sort)) : std::string();
    if (t.pd) right = format_count(t.pd->groups, ui.exact) + (t.pd->groups == 1 ? " group  " : " groups  ") + right;
    // The panel keeps the top rows only (UiState::panel_limit): say so when groups are left out.
    if (t.n > 0)
        right = std::to_string(t.scroll + 1) + "-" + std::to_string(t.scroll + t.shown) +
                (static_cast<std::uint64_t>(t.n) < t.pd->groups ? " of top " : " of ") + std::to_string(t.n) + "  " +
                right;
    if (t.selected) right = "Enter: collapse  " + right;
    const std::string title = std::string(t.selected ? c.glyph("▸ ", "> ") : " ") + t.name;
    const int right_w = std::min(display_width(right), std::max(0, r.w - display_width(title) - 2));
    c.put_fit(r.x, r.y, title, r.w - right_w - 1, title_style);
    Style right_style = title_style;
    right_style.bold = false;
    c.put_fit(r.x + r.w - right_w - 1, r.y, right, right_w, right_style, true);
}

/// A grid panel's title line is its heading line: the dimension and its group count ("(41)")
/// over the labels, each column's heading over its numbers. The parts of the left side show
/// whole or not at all, in this order: the title, "Enter: expand" on the selected title, the
/// groups.
void render_grid_title(const PanelTitle& t, const UiState& ui, Canvas& c, Rect r, int label_w) {
    const Style title_style = title_style_of(t);
    c.fill(r.x, r.y, r.w, 1, title_style);
    Style dim_style = title_style;
    dim_style.bold = false;
    std::string title = std::string(t.selected ? c.glyph("▸ ", "> ") : " ") + t.name;
    if (t.pd && t.pd->spec.sort == SortBy::Key) title += sort_mark(c, t.pd->spec);
    const int left_w = 1 + label_w;  // the margin and the label column
    c.put_fit(r.x, r.y, title, left_w, title_style);
    int x = r.x + display_width(title, !c.unicode());
    auto optional = [&](const std::string& text) {
        if (x + 2 + display_width(text, !c.unicode()) > r.x + left_w) return false;
        x += 2;
        x += c.put(x, r.y, text, dim_style);
        return true;
    };
    if (t.selected && !optional("Enter: expand")) optional("Enter");
    if (t.pd) optional("(" + format_count(t.pd->groups, ui.exact) + ")");
}

/// One right-aligned numeric column.
struct Column {
    /// A copy: metric_columns() returns its rows by value, and the columns outlive that vector.
    std::optional<MetricColumn> metric;  ///< none: the org panel's cost or Stored, the Stored panel's
    std::string heading;
    int width = 0;
    std::vector<std::string> cells;  ///< one per visible row
    /// Without a metric: the fit_columns pass that gives it up (-1 never; 0 first, 2 last).
    int drop_pass = 2;
    bool dim = false;  ///< its cells are dimmed (a cost of other records than those shown)
};

/// The panel's numeric columns over its rows on screen [scroll, scroll + shown), each as wide
/// as its heading and cells: the share is of bytes sent, as in `report` (whatever the sort); of
/// requests only when nothing was sent, and then its heading says so.
/// The Stored panel's columns: bytes stored (a row's metrics.bytes_sent, put_stored_rows), the
/// objects (metrics.requests) and the share of all bytes stored.
std::vector<Column> stored_columns(const PanelData& pd, const StoredShown& s, int scroll, int shown, const Canvas& c,
                                   bool exact) {
    const std::uint64_t total =
        pd.rows.empty() ? 0 : static_cast<std::uint64_t>(std::min<Int128>(s.stored.bytes, ~0ULL));
    Column bytes{std::nullopt, "Stored", 0, {}, -1}, objects{std::nullopt, "Objects", 0, {}, 1},
        share{std::nullopt, "%", 0, {}, -1};
    if (pd.spec.sort == SortBy::Bytes) bytes.heading += sort_mark(c, pd.spec);
    if (pd.spec.sort == SortBy::Requests) objects.heading += sort_mark(c, pd.spec);
    for (int i = 0; i < shown; ++i) {
        const Metrics& m = pd.rows[static_cast<std::size_t>(scroll + i)].metrics;
        bytes.cells.push_back(format_bytes(m.bytes_sent, exact));
        objects.cells.push_back(format_count(m.requests, exact));
        share.cells.push_back(format_percent(m.bytes_sent, total));
    }
    std::vector<Column> cols{std::move(bytes), std::move(objects), std::move(share)};
    for (Column& col : cols) {
        col.width = display_width(col.heading, !c.unicode());
        for (const auto& t : col.cells) col.width = std::max(col.width, display_width(t));
    }
    return cols;
}

std::vector<Column> panel_columns(const Snapshot& snap, const UiState& ui, const PanelData& panel, DimSpec dim,
                                  int scroll, int shown, const Canvas& c, bool expanded) {
    const PanelData* pd = &panel;
    const bool share_of_requests = snap.totals.bytes_sent == 0;
    const std::uint64_t total = share_of_requests ? snap.totals.requests : snap.totals.bytes_sent;
    const SortBy sort = pd->spec.sort;
    std::vector<Column> cols;
    const bool x = ui.exact;
    for (const MetricColumn& mc : metric_columns(expanded ? kWritePanelExpanded : kWritePanel)) {
        Column col{mc, {}, 0, {}, 0};
        col.heading = std::string(expanded || mc.narrow.empty() ? mc.heading : mc.narrow);  // grid: "Reqs"
        if (mc.figure == MetricFigure::Share && share_of_requests) col.heading = expanded ? "% requests" : "%reqs";
        if ((sort == SortBy::Bytes && mc.sum == &Metrics::bytes_sent) ||
            (sort == SortBy::Requests && mc.sum == &Metrics::requests))
            col.heading += sort_mark(c, pd->spec);
        for (int i = 0; i < shown; ++i) {
            const Metrics& m = pd->rows[static_cast<std::size_t>(scroll + i)].metrics;
            if (mc.figure == MetricFigure::Share) {
                col.cells.push_back(format_percent(share_of_requests ? m.requests : m.bytes_sent, total));
                continue;
            }
            const std::uint64_t v = m.*mc.sum;
            std::string t = mc.unit == MetricUnit::Bytes ? format_bytes(v, x) : format_count(v, x);
            col.cells.push_back(mc.saturates ? bound(m, v, std::move(t)) : t);
        }
        col.width = display_width(col.heading, !c.unicode());
        for (const auto& s : col.cells) col.width = std::max(col.width, display_width(s));
        cols.push_back(std::move(col));
        // The org panel's cost, after the bytes it mostly comes from (OrgCosts: `bill`'s own
        // statement over the view's months, to the cent).
        const OrgCosts* costs =
            ui.costs && ui.costs->filter == snap.view.filter && ui.costs->error.empty() ? &*ui.costs : nullptr;
        if (mc.sum == &Metrics::bytes_sent && costs && dim.dim == Dim::Org) {
            Column cost{std::nullopt, costs->currency, 0, {}, 2};  // the last to go
            cost.dim = costs->records != snap.records;             // as the header's Cost: updating
            for (int i = 0; i < shown; ++i) {
                const auto it = costs->by_org.find(pd->rows[static_cast<std::size_t>(scroll + i)].label);
                cost.cells.push_back(format_money(it == costs->by_org.end() ? 0 : it->second));
            }
            cost.width = display_width(cost.heading);
            for (const auto& s : cost.cells) cost.width = std::max(cost.width, display_width(s));
            cols.push_back(std::move(cost));
            // What each org has stored at the end of the range (the storage its cost includes).
            if (costs->storage) {
                Column stored{std::nullopt, "Stored", 0, {}, 0};  // the first to go
                for (int i = 0; i < shown; ++i) {
                    const auto it = costs->stored.find(pd->rows[static_cast<std::size_t>(scroll + i)].label);
                    stored.cells.push_back(format_bytes(it == costs->stored.end() ? 0 : it->second, x));
                }
                stored.width = display_width(stored.heading);
                for (const auto& s : stored.cells) stored.width = std::max(stored.width, display_width(s));
                cols.push_back(std::move(stored));
            }
        }
    }
    return cols;
}

/// Cells the numeric columns take, a space before each.
int numbers_width(const std::vector<Column>& cols) {
    int w = 0;
    for (const auto& col : cols) w += col.width + 1;
    return w;
}

/// Gives up columns until `width` leaves `min_label` cells for the labels, never the share nor
/// the one ranked by: the expanded panel's extra columns from the right (the org panel's Stored
/// among them), then requests or bytes, then the cost.
void fit_columns(std::vector<Column>& cols, SortBy sort, int width, int min_label) {
    auto drop_pass = [&](const Column& col) {  // -1: kept whatever the width
        if (!col.metric) return col.drop_pass;
        const MetricColumn& mc = *col.metric;
        if (mc.figure == MetricFigure::Share) return -1;
        if (mc.sum == &Metrics::requests) return sort == SortBy::Requests ? -1 : 1;
        if (mc.sum == &Metrics::bytes_sent) return sort == SortBy::Bytes ? -1 : 1;
        return 0;
    };
    for (int pass = 0; pass < 3 && width - numbers_width(cols) < min_label; ++pass) {
        for (std::size_t i = cols.size(); i-- > 0 && width - numbers_width(cols) < min_label;) {
            if (drop_pass(cols[i]) == pass) cols.erase(cols.begin() + static_cast<std::ptrdiff_t>(i));
        }
    }
}

/// How a panel's rows are laid out: its number columns (cells of the rows on screen), the
/// label's width and the share bar's (0: none) with what it is a share of.
struct RowLayout {
    const std::vector<Column>& cols;
    int label_w = 0, bar_w = 0;
    bool share_of_requests = false;
    std::uint64_t total = 0;
};

/// The `i`th row on screen at line `y`: its label, its cells and its share bar.
void render_row(const PanelRow& pr, int i, bool selected, const DimSpec& dim, const RowLayout& l, Canvas& c, Rect r,
                int y) {
    Style base{Role::Normal};
    if (selected) base = Style{Role::Selected, false, true};
    if (selected) c.fill(r.x, y, r.w, 1, base);
    Style label_style = base;
    if (!selected) label_style.role = status_role(dim, pr.label);
    if (pr.label.empty()) {
        label_style.role = selected ? Role::Selected : Role::Dim;
        c.put(r.x + 1, y, "-", label_style);
    } else {
        c.put_fit_middle(r.x + 1, y, pr.label, l.label_w, label_style);
    }
    int cx = r.x + 1 + l.label_w;
    for (const auto& col : l.cols) {
        Style cell = base;
        if (col.dim && !selected) cell.role = Role::Dim;
        c.put_fit(cx + 1, y, col.cells[static_cast<std::size_t>(i)], col.width, cell, true);
        cx += col.width + 1;
    }
    if (l.bar_w) {
        const std::uint64_t part = l.share_of_requests ? pr.metrics.requests : pr.metrics.bytes_sent;
        const double frac = l.total ? static_cast<double>(part) / static_cast<double>(l.total) : 0.0;
        Style bs = base;
        if (!selected) bs.role = Role::Bar;
        draw::hbar(c, cx + 1, y, std::min(l.bar_w, r.x + r.w - cx - 1), frac, bs);
    }
}

}  // namespace

void render_panel(const Snapshot& snap, const UiState& ui, std::size_t panel, Canvas& c, Rect r, bool expanded) {
    if (r.h < 1 || r.w < 4 || panel >= ui.slots.size()) return;
    const PanelData* pd = panel < snap.panels.size() ? &snap.panels[panel] : nullptr;
    const bool focused = ui.focus == panel;
    const PanelCursor cursor = panel < ui.cursors.size() ? ui.cursors[panel] : PanelCursor{};
    const DimSpec dim = pd ? pd->spec.dim : ui.slots[panel].dim();
    const bool stored = ui.slots[panel].stored;
    const StoredShown* answer = stored ? stored_answer(snap, ui, panel) : nullptr;
    if (stored && !answer) pd = nullptr;  // "updating…" until storage answers for this view
    const int n = pd ? static_cast<int>(pd->rows.size()) : 0;

    const int y0 = r.y + 1 + (expanded ? 1 : 0);
    const int visible = std::max(0, r.y + r.h - y0);
    int scroll = std::clamp(cursor.scroll, 0, std::max(0, n - visible));
    if (cursor.selected >= 0 && cursor.selected < scroll) scroll = cursor.selected;
    if (cursor.selected >= scroll + visible && visible > 0) scroll = cursor.selected - visible + 1;
    const int shown = std::clamp(n - scroll, 0, visible);

    const bool title_selected = focused && cursor.selected < 0;
    const PanelTitle title{pd,
                           dim,
                           stored ? stored_title(ui.slots[panel].stored_dim()) : dim_title(dim),
                           focused,
                           title_selected,
                           expanded,
                           scroll,
                           shown,
                           n};

    if (!pd) {
        if (expanded)
            render_expanded_title(title, ui, c, r);
        else
            render_grid_title(title, ui, c, r, r.w - 2);
        c.put(r.x + 1, r.y + 1, c.glyph("updating…", "updating..."), Style{Role::Dim});
        return;
    }

    // Columns from the rows on screen, so widths fit the numbers shown; the bars share theirs.
    const bool share_of_requests = !stored && snap.totals.bytes_sent == 0;
    const std::uint64_t total = stored ? static_cast<std::uint64_t>(std::min<Int128>(answer->stored.bytes, ~0ULL))
                                : share_of_requests ? snap.totals.requests
                                                    : snap.totals.bytes_sent;
    const SortBy sort = pd->spec.sort;
    std::vector<Column> cols = stored ? stored_columns(*pd, *answer, scroll, shown, c, ui.exact)
                                      : panel_columns(snap, ui, *pd, dim, scroll, shown, c, expanded);
    // Numbers first, then the labels, then the share bar in what is left.
    int widest_label = 1;
    for (int i = 0; i < shown; ++i)
        widest_label =
            std::max(widest_label, display_width(pd->rows[static_cast<std::size_t>(scroll + i)].label, !c.unicode()));
    fit_columns(cols, sort, r.w - 2, std::min(widest_label, 12));
    const int room = r.w - 2 - numbers_width(cols);  // the last column is kept for scroll marks
    int bar_w = expanded ? std::clamp(r.w / 6, 0, 24) : (r.w >= 56 ? 10 : r.w >= 44 ? 6 : r.w >= 38 ? 4 : 0);
    if (room - bar_w - 1 < widest_label) bar_w = std::min(bar_w, room - widest_label - 1);
    if (bar_w < 3) bar_w = 0;
    const int label_w = std::max(1, room - (bar_w ? bar_w + 1 : 0));

    // Headings: on the title line in the grid, on a line of their own when expanded.
    const Style head{Role::Dim, false, false, true};
    Style grid_head = title_style_of(title);
    grid_head.bold = false;
    const int head_y = expanded ? r.y + 1 : r.y;
    if (expanded) {
        render_expanded_title(title, ui, c, r);
        std::string label_head = dim_title(dim);
        if (sort == SortBy::Key) label_head += sort_mark(c, pd->spec);
        c.put_fit(r.x + 1, head_y, label_head, label_w, head);
    } else {
        render_grid_title(title, ui, c, r, label_w);
    }
    {
        int cx = r.x + 1 + label_w;
        for (const auto& col : cols) {
            c.put_fit(cx + 1, head_y, col.heading, col.width, expanded ? head : grid_head, true);
            cx += col.width + 1;
        }
    }
    if (n == 0) {
        // The Stored panel says why it is empty: storage knows only the filter's org, bucket and key terms.
        const std::string none = !stored            ? "no data"
                                 : answer->narrowed ? "nothing stored (filter: its org, bucket, key terms only)"
                                                    : "nothing stored";
        if (r.h > 1) c.put_fit(r.x + 1, y0, none, r.w - 2, Style{Role::Dim});
        return;
    }
    const RowLayout layout{cols, label_w, bar_w, share_of_requests, total};
    for (int i = 0; i < shown; ++i) {
        const int row = scroll + i;
        render_row(pd->rows[static_cast<std::size_t>(row)], i, focused && row == cursor.selected, dim, layout, c, r,
                   y0 + i);
    }
    // More rows below / above than fit: a marker in the last column.
    if (scroll > 0) c.put(r.x + r.w - 1, y0, c.glyph("↑", "^"), Style{Role::Dim});
    if (scroll + shown < n) c.put(r.x + r.w - 1, y0 + shown - 1, c.glyph("↓", "v"), Style{Role::Dim});
}

}  // namespace s3top::tui
