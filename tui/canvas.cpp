#include "tui/canvas.hpp"

#include <algorithm>

#include "tui/sanitize.hpp"

namespace s3top::tui {

Canvas::Canvas(int width, int height, bool unicode) : width_(0), height_(0), unicode_(unicode) { resize(width, height); }

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

int Canvas::put(int x, int y, std::string_view text, Style style, int max_width) {
    if (y < 0 || y >= height_) return 0;
    const int limit = max_width < 0 ? width_ : std::min(width_, x + max_width);
    int col = x;
    bool done = false;
    auto place = [&](std::string_view t, int w) {
        if (done) return;
        if (col + w > limit) {
            if (w == 2 && col < limit && col >= 0) {  // half a wide glyph would show: blank it
                set(col, y, " ", style, 1);
                ++col;
            }
            done = true;
            return;
        }
        if (col >= 0) {
            set(col, y, t, style, static_cast<std::uint8_t>(w));
        } else if (col + w > 0) {
            set(0, y, " ", style, 1);  // a wide glyph cut by the left edge
        }
        col += w;
    };
    for_each_glyph(text, !unicode_, [&](const Glyph& g) {
        if (g.escape) {
            // Escapes are ASCII (or U+FFFD): one cell per character.
            if (g.text == "\xEF\xBF\xBD") return place(g.text, 1);
            for (std::size_t i = 0; i < g.text.size(); ++i) place(g.text.substr(i, 1), 1);
        } else {
            place(g.text, g.width);
        }
    });
    return std::max(0, col - std::max(x, 0));
}

int Canvas::put_fit(int x, int y, std::string_view text, int width, Style style, bool right, bool pad) {
    if (width <= 0) return 0;
    const std::string fitted = truncate_to_width(text, width, !unicode_);
    const int w = display_width(fitted, !unicode_);
    if (pad) fill(x, y, width, 1, style);
    const int start = right ? x + width - w : x;
    put(start, y, fitted, style, width);
    return (pad || right) ? width : w;
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
