#include "tui/render.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <tuple>

#include "tui/format.hpp"
#include "tui/problems.hpp"
#include "tui/stored_panel.hpp"
#include "core/report/terminal_text.hpp"
#include "core/util/utf8.hpp"

namespace s3top::tui {

namespace draw {

void box(Canvas& c, Rect r, Style style, std::string_view title) {
    if (r.w < 2 || r.h < 2) return;
    const std::string_view h = c.glyph("─", "-"), v = c.glyph("│", "|");
    c.fill(r.x, r.y, r.w, r.h, style);
    for (int x = r.x + 1; x < r.x + r.w - 1; ++x) {
        c.put(x, r.y, h, style);
        c.put(x, r.y + r.h - 1, h, style);
    }
    for (int y = r.y + 1; y < r.y + r.h - 1; ++y) {
        c.put(r.x, y, v, style);
        c.put(r.x + r.w - 1, y, v, style);
    }
    c.put(r.x, r.y, c.glyph("┌", "+"), style);
    c.put(r.x + r.w - 1, r.y, c.glyph("┐", "+"), style);
    c.put(r.x, r.y + r.h - 1, c.glyph("└", "+"), style);
    c.put(r.x + r.w - 1, r.y + r.h - 1, c.glyph("┘", "+"), style);
    if (!title.empty() && r.w > 6) {
        Style t = style;
        t.bold = true;
        c.put(r.x + 2, r.y, " ", t);
        const int used = c.put_fit(r.x + 3, r.y, title, r.w - 6, t);
        c.put(r.x + 3 + used, r.y, " ", t);
    }
}

void hbar(Canvas& c, int x, int y, int width, double fraction, Style style) {
    if (width <= 0) return;
    fraction = std::clamp(fraction, 0.0, 1.0);
    if (!c.unicode()) {
        const auto n = static_cast<int>(std::lround(fraction * width));
        for (int i = 0; i < n; ++i) c.put(x + i, y, "#", style);
        if (n == 0 && fraction > 0) c.put(x, y, ".", style);
        return;
    }
    static constexpr std::array<std::string_view, 8> kEighths = {"▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"};
    auto eighths = static_cast<int>(std::lround(fraction * width * 8));
    if (eighths == 0 && fraction > 0) eighths = 1;  // something, however little, shows
    for (int i = 0; i < width && eighths > 0; ++i, eighths -= 8)
        c.put(x + i, y, kEighths[static_cast<std::size_t>(std::min(eighths, 8) - 1)], style);
}

Line& Line::add(std::string_view text, Style style) {
    if (x_ < right_) x_ += c_.put(x_, y_, text, style, right_ - x_);
    return *this;
}

Line& Line::gap(int n) {
    x_ = std::min(right_, x_ + n);
    return *this;
}

void fields(Canvas& c, Line& line, const std::vector<Field>& fields) {
    std::vector<int> widths;
    widths.reserve(fields.size());
    for (const Field& f : fields) {
        int w = 0;
        for (const auto& [text, style] : f) w += display_width(text, !c.unicode());
        widths.push_back(w);
    }
    auto total = [&](std::size_t n, int gap) {
        int w = 0;
        for (std::size_t i = 0; i < n; ++i) w += widths[i] + (i ? gap : 0);
        return w;
    };
    const int room = line.remaining();
    const int gap = total(fields.size(), 2) <= room ? 2 : 1;
    std::size_t shown = fields.size();
    const std::string_view more = c.glyph("…", "...");
    const int more_w = display_width(more, !c.unicode());
    while (shown > 0 && total(shown, gap) + (shown < fields.size() ? gap + more_w : 0) > room) --shown;
    for (std::size_t i = 0; i < shown; ++i) {
        if (i) line.gap(gap);
        for (const auto& [text, style] : fields[i]) line.add(text, style);
    }
    if (shown < fields.size() && line.remaining() >= (shown ? gap : 0) + more_w) {
        if (shown) line.gap(gap);
        line.add(more, Style{Role::Dim});
    }
}

}  // namespace draw

std::string_view resolution_name(Dim resolution) { return is_time_dim(resolution) ? dim_info(resolution).name : "?"; }

std::string chart_title(ChartMetric metric, Dim resolution, int group) {
    if (metric == ChartMetric::StoredBytes) {
        // A level, not a sum: each column is what was stored at its end.
        std::string t = "Bytes stored at the end of each ";
        if (group > 1) t += std::to_string(group) + " ";
        t += resolution_name(resolution);
        return group > 1 ? t + "s" : t;
    }
    std::string t = std::string(metric == ChartMetric::BytesSent ? "Bytes sent" : "Requests") + " per ";
    if (group > 1) t += std::to_string(group) + " ";
    t += resolution_name(resolution);
    return group > 1 ? t + "s" : t;
}

namespace {

void render_too_small(const UiState& ui, Canvas& c) {
    const std::string a = "Terminal too small: " + std::to_string(c.width()) + "x" + std::to_string(c.height());
    const std::string b = "s3top needs at least " + std::to_string(kMinWidth) + "x" + std::to_string(kMinHeight);
    const std::string q = key_label(ui.keys.key(Command::Quit)) + " quits";
    const int y = std::max(0, c.height() / 2 - 1);
    c.put(std::max(0, (c.width() - display_width(a)) / 2), y, a, Style{Role::Warn, true});
    c.put(std::max(0, (c.width() - display_width(b)) / 2), y + 1, b);
    c.put(std::max(0, (c.width() - display_width(q)) / 2), y + 2, q, Style{Role::Dim});
}

void render_prompt(const UiState& ui, Canvas& c, Rect r) {
    const Style label{Role::Prompt, true};
    c.fill(r.x, r.y, r.w, 1, Style{Role::Prompt});
    const std::string_view head = "Filter: ";
    c.put(r.x, r.y, head, label);
    const int x0 = r.x + static_cast<int>(head.size());
    const int room = r.w - static_cast<int>(head.size()) - 1;
    const std::string& text = ui.prompt.text;
    const std::string_view before = std::string_view(text).substr(0, ui.prompt.cursor);
    // Scroll the text left so the cursor stays visible.
    const int cursor_col = display_width(before, !c.unicode());
    const int shift = std::max(0, cursor_col - room + 1);
    int col = 0;
    for_each_glyph(text, !c.unicode(), [&](const Glyph& g) {
        if (col >= shift && col - shift + g.width <= room) c.put_glyph(x0 + col - shift, r.y, g, Style{Role::Prompt});
        col += g.width;
    });
    // The cursor as a reversed cell (curses' own cursor stays hidden).
    const int cx = x0 + cursor_col - shift;
    if (cx < r.x + r.w) {
        const Cell& under = c.at(cx, r.y);
        Style cs{Role::Prompt};
        cs.reverse = true;
        const std::string under_text = under.width == 1 ? under.text : std::string(" ");
        c.put_glyph(cx, r.y, Glyph{under_text, 1, false}, cs);
    }
    if (!ui.prompt_error.empty() && r.y > 0) {
        c.fill(r.x, r.y - 1, r.w, 1, Style{Role::Bad});
        c.put_fit(r.x, r.y - 1, "error: " + ui.prompt_error, r.w, Style{Role::Bad, true});
    } else if (!ui.prompt_note.empty() && r.y > 0) {
        c.fill(r.x, r.y - 1, r.w, 1, Style{Role::Prompt});
        c.put_fit(r.x, r.y - 1, ui.prompt_note, r.w, Style{Role::Prompt});
    }
}

// A message holding a command to copy (export's "the same: s3top report ..."): whole, on as
// many lines as it needs above the hint bar (over the panels' last rows), at most
// kMaxPrintedLines; only a message longer than that is cut. A backslash is one cell there.
constexpr int kMaxPrintedLines = 6;

// Lines of at most `width` cells, broken after a space where the line has one (a word longer
// than a line is broken where it must be).
std::vector<std::string_view> wrap_printed(std::string_view text, int width) {
    std::vector<std::string_view> lines;
    std::size_t start = 0, space = std::string_view::npos;  // after the line's last space
    int used = 0, at_space = 0;                             // cells before it
    for_each_code_point(text, [&](std::string_view bytes, char32_t cp, bool) {
        const int w = cp == '\\' ? 1 : std::max(0, codepoint_width(cp));
        const auto at = static_cast<std::size_t>(bytes.data() - text.data());
        if (used + w > width && used > 0) {
            const bool by_word = space != std::string_view::npos && space > start;
            const std::size_t cut = by_word ? space : at;
            lines.push_back(text.substr(start, cut - start));
            start = cut;
            used = by_word ? used - at_space : 0;
            space = std::string_view::npos;
        }
        used += w;
        if (cp == ' ') {
            space = at + 1;
            at_space = used;
        }
    });
    lines.push_back(text.substr(start));
    return lines;
}

void render_printed_message(std::string_view message, Canvas& c, Rect r, int note_w) {
    const Style style{Role::Warn, true};
    const int width = std::max(1, r.w - note_w);
    const std::vector<std::string_view> lines = wrap_printed(message, width);
    const int n = std::min({static_cast<int>(lines.size()), kMaxPrintedLines, r.y + 1});
    for (int i = 0; i < n; ++i) {
        const int y = r.y - (n - 1) + i;
        if (y != r.y) c.fill(r.x, y, r.w, 1);
        c.put_printed(r.x, y, lines[static_cast<std::size_t>(i)], style, width);
    }
}

}  // namespace

void render_hint_bar(const UiState& ui, Canvas& c, Rect r, std::string_view right_note) {
    if (ui.overlay == Overlay::FilterPrompt) return render_prompt(ui, c, r);
    c.fill(r.x, r.y, r.w, 1);
    const int note_w = right_note.empty() ? 0 : display_width(right_note) + 1;
    if (note_w) c.put(r.x + r.w - note_w + 1, r.y, right_note, Style{Role::Dim});
    draw::Line line(c, r.x, r.y, r.x + r.w - note_w);
    if (!ui.message.empty()) {
        if (ui.message_printed)
            render_printed_message(ui.message, c, r, note_w);
        else
            line.add(ui.message, Style{Role::Warn, true});
        return;
    }
    if (!ui.busy.empty() && ui.overlay != Overlay::ExportPrompt) {
        line.add(ui.busy, Style{Role::Warn});
        return;
    }
    const Style key{Role::Hotkey, true}, text{Role::Dim};
    std::vector<std::pair<std::string, std::string>> hints;
    if (ui.overlay == Overlay::ExportPrompt) {
        // What `s3top report --by DIM` would write of this view, to a file here.
        const std::string dim = ui.focus >= ui.slots.size() ? std::string("view")
                                : ui.slots[ui.focus].stored ? stored_title(ui.slots[ui.focus].stored_dim())
                                                            : dim_title(ui.slots[ui.focus].dim());
        line.add("Write the " + dim + " panel as", Style{Role::Prompt, true}).gap(2);
        hints = {{"c", "CSV"}, {"j", "JSON"}, {"h", "HTML"}, {"Esc", "cancel"}};
    } else if (ui.chart_cursor && ui.overlay == Overlay::None) {
        // Picking a time range on the chart.
        hints = {{"[ ]", "move"},
                 {"Enter", ui.chart_mark ? "filter on the range" : "mark its start"},
                 {"Esc", "leave the chart"}};
    } else if (ui.overlay == Overlay::OrgPicker) {
        hints = {{"type", "search"},
                 {std::string(c.glyph("↑↓", "Up/Down")), "select"},
                 {"Enter", "apply org"},
                 {"Esc", "cancel"}};
    } else {
        // The user's keys ([dashboard.keys]), not the defaults.
        auto k = [&](Command cmd) { return key_label(ui.keys.key(cmd)); };
        hints = {{k(Command::Quit), "quit"}, {k(Command::Help), "help"}};
        // Fixed keys only while no binding took them over.
        for (const auto& [fixed, label, what] :
             {std::tuple{keys::Tab, "Tab", "panel"}, std::tuple{keys::Enter, "Enter", "drill"},
              std::tuple{keys::Backspace, "Bksp", "back"}}) {
            if (!ui.keys.bound(fixed)) hints.push_back({label, what});
        }
        hints.push_back({k(Command::Filter), "filter"});
        hints.push_back({k(Command::OrgPicker), "org"});
        // The focused panel's order: "sort:bytes▼", "sort:name▲".
        static constexpr std::array<std::string_view, 3> kSort = {"bytes", "reqs", "name"};
        if (ui.focus < ui.slots.size()) {
            const PanelSlot& s = ui.slots[ui.focus];
            const bool up = (s.sort == SortBy::Key) != s.reverse;
            hints.push_back({k(Command::Sort), "sort:" + std::string(kSort[static_cast<std::size_t>(s.sort)]) +
                                                   std::string(up ? c.glyph("▲", "^") : c.glyph("▼", "v"))});
        }
        hints.push_back({k(Command::Resolution),
                         ui.auto_resolution ? std::string("auto") : std::string(resolution_name(ui.resolution))});
        static constexpr std::array<std::string_view, 3> kChart = {"chart:bytes", "chart:reqs", "chart:stored"};
        hints.push_back({k(Command::ChartMetric), std::string(kChart[static_cast<std::size_t>(ui.chart)])});
        hints.push_back({k(Command::Expand), ui.expanded ? "collapse" : "expand"});
        hints.push_back({k(Command::CycleDimension), "dim"});
        hints.push_back({k(Command::Exact), ui.exact ? "human" : "exact"});
        hints.push_back({k(Command::Export), "write"});
        if (ui.source.mode == SourceStatus::Mode::Replay) {
            // Only the replay keys no binding took over.
            if (!ui.keys.bound(' ')) hints.push_back({"space", ui.source.paused ? "resume" : "pause"});
            if (!ui.keys.bound('+') && !ui.keys.bound('-')) hints.push_back({"+/-", "speed"});
            if (!ui.keys.bound('.')) hints.push_back({".", "step"});
        }
    }
    for (const auto& [k, label] : hints) {
        const int need = display_width(k) + 1 + display_width(label);
        if (line.remaining() < need) break;
        line.add(k, key).add(" ").add(label, text).gap(2);
    }
}

void render(const Snapshot& snap, const UiState& ui, Canvas& c) {
    c.clear();
    const Layout l = compute_layout(ui, c.width(), c.height());
    if (l.too_small) return render_too_small(ui, c);
    render_header(snap, ui, c, l.header);
    if (ui.expanded) {
        render_panel(snap, ui, ui.focus, c, l.body, true);
    } else {
        render_chart(snap, ui, c, l.chart);
        for (const PanelBox& b : l.panels) render_panel(snap, ui, b.panel, c, b.rect, false);
    }
    std::string note;
    if (!ui.expanded && !l.panels.empty() && l.panels.size() < ui.slots.size()) {
        // Not every panel fits: say which are shown.
        note = "panels " + std::to_string(l.panels.front().panel + 1) + "-" +
               std::to_string(l.panels.back().panel + 1) + "/" + std::to_string(ui.slots.size());
    }
    render_hint_bar(ui, c, l.hint, note);
    if (ui.overlay == Overlay::Help) render_help(ui.keys, ui.help_scroll, c);
    if (ui.overlay == Overlay::OrgPicker) render_org_picker(snap, ui, c);
    if (ui.overlay == Overlay::Problems) render_problems(snap, ui, c);
}

}  // namespace s3top::tui
