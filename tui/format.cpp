#include "tui/format.hpp"

#include <fmt/format.h>

#include "core/report/units.hpp"

namespace s3top::tui {

// Human units are core's (the same text as the reports); the dashboard adds exact mode.

std::string group_thousands(std::uint64_t n) { return grouped(n); }

std::string format_bytes(std::uint64_t bytes, bool exact) { return exact ? grouped(bytes) + " B" : human_bytes(bytes); }

std::string format_count(std::uint64_t n, bool exact) { return exact ? grouped(n) : human_count(n); }

std::string format_percent(std::uint64_t part, std::uint64_t total) {
    if (total == 0 || part == 0) return "0%";
    const double p = 100.0 * static_cast<double>(part) / static_cast<double>(total);
    if (p >= 9.95) return fmt::format("{:.0f}%", p);
    if (p >= 0.05) return fmt::format("{:.1f}%", p);
    return "<0.1%";
}

}  // namespace s3top::tui
