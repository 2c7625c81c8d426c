#pragma once
// Calendar arithmetic in UTC without the C library's locale or time zone (Howard Hinnant's
// days_from_civil algorithms). All functions are pure and constexpr.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace s3top {

struct CivilDate {
    int year = 1970;
    unsigned month = 1;  ///< 1..12
    unsigned day = 1;    ///< 1..31
};

/// The `n` decimal digits at s[pos] (n small enough for an int); false when any is missing or
/// not a digit.
constexpr bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
    if (pos > s.size() || n > s.size() - pos) return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        const char c = s[i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

/// Days since 1970-01-01 for a proleptic Gregorian date.
constexpr std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// The date of a day count since 1970-01-01.
constexpr CivilDate civil_from_days(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return CivilDate{static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

constexpr bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr unsigned days_in_month(int y, unsigned m) {
    constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

/// Floor division of epoch seconds into days (correct for times before 1970).
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

/// "2024-03-01T04:05:06Z"
std::string format_iso8601(std::int64_t epoch_seconds);

/// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS][Z]" or "YYYY-MM-DD HH:MM[:SS]" (UTC), or "YYYY-MM"
/// (the first of that month). Returns nullopt when malformed or out of range.
std::optional<std::int64_t> parse_iso8601(std::string_view s);

}  // namespace s3top
