#include "core/util/civil_time.hpp"

#include <fmt/format.h>

namespace s3top {

std::string format_iso8601(std::int64_t t) {
    const std::int64_t days = floor_div(t, 86400);
    const std::int64_t secs = t - days * 86400;
    const CivilDate d = civil_from_days(days);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", d.year, d.month, d.day, secs / 3600, secs / 60 % 60,
                       secs % 60);
}

std::optional<std::int64_t> parse_iso8601(std::string_view s) {
    int y = 0, mo = 0, d = 1, h = 0, mi = 0, se = 0;
    if (!digits(s, 0, 4, y) || s.size() < 7 || s[4] != '-' || !digits(s, 5, 2, mo)) return std::nullopt;
    std::size_t pos = 7;
    if (pos < s.size()) {
        if (s[pos] != '-' || !digits(s, pos + 1, 2, d)) return std::nullopt;
        pos += 3;
        if (pos < s.size()) {
            if ((s[pos] != 'T' && s[pos] != ' ') || !digits(s, pos + 1, 2, h) || pos + 3 >= s.size() ||
                s[pos + 3] != ':' || !digits(s, pos + 4, 2, mi))
                return std::nullopt;
            pos += 6;
            if (pos < s.size() && s[pos] == ':') {
                if (!digits(s, pos + 1, 2, se)) return std::nullopt;
                pos += 3;
            }
            if (pos < s.size() && s[pos] == 'Z') ++pos;
            if (pos != s.size()) return std::nullopt;
        }
    }
    if (mo < 1 || mo > 12 || d < 1 || static_cast<unsigned>(d) > days_in_month(y, static_cast<unsigned>(mo)) ||
        h > 23 || mi > 59 || se > 60)
        return std::nullopt;
    return days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + se;
}

}  // namespace s3top
