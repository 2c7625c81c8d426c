#include "core/util/string_pool.hpp"

#include <algorithm>
#include <cstring>
#include <new>
#include <random>
#include <stdexcept>

#include "core/util/hash.hpp"

namespace s3top {
namespace {
constexpr std::size_t kBlockSize = 64 * 1024;

using string_pool_detail::same_bytes;

std::uint64_t intern_hash(std::string_view s, std::uint64_t seed) { return string_pool_detail::hash(s, seed); }

std::uint64_t process_seed() {
    static const std::uint64_t seed = [] {
        std::random_device rd;
        return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    }();
    return seed;
}
}  // namespace

StringPool::StringPool() : seed_(process_seed()) { clear(); }

void StringPool::clear() {
    bytes_.assign(1, string_pool_detail::kEmptyStored + kHeader);
    table_.assign(16, 0);
    blocks_.clear();
    block_used_ = block_size_ = stored_bytes_ = 0;
}

char* StringPool::store(std::string_view s, std::uint32_t id) {
    // A string longer than its 4-byte length can say is no log's value (a line is at most 1 MiB).
    if (s.size() > 0xFFFFFFFFu) throw std::length_error("StringPool: a string of 4 GiB or more");
    const std::size_t need = kHeader + s.size();
    if (need > block_size_ - block_used_) {
        const std::size_t size = std::max(kBlockSize, need);
        auto block = std::make_unique_for_overwrite<char[]>(size);  // not zeroed: only what is stored is touched
        // A slot keeps 48 bits of a string's address: the whole block must be below 2^48.
        if ((reinterpret_cast<std::uintptr_t>(block.get()) + size) & kTagMask) throw std::bad_alloc();
        blocks_.push_back(std::move(block));
        block_size_ = size;
        block_used_ = 0;
    }
    char* p = blocks_.back().get() + block_used_;
    const auto length = static_cast<std::uint32_t>(s.size());
    std::memcpy(p, &length, 4);
    std::memcpy(p + 4, &id, 4);
    std::memcpy(p + kHeader, s.data(), s.size());
    block_used_ += need;
    stored_bytes_ += s.size();
    return p + kHeader;
}

void StringPool::grow() {
    std::vector<std::uint64_t> bigger(table_.size() * 2, 0);
    const std::size_t mask = bigger.size() - 1;
    // Each string is hashed again, in id order: the blocks are read front to back.
    const auto n = static_cast<std::uint32_t>(bytes_.size());
    for (std::uint32_t id = 1; id < n; ++id) {
        const std::string_view s = view(id);
        const std::uint64_t h = intern_hash(s, seed_);
        std::size_t slot = h & mask;
        while (bigger[slot] != 0) slot = (slot + 1) & mask;
        bigger[slot] = slot_of(tag_of(h), s.data());
    }
    table_.swap(bigger);
}

std::uint32_t StringPool::add(std::string_view s, std::uint64_t tag, std::size_t slot) {
    const auto id = static_cast<std::uint32_t>(bytes_.size());
    const char* bytes = store(s, id);
    bytes_.push_back(bytes);
    table_[slot] = slot_of(tag, bytes);
    if (bytes_.size() * 4 > table_.size() * 3) grow();  // keep load under 3/4
    return id;
}

void StringPool::intern_all(const StringPool& from, std::vector<std::uint32_t>& remap) {
    remap.assign(from.size(), 0);
    // Room for all of them first, so no probe's table moves under the fetches ahead.
    while ((bytes_.size() + from.size()) * 4 > table_.size() * 3) grow();
    // Every pool of a process hashes with the same seed.
    const auto n = static_cast<std::uint32_t>(from.size());
    std::vector<std::uint64_t> h(n, 0);  // by from's id
    for (std::uint32_t id = 1; id < n; ++id) h[id] = intern_hash(from.view(id), seed_);
    constexpr std::uint32_t kAhead = 8;
    for (std::uint32_t id = 1; id < n; ++id) {
        if (id + kAhead < n) prefetch(h[id + kAhead]);
        remap[id] = intern(from.view(id), h[id]);
    }
}

std::optional<std::uint32_t> StringPool::find(std::string_view s) const {
    if (s.empty()) return 0;
    const std::uint64_t h = intern_hash(s, seed_);
    const std::uint64_t tag = tag_of(h);
    const std::size_t mask = table_.size() - 1;
    std::size_t slot = h & mask;
    while (const std::uint64_t entry = table_[slot]) {
        if ((entry & kTagMask) == tag) {
            const char* bytes = bytes_of(entry);
            if (stored_size(bytes) == s.size() && same_bytes(bytes, s.data(), s.size())) return stored_id(bytes);
        }
        slot = (slot + 1) & mask;
    }
    return std::nullopt;
}

std::size_t StringPool::memory_bytes() const {
    std::size_t blocks = 0;
    for (std::size_t i = 0; i < blocks_.size(); ++i) blocks += i + 1 == blocks_.size() ? block_size_ : kBlockSize;
    return blocks + bytes_.capacity() * sizeof(const char*) + table_.capacity() * 8;
}

}  // namespace s3top
