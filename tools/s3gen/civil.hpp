// s3gen: calendar arithmetic without <ctime>/strftime/locales
// (Howard Hinnant's days_from_civil / civil_from_days).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace s3gen {

constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153U * (m > 2 ? m - 3 : m + 9) + 2U) / 5U + d - 1U;
    const unsigned doe = yoe * 365U + yoe / 4U - yoe / 100U + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
    std::int64_t year;
    unsigned month;  // 1..12
    unsigned day;    // 1..31
};

constexpr Civil civil_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460U + doe / 36524U - doe / 146096U) / 365U;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365U * yoe + yoe / 4U - yoe / 100U);
    const unsigned mp = (5U * doy + 2U) / 153U;
    const unsigned d = doy - (153U * mp + 2U) / 5U + 1U;
    const unsigned m = mp < 10U ? mp + 3U : mp - 9U;
    return Civil{y + (m <= 2U ? 1 : 0), m, d};
}

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    const std::int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// Broken-down UTC (or local-with-offset) time of a Unix timestamp.
struct DateTime {
    Civil date;
    unsigned hour, minute, second;
};

constexpr DateTime split_time(std::int64_t unix_seconds) noexcept {
    const std::int64_t days = floor_div(unix_seconds, 86400);
    const auto secs = static_cast<unsigned>(unix_seconds - days * 86400);
    return DateTime{civil_from_days(days), secs / 3600U, (secs / 60U) % 60U, secs % 60U};
}

inline constexpr std::string_view kMonthAbbr[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS" (also with ' ' instead of 'T'
// and an optional trailing 'Z') as UTC.
inline std::optional<std::int64_t> parse_utc(std::string_view s) noexcept {
    auto num = [&](std::size_t pos, std::size_t len, unsigned& out) {
        if (pos + len > s.size()) return false;
        unsigned v = 0;
        for (std::size_t i = pos; i < pos + len; ++i) {
            const char c = s[i];
            if (c < '0' || c > '9') return false;
            v = v * 10U + static_cast<unsigned>(c - '0');
        }
        out = v;
        return true;
    };
    if (!s.empty() && s.back() == 'Z') s.remove_suffix(1);
    unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    if (!num(0, 4, y) || s.size() < 10 || s[4] != '-' || !num(5, 2, mo) || s[7] != '-' || !num(8, 2, d))
        return std::nullopt;
    if (s.size() != 10) {
        if (s.size() != 19 || (s[10] != 'T' && s[10] != ' ') || !num(11, 2, h) || s[13] != ':' || !num(14, 2, mi) ||
            s[16] != ':' || !num(17, 2, se))
            return std::nullopt;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return std::nullopt;
    const std::int64_t days = days_from_civil(y, mo, d);
    if (civil_from_days(days).day != d) return std::nullopt;  // e.g. Feb 30
    return days * 86400 + static_cast<std::int64_t>(h * 3600U + mi * 60U + se);
}

}  // namespace s3gen
