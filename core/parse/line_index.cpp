#include "core/parse/line_index.hpp"

#include <cstring>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace s3top {
namespace line_index_detail {
namespace {

// One word's spaces (mask m of word w) into ix.at from `count` on, eight a word without a branch
// for how many it has (most words of a log line have fewer than eight; a ninth costs one more
// branch); the spaces before the word, and whether one of its spaces stands next to the one
// before it. False past kMaxSpaces. Inlined into each builder, so that its popcount and count of
// trailing zeros are the CPU's instructions where the builder's target has them.
[[gnu::always_inline]] inline bool flatten_word(LineIndex& ix, std::size_t w, std::uint64_t m, std::size_t& count,
                                                std::uint64_t& doubled, std::uint64_t& carry) {
    ix.spaces_before[w] = static_cast<std::uint16_t>(count);
    doubled |= m & ((m << 1) | carry);
    carry = m >> 63;
    const auto in_word = static_cast<std::size_t>(__builtin_popcountll(m));
    std::uint16_t* out = ix.at + count;
    const auto base = static_cast<std::uint16_t>(w * 64);
    // The top bit or'ed in: once m is spent, a position nobody reads, and no branch for zero.
    constexpr std::uint64_t kTop = std::uint64_t{1} << 63;
    for (int i = 0; i < 8; ++i) {
        out[i] = static_cast<std::uint16_t>(base + __builtin_ctzll(m | kTop));
        m &= m - 1;
    }
    if (in_word > 8) {
        for (std::size_t i = 8; i < in_word; ++i) {
            out[i] = static_cast<std::uint16_t>(base + __builtin_ctzll(m | kTop));
            m &= m - 1;
        }
    }
    count += in_word;
    return count <= LineIndex::kMaxSpaces;
}

// After the last word: the counts and whether two spaces stand side by side anywhere.
[[gnu::always_inline]] inline void note_end(LineIndex& ix, std::size_t count, std::uint64_t doubled) {
    ix.spaces_before[ix.words] = static_cast<std::uint16_t>(count);
    ix.spaces = count;
    ix.double_space = doubled != 0;
}

// The spaces' positions from the masks of every word, the running counts, and whether two spaces
// stand side by side (`word`: flatten_word or an instruction set's own).
#define S3TOP_FLATTEN(word)                                                 \
    std::size_t count = 0;                                                  \
    std::uint64_t doubled = 0, carry = 0;                                   \
    for (std::size_t w = 0; w < ix.words; ++w)                              \
        if (!word(ix, w, ix.space[w], count, doubled, carry)) return false; \
    note_end(ix, count, doubled);                                           \
    return true;

[[gnu::always_inline]] inline bool flatten(LineIndex& ix) { S3TOP_FLATTEN(flatten_word); }

// Every builder: full 64-byte blocks straight from the line; the last, partial one from the
// line's last 64 bytes shifted past those already seen (no copy), or from a zeroed copy when the
// line is shorter than 64 bytes; then flatten(). A macro, not a template: each builder's instance
// must carry its own target attribute (a template would be compiled for the baseline and could
// not inline the AVX2 or AVX-512 block).
#define S3TOP_BUILD_MASKS(mask64, flat)                                                             \
    const char* p = line.data();                                                                    \
    const std::size_t len = line.size();                                                            \
    if (len > LineIndex::kMaxLine) return false;                                                    \
    ix.words = (len + 63) / 64;                                                                     \
    std::uint64_t* space = ix.space;                                                                \
    std::uint64_t* quote = ix.quote;                                                                \
    std::uint64_t nl = 0; /* not looked at: the line's end is known */                              \
    std::size_t w = 0;                                                                              \
    for (std::size_t at = 0; at + 64 <= len; at += 64, ++w) mask64(p + at, space[w], quote[w], nl); \
    if (const std::size_t left = len % 64) {                                                        \
        std::uint64_t s = 0, q = 0;                                                                 \
        if (len >= 64) {                                                                            \
            mask64(p + len - 64, s, q, nl);                                                         \
            s >>= 64 - left;                                                                        \
            q >>= 64 - left;                                                                        \
        } else {                                                                                    \
            char block[64] = {};                                                                    \
            std::memcpy(block, p, len);                                                             \
            mask64(block, s, q, nl);                                                                \
        }                                                                                           \
        space[w] = s;                                                                               \
        quote[w] = q;                                                                               \
        ++w;                                                                                        \
    }                                                                                               \
    space[w] = 0;                                                                                   \
    quote[w] = 0;                                                                                   \
    if (!flat(ix)) return false;                                                                    \
    ix.at[ix.spaces] = static_cast<std::uint16_t>(len);                                             \
    return true;

// A builder that finds the line's end as it goes: 64-byte blocks from the start of `rest` until
// one holds a '\n' (the masks cut there; the bytes after it are the next line's, read but not
// indexed); the end of `rest` ends the line too, its last block of under 64 bytes from a zeroed
// copy. Each word's positions are written as its masks are made (`word`: flatten_word or an
// instruction set's own), in the same loop: one exit to mispredict a line, not two.
#define S3TOP_BUILD_LINE(mask64, word)                                   \
    const char* p = rest.data();                                         \
    const std::size_t avail = rest.size();                               \
    std::size_t count = 0;                                               \
    std::uint64_t doubled = 0, carry = 0;                                \
    std::size_t w = 0;                                                   \
    for (std::size_t at = 0;; at += 64, ++w) {                           \
        if (w == LineIndex::kWords) return false;                        \
        std::uint64_t s, q, nl;                                          \
        if (at + 64 <= avail) {                                          \
            mask64(p + at, s, q, nl);                                    \
        } else {                                                         \
            char block[64] = {};                                         \
            if (avail > at) std::memcpy(block, p + at, avail - at);      \
            mask64(block, s, q, nl);                                     \
            nl |= std::uint64_t{1} << (avail - at);                      \
        }                                                                \
        if (nl) {                                                        \
            const auto end = static_cast<unsigned>(__builtin_ctzll(nl)); \
            const std::uint64_t keep = (std::uint64_t{1} << end) - 1;    \
            s &= keep;                                                   \
            ix.space[w] = s;                                             \
            ix.quote[w] = q & keep;                                      \
            ix.space[w + 1] = 0;                                         \
            ix.quote[w + 1] = 0;                                         \
            ix.words = end ? w + 1 : w;                                  \
            length = at + end;                                           \
            if (!word(ix, w, s, count, doubled, carry)) return false;    \
            break;                                                       \
        }                                                                \
        ix.space[w] = s;                                                 \
        ix.quote[w] = q;                                                 \
        if (!word(ix, w, s, count, doubled, carry)) return false;        \
    }                                                                    \
    note_end(ix, count, doubled);                                        \
    ix.at[ix.spaces] = static_cast<std::uint16_t>(length);               \
    return true;

void mask64_portable(const char* b, std::uint64_t& s, std::uint64_t& q, std::uint64_t& nl) {
    s = q = nl = 0;
    for (int i = 0; i < 64; ++i) {
        s |= static_cast<std::uint64_t>(b[i] == ' ') << i;
        q |= static_cast<std::uint64_t>(b[i] == '"') << i;
        nl |= static_cast<std::uint64_t>(b[i] == '\n') << i;
    }
}

bool build_portable(std::string_view line, LineIndex& ix) { S3TOP_BUILD_MASKS(mask64_portable, flatten); }
bool line_portable(std::string_view rest, LineIndex& ix, std::size_t& length) {
    S3TOP_BUILD_LINE(mask64_portable, flatten_word);
}

#if defined(__x86_64__)
// A builder for a newer CPU. GCC's straight-line vectorizer packs flatten()'s eight unrolled
// writes into vector shuffles that cost more than the writes (one third of the builder's time
// over the bench's lines): off for these functions.
#if defined(__clang__)
#define S3TOP_LINE_INDEX_TARGET(arch) __attribute__((target(arch)))
#else
#define S3TOP_LINE_INDEX_TARGET(arch) __attribute__((target(arch), optimize("no-tree-slp-vectorize")))
#endif

[[gnu::always_inline]] inline void mask64_sse2(const char* b, std::uint64_t& s, std::uint64_t& q, std::uint64_t& nl) {
    const __m128i sp = _mm_set1_epi8(' ');
    const __m128i qt = _mm_set1_epi8('"');
    const __m128i lf = _mm_set1_epi8('\n');
    s = q = nl = 0;
    for (int i = 0; i < 4; ++i) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 16 * i));
        s |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, sp)))} << (16 * i);
        q |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, qt)))} << (16 * i);
        nl |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, lf)))} << (16 * i);
    }
}

