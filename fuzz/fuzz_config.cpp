// libFuzzer target: the config file (s3top.conf, TOML through toml++) and price tables. The
// input's first byte picks which; the rest is the document. Properties, checked on every input
// (a violation aborts, so libFuzzer keeps the input):
//   - no crash, no sanitizer report, no hang, no exception out of the parser;
//   - a rejected document gets a message, and its error names the file it was given.
// Texts naming a price_table file are skipped: reading a file the text names (/dev/zero ...)
// is the unit tests' business, not the parser's.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/config/config.hpp"

namespace {

[[noreturn]] void fail(const char* what, std::string_view text) {
    std::fprintf(stderr, "fuzz_config: property violated: %s\n  input: %.*s\n", what, static_cast<int>(text.size()),
                 text.data());
    std::abort();
}

void check_error(const s3top::ConfigError& e, std::string_view text) {
    if (e.message.empty()) fail("error without a message", text);
    if (e.file != "fuzz.conf") fail("error does not name the file", text);
    (void)e.to_string();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (text.find("price_table") != std::string_view::npos) return 0;
    static const s3top::Config base = s3top::builtin_config();
    if (data[0] & 1) {
        const auto p = s3top::parse_price_table(text, "fuzz.conf");
        if (!p) check_error(p.error(), text);
    } else {
        const auto c = s3top::apply_config_text(base, text, "fuzz.conf", "/nonexistent-fuzz-dir");
        if (!c) check_error(c.error(), text);
    }
    return 0;
}
