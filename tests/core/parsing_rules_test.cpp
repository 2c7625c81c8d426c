// The parsing rules' version follows the parser sources: a change in core/parse without a new
// entry below fails here, so nobody forgets to raise kParsingRulesVersion (and users with a
// state keep numbers parsed by old rules).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/parse/parsing_rules.hpp"
#include "core/util/hash.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

/// The digest of core/parse at each rules version, oldest first. A change of those sources
/// needs a new entry: with kParsingRulesVersion raised when a record or a rejection of some
/// line can change, else (comments, layout, speed) the last entry's digest replaced.
struct Checked {
    std::uint32_t version;
    std::uint64_t digest;
};
constexpr Checked kHistory[] = {
    {1, 0xb762f5fe84e2c018ULL},
    {2, 0x9d51c5334ab808eaULL},  // #22: ignored lines (blank, headers, no log, no request), CloudTrail by structure
    {3, 0xb471b347b5d0208eULL},  // #22: ELB TCP/SSL connections, CloudFront v2 spaces, 000, decoded UA, uploads only
    {4, 0x21b46120fdf87a22ULL},  // #22: cut last lines of s3/alb/cloudfront rejected; JSON containers as numbers
};

/// The parser sources: every .cpp and .hpp in core/parse but parsing_rules.hpp, by name, each
/// name and content hashed in order.
std::uint64_t parser_sources_digest() {
    const std::filesystem::path dir = std::filesystem::path(S3TOP_SOURCE_DIR) / "core" / "parse";
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        const auto ext = e.path().extension();
        if ((ext == ".cpp" || ext == ".hpp") && e.path().filename() != "parsing_rules.hpp") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    std::uint64_t h = 0x70617273ULL;
    for (const auto& f : files) {
        h = hash_bytes(f.filename().string(), h);
        h = hash_bytes(test::read_file(f), h);
    }
    return h;
}

TEST(ParsingRules, ParserSourcesAreThoseOfTheCurrentVersion) {
    const std::uint64_t now = parser_sources_digest();
    const Checked& last = kHistory[std::size(kHistory) - 1];
    EXPECT_EQ(last.version, kParsingRulesVersion)
        << "kParsingRulesVersion (core/parse/parsing_rules.hpp) and the last entry of kHistory here differ";
    EXPECT_EQ(now, last.digest) << fmt::format(
        "core/parse changed (its digest is now 0x{0:016x}). If a record or a rejection of some line can change, "
        "raise kParsingRulesVersion in core/parse/parsing_rules.hpp to {1} and add {{{1}, 0x{0:016x}ULL}} to kHistory "
        "in tests/core/parsing_rules_test.cpp (a state written under older rules is then rebuilt from the logs); if "
        "nothing a line becomes can change (comments, layout, speed), replace the last entry's digest with "
        "0x{0:016x}ULL.",
        now, kParsingRulesVersion + 1);
}

TEST(ParsingRules, HistoryOnlyRises) {
    for (std::size_t i = 1; i < std::size(kHistory); ++i) EXPECT_GT(kHistory[i].version, kHistory[i - 1].version);
}

}  // namespace
}  // namespace s3top
