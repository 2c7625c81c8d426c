// libFuzzer target: the CloudFront parser on arbitrary lines. The first byte picks whether a
// "#Fields:" header (from the rest of the input's first line) is applied first.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/parse/cloudfront_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    s3top::CloudFrontLineParser p;
    std::size_t pos = 0;
    while (pos <= in.size()) {
        auto nl = in.find('\n', pos);
        if (nl == std::string_view::npos) nl = in.size();
        const std::string_view line = in.substr(pos, nl - pos);
        if (const auto r = p.parse(line)) {
            if (!r->remote_ip.empty() && (r->remote_ip.data() < line.data() ||
                                          r->remote_ip.data() + r->remote_ip.size() > line.data() + line.size()))
                __builtin_trap();
        }
        pos = nl + 1;
    }
    return 0;
}
