#include "core/parse/clf_time.hpp"

#include <cstdint>

#include "core/parse/field_scan.hpp"
#include "core/util/civil_time.hpp"

namespace s3top {
namespace {

constexpr bool two(std::string_view s, std::size_t pos, int& out) {
    const char a = s[pos], b = s[pos + 1];
    if (a < '0' || a > '9' || b < '0' || b > '9') return false;
    out = (a - '0') * 10 + (b - '0');
    return true;
}

// Month from its three-letter English name; 0 when unknown. Case-insensitive, as some
// writers lower-case it.
constexpr unsigned month_number(char a, char b, char c) {
    constexpr std::string_view kNames = "janfebmaraprmayjunjulaugsepoctnovdec";
    const auto lower = [](char ch) { return static_cast<char>(ch | 0x20); };
    const char m[3] = {lower(a), lower(b), lower(c)};
    for (unsigned i = 0; i < 12; ++i) {
        if (kNames[i * 3] == m[0] && kNames[i * 3 + 1] == m[1] && kNames[i * 3 + 2] == m[2]) return i + 1;
    }
    return 0;
}

// "06/Feb/2019" (the date part, checked) and its days since the epoch.
struct DateMemo {
    static constexpr std::size_t kSize = 11;
    char text[kSize] = {};
    std::int64_t days = 0;
    bool set = false;
};

// The 11 bytes of two dates equal, by two overlapping 8-byte words (a memcmp of a known length
// is still a call).
bool same_date(const char* a, const char* b) {
    static_assert(DateMemo::kSize == 11);
    using scan::load_word;
    return ((load_word<std::uint64_t>(a) ^ load_word<std::uint64_t>(b)) |
            (load_word<std::uint64_t>(a + 3) ^ load_word<std::uint64_t>(b + 3))) == 0;
}

// Byte i of the result: ten times digit i plus digit i + 1 of w (its digits under `digits`).
constexpr std::uint64_t digit_pairs(std::uint64_t w, std::uint64_t digits) {
    const std::uint64_t d = scan::digit_values(w, digits);
    return d * 10 + (d >> 8);
}

}  // namespace

std::optional<std::int64_t> parse_clf_time(std::string_view s) {
    // 0123456789012345678901234567
    // 06/Feb/2019:00:00:38 +0000
    if (s.size() != 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' || (s[21] != '+' && s[21] != '-'))
        return std::nullopt;
    // "00:00:38" at 12 and "38 +0000" at 18, a word each: the separators and the digits checked by
    // masks, the numbers by one multiply-add a word, not a branch a byte.
    const std::uint64_t clock = scan::load_word<std::uint64_t>(s.data() + 12),
                        zone = scan::load_word<std::uint64_t>(s.data() + 18);
    constexpr std::uint64_t kClockDigits = 0xffff00ffff00ffffull;  // bytes 0, 1, 3, 4, 6, 7
    constexpr std::uint64_t kColons = std::uint64_t{':'} << 16 | std::uint64_t{':'} << 40;
    constexpr std::uint64_t kZoneDigits = 0xffffffff0000ffffull;  // bytes 0, 1, 4, 5, 6, 7
    if ((clock & ~kClockDigits) != kColons || ((zone >> 16) & 0xff) != ' ' || !scan::all_digits(clock, kClockDigits) ||
        !scan::all_digits(zone, kZoneDigits))
        return std::nullopt;
    const std::uint64_t c = digit_pairs(clock, kClockDigits), z = digit_pairs(zone, kZoneDigits);
    const int h = static_cast<int>(c & 0xff), mi = static_cast<int>((c >> 24) & 0xff),
              se = static_cast<int>((c >> 48) & 0xff);
    const int oh = static_cast<int>((z >> 32) & 0xff), om = static_cast<int>((z >> 48) & 0xff);
    if (h > 23 || mi > 59 || se > 60 || oh > 14 || om > 59) return std::nullopt;
    // A log's lines come day after day: the date of the last line read on this thread is kept
    // with its day number, and only a new date is checked and converted.
    thread_local DateMemo memo;
    const std::string_view date = s.substr(0, DateMemo::kSize);
    if (!memo.set || !same_date(date.data(), memo.text)) {
        int day = 0, y1 = 0, y2 = 0;
        if (!two(s, 0, day) || !two(s, 7, y1) || !two(s, 9, y2)) return std::nullopt;
        const unsigned month = month_number(s[3], s[4], s[5]);
        const int year = y1 * 100 + y2;
        if (month == 0 || year < 1970 || day < 1 || static_cast<unsigned>(day) > days_in_month(year, month))
            return std::nullopt;
        date.copy(memo.text, DateMemo::kSize);
        memo.days = days_from_civil(year, month, static_cast<unsigned>(day));
        memo.set = true;
    }
    const std::int64_t local = memo.days * 86400 + h * 3600 + mi * 60 + se;
    const std::int64_t offset = (oh * 3600 + om * 60) * (s[21] == '-' ? -1 : 1);
    return local - offset;
}

}  // namespace s3top
