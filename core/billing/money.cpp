#include "core/billing/money.hpp"

#include <limits>

namespace s3top {
namespace {
constexpr std::int64_t pow10(int n) {
    std::int64_t v = 1;
    for (int i = 0; i < n; ++i) v *= 10;
    return v;
}
}  // namespace

std::int64_t div_round_half_up(Int128 num, Int128 den) {
    const bool neg = num < 0;
    const Int128 a = neg ? -num : num;
    Int128 q = a / den;
    if ((a % den) * 2 >= den) ++q;
    if (neg) q = -q;
    if (q > std::numeric_limits<std::int64_t>::max()) return std::numeric_limits<std::int64_t>::max();
    if (q < std::numeric_limits<std::int64_t>::min()) return std::numeric_limits<std::int64_t>::min();
    return static_cast<std::int64_t>(q);
}

std::optional<std::int64_t> parse_scaled_decimal(std::string_view s, int scale) {
    bool neg = false;
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
        neg = s.front() == '-';
        s.remove_prefix(1);
    }
    if (s.empty()) return std::nullopt;
    Int128 v = 0;
    int decimals = -1;  // -1: before the point
    bool any_digit = false;
    for (const char c : s) {
        if (c == '.') {
            if (decimals >= 0) return std::nullopt;
            decimals = 0;
            continue;
        }
        if (c == '_') continue;  // "10_240" reads like TOML integers
        if (c < '0' || c > '9') return std::nullopt;
        any_digit = true;
        if (decimals >= 0 && ++decimals > scale) {
            if (c != '0') return std::nullopt;  // trailing zeros past the scale are harmless
            continue;
        }
        v = v * 10 + (c - '0');
        if (v > Int128{std::numeric_limits<std::int64_t>::max()}) return std::nullopt;
    }
    if (!any_digit) return std::nullopt;
    const int have = decimals < 0 ? 0 : std::min(decimals, scale);
    v *= pow10(scale - have);
    if (v > Int128{std::numeric_limits<std::int64_t>::max()}) return std::nullopt;
    return static_cast<std::int64_t>(neg ? -v : v);
}

std::string format_scaled_decimal(std::int64_t value, int scale, int decimals) {
    std::int64_t v = value;
    if (decimals < scale) v = div_round_half_up(Int128{value}, pow10(scale - decimals));
    const int shown_scale = std::min(decimals, scale);
    const bool neg = v < 0;
    const auto mag = static_cast<std::uint64_t>(neg ? -(Int128{v}) : Int128{v});
    const auto unit = static_cast<std::uint64_t>(pow10(shown_scale));
    std::string out = neg ? "-" : "";
    out += std::to_string(mag / unit);
    if (decimals > 0) {
        std::string frac = shown_scale ? std::to_string(mag % unit) : std::string();
        frac.insert(0, static_cast<std::size_t>(shown_scale) - frac.size(), '0');
        frac.append(static_cast<std::size_t>(decimals - shown_scale), '0');
        out += "." + frac;
    }
    return out;
}

std::int64_t round_to_cents(std::int64_t micros) { return div_round_half_up(Int128{micros}, 10'000) * 10'000; }

}  // namespace s3top
