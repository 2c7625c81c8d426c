// libFuzzer target: request-line splitting, query-parameter lookup and percent-decoding (what
// turns `GET /b/k?org=acme%2D17 HTTP/1.1` into the org "acme-17").
// Properties:
//   - no crash, no sanitizer report, no hang;
//   - split_request_line's parts are views inside the input;
//   - url_decode never grows its input and leaves alone what needs_url_decode passes;
//   - query_param equals url_decode(query_param_raw) (with '+' as space), and a raw value is a
//     view inside the query.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/parse/uri.hpp"

namespace {

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_uri: property violated: %s\n", what);
    std::abort();
}

void inside(std::string_view v, std::string_view whole, const char* what) {
    if (v.empty()) return;
    if (v.data() < whole.data() || v.data() + v.size() > whole.data() + whole.size()) fail(what);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    const s3top::RequestLine rl = s3top::split_request_line(in);
    inside(rl.method, in, "method outside the input");
    inside(rl.path, in, "path outside the input");
    inside(rl.query, in, "query outside the input");
    inside(rl.protocol, in, "protocol outside the input");

    std::string out;
    for (const bool plus : {false, true}) {
        s3top::url_decode(in, out, plus);
        if (out.size() > in.size()) fail("url_decode grew its input");
        if (!s3top::needs_url_decode(in, plus) && out != in) fail("url_decode changed what needs_url_decode passed");
    }

    // Parameter names: a few fixed ones, and the first key in the query itself.
    std::string_view query = rl.query.empty() ? in : rl.query;
    std::string first(query.substr(0, std::min(query.find_first_of("=&"), query.size())));
    std::string decoded_first;
    s3top::url_decode(first, decoded_first, true);
    std::string scratch, want;
    for (const std::string_view name :
         {std::string_view("org"), std::string_view("x-org"), std::string_view(decoded_first), std::string_view("")}) {
        const auto raw = s3top::query_param_raw(query, name);
        const auto value = s3top::query_param(query, name, scratch);
        if (raw.has_value() != value.has_value()) fail("query_param and query_param_raw disagree on presence");
        if (!raw) continue;
        inside(*raw, query, "raw query value outside the query");
        s3top::url_decode(*raw, want, true);
        if (*value != want) fail("query_param is not the decoded raw value");
    }
    return 0;
}
