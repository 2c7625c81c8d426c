// LineIndex (core/parse/line_index.hpp): every builder this CPU runs (portable, SSE2, AVX2,
// AVX-512, AVX-512 with VBMI2) gives the masks, the spaces' positions and counts a byte-by-byte reading gives, on
// random lines of every length around the 64-byte words and the limits; lines past the limits
// are refused, never half indexed.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/parse/line_index.hpp"

namespace s3top {
namespace {

struct Expected {
    std::vector<std::uint16_t> spaces;
    std::vector<std::size_t> quotes;
    bool double_space = false;
};

Expected read_bytes(const std::string& s) {
    Expected e;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == ' ') e.spaces.push_back(static_cast<std::uint16_t>(i));
        if (s[i] == '"') e.quotes.push_back(i);
        if (i > 0 && s[i] == ' ' && s[i - 1] == ' ') e.double_space = true;
    }
    return e;
}

// Checks `ix` (built from `s`) against the byte-by-byte reading; "" when they agree.
std::string disagreement(const LineIndex& ix, const std::string& s) {
    const Expected e = read_bytes(s);
    if (ix.words != (s.size() + 63) / 64) return "words";
    if (ix.spaces != e.spaces.size()) return "space count";
    for (std::size_t i = 0; i < e.spaces.size(); ++i) {
        if (ix.at[i] != e.spaces[i]) return "space position " + std::to_string(i);
        if (ix.space_number(e.spaces[i]) != i) return "space number " + std::to_string(i);
    }
    if (ix.at[ix.spaces] != s.size()) return "the line's end after the last space";
    if (ix.double_space != e.double_space) return "double space";
    for (std::size_t w = 0; w <= ix.words; ++w) {
        std::uint64_t space = 0, quote = 0;
        for (std::size_t b = 0; b < 64 && w * 64 + b < s.size(); ++b) {
            space |= static_cast<std::uint64_t>(s[w * 64 + b] == ' ') << b;
            quote |= static_cast<std::uint64_t>(s[w * 64 + b] == '"') << b;
        }
        if (ix.space[w] != space) return "space mask word " + std::to_string(w);
        if (ix.quote[w] != quote) return "quote mask word " + std::to_string(w);
    }
    // next_quote from every position, last_quote.
    std::size_t k = 0;
    for (std::size_t pos = 0; pos <= s.size(); ++pos) {
        while (k < e.quotes.size() && e.quotes[k] < pos) ++k;
        const std::size_t want = k < e.quotes.size() ? e.quotes[k] : LineIndex::npos;
        if (ix.next_quote(pos) != want) return "next quote from " + std::to_string(pos);
    }
    if (ix.last_quote() != (e.quotes.empty() ? LineIndex::npos : e.quotes.back())) return "last quote";
    return "";
}

// The line in a heap buffer of exactly its size, so a sanitizer build sees a read past it.
bool build_exact(LineIndex& ix, const std::string& s, line_index_detail::BuildMasks builder) {
    const std::unique_ptr<char[]> buf(new char[s.empty() ? 1 : s.size()]);
    std::memcpy(buf.get(), s.data(), s.size());
    const std::string_view line(buf.get(), s.size());
    return builder ? builder(line, ix) : ix.build(line);
}

std::vector<line_index_detail::BuildMasks> builders() {
    std::vector<line_index_detail::BuildMasks> out{nullptr};  // null: LineIndex::build's choice
    for (const auto isa : line_index_detail::kIsas)
        if (const auto b = line_index_detail::builder(isa)) out.push_back(b);
    return out;
}

TEST(LineIndex, EveryBuilderReadsWhatTheBytesSay) {
    std::uint64_t state = 0x4C494E45ull;  // a fixed sequence: the same lines everywhere
    auto next = [&] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<std::uint32_t>(state >> 33);
    };
    const auto all = builders();
    ASSERT_GE(all.size(), 3u);  // the chosen one, portable and, on x86-64, SSE2
    int lines = 0;
    for (std::size_t len = 0; len <= 300; ++len) {
        for (int round = 0; round < 6; ++round) {
            std::string s(len, 'a');
            const unsigned density = 1 + round * 7;  // sparse to mostly spaces and quotes
            for (char& c : s) {
                const unsigned r = next() % 64;
                c = r < density ? ' ' : r < 2 * density ? '"' : r == 63 ? '\0' : static_cast<char>('a' + r % 26);
            }
            // At most kMaxSpaces spaces, so every line here is indexed.
            std::size_t spaces = 0;
            for (char& c : s)
                if (c == ' ' && ++spaces > LineIndex::kMaxSpaces) c = 'x';
            for (const auto builder : all) {
                LineIndex ix;
                ASSERT_TRUE(build_exact(ix, s, builder)) << len;
                ASSERT_EQ(disagreement(ix, s), "") << "length " << len << " round " << round;
            }
            ++lines;
        }
    }
    EXPECT_EQ(lines, 301 * 6);
}

