#pragma once
// UTF-8 decoding and encoding: the one walk over code points that every escaper (JSON, HTML,
// CSV, terminal text) and the dashboard's line editor use.
#include <cstddef>
#include <string>
#include <string_view>

namespace s3top {

inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

/// One decoded sequence.
struct Decoded {
    char32_t cp;
    int len;
    bool valid;
};
/// Decodes one UTF-8 sequence at the start of `s` (non-empty). Returns the scalar value and the
/// bytes used; an invalid sequence (overlong, surrogate, past U+10FFFF, truncated, stray
/// continuation byte) yields U+FFFD and the length of its maximal invalid prefix (at least 1),
/// as the Unicode standard recommends.
Decoded decode_utf8(std::string_view s);

/// Appends the UTF-8 encoding of `cp` to `out`.
void append_utf8(std::string& out, char32_t cp);

/// Calls `fn(std::string_view bytes, char32_t cp, bool valid)` for each code point of `s` in
/// order; `bytes` views `s`. An invalid sequence comes once per maximal invalid prefix, as
/// U+FFFD with valid = false.
template <class Fn>
void for_each_code_point(std::string_view s, Fn&& fn) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {  // the common case, without a call
            fn(s.substr(i, 1), static_cast<char32_t>(c), true);
            ++i;
            continue;
        }
        const Decoded d = decode_utf8(s.substr(i));
        const auto len = static_cast<std::size_t>(d.len);
        fn(s.substr(i, len), d.cp, d.valid);
        i += len;
    }
}

}  // namespace s3top
