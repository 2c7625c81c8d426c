#pragma once
// Making untrusted bytes (log content: keys, user agents, referrers...) safe and measurable on a
// terminal. Every string the dashboard draws goes through here: control characters, escape
// sequences, invalid UTF-8 and characters whose width terminals disagree on never reach the tty
// as themselves, so a hostile log line can neither drive the terminal nor shift a column.
//
// The unit of display is a *glyph*: one printable character plus any combining marks, with its
// width in cells (1 or 2), or one visible escape such as `\e` (width = its length).
#include <cstdint>
#include <string>
#include <string_view>

namespace s3top::tui {

/// A piece of display text and how many terminal cells it takes.
struct Glyph {
    std::string_view text;  ///< valid, printable UTF-8 (views the input or a static escape table)
    int width = 1;          ///< cells: 1 or 2 for a character, the length for an escape
    bool escape = false;    ///< a visible stand-in for something that may not be shown raw
};

/// Calls `fn(const Glyph&)` for each glyph of `raw` as it would be shown. `ascii` also escapes
/// every non-ASCII character (terminals without UTF-8). Glyph views are valid during the call.
///
/// Escapes, spelled as core's terminal_safe() spells them so the dashboard and text reports
/// show a hostile value alike: `\t \n \r` for TAB, LF, CR; `\xHH` for other C0 controls
/// (ESC = `\x1b`) and DEL; `\\` for a backslash (so an escape is never ambiguous);
/// `\uHHHH` / `\UHHHHHHHH` for C1 controls, bidirectional overrides/isolates, line/paragraph
/// separators, zero-width joiners and variation selectors, regional indicators, stray
/// combining marks and anything the C.UTF-8 locale calls unprintable; U+FFFD for each invalid
/// UTF-8 sequence.
template <class Fn>
void for_each_glyph(std::string_view raw, bool ascii, Fn&& fn);

/// `raw` as it is shown: escapes spelled out, valid printable UTF-8 only. Escaping is not
/// idempotent (a backslash doubles): Canvas::put() takes raw text, never this result.
std::string sanitize_for_terminal(std::string_view raw, bool ascii = false);

/// Cells `raw` takes once sanitized.
int display_width(std::string_view raw, bool ascii = false);

/// Sanitized `raw` cut to at most `width` cells: when it does not fit, whole glyphs are kept
/// and `ellipsis` ("…", or "~" for ASCII terminals) ends it. Never splits a glyph or an escape;
/// the result may be narrower than `width` by one cell when a wide glyph would straddle it.
std::string truncate_to_width(std::string_view raw, int width, bool ascii = false);

/// Width in cells of one Unicode scalar value per the C.UTF-8 locale (independent of the
/// process locale): -1 unprintable, 0 combining, 1, or 2 (East Asian wide, emoji).
int codepoint_width(char32_t cp);

/// Appends the UTF-8 encoding of `cp` to `out`.
void append_utf8(std::string& out, char32_t cp);

/// Decodes one UTF-8 sequence at the start of `s` (non-empty). Returns the scalar value and the
/// bytes used; an invalid sequence yields U+FFFD and the length of its maximal invalid prefix
/// (at least 1), as the Unicode standard recommends.
struct Decoded {
    char32_t cp;
    int len;
    bool valid;
};
Decoded decode_utf8(std::string_view s);

// ---------------------------------------------------------------------------------------------

namespace detail {
/// Classifies a decoded character: >= 0 = its width; -1 = show as `\u{...}` escape.
int classify(char32_t cp, bool ascii);
/// The escape text for a C0 control, DEL or backslash, as a static string.
std::string_view c0_escape(unsigned char c);
/// Formats `\uHHHH` or `\UHHHHHHHH` into `buf` (at least 10 bytes); returns the view.
std::string_view unicode_escape(char32_t cp, char* buf);
inline constexpr int kMaxCombining = 4;  ///< marks kept per glyph (Zalgo text is capped)
inline constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
}  // namespace detail

template <class Fn>
void for_each_glyph(std::string_view raw, bool ascii, Fn&& fn) {
    // A glyph is only complete once we see what follows it (combining marks attach to it), so
    // keep one pending glyph and emit it when the next one starts.
    std::size_t pending_begin = 0, pending_end = 0;
    int pending_width = 0, marks = 0;
    bool have_pending = false;
    auto flush = [&] {
        if (have_pending) fn(Glyph{raw.substr(pending_begin, pending_end - pending_begin), pending_width, false});
        have_pending = false;
    };
    char buf[16];
    std::size_t i = 0;
    while (i < raw.size()) {
        const auto c = static_cast<unsigned char>(raw[i]);
        if (c < 0x20 || c == 0x7F || c == '\\') {
            flush();
            const std::string_view e = detail::c0_escape(c);
            fn(Glyph{e, static_cast<int>(e.size()), true});
            ++i;
            continue;
        }
        if (c < 0x80) {
            flush();
            pending_begin = i;
            pending_end = i + 1;
            pending_width = 1;
            marks = 0;
            have_pending = true;
            ++i;
            continue;
        }
        const Decoded d = decode_utf8(raw.substr(i));
        const auto len = static_cast<std::size_t>(d.len);
        if (!d.valid) {
            flush();
            fn(Glyph{ascii ? std::string_view("?") : detail::kReplacement, 1, true});
            i += len;
            continue;
        }
        const int w = detail::classify(d.cp, ascii);
        if (w == 0 && have_pending && marks < detail::kMaxCombining) {
            pending_end = i + len;  // a combining mark joins the glyph before it
            ++marks;
        } else if (w == 0 && have_pending) {
            // past the cap: dropped, the glyph already shows it is decorated
        } else if (w <= 0) {
            flush();
            const std::string_view e = detail::unicode_escape(d.cp, buf);
            fn(Glyph{e, static_cast<int>(e.size()), true});
        } else {
            flush();
            pending_begin = i;
            pending_end = i + len;
            pending_width = w;
            marks = 0;
            have_pending = true;
        }
        i += len;
    }
    flush();
}

}  // namespace s3top::tui
