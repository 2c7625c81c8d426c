#include "core/parse/clf_time.hpp"

#include <cstring>

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
    std::uint64_t a0, a1, b0, b1;
    std::memcpy(&a0, a, 8);
    std::memcpy(&a1, a + 3, 8);
    std::memcpy(&b0, b, 8);
    std::memcpy(&b1, b + 3, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

}  // namespace

std::optional<std::int64_t> parse_clf_time(std::string_view s) {
    // 0123456789012345678901234567
    // 06/Feb/2019:00:00:38 +0000
    if (s.size() != 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' || s[17] != ':' || s[20] != ' ' ||
        (s[21] != '+' && s[21] != '-'))
        return std::nullopt;
    int h = 0, mi = 0, se = 0, oh = 0, om = 0;
    if (!two(s, 12, h) || !two(s, 15, mi) || !two(s, 18, se) || !two(s, 22, oh) || !two(s, 24, om) || h > 23 ||
        mi > 59 || se > 60 || oh > 14 || om > 59)
        return std::nullopt;
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