bool build_sse2(std::string_view line, LineIndex& ix) { S3TOP_BUILD_MASKS(mask64_sse2, flatten); }
bool line_sse2(std::string_view rest, LineIndex& ix, std::size_t& length) {
    S3TOP_BUILD_LINE(mask64_sse2, flatten_word);
}

[[gnu::always_inline]] inline __attribute__((target("avx2"))) void mask64_avx2(const char* b, std::uint64_t& s,
                                                                               std::uint64_t& q, std::uint64_t& nl) {
    const __m256i sp = _mm256_set1_epi8(' ');
    const __m256i qt = _mm256_set1_epi8('"');
    const __m256i lf = _mm256_set1_epi8('\n');
    const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b));
    const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 32));
    s = std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, sp)))} |
        std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, sp)))} << 32;
    q = std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, qt)))} |
        std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, qt)))} << 32;
    nl = std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, lf)))} |
         std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, lf)))} << 32;
}

S3TOP_LINE_INDEX_TARGET("arch=x86-64-v3")
bool build_avx2(std::string_view line, LineIndex& ix) { S3TOP_BUILD_MASKS(mask64_avx2, flatten); }
S3TOP_LINE_INDEX_TARGET("arch=x86-64-v3")
bool line_avx2(std::string_view rest, LineIndex& ix, std::size_t& length) {
    S3TOP_BUILD_LINE(mask64_avx2, flatten_word);
}