TEST(LineIndex, LongLinesAndManySpacesAreRefusedAtTheirLimitsOnly) {
    for (const auto builder : builders()) {
        LineIndex ix;
        std::string s(LineIndex::kMaxLine, 'k');
        s[LineIndex::kMaxLine - 1] = '"';
        ASSERT_TRUE(build_exact(ix, s, builder));
        EXPECT_EQ(disagreement(ix, s), "");
        EXPECT_FALSE(build_exact(ix, s + "x", builder));

        std::string spaced;
        for (std::size_t i = 0; i < LineIndex::kMaxSpaces; ++i) spaced += i % 3 ? "a " : "bc ";
        ASSERT_TRUE(build_exact(ix, spaced, builder));
        EXPECT_EQ(ix.spaces, LineIndex::kMaxSpaces);
        EXPECT_EQ(disagreement(ix, spaced), "");
        EXPECT_FALSE(build_exact(ix, spaced + " ", builder));
        // All spaces in few words: the unrolled writes' room past the last.
        EXPECT_TRUE(build_exact(ix, std::string(LineIndex::kMaxSpaces, ' '), builder));
        EXPECT_FALSE(build_exact(ix, std::string(LineIndex::kMaxSpaces + 1, ' '), builder));
    }
}

// build_to_newline over `bytes` (a heap buffer of exactly its size): the line before the first
// '\n' (or all of it) indexed as build() indexes it, its length told; "" when so.
std::string newline_disagreement(const std::string& bytes, line_index_detail::BuildLine builder) {
    const std::unique_ptr<char[]> buf(new char[bytes.empty() ? 1 : bytes.size()]);
    std::memcpy(buf.get(), bytes.data(), bytes.size());
    const std::string_view rest(buf.get(), bytes.size());
    const std::string line(rest.substr(0, rest.find('\n')));
    LineIndex ix;
    std::size_t length = 12345;
    const bool ok = builder ? builder(rest, ix, length) : ix.build_to_newline(rest, length);
    const bool fits = line.size() < LineIndex::kMaxLine && read_bytes(line).spaces.size() <= LineIndex::kMaxSpaces;
    if (ok != fits) return ok ? "indexed a line past the limits" : "refused a line within the limits";
    if (!ok) return "";
    if (length != line.size()) return "length " + std::to_string(length) + " for " + std::to_string(line.size());
    return disagreement(ix, line);
}

std::vector<line_index_detail::BuildLine> line_builders() {
    std::vector<line_index_detail::BuildLine> out{nullptr};  // null: LineIndex::build_to_newline's choice
    for (const auto isa : line_index_detail::kIsas)
        if (const auto b = line_index_detail::line_builder(isa)) out.push_back(b);
    return out;
}

TEST(LineIndex, EveryLineBuilderEndsTheLineAtItsNewlineOrTheBytesEnd) {
    std::uint64_t state = 0x4E4C4E4Cull;
    auto next = [&] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<std::uint32_t>(state >> 33);
    };
    const auto all = line_builders();
    ASSERT_GE(all.size(), 3u);
    int cases = 0;
    for (std::size_t len = 0; len <= 300; ++len) {
        for (int round = 0; round < 6; ++round) {
            std::string s(len, 'a');
            const unsigned density = 1 + round * 5;
            for (char& c : s) {
                const unsigned r = next() % 128;
                c = r < density       ? ' '
                    : r < 2 * density ? '"'
                    : r == 127        ? '\n'
                    : r == 126        ? '\0'
                                      : static_cast<char>('a' + r % 26);
            }
            for (const auto builder : all) ASSERT_EQ(newline_disagreement(s, builder), "") << len << " " << round;
            ++cases;
        }
    }
    // The limits: a line of kMaxLine - 1 bytes is indexed, of kMaxLine not, with or without a
    // newline after it; more than kMaxSpaces spaces before the newline refuse, after it do not.
    for (const auto builder : all) {
        const std::string longest(LineIndex::kMaxLine - 1, 'k');
        EXPECT_EQ(newline_disagreement(longest, builder), "");
        EXPECT_EQ(newline_disagreement(longest + "\n" + std::string(300, ' '), builder), "");
        EXPECT_EQ(newline_disagreement(longest + "k", builder), "");
        EXPECT_EQ(newline_disagreement(longest + "k\n", builder), "");
        EXPECT_EQ(newline_disagreement(std::string(LineIndex::kMaxSpaces, ' ') + "\n   ", builder), "");
        EXPECT_EQ(newline_disagreement(std::string(LineIndex::kMaxSpaces + 1, ' ') + "\nx", builder), "");
        EXPECT_EQ(newline_disagreement("\n", builder), "");
        EXPECT_EQ(newline_disagreement(std::string(64, 'x') + "\n", builder), "");
        EXPECT_EQ(newline_disagreement(std::string(64, 'x'), builder), "");
    }
    EXPECT_EQ(cases, 301 * 6);
}

}  // namespace
}  // namespace s3top
