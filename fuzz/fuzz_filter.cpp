// libFuzzer target: the filter expression language (--filter, the dashboard's / prompt) and
// the --org-from spec. The input's first byte picks which; the rest is the text.
// Properties, checked on every input (a violation aborts, so libFuzzer keeps the input):
//   - no crash, no sanitizer report, no hang;
//   - a filter that parses prints (Filter::to_string) as text that parses back to an equal
//     Filter, and printing that again gives the same text (canonical form);
//   - a rejected filter's message is one line;
//   - an accepted org source is well formed (a parameter name, a depth 1..9).
#include <regex>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/agg/batch.hpp"
#include "core/agg/filter.hpp"

namespace {

[[noreturn]] void fail(const char* what, std::string_view text) {
    std::fprintf(stderr, "fuzz_filter: property violated: %s\n  input: %.*s\n", what, static_cast<int>(text.size()),
                 text.data());
    std::abort();
}

void check_filter(std::string_view text) {
    const auto f = s3top::parse_filter(text);
    if (!f) {
        if (f.error().empty()) fail("empty error message", text);
        return;
    }
    // Values from the drill-down and matching must not crash either (regexes excluded: they are
    // the user's own pattern, and a pathological one is slow by design of std::regex).
    for (const auto& t : f->terms) {
        if ((t.op == s3top::FilterTerm::Op::Regex || t.op == s3top::FilterTerm::Op::NotRegex)) {
            if (t.values.size() != 1) fail("a regex term without exactly one pattern", text);
            continue;
        }
        if (t.values.empty()) fail("a term without values", text);
        static const std::regex kNone;
        (void)s3top::term_matches_value(t, text.substr(0, 64), kNone);
        (void)s3top::term_matches_value(t, "", kNone);
    }
    const std::string printed = f->to_string();
    const auto again = s3top::parse_filter(printed);
    if (!again) fail(("canonical text does not parse: " + printed + " : " + again.error()).c_str(), text);
    if (!(*again == *f)) fail(("canonical text parses to a different filter: " + printed).c_str(), text);
    if (again->to_string() != printed) fail(("to_string is not canonical: " + printed).c_str(), text);
}

void check_org_source(std::string_view text) {
    std::string error;
    const auto o = s3top::parse_org_source(text, error);
    if (!o) {
        if (error.empty()) fail("org source rejected without a message", text);
        return;
    }
    using K = s3top::OrgSource::Kind;
    if (o->kind == K::QueryParam) {
        if (o->params.empty()) fail("query-param org source without a name", text);
        for (const auto& p : o->params) {
            if (p.empty()) fail("empty query parameter name", text);
            if (p.find(',') != std::string::npos) fail("a parameter name holds a comma", text);
        }
    }
    if (o->kind == K::KeyPrefix && (o->depth < 1 || o->depth > 9)) fail("prefix depth out of 1..9", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] & 1) {
        check_org_source(text);
    } else {
        check_filter(text);
    }
    return 0;
}
