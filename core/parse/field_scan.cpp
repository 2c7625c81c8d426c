#include "core/parse/field_scan.hpp"

#include <cstring>
#include <limits>

#include "core/util/civil_time.hpp"

namespace s3top::scan {

bool parse_duration_us(std::string_view t, std::uint64_t scale_us, std::uint64_t& us, bool& present) {
    present = false;
    us = 0;
    if (t.empty()) return false;
    if (t == "-" || t[0] == '-') {
        // "-1" (ALB/ELB: no connection to a target) and other negatives mean "not measured".
        for (std::size_t i = 1; i < t.size(); ++i) {
            if ((t[i] < '0' || t[i] > '9') && t[i] != '.') return false;
        }
        return true;
    }
    const std::size_t dot = t.find('.');
    const std::string_view whole = t.substr(0, dot);
    std::uint64_t w = 0;
    if (!whole.empty() && !parse_u64(whole, w)) return false;
    if (whole.size() > 12) return false;  // far past any real duration; keeps the products in range
    std::uint64_t frac_us = 0;
    if (dot != std::string_view::npos) {
        const std::string_view frac = t.substr(dot + 1);
        if (frac.empty() && whole.empty()) return false;
        // Fraction digits worth less than 1/10 of a microsecond of the unit are only rounding.
        std::uint64_t num = 0, den = 1;
        for (std::size_t i = 0; i < frac.size(); ++i) {
            const char c = frac[i];
            if (c < '0' || c > '9') return false;
            if (i < 12) {
                num = num * 10 + static_cast<std::uint64_t>(c - '0');
                den *= 10;
            }
        }
        frac_us = (num * scale_us + den / 2) / den;
    } else if (whole.empty()) {
        return false;
    }
    us = w * scale_us + frac_us;
    present = true;
    return true;
}

std::uint32_t us_to_ms(std::uint64_t us) {
    const std::uint64_t ms = (us + 500) / 1000;
    return ms > std::numeric_limits<std::uint32_t>::max() ? std::numeric_limits<std::uint32_t>::max()
                                                          : static_cast<std::uint32_t>(ms);
}

namespace {

std::optional<std::int64_t> civil_seconds(int y, int mo, int d, int h, int mi, int se) {
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 ||
        static_cast<unsigned>(d) > days_in_month(y, static_cast<unsigned>(mo)) || h > 23 || mi > 59 || se > 60)
        return std::nullopt;
    return days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + se;
}
}  // namespace

std::optional<std::int64_t> parse_date_time_columns(std::string_view date, std::string_view time) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    if (date.size() != 10 || date[4] != '-' || date[7] != '-' || !digits(date, 0, 4, y) || !digits(date, 5, 2, mo) ||
        !digits(date, 8, 2, d))
        return std::nullopt;
    if (time.size() < 8 || time[2] != ':' || time[5] != ':' || !digits(time, 0, 2, h) || !digits(time, 3, 2, mi) ||
        !digits(time, 6, 2, se))
        return std::nullopt;
    if (time.size() > 8) {  // fractional seconds are dropped
        if (time[8] != '.') return std::nullopt;
        for (std::size_t i = 9; i < time.size(); ++i) {
            if (time[i] < '0' || time[i] > '9') return std::nullopt;
        }
    }
    return civil_seconds(y, mo, d, h, mi, se);
}

std::optional<std::int64_t> parse_iso8601_utc(std::string_view s) {
    if (s.size() < 19 || (s[10] != 'T' && s[10] != ' ')) return std::nullopt;
    auto base = parse_date_time_columns(s.substr(0, 10), s.substr(11, 8));
    if (!base) return std::nullopt;
    std::size_t pos = 19;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        const std::size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
        if (pos == start) return std::nullopt;
    }
    if (pos == s.size()) return base;
    if (s[pos] == 'Z' || s[pos] == 'z') return pos + 1 == s.size() ? base : std::nullopt;
    if (s[pos] != '+' && s[pos] != '-') return std::nullopt;
    const bool neg = s[pos] == '-';
    int oh = 0, om = 0;
    if (!digits(s, pos + 1, 2, oh)) return std::nullopt;
    std::size_t p = pos + 3;
    if (p < s.size() && s[p] == ':') ++p;
    if (p < s.size()) {
        if (!digits(s, p, 2, om)) return std::nullopt;
        p += 2;
    }
    if (p != s.size() || oh > 14 || om > 59) return std::nullopt;
    const std::int64_t off = (oh * 3600 + om * 60) * (neg ? -1 : 1);
    return *base - off;
}

std::string_view host_without_port(std::string_view hp, bool always_port) {
    if (hp.empty()) return hp;
    if (hp.front() == '[') {
        const auto close = hp.find(']');
        return close == std::string_view::npos ? hp.substr(1) : hp.substr(1, close - 1);
    }
    const auto first = hp.find(':');
    if (first == std::string_view::npos) return hp;
    const auto last = hp.rfind(':');
    if (first == last) return hp.substr(0, first);  // IPv4 or name with a port
    if (!always_port) return hp;                    // a bare IPv6 address without port
    return hp.substr(0, last);
}

std::size_t next_unescaped_quote(std::string_view line, std::size_t from) {
    const char* const base = line.data();
    std::size_t pos = from;
    while (pos < line.size()) {
        const void* hit = std::memchr(base + pos, '"', line.size() - pos);
        if (!hit) return std::string_view::npos;
        const auto q = static_cast<std::size_t>(static_cast<const char*>(hit) - base);
        // Escaped when an odd number of backslashes (back to `from`) stands right before it.
        std::size_t b = q;
        while (b > from && line[b - 1] == '\\') --b;
        if ((q - b) % 2 == 0) return q;
        pos = q + 1;
    }
    return std::string_view::npos;
}

std::size_t closing_quote(std::string_view line, std::size_t open) { return next_unescaped_quote(line, open + 1); }

TargetParts split_absolute_target(std::string_view target) {
    TargetParts p{{}, target};
    const auto colon = target.find("://");
    if (colon == std::string_view::npos || colon == 0 || colon > 8) return p;
    for (std::size_t i = 0; i < colon; ++i) {
        const char c = target[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return p;
    }
    const std::string_view after = target.substr(colon + 3);
    const auto slash = after.find_first_of("/?");
    if (slash == std::string_view::npos) {
        p.authority = after;
        p.rest = {};
    } else {
        p.authority = after.substr(0, slash);
        p.rest = after.substr(slash);
    }
    return p;
}

}  // namespace s3top::scan
