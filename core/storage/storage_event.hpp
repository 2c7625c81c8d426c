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
    std::uint64_t origin = 0;  ///< origin_key(file, line): the order of events in the same second
    std::uint64_t size = 0;
    std::uint32_t bucket = 0, key = 0, org = 0;
    std::uint32_t upload = 0;   ///< uploads pool; 0 = not logged
    std::uint32_t version = 0;  ///< versions pool; 0 = not logged
    std::uint16_t part = 0;
    StorageOp op = StorageOp::Put;
    StorageClass to = StorageClass::Standard;
    bool has_size = false;

    friend bool operator<(const StorageEvent& a, const StorageEvent& b) {
        return a.time != b.time ? a.time < b.time : a.origin < b.origin;
    }
};

}  // namespace s3top