[[gnu::always_inline]] inline __attribute__((target("avx512f,avx512bw"))) void mask64_avx512(const char* b,
                                                                                             std::uint64_t& s,
                                                                                             std::uint64_t& q,
                                                                                             std::uint64_t& nl) {
    const __m512i v = _mm512_loadu_si512(b);
    s = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(' '));
    q = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"'));
    nl = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\n'));
}

S3TOP_LINE_INDEX_TARGET("arch=x86-64-v4")
bool build_avx512(std::string_view line, LineIndex& ix) { S3TOP_BUILD_MASKS(mask64_avx512, flatten); }
S3TOP_LINE_INDEX_TARGET("arch=x86-64-v4")
bool line_avx512(std::string_view rest, LineIndex& ix, std::size_t& length) {
    S3TOP_BUILD_LINE(mask64_avx512, flatten_word);
}

// flatten_word() with AVX-512 VBMI2: a word's positions by one byte compress of 0..63 under its
// mask (the register form: the form that stores to memory is microcoded on AMD's Zen 4), widened
// to 16 bits and stored 32 at a time, with no chain of bit clears a word.
[[gnu::always_inline]] inline __attribute__((target("avx512f,avx512bw,avx512vbmi2"))) bool flatten_word_vbmi2(
    LineIndex& ix, std::size_t w, std::uint64_t m, std::size_t& count, std::uint64_t& doubled, std::uint64_t& carry) {
    alignas(64) static constexpr std::uint8_t kIota[64] = {
        0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
        22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43,
        44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63};
    ix.spaces_before[w] = static_cast<std::uint16_t>(count);
    doubled |= m & ((m << 1) | carry);
    carry = m >> 63;
    const auto in_word = static_cast<std::size_t>(__builtin_popcountll(m));
    const __m512i packed = _mm512_maskz_compress_epi8(m, _mm512_load_si512(kIota));
    const __m512i base = _mm512_set1_epi16(static_cast<short>(w * 64));
    _mm512_storeu_si512(ix.at + count,
                        _mm512_add_epi16(_mm512_cvtepu8_epi16(_mm512_maskz_extracti64x4_epi64(0xF, packed, 0)), base));
    if (in_word > 32) {
        _mm512_storeu_si512(
            ix.at + count + 32,
            _mm512_add_epi16(_mm512_cvtepu8_epi16(_mm512_maskz_extracti64x4_epi64(0xF, packed, 1)), base));
    }
    count += in_word;
    return count <= LineIndex::kMaxSpaces;
}

