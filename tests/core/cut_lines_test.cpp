// #22: a line cut at any byte (a file cut short, a write interrupted) is either rejected or a
// whole record of its own: never a record holding half a field (a byte count cut from 4096 to
// 40, a key cut in two). Walks the samples of the format table's line formats.
//
// Not yet for s3, alb and cloudfront: their last fields are optional (AWS appends fields over
// the years), so a line cut inside them reads as a shorter line with half a last field (s3: 80
// of 381 cuts of the sample, alb 32 of 220, cloudfront 6 of 98). A cut line reaches a parser
// only as a complete file's unterminated last line; rejecting that for these formats is the fix.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <string>

#include "core/parse/format_registry.hpp"
#include "parse_test_util.hpp"

namespace s3top {
namespace {

struct Fields {
    std::vector<std::pair<std::string_view, std::string>> text;
    std::vector<std::pair<std::string_view, std::uint64_t>> numbers;
};

Fields fields_of(const Record& r) {
    Fields f;
    for (const auto& [name, v] : test::views(r)) f.text.emplace_back(name, std::string(v));
    f.numbers = {{"time", static_cast<std::uint64_t>(r.time)},
                 {"status", r.status},
                 {"bytes_sent", r.bytes_sent},
                 {"bytes_in", r.bytes_in},
                 {"object_size", r.object_size},
                 {"total_time_ms", r.has_total_time ? r.total_time_ms : 0}};
    return f;
}

// What is wrong with `cut` as a record read from a cut of the line `whole` was read from:
// a field that is neither the whole line's value nor absent.
std::string half_fields(const Fields& whole, const Fields& cut) {
    std::string out;
    for (std::size_t i = 0; i < whole.text.size(); ++i) {
        const auto& [name, v] = cut.text[i];
        if (!v.empty() && v != whole.text[i].second)
            out += fmt::format(" {}='{}' (whole: '{}')", name, v, whole.text[i].second);
    }
    for (std::size_t i = 0; i < whole.numbers.size(); ++i) {
        const auto& [name, v] = cut.numbers[i];
        if (v != 0 && v != whole.numbers[i].second)
            out += fmt::format(" {}={} (whole: {})", name, v, whole.numbers[i].second);
    }
    return out;
}

class CutLines : public ::testing::TestWithParam<std::string_view> {};

TEST_P(CutLines, ACutLineIsRejectedOrAWholeRecord) {
    const LogFormat* format = find_format(GetParam());
    ASSERT_NE(format, nullptr);
    const std::string line(format->sample);
    auto parser = format->make_line(FormatOptions{});
    ASSERT_TRUE(parser.has_value());
    const auto full = (*parser)->parse(line);
    ASSERT_TRUE(full.has_value()) << test::describe(full);
    const Fields whole = fields_of(*full);
    std::size_t accepted = 0;
    for (std::size_t k = 1; k < line.size(); ++k) {
        auto p = format->make_line(FormatOptions{});
        const std::string cut = line.substr(0, k);
        const auto r = (*p)->parse(cut);
        if (!r) continue;
        ++accepted;
        EXPECT_EQ(half_fields(whole, fields_of(*r)), "") << GetParam() << " cut at byte " << k << " of " << line.size();
    }
    RecordProperty("accepted_cuts", static_cast<int>(accepted));
}

std::vector<std::string_view> line_formats() {
    std::vector<std::string_view> out;
    for (const LogFormat& f : log_formats()) {
        const bool optional_tail = f.name == "s3" || f.name == "alb" || f.name == "cloudfront";
        if (f.kind == FormatKind::Line && f.make_line && !f.sample.empty() && !optional_tail) out.push_back(f.name);
    }
    return out;
}

INSTANTIATE_TEST_SUITE_P(Formats, CutLines, ::testing::ValuesIn(line_formats()),
                         [](const auto& p) { return std::string(p.param); });

}  // namespace
}  // namespace s3top
