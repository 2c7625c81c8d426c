// #22: every field of every line format's sample replaced by junk, one field at a time. Each
// result is either a rejection or a whole valid record: the fields the junk did not touch keep
// their values, a text field that changed reads from the junk's bytes (or is empty), and a
// number that changed is one the junk spells out ("-", JSON's null or nothing for an absent one). A number
// read from "-1", "1e3" or "12abc", or a time from junk, is a wrong number on an invoice.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <string>
#include <vector>

#include "core/parse/format_registry.hpp"
#include "parse_test_util.hpp"

namespace s3top {
namespace {

/// A field of a line: [begin, end) of its bytes, quotes and brackets included.
struct Span {
    std::size_t begin = 0, end = 0;
};

/// The fields of a delimited line: tokens separated by `sep`, where "…" (with \ escapes) and
/// […] are one token each.
std::vector<Span> fields_of_line(std::string_view line, char sep) {
    std::vector<Span> out;
    std::size_t i = 0;
    while (i <= line.size()) {
        const std::size_t start = i;
        if (i < line.size() && (line[i] == '"' || line[i] == '[')) {
            const char close = line[i] == '"' ? '"' : ']';
            ++i;
            while (i < line.size() && line[i] != close) i += line[i] == '\\' ? 2 : 1;
            i = std::min(i + 1, line.size());
        }
        while (i < line.size() && line[i] != sep) ++i;
        out.push_back({start, i});
        ++i;
    }
    return out;
}

/// The values of a JSON line: each string (quotes included) or number after a ':'.
std::vector<Span> values_of_json(std::string_view line) {
    std::vector<Span> out;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] != ':') continue;
        std::size_t b = i + 1, e = b;
        if (e < line.size() && line[e] == '"') {
            ++e;
            while (e < line.size() && line[e] != '"') e += line[e] == '\\' ? 2 : 1;
            ++e;
        } else {
            while (e < line.size() && line[e] != ',' && line[e] != '}' && line[e] != '{') ++e;
        }
        if (e > b && line[b] != '{') out.push_back({b, std::min(e, line.size())});
    }
    return out;
}

constexpr std::string_view kJunk[] = {
    "",
    "-",
    "x",
    "junk with spaces",
    "\"",
    "[",
    "\"\"",
    "-1",
    "1e3",
    "12abc",
    "0x1",
    "99999999999999999999999",
    "18446744073709551616",
    "\x01\x7f",
    "%ZZ%00",
    "é\xff",
    "0",
    "\t",
    "\\",
    "{}",
    "[]",
    "null",
    "\"a\"b",
};

struct Numbers {
    const char* name;
    std::uint64_t value;
};

std::vector<Numbers> numbers_of(const Record& r) {
    return {{"time", static_cast<std::uint64_t>(r.time)},
            {"status", r.status},
            {"bytes_sent", r.bytes_sent},
            {"bytes_in", r.bytes_in},
            {"object_size", r.object_size},
            {"total_time_ms", r.has_total_time ? r.total_time_ms : 0}};
}

/// What is wrong with `got`, parsed from `line` whose bytes [at, at + junk.size()) are `junk`
/// in place of a field of the whole line that gave `whole`; "" when nothing is.
std::string check(const Record& whole, const Record& got, std::string_view line, std::size_t at,
                  std::string_view junk) {
    std::string out;
    const auto before = test::views(whole);
    const auto after = test::views(got);
    for (std::size_t i = 0; i < after.size(); ++i) {
        const std::string_view v = after[i].second;
        if (v == before[i].second || v.empty()) continue;
        const bool in_line = v.data() >= line.data() && v.data() + v.size() <= line.data() + line.size();
        const bool in_junk =
            in_line && v.data() >= line.data() + at && v.data() + v.size() <= line.data() + at + junk.size();
        // A field decoded into the parser's own storage (CloudFront's %-encoded text) holds what the
        // junk decodes to; it is checked to come from the junk by its bytes not being the line's.
        if (in_junk || !in_line) continue;
        out += fmt::format(" {}='{}' (whole: '{}')", after[i].first, v, before[i].second);
    }
    const auto nb = numbers_of(whole);
    const auto na = numbers_of(got);
    for (std::size_t i = 0; i < na.size(); ++i) {
        if (na[i].value == nb[i].value) continue;
        bool absent = na[i].value == 0 && (junk.empty() || junk == "-" || junk == "null");
        // A time taken is a sum of the format's times (ALB and ELB log three, -1 when the
        // balancer could not send the request on): another number in one of them changes it.
        if (std::string_view(na[i].name) == "total_time_ms" && (junk == "-1" || junk == "0")) absent = true;
        const std::string spelled = std::to_string(na[i].value);
        const bool spelled_out = junk.find(spelled) != std::string_view::npos &&
                                 junk.find_first_not_of("0123456789") == std::string_view::npos;
        if (!absent && !spelled_out) out += fmt::format(" {}={} (whole: {})", na[i].name, na[i].value, nb[i].value);
    }
    return out;
}

class FieldJunk : public ::testing::TestWithParam<std::string_view> {};

TEST_P(FieldJunk, EachFieldReplacedByJunkIsRejectedOrAWholeRecord) {
    const LogFormat* format = find_format(GetParam());
    ASSERT_NE(format, nullptr);
    const std::string sample(format->sample);
    auto parser = format->make_line(FormatOptions{});
    ASSERT_TRUE(parser.has_value());
    const auto whole = (*parser)->parse(sample);
    ASSERT_TRUE(whole.has_value()) << test::describe(whole);
    const std::vector<Span> spans = GetParam() == "jsonl"        ? values_of_json(sample)
                                    : GetParam() == "cloudfront" ? fields_of_line(sample, '\t')
                                                                 : fields_of_line(sample, ' ');
    ASSERT_GE(spans.size(), 4u);
    std::size_t accepted = 0, rejected = 0;
    for (std::size_t f = 0; f < spans.size(); ++f) {
        for (const std::string_view junk : kJunk) {
            // Junk holding the separator, a quote or a bracket is more fields (or fewer), not a
            // field's value: in a format whose last fields are optional that is another valid line.
            if (GetParam() != "jsonl" && (junk.empty() || junk.find_first_of(" \t\"[]") != std::string_view::npos)) {
                continue;
            }
            const std::string line = sample.substr(0, spans[f].begin) + std::string(junk) + sample.substr(spans[f].end);
            auto p = format->make_line(FormatOptions{});
            const auto r = (*p)->parse(line);
            if (!r) {
                ++rejected;
                continue;
            }
            ++accepted;
            EXPECT_EQ(check(*whole, *r, line, spans[f].begin, junk), "")
                << GetParam() << " field " << f << " ('" << sample.substr(spans[f].begin, spans[f].end - spans[f].begin)
                << "') replaced by '" << junk << "'";
        }
    }
    EXPECT_GT(rejected, 0u);
    EXPECT_GT(accepted, 0u);
}

std::vector<std::string_view> line_formats() {
    std::vector<std::string_view> out;
    for (const LogFormat& f : log_formats()) {
        if (f.kind == FormatKind::Line && f.make_line && !f.sample.empty()) out.push_back(f.name);
    }
    return out;
}

INSTANTIATE_TEST_SUITE_P(Formats, FieldJunk, ::testing::ValuesIn(line_formats()),
                         [](const auto& p) { return std::string(p.param); });

}  // namespace
}  // namespace s3top
