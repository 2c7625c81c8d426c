#pragma once
// Numbers as the dashboard shows them: short human units by default, exact on request.
#include <cstdint>
#include <string>

namespace s3top::tui {

/// Bytes: "0 B", "999 B", "1.50 KiB", "12.3 MiB", "456 GiB" (core's human_bytes: binary
/// units, three significant digits). Exact: "1,234,567 B".
std::string format_bytes(std::uint64_t bytes, bool exact = false);

/// Counts: "999", "1.23k", "45.6k", "789k", "1.23M", "4.56G" (core's human_count). Exact:
/// "1,234,567".
std::string format_count(std::uint64_t n, bool exact = false);

/// Share as a percentage of `total`: "100%", "45%", "4.5%", "0.3%", "<0.1%", "0%" (total 0).
std::string format_percent(std::uint64_t part, std::uint64_t total);

/// Thousands separated with commas: 1234567 -> "1,234,567".
std::string group_thousands(std::uint64_t n);

}  // namespace s3top::tui
