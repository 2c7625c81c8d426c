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
/// longer ones one multiply per 16 bytes (over 48, three lanes of 16 whose multiplies overlap:
/// user agents and ARNs of 80-150 bytes), then the last 16. Inline: a batch interns a dozen
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
        if (left > 48) {  // three independent lanes of 16 bytes: their multiplies overlap
            std::uint64_t s1 = seed, s2 = seed;
            for (; left > 48; left -= 48, p += 48) {
                seed = fold_multiply(load64(p) ^ k1, load64(p + 8) ^ seed);
                s1 = fold_multiply(load64(p + 16) ^ k2, load64(p + 24) ^ s1);
                s2 = fold_multiply(load64(p + 32) ^ k0, load64(p + 40) ^ s2);
            }
            seed ^= s1 ^ s2;
        }
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

/// A stored string's bytes follow their length (4 bytes) and id (4 bytes): `bytes` is where the
/// bytes are.
inline std::string_view stored_view(const char* bytes) { return {bytes, static_cast<std::size_t>(load32(bytes - 8))}; }
/// The empty string (id 0) as stored: a zero length and id, then no bytes.
alignas(8) inline constexpr char kEmptyStored[16] = {};

}  // namespace string_pool_detail

/// A pool's strings by id (StringPool::views()): one pointer an id, to where its bytes are stored
/// after their length. Valid while the pool it came from lives and does not grow.
class StoredViews {
public:
    StoredViews() = default;
    StoredViews(const char* const* bytes, std::size_t size) : bytes_(bytes), size_(size) {}
    std::string_view operator[](std::size_t id) const { return string_pool_detail::stored_view(bytes_[id]); }
    std::size_t size() const { return size_; }
    const char* const* data() const { return bytes_; }

private:
    const char* const* bytes_ = nullptr;
    std::size_t size_ = 0;
};

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
        const std::uint64_t tag = tag_of(h);
        const std::size_t mask = table_.size() - 1;
        std::size_t slot = h & mask;
        while (const std::uint64_t entry = table_[slot]) {
            if ((entry & kTagMask) == tag) {
                const char* bytes = bytes_of(entry);
                if (stored_size(bytes) == s.size() && string_pool_detail::same_bytes(bytes, s.data(), s.size()))
                    return stored_id(bytes);
            }
            slot = (slot + 1) & mask;
        }
        return add(s, tag, slot);
    }
    /// The hash intern() and find() look `s` up by (every pool of a process has the same).
    [[gnu::always_inline]] std::uint64_t hash(std::string_view s) const { return string_pool_detail::hash(s, seed_); }
    /// Starts loading the slot a string of hash `h` is looked up in first, so that interning many
    /// strings in a row waits for memory once, not once per string (a hint: changes nothing).
    void prefetch(std::uint64_t h) const { __builtin_prefetch(&table_[h & (table_.size() - 1)]); }
    /// Interns every string of `from` (another pool of this process): remap[id in from] = the
    /// id here, new strings numbered in from's order. All are hashed first (reading `from`'s
    /// bytes in order), then each probe's slot is fetched ahead of its turn: the engine's merge
    /// of a batch, where the big pools' probes miss the cache.
    void intern_all(const StringPool& from, std::vector<std::uint32_t>& remap);
    /// The id of `s` when present.
    std::optional<std::uint32_t> find(std::string_view s) const;
    std::string_view view(std::uint32_t id) const { return string_pool_detail::stored_view(bytes_[id]); }
    /// Where id's bytes are stored (after their length: string_pool_detail::stored_view reads
    /// them back). They never move while the pool lives.
    const char* stored(std::uint32_t id) const { return bytes_[id]; }
    /// Every id's string, by id (the table moves when the pool grows).
    StoredViews views() const { return {bytes_.data(), bytes_.size()}; }
    /// Number of ids (including the empty string's id 0).
    std::size_t size() const { return bytes_.size(); }
    /// Bytes held: string storage plus tables.
    std::size_t memory_bytes() const;
    void clear();

private:
    /// Stores `s` after its length and `id`; returns where its bytes are.
    char* store(std::string_view s, std::uint32_t id);
    void grow();
    /// Adds `s` (not in the pool; its hash's tag `tag`) at the empty `slot` its probe ended on;
    /// returns its id.
    std::uint32_t add(std::string_view s, std::uint64_t tag, std::size_t slot);

    /// A slot of the open-addressed table is 8 bytes: where its string's bytes are stored (the
    /// low 48 bits; user-space addresses on x86-64 and arm64 Linux fit, and store() checks each
    /// block) under the top 16 bits of its hash (the tag); 0 is an empty slot. The bytes follow
    /// their length and id (4 bytes each). A probe compares the tag, then reads the length, the
    /// bytes and the id, which share a cache line: not a table of views in between (with a slot of
    /// hash and id, a lookup of the big pools missed the cache three times in a row: slot, view,
    /// bytes). A string's slot is its hash's low bits: growing hashes each string again, in id
    /// order, reading the blocks front to back.
    static constexpr std::uint64_t kTagMask = 0xFFFF000000000000ULL;
    static constexpr std::uint64_t kAddressMask = ~kTagMask;
    static constexpr std::size_t kHeader = 8;
    static std::uint64_t tag_of(std::uint64_t h) { return h & kTagMask; }
    static const char* bytes_of(std::uint64_t entry) {
        return reinterpret_cast<const char*>(static_cast<std::uintptr_t>(entry & kAddressMask));
    }
    static std::uint64_t slot_of(std::uint64_t tag, const char* bytes) {
        return tag | static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(bytes));
    }
    static std::size_t stored_size(const char* bytes) { return string_pool_detail::load32(bytes - 8); }
    static std::uint32_t stored_id(const char* bytes) {
        return static_cast<std::uint32_t>(string_pool_detail::load32(bytes - 4));
    }
    static_assert(sizeof(std::uintptr_t) == 8 && sizeof(const char*) == 8,
                  "a slot packs a 48-bit address and a 16-bit tag into 64 bits");
    /// By id: where its bytes are stored (8 bytes an id; the length is read from the header).
    std::vector<const char*> bytes_;
    std::vector<std::uint64_t> table_;
    std::vector<std::unique_ptr<char[]>> blocks_;
    std::size_t block_used_ = 0;
    std::size_t block_size_ = 0;
    std::size_t stored_bytes_ = 0;
    std::uint64_t seed_;
};

}  // namespace s3top
