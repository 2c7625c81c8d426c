// libFuzzer target: the newline-delimited JSON parser (Caddy mapping), one parser reused
// across the input's lines as in real use.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/parse/jsonl_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static s3top::JsonLineParser parser;
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    std::size_t pos = 0;
    while (pos <= in.size()) {
        auto nl = in.find('\n', pos);
        if (nl == std::string_view::npos) nl = in.size();
        (void)parser.parse(in.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return 0;
}
