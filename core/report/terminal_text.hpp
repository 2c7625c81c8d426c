#pragma once
// Making untrusted bytes (log content: keys, user agents, referrers...) safe and measurable on a
// terminal. Every string the dashboard draws and every text report cell goes through here:
// control characters, escape sequences, invalid UTF-8 and characters whose width terminals
// disagree on never reach the tty as themselves, so a hostile log line can neither drive the
// terminal nor shift a column.
//
// The unit of display is a *glyph*: one printable character plus any combining marks, with its
// width in cells (1 or 2), or one visible escape such as `\e` (width = its length).
#include <cstdint>
#include <string>
#include <string_view>

#include "core/util/utf8.hpp"

namespace s3top {

/// A piece of display text and how many terminal cells it takes.
struct Glyph {
    std::string_view text;  ///< valid, printable UTF-8 (views the input or a static escape table)
    int width = 1;          ///< cells: 1 or 2 for a character, the length for an escape
    bool escape = false;    ///< a visible stand-in for something that may not be shown raw
};

/// Calls `fn(const Glyph&)` for each glyph of `raw` as it would be shown. `ascii` also escapes
/// every non-ASCII character (terminals without UTF-8). Glyph views are valid during the call.
///
/// Escapes (the dashboard and text reports show a hostile value alike): `\t \n \r` for TAB,
/// LF, CR; `\xHH` for other C0 controls (ESC = `\x1b`) and DEL; `\\` for a backslash (so an escape is never ambiguous);
/// `\uHHHH` / `\UHHHHHHHH` for C1 controls, bidirectional overrides/isolates, line/paragraph
/// separators, zero-width joiners and variation selectors, regional indicators, stray
/// combining marks and anything the C.UTF-8 locale calls unprintable; U+FFFD for each invalid
/// UTF-8 sequence.
template <class Fn>
void for_each_glyph(std::string_view raw, bool ascii, Fn&& fn);

/// `raw` as it is shown: escapes spelled out, valid printable UTF-8 only; nothing in the result
/// can move the cursor or change terminal state. For plain-text output that may reach a
/// terminal (text reports) and the dashboard. Escaping is not idempotent (a backslash
/// doubles): Canvas::put() takes raw text, never this result.
std::string terminal_safe(std::string_view raw, bool ascii = false);

/// Cells `raw` takes once sanitized.
int display_width(std::string_view raw, bool ascii = false);
/// Cells text that is already terminal_safe() takes (it is not escaped again).
int safe_text_width(std::string_view safe);

/// Sanitized `raw` cut to at most `width` cells: when it does not fit, whole glyphs are kept
/// and `ellipsis` ("…", or "~" for ASCII terminals) ends it. Never splits a glyph or an escape;
/// the result may be narrower than `width` by one cell when a wide glyph would straddle it.
std::string truncate_to_width(std::string_view raw, int width, bool ascii = false);
/// The same, cut in the middle: its start and its end kept around the ellipsis
/// ("arn:aws:iam::1234…:user/alice"), so values that share a long start still look apart.
std::string truncate_middle(std::string_view raw, int width, bool ascii = false);

/// Width in cells of one Unicode scalar value per the C.UTF-8 locale (independent of the
/// process locale): -1 unprintable, 0 combining, 1, or 2 (East Asian wide, emoji).
int codepoint_width(char32_t cp);

// ---------------------------------------------------------------------------------------------

namespace detail {
/// Classifies a decoded character: >= 0 = its width; -1 = show as `\u{...}` escape.
int classify(char32_t cp, bool ascii);
/// The escape text for a C0 control, DEL or backslash, as a static string.
std::string_view c0_escape(unsigned char c);
/// Formats `\uHHHH` or `\UHHHHHHHH` into `buf` (at least 10 bytes); returns the view.
std::string_view unicode_escape(char32_t cp, char* buf);
inline constexpr int kMaxCombining = 4;  ///< marks kept per glyph (Zalgo text is capped)
}  // namespace detail

template <class Fn>
void for_each_glyph(std::string_view raw, bool ascii, Fn&& fn) {
    // A glyph is only complete once we see what follows it (combining marks attach to it), so
    // keep one pending glyph and emit it when the next one starts.
    const char* const base = raw.data();
    std::size_t pending_begin = 0, pending_end = 0;
    int pending_width = 0, marks = 0;
    bool have_pending = false;
    auto flush = [&] {
        if (have_pending) fn(Glyph{raw.substr(pending_begin, pending_end - pending_begin), pending_width, false});
        have_pending = false;
    };
    auto start = [&](std::size_t begin, std::size_t end, int width) {
        flush();
        pending_begin = begin;
        pending_end = end;
        pending_width = width;
        marks = 0;
        have_pending = true;
    };
    char buf[16];
    for_each_code_point(raw, [&](std::string_view bytes, char32_t cp, bool valid) {
        const auto at = static_cast<std::size_t>(bytes.data() - base);
        if (cp < 0x20 || cp == 0x7F || cp == '\\') {
            flush();
            const std::string_view e = detail::c0_escape(static_cast<unsigned char>(cp));
            fn(Glyph{e, static_cast<int>(e.size()), true});
            return;
        }
        if (!valid) {
            flush();
            fn(Glyph{ascii ? std::string_view("?") : kReplacementCharacter, 1, true});
            return;
        }
        const int w = detail::classify(cp, ascii);
        if (w == 0 && have_pending && marks < detail::kMaxCombining) {
            pending_end = at + bytes.size();  // a combining mark joins the glyph before it
            ++marks;
        } else if (w == 0 && have_pending) {
            // past the cap: dropped, the glyph already shows it is decorated
        } else if (w <= 0) {
            flush();
            const std::string_view e = detail::unicode_escape(cp, buf);
            fn(Glyph{e, static_cast<int>(e.size()), true});
        } else {
            start(at, at + bytes.size(), w);
        }
    });
    flush();
}

}  // namespace s3top
