#pragma once
// Interns strings: each distinct string is stored once and named by a dense uint32 id.
// Id 0 is always the empty string, which stands for an absent field ("-").
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace s3top {

class StringPool {
public:
    StringPool();
    StringPool(StringPool&&) noexcept = default;
    StringPool& operator=(StringPool&&) noexcept = default;
    StringPool(const StringPool&) = delete;
    StringPool& operator=(const StringPool&) = delete;

    /// The id of `s`, adding it when new. Views returned by view() stay valid for the pool's life.
    std::uint32_t intern(std::string_view s) { return intern(s, hash(s)); }
    /// As intern(s), given `h` = hash(s).
    std::uint32_t intern(std::string_view s, std::uint64_t h);
    /// The hash intern() and find() look `s` up by (every pool of a process has the same).
    std::uint64_t hash(std::string_view s) const;
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
