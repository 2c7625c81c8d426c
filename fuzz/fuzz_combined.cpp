// libFuzzer target: the Apache/nginx CLF-family parser on one arbitrary line.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/parse/clf_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    s3top::ClfShape shape;
    if (const auto r = s3top::parse_clf_line(line, &shape)) {
        for (const std::string_view v :
             {r->remote_ip, r->requester, r->request_uri, r->referrer, r->user_agent, r->host_header, r->key}) {
            if (!v.empty() && (v.data() < line.data() || v.data() + v.size() > line.data() + line.size()))
                __builtin_trap();
        }
    }
    return 0;
}
