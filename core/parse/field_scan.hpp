#pragma once
// Small scanning helpers shared by the line parsers (numbers, times, quoted fields, addresses).
// Internal to core/parse: every function is allocation-free and reads only inside its input.
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>

#include "core/parse/byte_find.hpp"
#include "core/parse/parse_error.hpp"

namespace s3top::scan {

/// "-" (the logs' spelling of "absent") as an empty view; anything else unchanged.
constexpr std::string_view absent(std::string_view v) { return v == "-" ? std::string_view{} : v; }

/// The line without its trailing "\n" / "\r\n" (only those: tabs and spaces may be fields).
constexpr std::string_view strip_eol(std::string_view line) {
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

namespace literal_detail {
// The first N - 1 bytes at p (readable) equal to the literal's: two overlapping words of the
// size that covers them, read at once (a memcmp of a known length is still a call for most).
template <std::size_t N>
[[gnu::always_inline]] inline bool same(const char* p, const char (&lit)[N]) {
    constexpr std::size_t kLen = N - 1;
    const auto two = [&]<class Word>(Word) __attribute__((always_inline)) {
        return ((load_word<Word>(p) ^ load_word<Word>(lit)) |
                (load_word<Word>(p + kLen - sizeof(Word)) ^ load_word<Word>(lit + kLen - sizeof(Word)))) == 0;
    };
    if constexpr (kLen == 0) {
        return true;
    } else if constexpr (kLen == 1) {
        return p[0] == lit[0];
    } else if constexpr (kLen < 4) {
        return two(std::uint16_t{});
    } else if constexpr (kLen < 8) {
        return two(std::uint32_t{});
    } else if constexpr (kLen <= 16) {
        return two(std::uint64_t{});
    } else {
        return std::memcmp(p, lit, kLen) == 0;
    }
}
}  // namespace literal_detail

/// t equal to the literal `lit`, compared by words the compiler inlines (string_view's == calls
/// memcmp: ~5% of the S3 parse for its "-" checks alone).
template <std::size_t N>
[[gnu::always_inline]] inline bool is(std::string_view t, const char (&lit)[N]) {
    return t.size() == N - 1 && literal_detail::same(t.data(), lit);
}

/// t starting with the literal `lit` (as is()).
template <std::size_t N>
[[gnu::always_inline]] inline bool begins(std::string_view t, const char (&lit)[N]) {
    return t.size() >= N - 1 && literal_detail::same(t.data(), lit);
}

/// s[pos, pos + n), which the caller knows to lie inside s: string_view::substr checks and may
/// throw, and the compiler calls it out of line in the S3 parser's hot path.
[[gnu::always_inline]] constexpr std::string_view slice(std::string_view s, std::size_t pos, std::size_t n) {
    return {s.data() + pos, n};
}

constexpr ParseError error(RejectReason reason, std::size_t column, std::uint16_t field) {
    return ParseError{reason, static_cast<std::uint32_t>(column), field};
}

/// Unsigned decimal; false on empty, non-digits or overflow. Inline: the S3 parser's hot path.
constexpr bool parse_u64(std::string_view t, std::uint64_t& out) {
    if (t.empty() || t.size() > 20) return false;
    std::uint64_t v = 0;
    // Up to 19 digits cannot overflow (10^19 - 1 < 2^64); only the 20th digit needs the check.
    const std::size_t safe = t.size() < 20 ? t.size() : 19;
    for (std::size_t i = 0; i < safe; ++i) {
        const auto d = static_cast<unsigned char>(t[i] - '0');
        if (d > 9) return false;
        v = v * 10 + d;
    }
    if (safe < t.size()) {
        const auto d = static_cast<unsigned char>(t[19] - '0');
        if (d > 9 || v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return false;
        v = v * 10 + d;
    }
    out = v;
    return true;
}

/// Every byte of w under the byte mask `digits` a decimal digit: its high half 3, and still 3
/// with 6 added. The other bytes may be anything no greater than 0xf9 (none carries into the next),
/// such as the separators a caller checked or zeros.
constexpr bool all_digits(std::uint64_t w, std::uint64_t digits) {
    constexpr std::uint64_t kHigh = 0xf0f0f0f0f0f0f0f0ull, kThrees = 0x3030303030303030ull;
    return (w & kHigh & digits) == (kThrees & digits) &&
           ((w + 0x0606060606060606ull) & kHigh & digits) == (kThrees & digits);
}

/// The digits of w under `digits` (all_digits) as their values 0..9, every other byte 0.
constexpr std::uint64_t digit_values(std::uint64_t w, std::uint64_t digits) {
    return (w & digits) - (0x3030303030303030ull & digits);
}

/// parse_u64 for a token inside a buffer readable up to `end`: one of up to 8 digits with 8 bytes
/// readable from its start is read as one word (every digit checked and summed without a branch a
/// digit: the S3 line's byte counts and times, whose lengths vary line to line); any other as
/// parse_u64. The same answer as parse_u64 for every token.
[[gnu::always_inline]] inline bool parse_u64_within(std::string_view t, const char* end, std::uint64_t& out) {
    if constexpr (std::endian::native == std::endian::little) {
        const std::size_t n = t.size();
        if (n - 1 < 8 && end - t.data() >= 8) {
            std::uint64_t w = load_word<std::uint64_t>(t.data());
            // The token's bytes to the top of the word (the first, most significant digit
            // lowest), zeros below them; each must be '0'..'9'.
            w <<= 8 * (8 - n);
            const std::uint64_t mine = ~std::uint64_t{0} << (8 * (8 - n));
            if (!all_digits(w, mine)) return false;
            std::uint64_t v = digit_values(w, mine);
            v = ((v * 10) + (v >> 8)) & 0x00ff00ff00ff00ffull;    // pairs of digits
            v = ((v * 100) + (v >> 16)) & 0x0000ffff0000ffffull;  // fours
            out = ((v * 10000) + (v >> 32)) & 0xffffffffull;      // eight
            return true;
        }
    }
    return parse_u64(t, out);
}

/// Three-digit HTTP status (100..599); "-" gives 0. False on anything else. Inline: the S3
/// parser's hot path.
constexpr bool parse_status(std::string_view t, std::uint16_t& out) {
    if (t == "-") {
        out = 0;
        return true;
    }
    if (t.size() != 3 || t[0] < '1' || t[0] > '5' || t[1] < '0' || t[1] > '9' || t[2] < '0' || t[2] > '9') return false;
    out = static_cast<std::uint16_t>((t[0] - '0') * 100 + (t[1] - '0') * 10 + (t[2] - '0'));
    return true;
}

/// A decimal number of `unit`s ("0.036" seconds, "1.5" ms, "120" us) as whole microseconds,
/// rounded to nearest. "-", "-1" and other negatives leave `present` false and return true.
/// Unit scale: 1'000'000 for seconds, 1'000 for milliseconds, 1 for microseconds.
bool parse_duration_us(std::string_view t, std::uint64_t scale_us, std::uint64_t& us, bool& present);

/// Microseconds to the Record's whole milliseconds, rounded to nearest, saturated.
std::uint32_t us_to_ms(std::uint64_t us);

/// Fixed-layout ISO 8601 "YYYY-MM-DDTHH:MM:SS[.frac][Z|+hh:mm|+hhmm]" (also ' ' for 'T') to UTC
/// epoch seconds (fraction dropped). nullopt when malformed or out of range.
std::optional<std::int64_t> parse_iso8601_utc(std::string_view s);

/// "YYYY-MM-DD" and "HH:MM:SS" as separate columns (CloudFront, W3C) to UTC epoch seconds.
std::optional<std::int64_t> parse_date_time_columns(std::string_view date, std::string_view time);

/// Splits "ip:port", "[v6]:port", bare "v6:port" (ALB writes IPv6 with the port appended
/// unbracketed) into the address; a value without a port is returned as it is.
/// `always_port`: the writer always appends a port, so the last ':' group of a bare IPv6 is it.
std::string_view host_without_port(std::string_view hp, bool always_port);

/// Index of the closing '"' of a quoted field whose opening quote is at `open`, skipping
/// backslash-escaped characters (\" and \\). npos when there is none.
std::size_t closing_quote(std::string_view line, std::size_t open);

/// The first '"' at or after `from` not escaped by a backslash (backslashes before `from` do
/// not count); npos when there is none.
std::size_t next_unescaped_quote(std::string_view line, std::size_t from);

/// For absolute-form request targets ("http://host:80/p?q"): the authority ("host:80") and the
/// origin-form rest ("/p?q", possibly empty). Targets not starting with a scheme are unchanged
/// and give an empty authority.
struct TargetParts {
    std::string_view authority;
    std::string_view rest;
};
TargetParts split_absolute_target(std::string_view target);

/// `path` without its leading '/', as formats without a key field define the key.
constexpr std::string_view key_from_path(std::string_view path) {
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    return path;
}

/// True when `v` is entirely inside `outer` (or empty): the Records' view contract.
inline bool view_inside(std::string_view v, std::string_view outer) {
    if (v.empty()) return true;
    return v.data() >= outer.data() && v.data() + v.size() <= outer.data() + outer.size();
}

}  // namespace s3top::scan
