// libFuzzer target: CloudTrail documents ({"Records":[...]}, single events, arrays, NDJSON).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/parse/cloudtrail_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static s3top::CloudTrailParser parser;
    const std::string_view doc(reinterpret_cast<const char*>(data), size);
    std::string error;
    std::size_t n = 0;
    (void)parser.parse(
        doc, [&](const s3top::Record& r) { n += r.operation.size(); },
        [&](std::string_view excerpt, s3top::ParseError) {
            if (excerpt.size() > 200) __builtin_trap();
        },
        error);
    return 0;
}
