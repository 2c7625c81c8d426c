#pragma once
// Numbers for people: binary byte units and short counts.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/agg/metrics.hpp"

namespace s3top {

/// "0 B", "999 B", "1.0 KiB", "12.3 MiB", "4.00 GiB" (three significant digits from KiB up).
std::string human_bytes(std::uint64_t bytes);
/// "999", "1.2k", "12.3M", "1.00G".
std::string human_count(std::uint64_t n);
/// "1,234,567".
std::string grouped(std::uint64_t n);

/// `text`, the shown form of field value `v` of `m`, as a lower bound (">" before it) when
/// that sum stopped at 2^64-1 (Metrics::overflow).
std::string bound(const Metrics& m, std::uint64_t v, std::string text);
/// The sentence every output carries when a sum stopped at 2^64-1.
std::string_view overflow_note();

}  // namespace s3top
