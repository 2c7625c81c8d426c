#pragma once
// The Common Log Format time used by S3, Apache and nginx: "06/Feb/2019:00:00:38 +0000".
#include <cstdint>
#include <optional>
#include <string_view>

namespace s3top {

/// Parses "dd/Mon/yyyy:HH:MM:SS +zzzz" (no brackets) to UTC epoch seconds, honouring the
/// offset. English month names only; no strptime, no locale. nullopt when malformed or out of
/// range (day past the month's end, hour 24, offset past +-14:00 ...).
std::optional<std::int64_t> parse_clf_time(std::string_view s);

}  // namespace s3top
