#pragma once
// Exact money: amounts are integers in micro-units of the currency (1e-6), prices integers in
// nano-units (1e-9), products computed in 128 bits and divided once with an explicit rounding
// rule. No binary floating point anywhere on the money path.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace s3top {

__extension__ typedef __int128 Int128;  // GCC/Clang; __extension__ keeps -Wpedantic quiet

inline constexpr std::int64_t kMicrosPerUnit = 1'000'000;
inline constexpr std::int64_t kNanosPerUnit = 1'000'000'000;

/// num / den rounded half away from zero (den > 0). Saturates at the int64 range.
std::int64_t div_round_half_up(Int128 num, Int128 den);

/// Parses a plain decimal ("0.09", "-1", "12.500") into an integer scaled by 10^scale
/// ("0.09", 9 -> 90'000'000). nullopt when malformed, when it has more than `scale` decimals,
/// or when it overflows.
std::optional<std::int64_t> parse_scaled_decimal(std::string_view s, int scale);

/// `value` (scaled by 10^scale) as a decimal with exactly `decimals` digits after the point,
/// rounded half away from zero when decimals < scale: (12'345'678, 6, 2) -> "12.35".
std::string format_scaled_decimal(std::int64_t value, int scale, int decimals);

/// Micro-units rounded half up to a whole cent, still in micro-units.
std::int64_t round_to_cents(std::int64_t micros);

}  // namespace s3top