[[gnu::always_inline]] inline __attribute__((target("avx512f,avx512bw,avx512vbmi2"))) bool flatten_vbmi2(
    LineIndex& ix) {
    S3TOP_FLATTEN(flatten_word_vbmi2);
}

S3TOP_LINE_INDEX_TARGET("arch=x86-64-v4,avx512vbmi2")
bool build_vbmi2(std::string_view line, LineIndex& ix) { S3TOP_BUILD_MASKS(mask64_avx512, flatten_vbmi2); }
S3TOP_LINE_INDEX_TARGET("arch=x86-64-v4,avx512vbmi2")
bool line_vbmi2(std::string_view rest, LineIndex& ix, std::size_t& length) {
    S3TOP_BUILD_LINE(mask64_avx512, flatten_word_vbmi2);
}
#undef S3TOP_LINE_INDEX_TARGET
#endif
#undef S3TOP_BUILD_MASKS
#undef S3TOP_BUILD_LINE
#undef S3TOP_FLATTEN

// Whether this CPU runs code built for `isa`.
bool runs(Isa isa) {
    switch (isa) {
        case Isa::Portable: return true;
#if defined(__x86_64__)
        case Isa::Sse2: return true;
        case Isa::Avx2: return __builtin_cpu_supports("x86-64-v3");
        case Isa::Avx512: return __builtin_cpu_supports("x86-64-v4");
        case Isa::Avx512Vbmi2: return __builtin_cpu_supports("x86-64-v4") && __builtin_cpu_supports("avx512vbmi2");
#endif
        default: return false;
    }
}

// The fastest instruction set this CPU runs (kIsas is in order of speed).
Isa best() {
#if defined(__x86_64__)
    __builtin_cpu_init();
#endif
    Isa fastest = Isa::Portable;
    for (const Isa isa : kIsas)
        if (runs(isa)) fastest = isa;
    return fastest;
}

// Each instruction set's builders, in kIsas' order (on other CPUs than x86-64, the portable ones).
struct Builders {
    BuildMasks masks;
    BuildLine line;
};
constexpr Builders kBuilders[] = {
    {build_portable, line_portable},
#if defined(__x86_64__)
    {build_sse2, line_sse2},         {build_avx2, line_avx2}, {build_avx512, line_avx512}, {build_vbmi2, line_vbmi2},
#endif
};

const Builders* builders_for(Isa isa) {
    const auto i = static_cast<std::size_t>(isa);
    return i < std::size(kBuilders) && runs(isa) ? &kBuilders[i] : nullptr;
}

}  // namespace

}  // namespace line_index_detail

bool LineIndex::build(std::string_view line) {
    static const line_index_detail::BuildMasks chosen = line_index_detail::builder(line_index_detail::best());
    return chosen(line, *this);
}

bool LineIndex::build_to_newline(std::string_view rest, std::size_t& length) {
    static const line_index_detail::BuildLine chosen = line_index_detail::line_builder(line_index_detail::best());
    return chosen(rest, *this, length);
}

namespace line_index_detail {

BuildMasks builder(Isa isa) {
    const Builders* b = builders_for(isa);
    return b ? b->masks : nullptr;
}

BuildLine line_builder(Isa isa) {
    const Builders* b = builders_for(isa);
    return b ? b->line : nullptr;
}

}  // namespace line_index_detail

}  // namespace s3top
