#pragma once
// An object-changing request with its strings interned (StorageNames), ordered by time and
// then by where it was read: what the object table applies.
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/storage/storage_kind.hpp"
#include "core/util/string_pool.hpp"

namespace s3top {

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
};

struct StorageEvent {
    std::int64_t time = 0;
    std::uint64_t origin = 0;  ///< where in its file (StorageLine::at): orders events of a second
    std::uint64_t size = 0;
    std::uint32_t bucket = 0, key = 0, org = 0;
    std::uint32_t path = 0;     ///< paths pool: the file it was read from (0 = not known)
    std::uint32_t upload = 0;   ///< uploads pool; 0 = not logged
    std::uint32_t version = 0;  ///< versions pool; 0 = not logged
    std::uint16_t part = 0;
    StorageOp op = StorageOp::Put;
    StorageClass to = StorageClass::Standard;
    bool has_size = false;
};

/// Puts `events` in the order they are applied: by time, then by the text of their file's path,
/// then by where in the file. The same in every run, whichever order the files were read in (a
/// run with a state file reads only what is new).
void sort_events(const StorageNames& names, std::vector<StorageEvent>& events);

}  // namespace s3top
