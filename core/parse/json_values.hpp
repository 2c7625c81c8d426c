#pragma once
// Internal to core/parse: turning captured JSON scalars into Record numbers and times.
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/parse/field_scan.hpp"

namespace s3top::jsonwalk {

/// Epoch seconds from a JSON time: a number of seconds (ms/us/ns when implausibly large), or a
/// string holding ISO 8601 or such a number.
inline std::optional<std::int64_t> json_time(std::string_view t) {
    if (t.empty()) return std::nullopt;
    if (auto iso = scan::parse_iso8601_utc(t)) return iso;
    const auto dot = t.find_first_of(".eE");
    std::uint64_t v = 0;
    if (!scan::parse_u64(t.substr(0, dot), v)) return std::nullopt;
    if (dot != std::string_view::npos && t[dot] != '.') return std::nullopt;  // exponent forms: not for times
    while (v >= 100'000'000'000ULL) v /= 1000;                                // ms, us, ns since the epoch
    return static_cast<std::int64_t>(v);
}

/// A JSON number (or numeric string) as an unsigned integer; a fraction is dropped.
inline bool json_u64(std::string_view t, std::uint64_t& out) {
    const auto dot = t.find('.');
    if (!scan::parse_u64(t.substr(0, dot), out)) return false;
    if (dot != std::string_view::npos) {
        for (const char c : t.substr(dot + 1)) {
            if (c < '0' || c > '9') return false;
        }
    }
    return true;
}

}  // namespace s3top::jsonwalk
