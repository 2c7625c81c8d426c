#pragma once
// Interns strings: each distinct string is stored once and named by a dense uint32 id.
// Id 0 is always the empty string, which stands for an absent field ("-").
#include <cstdint>
#include <memory>
#include <optional>
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
    std::uint32_t intern(std::string_view s);
    /// The id of `s` when present.
    std::optional<std::uint32_t> find(std::string_view s) const;
    std::string_view view(std::uint32_t id) const { return views_[id]; }
    /// Number of ids (including the empty string's id 0).
    std::size_t size() const { return views_.size(); }
    /// Bytes held: string storage plus tables.
    std::size_t memory_bytes() const;
    void clear();

private:
    char* store(std::string_view s);
    void grow();

    std::vector<std::string_view> views_;
    std::vector<std::uint32_t> hashes_;  // low 32 bits of each id's hash, to skip compares
    std::vector<std::uint32_t> table_;   // open addressing: id + 1, 0 = empty slot
    std::vector<std::unique_ptr<char[]>> blocks_;
    std::size_t block_used_ = 0;
    std::size_t block_size_ = 0;
    std::size_t stored_bytes_ = 0;
    std::uint64_t seed_;
};

}  // namespace s3top
