#include "core/report/terminal_text.hpp"

#include <locale.h>
#include <wchar.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <utility>
#include <vector>
#include <memory>

namespace s3top {
namespace {

// Widths come from the C.UTF-8 locale whatever the process locale is, so tests and the
// dashboard measure alike; ncursesw measures with the same glibc tables.
class WidthTable {
public:
    // The plane's widths are asked for as they are first needed: a report's table uses a
    // few hundred code points, and all 65,536 asked up front took a start-up's 2 ms.
    WidthTable() : loc_(newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{})) {
        for (auto& w : bmp_) w.store(kUnknown, std::memory_order_relaxed);
    }
    ~WidthTable() {
        if (loc_) freelocale(loc_);
    }
    WidthTable(const WidthTable&) = delete;
    WidthTable& operator=(const WidthTable&) = delete;

    int width(char32_t cp) const {
        if (cp >= bmp_.size()) return lookup(cp);
        // Threads may ask for the same code point at once: each stores the same width.
        std::int8_t w = bmp_[cp].load(std::memory_order_relaxed);
        if (w == kUnknown) {
            w = static_cast<std::int8_t>(lookup(cp));
            bmp_[cp].store(w, std::memory_order_relaxed);
        }
        return w;
    }

private:
    int lookup(char32_t cp) const {
        if (cp >= 0xD800 && cp <= 0xDFFF) return -1;
        if (!loc_) return cp < 0x7F && cp >= 0x20 ? 1 : -1;
        const locale_t old = uselocale(loc_);  // thread-local switch; restored below
        const int w = wcwidth(static_cast<wchar_t>(cp));
        uselocale(old);
        return w;
    }
    static constexpr std::int8_t kUnknown = -128;  // wcwidth gives -1 to 2
    locale_t loc_;
    mutable std::array<std::atomic<std::int8_t>, 0x10000> bmp_;
};

const WidthTable& widths() {
    static const WidthTable table;
    return table;
}

// Characters terminals disagree on, or that hide or reorder text: always shown escaped.
bool always_escape(char32_t cp) {
    return (cp >= 0x80 && cp <= 0x9F)            // C1 controls (CSI = U+009B ...)
           || cp == 0xAD                         // soft hyphen
           || (cp >= 0x200B && cp <= 0x200F)     // zero-width space/joiners, LRM, RLM
           || (cp >= 0x2028 && cp <= 0x202E)     // line/paragraph separators, bidi embeddings/overrides
           || (cp >= 0x2060 && cp <= 0x206F)     // word joiner, invisible operators, bidi isolates
           || cp == 0x3164 || cp == 0xFFA0       // Hangul fillers (invisible)
           || (cp >= 0xFE00 && cp <= 0xFE0F)     // variation selectors (change emoji width)
           || cp == 0xFEFF                       // BOM / zero-width no-break space
           || (cp >= 0xFFF9 && cp <= 0xFFFB)     // interlinear annotations
           || (cp >= 0x1F1E6 && cp <= 0x1F1FF)   // regional indicators (flag pairs)
           || (cp >= 0xE0000 && cp <= 0xE007F)   // tag characters
           || (cp >= 0xE0100 && cp <= 0xE01EF);  // variation selectors supplement
}

}  // namespace

int codepoint_width(char32_t cp) { return widths().width(cp); }

namespace detail {

int classify(char32_t cp, bool ascii) {
    if (cp < 0x80) return (cp >= 0x20 && cp < 0x7F) ? 1 : -1;
    if (ascii || always_escape(cp)) return -1;
    const int w = codepoint_width(cp);
    return w > 2 ? -1 : w;
}

std::string_view c0_escape(unsigned char c) {
    static constexpr std::array<std::string_view, 32> kC0 = {
        "\\x00", "\\x01", "\\x02", "\\x03", "\\x04", "\\x05", "\\x06", "\\x07", "\\x08", "\\t",   "\\n",
        "\\x0b", "\\x0c", "\\r",   "\\x0e", "\\x0f", "\\x10", "\\x11", "\\x12", "\\x13", "\\x14", "\\x15",
        "\\x16", "\\x17", "\\x18", "\\x19", "\\x1a", "\\x1b", "\\x1c", "\\x1d", "\\x1e", "\\x1f",
    };
    if (c < 0x20) return kC0[c];
    if (c == '\\') return "\\\\";
    return "\\x7f";
}

std::string_view unicode_escape(char32_t cp, char* buf) {
    static constexpr char kHex[] = "0123456789abcdef";
    const int digits = cp > 0xFFFF ? 8 : 4;
    char* p = buf;
    *p++ = '\\';
    *p++ = digits == 8 ? 'U' : 'u';
    for (int d = digits - 1; d >= 0; --d) *p++ = kHex[(cp >> (4 * d)) & 0xF];
    return {buf, static_cast<std::size_t>(p - buf)};
}

}  // namespace detail

std::string terminal_safe(std::string_view raw, bool ascii) {
    std::string out;
    out.reserve(raw.size());
    for_each_glyph(raw, ascii, [&](const Glyph& g) { out += g.text; });
    return out;
}

int safe_text_width(std::string_view safe) {
    int w = 0;
    for_each_code_point(safe, [&](std::string_view, char32_t cp, bool) { w += std::max(0, codepoint_width(cp)); });
    return w;
}

int display_width(std::string_view raw, bool ascii) {
    int w = 0;
    for_each_glyph(raw, ascii, [&](const Glyph& g) { w += g.width; });
    return w;
}

std::string truncate_to_width(std::string_view raw, int width, bool ascii) {
    if (width <= 0) return {};
    const std::string_view ellipsis = ascii ? "~" : "\xE2\x80\xA6";  // U+2026
    const int total = display_width(raw, ascii);
    if (total <= width) return terminal_safe(raw, ascii);
    std::string out;
    int used = 0;
    bool full = false;
    for_each_glyph(raw, ascii, [&](const Glyph& g) {
        if (full) return;
        if (used + g.width > width - 1) {
            full = true;
            return;
        }
        out += g.text;
        used += g.width;
    });
    out += ellipsis;
    return out;
}

std::string truncate_middle(std::string_view raw, int width, bool ascii) {
    if (width <= 0) return {};
    if (display_width(raw, ascii) <= width) return terminal_safe(raw, ascii);
    if (width < 3) return truncate_to_width(raw, width, ascii);
    std::vector<std::pair<std::string, int>> glyphs;
    for_each_glyph(raw, ascii, [&](const Glyph& g) { glyphs.emplace_back(std::string(g.text), g.width); });
    const int tail_room = (width - 1) / 2, head_room = width - 1 - tail_room;
    std::size_t head = 0, tail = glyphs.size();
    for (int used = 0; head < glyphs.size() && used + glyphs[head].second <= head_room; ++head)
        used += glyphs[head].second;
    for (int used = 0; tail > head && used + glyphs[tail - 1].second <= tail_room; --tail)
        used += glyphs[tail - 1].second;
    std::string out;
    for (std::size_t i = 0; i < head; ++i) out += glyphs[i].first;
    out += ascii ? "~" : "\xE2\x80\xA6";
    for (std::size_t i = tail; i < glyphs.size(); ++i) out += glyphs[i].first;
    return out;
}

}  // namespace s3top
