#pragma once
// Finding one of two bytes in a short view without a call: the request line's ' ' and '?', the
// query's '&' and '=', the '%' or '+' that asks for decoding. These views are a few to a few dozen
// bytes, where memchr's call and set-up cost more than its scan; they were ~7% of a report's CPU.
// Words of 4 or 8 bytes (and 16 with SSE2) loaded from inside the view only: the last one
// overlaps the one before rather than reading past the end. Longer views go to memchr.
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace s3top::scan {

/// The sizeof(Word) bytes at p as a word (p need not be aligned): how the parse reads several bytes
/// at once, always from inside the view it reads.
template <class Word>
[[gnu::always_inline]] inline Word load_word(const char* p) {
    Word w;
    std::memcpy(&w, p, sizeof w);
    return w;
}

namespace byte_find_detail {

/// The top bit of every zero byte of x set, and of no byte below the lowest zero one (a borrow
/// runs only upwards from a zero byte), so the lowest set bit is exact.
[[gnu::always_inline]] constexpr std::uint64_t zero_bytes(std::uint64_t x) {
    return (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
}

// The matches of a or b in the word at p: the top bit of each matching byte (a 4-byte word's
// four high bytes, zero, are not looked at).
template <class Word>
[[gnu::always_inline]] inline std::uint64_t matches(const char* p, std::uint64_t pa, std::uint64_t pb) {
    constexpr std::uint64_t kMine = sizeof(Word) == 8 ? ~std::uint64_t{0} : 0xffffffffull;
    const std::uint64_t w = load_word<Word>(p);
    return (zero_bytes(w ^ pa) | zero_bytes(w ^ pb)) & kMine;
}

// The first match of two overlapping words covering [p, p + n), sizeof(Word) <= n <= 2 *
// sizeof(Word): n when none.
template <class Word>
[[gnu::always_inline]] inline std::size_t first_in_two(const char* p, std::size_t n, std::uint64_t pa,
                                                       std::uint64_t pb) {
    constexpr std::size_t kBytes = sizeof(Word);
    if (const std::uint64_t m = matches<Word>(p, pa, pb)) return static_cast<std::size_t>(std::countr_zero(m)) / 8;
    if (const std::uint64_t m = matches<Word>(p + n - kBytes, pa, pb))
        return n - kBytes + static_cast<std::size_t>(std::countr_zero(m)) / 8;
    return n;
}

}  // namespace byte_find_detail

/// The index of the first byte of s[from, size) equal to a or b; npos when there is none (or
/// from >= size). Reads only inside s.
[[gnu::always_inline]] inline std::size_t find_either(std::string_view s, char a, char b, std::size_t from = 0) {
    using namespace byte_find_detail;
    if (from >= s.size()) return std::string_view::npos;
    const char* p = s.data() + from;
    const std::size_t n = s.size() - from;
    std::size_t at = n;
    if constexpr (std::endian::native != std::endian::little) {
        for (std::size_t i = 0; i < n; ++i) {
            if (p[i] == a || p[i] == b) return from + i;
        }
        return std::string_view::npos;
    }
    const std::uint64_t pa = 0x0101010101010101ull * static_cast<unsigned char>(a);
    const std::uint64_t pb = 0x0101010101010101ull * static_cast<unsigned char>(b);
    if (n < 4) {
        for (std::size_t i = 0; i < n; ++i) {
            if (p[i] == a || p[i] == b) return from + i;
        }
        return std::string_view::npos;
    } else if (n < 8) {
        at = first_in_two<std::uint32_t>(p, n, pa, pb);
    } else if (n <= 16) {
        at = first_in_two<std::uint64_t>(p, n, pa, pb);
    } else if (n <= 64) {
#if defined(__SSE2__)
        const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
        const auto mask = [&](std::size_t i) __attribute__((always_inline)) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
            return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb))));
        };
        std::size_t i = 0;
        for (; i + 16 < n; i += 16) {
            if (const unsigned m = mask(i)) return from + i + static_cast<std::size_t>(std::countr_zero(m));
        }
        // The last 16 bytes, those already looked at shifted out.
        if (const unsigned m = mask(n - 16) >> (i + 16 - n))
            return from + i + static_cast<std::size_t>(std::countr_zero(m));
        return std::string_view::npos;
#else
        std::size_t i = 0;
        for (; i + 8 < n; i += 8) {
            if (const std::uint64_t m = matches<std::uint64_t>(p + i, pa, pb))
                return from + i + static_cast<std::size_t>(std::countr_zero(m)) / 8;
        }
        at = n - 8 + first_in_two<std::uint64_t>(p + n - 8, 8, pa, pb);
        if (at == n) return std::string_view::npos;
        return from + at;
#endif
    } else {
        const void* hit = std::memchr(p, a, n);
        if (a != b) {
            const void* other =
                std::memchr(p, b, hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - p) : n);
            if (other) hit = other;
        }
        return hit ? from + static_cast<std::size_t>(static_cast<const char*>(hit) - p) : std::string_view::npos;
    }
    return at == n ? std::string_view::npos : from + at;
}

/// The index of the first `c` in s[from, size); npos when there is none. Reads only inside s.
[[gnu::always_inline]] inline std::size_t find_byte(std::string_view s, char c, std::size_t from = 0) {
    return find_either(s, c, c, from);
}

}  // namespace s3top::scan
