#pragma once
// Where a line's spaces and double quotes are: bit masks (one bit a byte, 64 bytes a word)
// built in one pass over the line, 64 bytes at a time (AVX-512, AVX2 or SSE2, whichever the CPU
// has: line_index.cpp), and the spaces also as a list of positions in order. With them a parser
// takes the n-th space-separated token by index, with no byte scan whose length, and so whose
// branches, changes with every token: the S3 parser's fast path for the common line shape
// (s3_access_log.cpp). Lines longer than kMaxLine bytes or with more than kMaxSpaces spaces
// are not indexed (build() says so); reads only inside the line; allocates nothing.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace s3top {

struct LineIndex;

namespace line_index_detail {
/// Indexes a line into `ix` (LineIndex::build's contract).
using BuildMasks = bool (*)(std::string_view line, LineIndex& ix);
/// The builders by instruction set: portable, SSE2, x86-64-v3's AVX2, x86-64-v4's AVX-512, and
/// that with VBMI2's byte compress for the positions.
enum class Isa { Portable, Sse2, Avx2, Avx512, Avx512Vbmi2 };
inline constexpr Isa kIsas[] = {Isa::Portable, Isa::Sse2, Isa::Avx2, Isa::Avx512, Isa::Avx512Vbmi2};
/// A builder, for the tests; null when this CPU (or this build's target) cannot run it.
BuildMasks builder(Isa isa);
/// Indexes the line `rest` starts with into `ix` (LineIndex::build_to_newline's contract).
using BuildLine = bool (*)(std::string_view rest, LineIndex& ix, std::size_t& length);
BuildLine line_builder(Isa isa);
}  // namespace line_index_detail

struct LineIndex {
    static constexpr std::size_t kMaxLine = 4096;
    static constexpr std::size_t kMaxSpaces = 128;
    static constexpr std::size_t kWords = kMaxLine / 64;
    static constexpr std::size_t npos = std::string_view::npos;

    /// Indexes `line` (with the fastest builder this CPU runs); false, and nothing usable, when
    /// it is longer than kMaxLine or has more than kMaxSpaces spaces. The masks' words [0,
    /// words) are set, bits past the line's end clear, and the word after them is zero.
    bool build(std::string_view line);
    /// Indexes the line `rest` starts with: up to its first '\n', or all of `rest` when it has
    /// none, and sets `length` to the line's length (without the '\n'). Finds the line's end in
    /// the same pass over the bytes, so a parser needs no search for it first. False, and
    /// nothing usable, when the line is kMaxLine bytes or longer or has more than kMaxSpaces
    /// spaces. Reads only inside `rest`.
    bool build_to_newline(std::string_view rest, std::size_t& length);

    /// The number (index in `at`) of the space at `pos`, which must be one.
    [[gnu::always_inline]] std::size_t space_number(std::size_t pos) const {
        const std::size_t w = pos >> 6;
        const std::uint64_t below = (std::uint64_t{1} << (pos & 63)) - 1;
        return spaces_before[w] + popcount(space[w] & below);
    }
    /// The first '"' at or after `pos` (pos <= the line's length); npos when there is none.
    [[gnu::always_inline]] std::size_t next_quote(std::size_t pos) const {
        std::size_t w = pos >> 6;
        std::uint64_t m = quote[w] & (~std::uint64_t{0} << (pos & 63));
        while (m == 0) {
            if (++w >= words) return npos;
            m = quote[w];
        }
        return w * 64 + static_cast<std::size_t>(std::countr_zero(m));
    }
    /// The last '"' of the line; npos when there is none.
    [[gnu::always_inline]] std::size_t last_quote() const {
        for (std::size_t w = words; w-- > 0;) {
            if (quote[w]) return w * 64 + 63 - static_cast<std::size_t>(std::countl_zero(quote[w]));
        }
        return npos;
    }
    // A popcount without the library call the baseline x86-64 makes of std::popcount.
    [[gnu::always_inline]] static std::size_t popcount(std::uint64_t x) {
        x = x - ((x >> 1) & 0x5555555555555555ull);
        x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
        x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
        return static_cast<std::size_t>((x * 0x0101010101010101ull) >> 56);
    }

    std::size_t words = 0;      ///< mask words set: ceil(length / 64)
    std::size_t spaces = 0;     ///< how many spaces: at[0, spaces) are their positions, at[spaces] the line's length
    bool double_space = false;  ///< whether two spaces stand side by side anywhere
    std::uint64_t space[kWords + 1];
    std::uint64_t quote[kWords + 1];
    std::uint16_t spaces_before[kWords + 1];  ///< spaces in words [0, w)
    std::uint16_t at[kMaxSpaces + 64];        ///< room for the unrolled writes past the last
};

}  // namespace s3top
