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

/// The last `n` (1-7) bytes of a string of `size` bytes ending at p + n, as a little-endian word
/// with zeros above them (what memcpy into a zeroed word gives), read in whole words: a byte-wise
/// copy would be stored and then loaded as one word, which waits for the stores.
inline std::uint64_t tail_bytes(const char* p, std::size_t n, std::size_t size) {
    auto load = [](const char* q, auto word) {
        std::memcpy(&word, q, sizeof word);
        return static_cast<std::uint64_t>(word);
    };
    if (size >= 8) return load(p + n - 8, std::uint64_t{}) >> (8 * (8 - n));  // the word ending with them
    if (n >= 4) return load(p, std::uint32_t{}) | load(p + n - 4, std::uint32_t{}) << (8 * (n - 4));
    const auto byte = [&](std::size_t i) { return std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i); };
    return byte(0) | byte(n / 2) | byte(n - 1);
}

/// Hashes bytes eight at a time. Kept as it is: its values choose shards (`--shard K/N`,
/// ingest's hosts) and name dedupe keys in state files. String pools use intern_hash.
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
        const std::uint64_t w = tail_bytes(p, n, s.size());
        h = (h ^ mix64(w ^ n)) * 0x9E3779B97F4A7C15ULL;
    }
    return mix64(h);
}

}  // namespace s3top
