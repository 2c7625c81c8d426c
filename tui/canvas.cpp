#include "tui/canvas.hpp"

#include <algorithm>

#include "core/report/terminal_text.hpp"

namespace s3top::tui {

Canvas::Canvas(int width, int height, bool unicode) : width_(0), height_(0), unicode_(unicode) {
    resize(width, height);
}

void Canvas::clear() { std::fill(cells_.begin(), cells_.end(), Cell{}); }

void Canvas::resize(int width, int height) {
    width_ = std::max(0, width);
    height_ = std::max(0, height);
    cells_.assign(static_cast<std::size_t>(width_) * static_cast<std::size_t>(height_), Cell{});
}

void Canvas::split_wide(int x, int y) {
    Cell& c = cells_[index(x, y)];
    if (c.width == 0 && x > 0) {  // right half: blank the left half too
        cells_[index(x - 1, y)] = Cell{" ", cells_[index(x - 1, y)].style, 1};
        c = Cell{" ", c.style, 1};
    } else if (c.width == 2 && x + 1 < width_) {  // left half: blank the right half
        cells_[index(x + 1, y)] = Cell{" ", c.style, 1};
        c = Cell{" ", c.style, 1};
    }
}

void Canvas::set(int x, int y, std::string_view text, Style style, std::uint8_t width) {
    split_wide(x, y);
    if (width == 2) split_wide(x + 1, y);
    Cell& c = cells_[index(x, y)];
    c.text.assign(text);
    c.style = style;
    c.width = width;
    if (width == 2) cells_[index(x + 1, y)] = Cell{std::string(), style, 0};
}

void Canvas::put_glyph(int x, int y, const Glyph& g, Style style) {
    if (y < 0 || y >= height_) return;
    if (g.escape && g.text != "\xEF\xBF\xBD") {  // escapes are ASCII: one cell per character
        for (std::size_t i = 0; i < g.text.size(); ++i) {
            if (inside(x + static_cast<int>(i), y)) set(x + static_cast<int>(i), y, g.text.substr(i, 1), style, 1);
        }
        return;
    }
    if (x < 0 || x + g.width > width_) {
        if (g.width == 2 && inside(x, y)) set(x, y, " ", style, 1);  // would be cut: blank
        if (g.width == 2 && inside(x + 1, y)) set(x + 1, y, " ", style, 1);
        return;
    }
    set(x, y, g.text, style, static_cast<std::uint8_t>(g.width));
}

int Canvas::place(int x, int y, std::string_view text, Style style, int limit, bool ellipsis) {
    const bool ascii = !unicode_;
    // With an ellipsis, keep whole glyphs up to limit - 1 cells, then the ellipsis.
    const int budget = ellipsis ? limit - 1 : limit;
    int col = 0;
    bool stopped = false;
    for_each_glyph(text, ascii, [&](const Glyph& g) {
        if (stopped) return;
        if (col + g.width > budget) {
            // Clipping (no ellipsis) may cut an escape between its characters, never a wide glyph.
            const int room = budget - col;
            if (!ellipsis && g.escape && g.text != "\xEF\xBF\xBD") {
                put_glyph(x + col, y, Glyph{g.text.substr(0, static_cast<std::size_t>(room)), room, true}, style);
                col += room;
            } else if (!ellipsis && room > 0) {  // half a wide glyph would show: a blank instead
                put_glyph(x + col, y, Glyph{" ", 1, false}, style);
                ++col;
            }
            stopped = true;
            return;
        }
        put_glyph(x + col, y, g, style);
        col += g.width;
    });
    if (ellipsis) {
        put_glyph(x + col, y, Glyph{ascii ? "~" : "\xE2\x80\xA6", 1, false}, style);  // U+2026
        ++col;
    }
    return col;
}

int Canvas::put_printed(int x, int y, std::string_view text, Style style, int max_width) {
    const int limit = max_width < 0 ? width_ - x : std::min(width_ - x, max_width);
    int col = 0;
    while (col < limit) {
        const std::size_t slash = text.find('\\');
        col += put(x + col, y, text.substr(0, slash), style, limit - col);
        if (slash == std::string_view::npos || col >= limit) break;
        put_glyph(x + col, y, Glyph{"\\", 1, false}, style);
        ++col;
        text.remove_prefix(slash + 1);
    }
    return col;
}

int Canvas::put(int x, int y, std::string_view text, Style style, int max_width) {
    if (y < 0 || y >= height_) return 0;
    const int limit = max_width < 0 ? width_ - x : std::min(width_ - x, max_width);
    if (limit <= 0) return 0;
    if (x < 0) {
        // Starting left of the canvas: draw into a scratch row and copy the visible part.
        Canvas row(limit, 1, unicode_);
        const int w = row.place(0, 0, text, style, limit, false);
        for (int i = -x; i < w; ++i) {
            const Cell& cell = row.at(i, 0);
            if (cell.width == 0 && i == -x) {
                set(0, y, " ", style, 1);
            } else if (cell.width) {
                put_glyph(x + i, y, Glyph{cell.text, cell.width, false}, style);
            }
        }
        return std::max(0, w + x);
    }
    return place(x, y, text, style, limit, false);
}

int Canvas::put_fit(int x, int y, std::string_view text, int width, Style style, bool right, bool pad) {
    width = std::min(width, width_ - x);
    if (width <= 0 || y < 0 || y >= height_) return 0;
    const int total = display_width(text, !unicode_);
    const bool cut = total > width;
    if (pad) fill(x, y, width, 1, style);
    int start = x;
    if (right) {
        // Measure first: the cut text may come out a cell short of `width` (a wide glyph).
        Canvas probe(width, 1, unicode_);
        start = x + width - (cut ? probe.place(0, 0, text, style, width, true) : total);
    }
    const int w = place(start, y, text, style, width - (start - x), cut);
    return (pad || right) ? width : w;
}

int Canvas::put_fit_middle(int x, int y, std::string_view text, int width, Style style) {
    width = std::min(width, width_ - x);
    if (width <= 0 || y < 0 || y >= height_ || x < 0) return 0;
    const bool ascii = !unicode_;
    if (width < 3 || display_width(text, ascii) <= width) return put_fit(x, y, text, width, style);
    // Whole glyphs only (an escape is never split), as core's truncate_middle cuts them.
    struct Kept {
        std::string text;
        int width;
        bool escape;
    };
    std::vector<Kept> glyphs;
    for_each_glyph(text, ascii, [&](const Glyph& g) { glyphs.push_back({std::string(g.text), g.width, g.escape}); });
    const int tail_room = (width - 1) / 2, head_room = width - 1 - tail_room;
    std::size_t head = 0, tail = glyphs.size();
    for (int used = 0; head < glyphs.size() && used + glyphs[head].width <= head_room; ++head)
        used += glyphs[head].width;
    for (int used = 0; tail > head && used + glyphs[tail - 1].width <= tail_room; --tail)
        used += glyphs[tail - 1].width;
    int col = 0;
    auto draw = [&](const Kept& k) {
        put_glyph(x + col, y, Glyph{k.text, k.width, k.escape}, style);
        col += k.width;
    };
    for (std::size_t i = 0; i < head; ++i) draw(glyphs[i]);
    draw(Kept{ascii ? "~" : "\xE2\x80\xA6", 1, false});  // U+2026
    for (std::size_t i = tail; i < glyphs.size(); ++i) draw(glyphs[i]);
    return col;
}

void Canvas::fill(int x, int y, int w, int h, Style style, std::string_view glyph) {
    const int gw = std::max(1, display_width(glyph, !unicode_));
    for (int yy = std::max(0, y); yy < std::min(height_, y + h); ++yy) {
        for (int xx = std::max(0, x); xx + gw <= std::min(width_, x + w); xx += gw) put(xx, yy, glyph, style);
    }
}

void Canvas::restyle(int x, int y, int w, Style style) {
    if (y < 0 || y >= height_) return;
    for (int xx = std::max(0, x); xx < std::min(width_, x + w); ++xx) cells_[index(xx, y)].style = style;
}

std::string Canvas::row(int y) const {
    std::string out;
    for (int x = 0; x < width_; ++x) out += cells_[index(x, y)].text;
    const auto end = out.find_last_not_of(' ');
    out.erase(end == std::string::npos ? 0 : end + 1);
    return out;
}

std::string Canvas::to_string() const {
    std::string out;
    for (int y = 0; y < height_; ++y) {
        if (y) out.push_back('\n');
        out += row(y);
    }
    return out;
}

}  // namespace s3top::tui
