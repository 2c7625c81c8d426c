#pragma once
// A fast non-cryptographic hash for interning (not for anything an attacker's choice of keys
// could exploit beyond slowing one probe sequence: the tables are open-addressed with a
// per-process random seed).
#include <cstdint>
#include <cstring>
#include <string_view>

namespace s3top {

inline std::uint64_t mix64(std::uint64_t x) {
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ULL;
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ULL;
    x ^= x >> 32;
    return x;
}

/// Hashes bytes eight at a time.
inline std::uint64_t hash_bytes(std::string_view s, std::uint64_t seed) {
    std::uint64_t h = seed ^ (s.size() * 0x9E3779B97F4A7C15ULL);
    const char* p = s.data();
    std::size_t n = s.size();
    while (n >= 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        h = (h ^ mix64(w)) * 0x9E3779B97F4A7C15ULL;
        p += 8;
        n -= 8;
    }
    if (n > 0) {
        std::uint64_t w = 0;
        std::memcpy(&w, p, n);
        h = (h ^ mix64(w ^ n)) * 0x9E3779B97F4A7C15ULL;
    }
    return mix64(h);
}

}  // namespace s3top
