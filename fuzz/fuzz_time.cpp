// libFuzzer target: the time parsers — CLF time ("06/Feb/2019:00:00:38 +0000"), ISO 8601
// (filters, CloudTrail, JSON logs) and the strftime-style formats of --date-format/--time-format.
// The first byte picks the parser; the rest is the text.
// Properties:
//   - no crash, no sanitizer report (signed overflow included), no hang;
//   - an accepted ISO time prints (format_iso8601) as text that parses back to the same
//     instant; an accepted CLF time does too, and lies in years 0..9999;
//   - a compiled strftime format never matches text that converts to an out-of-range time.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/parse/clf_time.hpp"
#include "core/parse/time_format.hpp"
#include "core/util/civil_time.hpp"

namespace {

[[noreturn]] void fail(const char* what, std::string_view text) {
    std::fprintf(stderr, "fuzz_time: property violated: %s\n  input: %.*s\n", what, static_cast<int>(text.size()),
                 text.data());
    std::abort();
}

// Year 0 .. 9999 in epoch seconds.
constexpr std::int64_t kMinEpoch = -62167219200LL;
constexpr std::int64_t kMaxEpoch = 253402300799LL;

void round_trip(std::int64_t t, std::string_view text) {
    if (t < kMinEpoch - 14 * 3600 || t > kMaxEpoch + 14 * 3600) return;  // offsets may step past the edges
    const std::string iso = s3top::format_iso8601(t);
    const auto back = s3top::parse_iso8601(iso);
    if (t >= kMinEpoch && t <= kMaxEpoch && (!back || *back != t))
        fail(("format_iso8601 does not parse back: " + iso).c_str(), text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 3) {
        case 0:
            if (const auto t = s3top::parse_clf_time(text)) {
                if (*t < kMinEpoch - 14 * 3600 || *t > kMaxEpoch + 14 * 3600) fail("CLF time out of range", text);
                round_trip(*t, text);
            }
            break;
        case 1:
            if (const auto t = s3top::parse_iso8601(text)) round_trip(*t, text);
            break;
        default: {
            // "FORMAT\nTEXT": compile the format, match the text.
            const auto nl = text.find('\n');
            if (nl == std::string_view::npos) break;
            const auto fmt = s3top::TimeFormat::compile(text.substr(0, nl));
            if (!fmt) break;
            s3top::TimeParts parts;
            if (fmt->parse(text.substr(nl + 1), parts)) (void)s3top::time_parts_to_epoch(parts);
            break;
        }
    }
    return 0;
}
