// libFuzzer target: the ALB and Classic ELB parsers on one arbitrary line.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/parse/elb_log.hpp"

namespace {
void check(const s3top::ParseResult& r, std::string_view line) {
    if (!r) return;
    for (const std::string_view v : {r->remote_ip, r->path, r->query, r->user_agent, r->host_header}) {
        if (!v.empty() && (v.data() < line.data() || v.data() + v.size() > line.data() + line.size())) __builtin_trap();
    }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    check(s3top::parse_alb_log(line), line);
    check(s3top::parse_elb_log(line), line);
    return 0;
}
