#include "tui/format.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace s3top::tui {
namespace {

// Three significant digits of value/unit, never four: past 999.5 of a unit the next one is used.
std::string scaled(std::uint64_t n, double base, const std::array<std::string_view, 6>& units, std::string_view sep) {
    double v = static_cast<double>(n);
    std::size_t u = 0;
    while (u + 1 < units.size() && v >= base) {
        v /= base;
        ++u;
    }
    if (v >= 999.5 && u + 1 < units.size()) {  // keep three digits: 1000 KiB reads 0.98 MiB
        v /= base;
        ++u;
    }
    std::string digits;
    if (v < 9.995) {
        digits = fmt::format("{:.2f}", v);
    } else if (v < 99.95) {
        digits = fmt::format("{:.1f}", v);
    } else {
        digits = fmt::format("{:.0f}", v);
    }
    return digits + std::string(sep) + std::string(units[u]);
}

}  // namespace

std::string group_thousands(std::uint64_t n) {
    std::string s = std::to_string(n);
    for (auto i = static_cast<std::ptrdiff_t>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), 1, ',');
    return s;
}

std::string format_bytes(std::uint64_t bytes, bool exact) {
    if (exact) return group_thousands(bytes) + " B";
    if (bytes < 1024) return std::to_string(bytes) + " B";
    static constexpr std::array<std::string_view, 6> kUnits = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    return scaled(bytes, 1024.0, kUnits, " ");
}

std::string format_count(std::uint64_t n, bool exact) {
    if (exact) return group_thousands(n);
    if (n < 1000) return std::to_string(n);
    static constexpr std::array<std::string_view, 6> kUnits = {"", "k", "M", "G", "T", "P"};
    return scaled(n, 1000.0, kUnits, "");
}

std::string format_percent(std::uint64_t part, std::uint64_t total) {
    if (total == 0 || part == 0) return "0%";
    const double p = 100.0 * static_cast<double>(part) / static_cast<double>(total);
    if (p >= 9.95) return fmt::format("{:.0f}%", p);
    if (p >= 0.05) return fmt::format("{:.1f}%", p);
    return "<0.1%";
}

}  // namespace s3top::tui
