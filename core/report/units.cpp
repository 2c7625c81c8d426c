#include "core/report/units.hpp"

#include <fmt/format.h>

namespace s3top {
namespace {
std::string scaled(std::uint64_t v, double base, const char* const* units, int nunits, const char* sep) {
    if (static_cast<double>(v) < base) return fmt::format("{}{}{}", v, sep, units[0]);
    double x = static_cast<double>(v);
    int u = 0;
    while (x >= base && u + 1 < nunits) {
        x /= base;
        ++u;
    }
    if (x >= 99.95) return fmt::format("{:.0f}{}{}", x, sep, units[u]);
    if (x >= 9.995) return fmt::format("{:.1f}{}{}", x, sep, units[u]);
    return fmt::format("{:.2f}{}{}", x, sep, units[u]);
}
}  // namespace

std::string human_bytes(std::uint64_t bytes) {
    static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    return scaled(bytes, 1024.0, kUnits, 7, " ");
}

std::string human_count(std::uint64_t n) {
    static const char* const kUnits[] = {"", "k", "M", "G", "T", "P", "E"};
    return scaled(n, 1000.0, kUnits, 7, "");
}

std::string grouped(std::uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    const std::size_t len = digits.size();
    for (std::size_t i = 0; i < len; ++i) {
        if (i && (len - i) % 3 == 0) out.push_back(',');
        out.push_back(digits[i]);
    }
    return out;
}

std::string bound(const Metrics& m, std::uint64_t v, std::string text) { return m.saturated(v) ? ">" + text : text; }

std::string_view overflow_note() {
    return "OVERFLOW: a sum passed 2^64-1 (the logs claim implausible byte counts); values marked \">\" stopped "
           "there and are lower bounds, not exact totals";
}

}  // namespace s3top
