#pragma once
// An object-changing request with its strings interned (StorageNames), ordered by time and
// then by where it was read: what the object table applies.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/storage/storage_kind.hpp"
#include "core/util/string_pool.hpp"

namespace s3top {

struct StorageNameViews;

/// The strings of storage events, each interned once. Keys are interned per bucket: an
/// object is (bucket id, key id), and its key id indexes the bucket's object array.
struct StorageNames {
    StringPool orgs, buckets, uploads, versions;
    StringPool paths;              ///< the files events were read from (StorageEvent::path)
    std::vector<StringPool> keys;  ///< per bucket id

    std::uint32_t bucket(std::string_view name) {
        const std::uint32_t id = buckets.intern(name);
        while (keys.size() <= id) keys.emplace_back();
        return id;
    }
    std::uint32_t key(std::uint32_t bucket, std::string_view key) { return keys[bucket].intern(key); }
    std::size_t memory_bytes() const;
    /// Appends to `v` the views of the ids interned since it was last given them (O(new ids)).
    void copy_new(StorageNameViews& v) const;
    /// Points `v` at the pools' own views of keys, orgs, buckets and paths (none is copied):
    /// for when nothing is interned any more.
    void lend(StorageNameViews& v) const;
};

/// The texts of a StorageNames' ids as views into its pools' strings, which never move: what a
/// computation reads while add() goes on interning (a pool's own view table moves as it grows).
/// Only appended to. Upload ids are compared as ids, and of versions only "null" is looked at.
struct StorageNameViews {
    /// One pool's strings by id: a copy of where the pool stores them (8 bytes an id), or
    /// (borrow) the pool's own table of them when it no longer grows.
    class List {
    public:
        List() = default;
        List(List&&) noexcept = default;  // the copy's buffer moves with it: data_ stays valid
        List& operator=(List&&) noexcept = default;
        List(const List&) = delete;
        List& operator=(const List&) = delete;
        std::string_view view(std::uint32_t id) const { return string_pool_detail::stored_view(data_[id]); }
        std::size_t size() const { return size_; }
        StoredViews views() const { return {data_, size_}; }
        /// Appends `pool`'s ids from size() on (O(new ids)).
        void copy_new(const StringPool& pool);
        /// Reads `pool`'s own table from now on (the copy is freed): `pool` must not grow again.
        void borrow(const StringPool& pool);
        std::size_t memory_bytes() const { return own_.capacity() * sizeof(const char*); }

    private:
        /// id 0: the empty string
        std::vector<const char*> own_{string_pool_detail::kEmptyStored + 8};
        const char* const* data_ = own_.data();
        std::size_t size_ = 1;
    };
    List orgs, buckets, paths;
    std::vector<List> keys;          ///< per bucket id
    std::uint32_t null_version = 0;  ///< the versions id of "null" (a version id an unversioned bucket logs); 0: none
    std::optional<std::uint32_t> bucket(std::string_view name) const;
    std::size_t memory_bytes() const;
};

/// 48 bytes: the time and where in its file are bit fields, with the operation, the class, the
/// part number and whether a size was logged in their spare bits (set them with set_time and
/// set_origin).
struct StorageEvent {
    static constexpr std::int64_t kMaxTime = (std::int64_t{1} << 47) - 1;
    static constexpr std::uint64_t kMaxOrigin = (std::uint64_t{1} << 47) - 1;

    std::int64_t time : 48 = 0;  ///< UTC seconds (a parsed log's are years 1970-9999)
    StorageOp op : 8 = StorageOp::Put;
    StorageClass to : 8 = StorageClass::Standard;
    std::uint64_t origin : 47 = 0;  ///< where in its file (StorageLine::at): orders events of a second
    bool has_size : 1 = false;
    std::uint16_t part : 16 = 0;
    std::uint64_t size = 0;
    std::uint32_t bucket = 0, key = 0, org = 0;
    std::uint32_t path = 0;     ///< paths pool: the file it was read from (0 = not known)
    std::uint32_t upload = 0;   ///< uploads pool; 0 = not logged
    std::uint32_t version = 0;  ///< versions pool; 0 = not logged

    /// `t`, held to +-2^47 s (4 million years: no log's time is past it).
    void set_time(std::int64_t t) {
        const std::int64_t held = std::clamp(t, -kMaxTime, kMaxTime);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"  // held fits the field
        time = held;
#pragma GCC diagnostic pop
    }
    /// `at`, held to 2^47 - 1 (a line 128 TiB into a file orders as the last of its second there).
    void set_origin(std::uint64_t at) { origin = std::min(at, kMaxOrigin) & kMaxOrigin; }
};
static_assert(sizeof(StorageEvent) == 48);

/// Events are kept in chunks of kEventChunk that never move, so a computation reads a prefix of
/// them while more are added: event i is chunks[i >> kEventChunkBits][i % kEventChunk].
inline constexpr unsigned kEventChunkBits = 16;
inline constexpr std::size_t kEventChunk = std::size_t{1} << kEventChunkBits;

/// What a storage computation reads: events in the order they are applied, with their names.
struct StorageView {
    const StorageNameViews* names = nullptr;
    std::span<const StorageEvent* const> chunks;
    std::span<const std::uint32_t> order;  ///< the i-th event applied is event order[i]
    std::uint64_t failed = 0;              ///< object-changing requests that failed
    std::size_t size() const { return order.size(); }
    const StorageEvent& operator[](std::size_t i) const {
        const std::uint32_t j = order[i];
        return chunks[j >> kEventChunkBits][j & (kEventChunk - 1)];
    }
};

/// Extends `order` (the apply order of events [0, order.size())) to events [0, n): by time, then
/// by the text of their file's path, then by where in the file, then by index. The same in every
/// run, whichever order the files were read in (a run with a state file reads only what is new),
/// and the same order a sort of all n at once gives. Only the new events are sorted (in runs of
/// kEventChunk), then merged with the old order. `names` has every path the events name.
void extend_order(std::vector<std::uint32_t>& order, std::span<const StorageEvent* const> chunks, std::size_t n,
                  const StorageNameViews& names);

/// A vector of events, sorted, as a StorageView (tests, and one-off computations).
class SortedEvents {
public:
    /// `events` must outlive it, unchanged.
    SortedEvents(const StorageNames& names, const std::vector<StorageEvent>& events, std::uint64_t failed = 0);
    StorageView view() const { return StorageView{&names_, chunks_, order_, failed_}; }

private:
    StorageNameViews names_;
    std::vector<const StorageEvent*> chunks_;
    std::vector<std::uint32_t> order_;
    std::uint64_t failed_ = 0;
};

}  // namespace s3top
