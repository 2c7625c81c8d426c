#include "core/parse/line_index.hpp"

#include <cstring>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace s3top {
namespace line_index_detail {
namespace {

// The spaces' positions from the masks, eight a word without a branch for how many it has (most
// words of a log line have fewer than eight; a ninth costs one more branch), the running counts,
// and whether two spaces stand side by side. Inlined into each builder, so that its popcount
// and count of trailing zeros are the CPU's instructions where the builder's target has them.
[[gnu::always_inline]] inline bool flatten(LineIndex& ix) {
    std::size_t count = 0;
    std::uint64_t doubled = 0, carry = 0;
    for (std::size_t w = 0; w < ix.words; ++w) {
        ix.spaces_before[w] = static_cast<std::uint16_t>(count);
        std::uint64_t m = ix.space[w];
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
        if (count > LineIndex::kMaxSpaces) return false;
    }
    ix.spaces_before[ix.words] = static_cast<std::uint16_t>(count);
    ix.spaces = count;
    ix.double_space = doubled != 0;
    return true;
}

// Every builder: full 64-byte blocks straight from the line; the last, partial one from the
// line's last 64 bytes shifted past those already seen (no copy), or from a zeroed copy when the
// line is shorter than 64 bytes; then flatten(). A macro, not a template: each builder's instance
// must carry its own target attribute (a template would be compiled for the baseline and could
// not inline the AVX2 or AVX-512 block).
#define S3TOP_BUILD_MASKS(mask64)                                                               \
    const char* p = line.data();                                                                \
    const std::size_t len = line.size();                                                        \
    if (len > LineIndex::kMaxLine) return false;                                                \
    ix.words = (len + 63) / 64;                                                                 \
    std::uint64_t* space = ix.space;                                                            \
    std::uint64_t* quote = ix.quote;                                                            \
    std::size_t w = 0;                                                                          \
    for (std::size_t at = 0; at + 64 <= len; at += 64, ++w) mask64(p + at, space[w], quote[w]); \
    if (const std::size_t left = len % 64) {                                                    \
        std::uint64_t s = 0, q = 0;                                                             \
        if (len >= 64) {                                                                        \
            mask64(p + len - 64, s, q);                                                         \
            s >>= 64 - left;                                                                    \
            q >>= 64 - left;                                                                    \
        } else {                                                                                \
            char block[64] = {};                                                                \
            std::memcpy(block, p, len);                                                         \
            mask64(block, s, q);                                                                \
        }                                                                                       \
        space[w] = s;                                                                           \
        quote[w] = q;                                                                           \
        ++w;                                                                                    \
    }                                                                                           \
    space[w] = 0;                                                                               \
    quote[w] = 0;                                                                               \
    return flatten(ix);

void mask64_portable(const char* b, std::uint64_t& s, std::uint64_t& q) {
    s = q = 0;
    for (int i = 0; i < 64; ++i) {
        s |= static_cast<std::uint64_t>(b[i] == ' ') << i;
        q |= static_cast<std::uint64_t>(b[i] == '"') << i;
    }
}

bool build_portable(std::string_view line, LineIndex& ix) { S3TOP_BUILD_MASKS(mask64_portable) }

#if defined(__x86_64__)
// A builder for a newer CPU. GCC's straight-line vectorizer packs flatten()'s eight unrolled
// writes into vector shuffles that cost more than the writes (one third of the builder's time
// over the bench's lines): off for these functions.
#if defined(__clang__)
#define S3TOP_LINE_INDEX_TARGET(arch) __attribute__((target(arch)))
#else
#define S3TOP_LINE_INDEX_TARGET(arch) __attribute__((target(arch), optimize("no-tree-slp-vectorize")))
#endif

[[gnu::always_inline]] inline void mask64_sse2(const char* b, std::uint64_t& s, std::uint64_t& q) {
    const __m128i sp = _mm_set1_epi8(' ');
    const __m128i qt = _mm_set1_epi8('"');
    s = q = 0;
    for (int i = 0; i < 4; ++i) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 16 * i));
        s |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, sp)))} << (16 * i);
        q |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, qt)))} << (16 * i);
    }
}

bool build_sse2(std::string_view line, LineIndex& ix) { S3TOP_BUILD_MASKS(mask64_sse2) }

[[gnu::always_inline]] inline __attribute__((target("avx2"))) void mask64_avx2(const char* b, std::uint64_t& s,
                                                                               std::uint64_t& q) {
    const __m256i sp = _mm256_set1_epi8(' ');
    const __m256i qt = _mm256_set1_epi8('"');
    const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b));
    const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 32));
    s = std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, sp)))} |
        std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, sp)))} << 32;
    q = std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, qt)))} |
        std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, qt)))} << 32;
}

S3TOP_LINE_INDEX_TARGET("arch=x86-64-v3") bool build_avx2(std::string_view line, LineIndex& ix) {
    S3TOP_BUILD_MASKS(mask64_avx2)
}

[[gnu::always_inline]] inline __attribute__((target("avx512f,avx512bw"))) void mask64_avx512(const char* b,
                                                                                             std::uint64_t& s,
                                                                                             std::uint64_t& q) {
    const __m512i v = _mm512_loadu_si512(b);
    s = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(' '));
    q = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"'));
}

S3TOP_LINE_INDEX_TARGET("arch=x86-64-v4")
bool build_avx512(std::string_view line, LineIndex& ix){S3TOP_BUILD_MASKS(mask64_avx512)}
#undef S3TOP_LINE_INDEX_TARGET
#endif
#undef S3TOP_BUILD_MASKS

BuildMasks choose() {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) return build_avx512;
    if (__builtin_cpu_supports("x86-64-v3")) return build_avx2;
    return build_sse2;
#else
    return build_portable;
#endif
}

}  // namespace

}  // namespace line_index_detail

bool LineIndex::build(std::string_view line) {
    static const line_index_detail::BuildMasks chosen = line_index_detail::choose();
    return chosen(line, *this);
}

namespace line_index_detail {

BuildMasks builder(int simd_width) {
    switch (simd_width) {
        case 0: return build_portable;
#if defined(__x86_64__)
        case 128: return build_sse2;
        case 256: return __builtin_cpu_supports("x86-64-v3") ? build_avx2 : nullptr;
        case 512: return __builtin_cpu_supports("x86-64-v4") ? build_avx512 : nullptr;
#endif
        default: return nullptr;
    }
}

}  // namespace line_index_detail

}  // namespace s3top
