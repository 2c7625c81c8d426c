#pragma once
// Interns strings: each distinct string is stored once and named by a dense uint32 id.
// Id 0 is always the empty string, which stands for an absent field ("-").
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace s3top {

namespace string_pool_detail {

inline std::uint64_t load64(const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
}
inline std::uint64_t load32(const char* p) {
    std::uint32_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
}
/// The 128-bit product of a and b, its halves folded into one word by xor.
inline std::uint64_t fold_multiply(std::uint64_t a, std::uint64_t b) {
    __extension__ using u128 = unsigned __int128;
    const u128 r = static_cast<u128>(a) * b;
    return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}

/// The hash string pools intern by. Nothing keeps its values (each process seeds its pools
/// anew), so it is free to change. A log's values are mostly short (IPs, orgs, operations,
/// status words): up to 16 bytes take two multiplies, read as two words that may overlap;
/// longer ones one multiply per 16 bytes, then the last 16. Inline: a batch interns a dozen
/// columns a line, each from its own call site, so each column's lengths train its own branches.
[[gnu::always_inline]] inline std::uint64_t hash(std::string_view s, std::uint64_t seed) {
    constexpr std::uint64_t k0 = 0xa0761d6478bd642fULL, k1 = 0xe7037ed1a0b428dbULL, k2 = 0x8ebc6af09c88c6e3ULL;
    const char* p = s.data();
    const std::size_t n = s.size();
    std::uint64_t a = 0, b = 0;
    seed ^= k0;
    if (n <= 16) {
        if (n >= 4) {
            const std::size_t mid = (n >> 3) << 2;  // 0 below 8 bytes, else 4: the words overlap
            a = load32(p) << 32 | load32(p + mid);
            b = load32(p + n - 4) << 32 | load32(p + n - 4 - mid);
        } else if (n > 0) {
            const auto byte = [&](std::size_t i) { return std::uint64_t{static_cast<unsigned char>(p[i])}; };
            a = byte(0) << 16 | byte(n >> 1) << 8 | byte(n - 1);
        }
    } else {
        std::size_t left = n;
        for (; left > 16; left -= 16, p += 16) seed = fold_multiply(load64(p) ^ k1, load64(p + 8) ^ seed);
        a = load64(p + left - 16);
        b = load64(p + left - 8);
    }
    return fold_multiply(k1 ^ n, fold_multiply(a ^ k1, b ^ seed) ^ k2);
}

/// Whether the `n` bytes at a and at b are the same: a pool's probe that found a string of the
/// right length and hash. Up to 16 bytes in two loads of each, overlapping, not a call.
[[gnu::always_inline]] inline bool same_bytes(const char* a, const char* b, std::size_t n) {
    if (n > 16) return std::memcmp(a, b, n) == 0;
    if (n >= 8) return ((load64(a) ^ load64(b)) | (load64(a + n - 8) ^ load64(b + n - 8))) == 0;
    if (n >= 4) return ((load32(a) ^ load32(b)) | (load32(a + n - 4) ^ load32(b + n - 4))) == 0;
    for (std::size_t i = 0; i < n; ++i)
        if (a[i] != b[i]) return false;
    return true;
}

}  // namespace string_pool_detail

class StringPool {
public:
    StringPool();
    StringPool(StringPool&&) noexcept = default;
    StringPool& operator=(StringPool&&) noexcept = default;
    StringPool(const StringPool&) = delete;
    StringPool& operator=(const StringPool&) = delete;

    /// The id of `s`, adding it when new. Views returned by view() stay valid for the pool's life.
    std::uint32_t intern(std::string_view s) { return intern(s, hash(s)); }
    /// As intern(s), given `h` = hash(s). The lookup is inline (see string_pool_detail::hash);
    /// a new string is added out of line.
    [[gnu::always_inline]] std::uint32_t intern(std::string_view s, std::uint64_t h) {
        if (s.empty()) return 0;
        const auto h32 = static_cast<std::uint32_t>(h);
        const std::size_t mask = table_.size() - 1;
        std::size_t slot = h & mask;
        while (const std::uint64_t entry = table_[slot]) {
            const auto id = static_cast<std::uint32_t>(entry) - 1;
            if (entry >> 32 == h32 && views_[id].size() == s.size() &&
                string_pool_detail::same_bytes(views_[id].data(), s.data(), s.size()))
                return id;
            slot = (slot + 1) & mask;
        }
        return add(s, h32, slot);
    }
    /// The hash intern() and find() look `s` up by (every pool of a process has the same).
    [[gnu::always_inline]] std::uint64_t hash(std::string_view s) const { return string_pool_detail::hash(s, seed_); }
    /// Starts loading the slot a string of hash `h` is looked up in first, so that interning many
    /// strings in a row waits for memory once, not once per string (a hint: changes nothing).
    void prefetch(std::uint64_t h) const { __builtin_prefetch(&table_[h & (table_.size() - 1)]); }
    /// Interns every string of `from` (another pool of this process): remap[id in from] = the
    /// id here, new strings numbered in from's order. The hashes come from `from`'s table, and
    /// each probe's slot is fetched ahead of its turn: the engine's merge of a batch, where the
    /// big pools' probes miss the cache.
    void intern_all(const StringPool& from, std::vector<std::uint32_t>& remap);
    /// The id of `s` when present.
    std::optional<std::uint32_t> find(std::string_view s) const;
    std::string_view view(std::uint32_t id) const { return views_[id]; }
    /// Every id's view, by id (moves when the pool grows).
    std::span<const std::string_view> views() const { return views_; }
    /// Number of ids (including the empty string's id 0).
    std::size_t size() const { return views_.size(); }
    /// Bytes held: string storage plus tables.
    std::size_t memory_bytes() const;
    void clear();

private:
    char* store(std::string_view s);
    void grow();
    /// Adds `s` (not in the pool; its hash's low 32 bits `h32`) at the empty `slot` its probe
    /// ended on; returns its id.
    std::uint32_t add(std::string_view s, std::uint32_t h32, std::size_t slot);

    /// A slot of the open-addressed table: the low 32 bits of its string's hash (to skip
    /// compares, and to grow without hashing again) over id + 1; 0 is an empty slot. One load
    /// per probe: a lookup touches the table, then the string it finds, nothing else.
    static std::uint64_t slot_of(std::uint32_t h32, std::uint32_t id) {
        return (std::uint64_t{h32} << 32) | (std::uint64_t{id} + 1);
    }
    std::vector<std::string_view> views_;
    std::vector<std::uint64_t> table_;
    std::vector<std::unique_ptr<char[]>> blocks_;
    std::size_t block_used_ = 0;
    std::size_t block_size_ = 0;
    std::size_t stored_bytes_ = 0;
    std::uint64_t seed_;
};

}  // namespace s3top
