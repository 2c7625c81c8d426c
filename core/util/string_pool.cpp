#include "core/util/string_pool.hpp"

#include <algorithm>
#include <cstring>
#include <random>

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
[[gnu::always_inline]] inline bool equal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && same_bytes(a.data(), b.data(), a.size());
}
}  // namespace

StringPool::StringPool() : seed_(process_seed()) { clear(); }

void StringPool::clear() {
    views_.assign(1, std::string_view{});
    table_.assign(16, 0);
    blocks_.clear();
    block_used_ = block_size_ = stored_bytes_ = 0;
}

char* StringPool::store(std::string_view s) {
    if (s.size() > block_size_ - block_used_) {
        const std::size_t size = std::max(kBlockSize, s.size());
        blocks_.push_back(std::make_unique_for_overwrite<char[]>(size));  // not zeroed: only what is stored is touched
        block_size_ = size;
        block_used_ = 0;
    }
    char* p = blocks_.back().get() + block_used_;
    std::memcpy(p, s.data(), s.size());
    block_used_ += s.size();
    stored_bytes_ += s.size();
    return p;
}

void StringPool::grow() {
    std::vector<std::uint64_t> bigger(table_.size() * 2, 0);
    const std::size_t mask = bigger.size() - 1;
    // A slot is its hash's low bits, and each slot keeps the low 32: no string is read and
    // hashed again (a million keys grow the table 20 times). Past 2^32 slots they are.
    const bool kept = mask <= 0xFFFFFFFFu;
    for (const std::uint64_t entry : table_) {
        if (entry == 0) continue;
        const auto id = static_cast<std::uint32_t>(entry) - 1;
        std::size_t slot = (kept ? entry >> 32 : intern_hash(views_[id], seed_)) & mask;
        while (bigger[slot] != 0) slot = (slot + 1) & mask;
        bigger[slot] = entry;
    }
    table_.swap(bigger);
}

std::uint32_t StringPool::add(std::string_view s, std::uint32_t h32, std::size_t slot) {
    const auto id = static_cast<std::uint32_t>(views_.size());
    views_.emplace_back(store(s), s.size());
    table_[slot] = slot_of(h32, id);
    if (views_.size() * 4 > table_.size() * 3) grow();  // keep load under 3/4
    return id;
}

void StringPool::intern_all(const StringPool& from, std::vector<std::uint32_t>& remap) {
    remap.assign(from.size(), 0);
    // Room for all of them first, so no probe's table moves under the fetches ahead.
    while ((views_.size() + from.size()) * 4 > table_.size() * 3) grow();
    // A slot's high half is the low 32 bits of its string's hash (every pool of a process hashes
    // with its seed), which is all a probe needs while the table has at most 2^32 slots.
    const bool hashed = table_.size() - 1 <= 0xFFFFFFFFu;
    std::vector<std::uint32_t> h32(from.size(), 0);  // by from's id
    for (const std::uint64_t entry : from.table_)
        if (entry != 0) h32[static_cast<std::uint32_t>(entry) - 1] = static_cast<std::uint32_t>(entry >> 32);
    constexpr std::uint32_t kAhead = 8;
    const auto n = static_cast<std::uint32_t>(from.size());
    for (std::uint32_t id = 1; id < n; ++id) {
        if (id + kAhead < n) prefetch(h32[id + kAhead]);
        const std::string_view s = from.view(id);
        remap[id] = hashed ? intern(s, h32[id]) : intern(s);
    }
}

std::optional<std::uint32_t> StringPool::find(std::string_view s) const {
    if (s.empty()) return 0;
    const std::uint64_t h = intern_hash(s, seed_);
    const auto h32 = static_cast<std::uint32_t>(h);
    const std::size_t mask = table_.size() - 1;
    std::size_t slot = h & mask;
    while (const std::uint64_t entry = table_[slot]) {
        const auto id = static_cast<std::uint32_t>(entry) - 1;
        if (entry >> 32 == h32 && equal(views_[id], s)) return id;
        slot = (slot + 1) & mask;
    }
    return std::nullopt;
}

std::size_t StringPool::memory_bytes() const {
    std::size_t blocks = 0;
    for (std::size_t i = 0; i < blocks_.size(); ++i) blocks += i + 1 == blocks_.size() ? block_size_ : kBlockSize;
    return blocks + views_.capacity() * sizeof(std::string_view) + table_.capacity() * 8;
}

}  // namespace s3top
