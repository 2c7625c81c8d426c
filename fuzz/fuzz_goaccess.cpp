// libFuzzer target: GoAccess format strings. The input is "<log format>\n<date format>\n<time
// format>\n<log line>"; missing parts are empty. Compiling must never crash, and a compiled
// format must parse the line without reading outside it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/parse/goaccess_format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    std::string_view parts[4];
    for (int i = 0; i < 3; ++i) {
        const auto nl = in.find('\n');
        parts[i] = in.substr(0, nl);
        in = nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1);
    }
    parts[3] = in;
    const auto f = s3top::compile_goaccess_format(parts[0], parts[1], parts[2]);
    if (!f) return 0;
    if (const auto r = s3top::parse_goaccess_line(*f, parts[3])) {
        const std::string_view line = parts[3];
        for (const std::string_view v : {r->remote_ip, r->request_uri, r->path, r->user_agent, r->referrer}) {
            if (!v.empty() && (v.data() < line.data() || v.data() + v.size() > line.data() + line.size()))
                __builtin_trap();
        }
    }
    return 0;
}
