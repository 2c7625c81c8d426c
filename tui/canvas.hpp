#pragma once
// The seam between rendering and the terminal: a grid of cells that plain code draws into and
// that tests read back with to_string(). The curses layer copies it to the screen; nothing else
// in tui/ knows about curses.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/report/terminal_text.hpp"

namespace s3top::tui {

/// What a cell is, not how it looks: the terminal layer maps roles to colors (or to plain
/// attributes when colors are off).
enum class Role : std::uint8_t {
    Normal,
    Dim,       ///< secondary text: units, absent values, axis labels
    Title,     ///< panel and section titles
    Focus,     ///< the focused panel's title
    Selected,  ///< the selected row of the focused panel
    Bar,       ///< share bars in panels
    Chart,     ///< chart bars
    Good,      ///< 2xx, following
    Warn,      ///< 4xx, paused
    Bad,       ///< 5xx, errors, parse errors
    Hotkey,    ///< key names in the hint bar and help
    Prompt,    ///< prompt lines and overlays
    Count_
};
inline constexpr std::size_t kRoleCount = static_cast<std::size_t>(Role::Count_);

struct Style {
    Role role = Role::Normal;
    bool bold = false;
    bool reverse = false;
    bool underline = false;
    friend bool operator==(const Style&, const Style&) = default;
};

struct Cell {
    std::string text = " ";  ///< one glyph of valid printable UTF-8; empty in the right half of a wide glyph
    Style style;
    std::uint8_t width = 1;  ///< 1, 2 (wide glyph, the next cell is its right half) or 0 (that right half)
    friend bool operator==(const Cell&, const Cell&) = default;
};

class Canvas {
public:
    /// A blank canvas. `unicode` false: non-ASCII text is drawn as escapes and drawing helpers
    /// fall back to ASCII (see glyph()).
    Canvas(int width, int height, bool unicode = true);

    int width() const { return width_; }
    int height() const { return height_; }
    bool unicode() const { return unicode_; }

    /// Blanks every cell (keeps the size).
    void clear();
    /// Blanks and resizes.
    void resize(int width, int height);

    /// Draws untrusted `text` (sanitized: escapes shown, never sent raw) from column x of row y,
    /// clipped to the canvas and to `max_width` cells when >= 0. A wide glyph that would be cut in
    /// half is replaced by a space. Returns the columns advanced (the clipped width).
    int put(int x, int y, std::string_view text, Style style = {}, int max_width = -1);
    /// put() of text the program composed of parts each made printable already (a command line
    /// shell_quote() wrote): a backslash shows as one, not as put()'s `\\`, so what is shown can
    /// be copied as it is. Anything else is drawn as put() draws it.
    int put_printed(int x, int y, std::string_view text, Style style = {}, int max_width = -1);
    /// put() with an ellipsis when `text` is wider than `width`; pads with spaces to `width`
    /// when `pad`. Right-aligns when `right`. Returns the columns written (`width` when
    /// right-aligned or padded).
    int put_fit(int x, int y, std::string_view text, int width, Style style = {}, bool right = false, bool pad = false);
    /// put_fit() that cuts in the middle: the start and the end of `text` kept around the
    /// ellipsis ("arn:aws:iam::1234…:user/alice"), as report does in a terminal, so two long
    /// values that share a start still look apart. Never pads; returns the columns written.
    int put_fit_middle(int x, int y, std::string_view text, int width, Style style = {});
    /// Draws one glyph already made safe by for_each_glyph() (an escape: one cell per
    /// character). A wide glyph that would be cut by an edge becomes blanks.
    void put_glyph(int x, int y, const Glyph& g, Style style = {});
    /// Fills a rectangle with a glyph (default space) in `style`.
    void fill(int x, int y, int w, int h, Style style = {}, std::string_view glyph = " ");
    /// Changes the style of existing cells (e.g. to highlight a row) without touching text.
    void restyle(int x, int y, int w, Style style);

    const Cell& at(int x, int y) const { return cells_[index(x, y)]; }

    /// Row y as text: cell glyphs in order (right halves of wide glyphs skipped), trailing
    /// spaces removed.
    std::string row(int y) const;
    /// Every row joined with '\n' (tests compare this).
    std::string to_string() const;

    /// A drawing symbol in the canvas's charset: the unicode form, or `ascii` when the terminal
    /// has no UTF-8.
    std::string_view glyph(std::string_view unicode, std::string_view ascii) const {
        return unicode_ ? unicode : ascii;
    }

private:
    std::size_t index(int x, int y) const {
        return static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) + static_cast<std::size_t>(x);
    }
    bool inside(int x, int y) const { return x >= 0 && y >= 0 && x < width_ && y < height_; }
    /// Clears any wide glyph that overlaps cell (x, y) so it can be overwritten.
    void split_wide(int x, int y);
    void set(int x, int y, std::string_view text, Style style, std::uint8_t width);
    /// Sanitized `text` from (x, y) within `limit` cells (x >= 0), with an ellipsis at the end
    /// when `ellipsis`. Returns the cells used.
    int place(int x, int y, std::string_view text, Style style, int limit, bool ellipsis);

    int width_;
    int height_;
    bool unicode_;
    std::vector<Cell> cells_;
};

}  // namespace s3top::tui
