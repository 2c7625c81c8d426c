// #22: a line cut at any byte (a file cut short, a write interrupted) is either rejected or a
// whole record of its own: never a record holding half a field (a byte count cut from 4096 to
// 40, a key cut in two). Walks the samples of the format table's line formats.
//
// The formats whose last fields are optional (s3, alb, cloudfront: LogFormat::open_tail) read a
// line cut inside them as a shorter line with half a last field (s3: 80 of 381 cuts of the
// sample, alb 32 of 220, cloudfront 6 of 98), so no parser can tell. A cut line reaches a parser
// only as a file's last line without its newline; the loader rejects that for these formats,
// and the second test reads every cut through the loader.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <string>

#include "core/ingest/inputs.hpp"
#include "core/ingest/loader.hpp"
#include "core/parse/format_registry.hpp"
#include "parse_test_util.hpp"
#include "support/test_support.hpp"

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

// Through the loader, as a file cut short: the whole sample line, then the sample cut at every
// byte with no newline after it. The whole line always counts once; the cut one, in a format
// whose last fields are optional, is always rejected.
class CutFiles : public ::testing::TestWithParam<std::string_view> {};

TEST_P(CutFiles, AFilesUnterminatedLastLineIsRejectedWhereFieldsAreOptional) {
    const LogFormat* format = find_format(GetParam());
    ASSERT_NE(format, nullptr);
    const std::string line(format->sample);
    test::TempDir dir;
    std::size_t accepted = 0;
    for (std::size_t k = 1; k <= line.size(); ++k) {
        dir.write("cut.log", line + "\n" + line.substr(0, k));
        Engine engine(EngineConfig{});
        LoaderOptions options;
        options.format = std::string(GetParam());
        options.workers = 1;
        Loader loader(engine, options);
        std::vector<InputProblem> problems;
        (void)loader.load(collect_inputs({dir.path().string()}, problems));
        const LineCounters lines = engine.report(ReportSpec{}).lines;
        ASSERT_EQ(lines.read, 2u) << "cut at byte " << k;
        ASSERT_GE(lines.parsed, 1u) << "the whole first line, cut at byte " << k;
        accepted += lines.parsed - 1;
        if (format->open_tail) {
            EXPECT_EQ(lines.parsed, 1u) << GetParam() << " took its last line cut at byte " << k;
            if (k == line.size()) {
                EXPECT_EQ(lines.of(RejectReason::UnterminatedLine), 1u);
            }
        }
    }
    if (!format->open_tail) {
        EXPECT_GT(accepted, 0u) << "a closed format takes its whole line, newline or not";
    }
}

std::vector<std::string_view> line_formats(bool open_tail) {
    std::vector<std::string_view> out;
    for (const LogFormat& f : log_formats()) {
        if (f.kind == FormatKind::Line && f.make_line && !f.sample.empty() && f.open_tail == open_tail)
            out.push_back(f.name);
    }
    return out;
}

std::vector<std::string_view> all_line_formats() {
    auto out = line_formats(false);
    for (auto name : line_formats(true)) out.push_back(name);
    return out;
}

INSTANTIATE_TEST_SUITE_P(Formats, CutLines, ::testing::ValuesIn(line_formats(false)),
                         [](const auto& p) { return std::string(p.param); });
INSTANTIATE_TEST_SUITE_P(Formats, CutFiles, ::testing::ValuesIn(all_line_formats()),
                         [](const auto& p) { return std::string(p.param); });

TEST(CutFiles, TheFormatsWithOptionalLastFieldsAreS3AlbAndCloudFront) {
    EXPECT_EQ(line_formats(true), (std::vector<std::string_view>{"s3", "cloudfront", "alb"}));
}

}  // namespace
}  // namespace s3top
