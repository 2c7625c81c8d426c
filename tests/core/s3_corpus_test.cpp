// The shared corpus of real S3 lines (../shared/corpus/s3): every real line parses.
#include <gtest/gtest.h>

#include "core/parse/s3_access_log.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

void expect_all_parse(const std::filesystem::path& file) {
    const auto lines = test::read_lines(file);
    ASSERT_FALSE(lines.empty()) << file;
    std::size_t n = 0;
    for (const auto& line : lines) {
        ++n;
        if (line.empty()) continue;
        const auto r = parse_s3_access_log(line);
        EXPECT_TRUE(r.has_value()) << file.filename() << ":" << n
                                   << " rejected: " << reject_reason_name(r.error().reason) << " at column "
                                   << r.error().column << " field " << r.error().field << "\n"
                                   << line;
        if (r) {
            EXPECT_GE(r->field_count, 17) << n;
            EXPECT_GT(r->time, 1262304000) << n;  // after 2010-01-01
        }
    }
}

TEST(S3Corpus, EveryRealLineParses) {
    S3TOP_REQUIRE_CORPUS(corpus);
    expect_all_parse(corpus / "s3" / "real-samples.log");
}

TEST(S3Corpus, EveryCrlfLineParses) {
    S3TOP_REQUIRE_CORPUS(corpus);
    const auto raw = test::read_file(corpus / "s3" / "real-samples-crlf.log");
    ASSERT_NE(raw.find("\r\n"), std::string::npos) << "fixture lost its CRLF endings";
    expect_all_parse(corpus / "s3" / "real-samples-crlf.log");
}

}  // namespace
}  // namespace s3top
