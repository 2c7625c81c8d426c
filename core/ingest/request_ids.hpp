#pragma once
// Dedupe by request id (`--dedupe request-id`, issue #4). S3 delivers access-log records on a
// best-effort basis and can deliver one twice, in two different log objects: the file ledger
// cannot see that (the files differ). Each record is keyed on its request id and the rest of
// its content; a key seen before is a duplicate, rejected as `duplicate_request_id`.
//
// Why the whole record, not just (request id, operation, key): one request can log several
// records with the same id (a multi-object delete: REST.POST.MULTI_OBJECT_DELETE and one
// BATCH.DELETE.OBJECT per key, possibly the same key twice with two version ids; a copy:
// REST.COPY.OBJECT_GET and REST.COPY.OBJECT). A record that differs in any field is never
// dropped, and two records with one key are equal in every field, so whichever copy a parse
// thread sees first, the totals are the same.
//
// Identical records inside one log object are not duplicates of each other (a multi-object
// delete naming one key twice logs two identical BATCH.DELETE.OBJECT lines; S3 redelivers in
// another object): a key counts as many times as the one file holding it most often, whatever
// the order files are read in. See docs/dedupe.md.
#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/agg/batch.hpp"
#include "core/parse/record.hpp"

namespace s3top {

enum class DedupeMode : std::uint8_t { Off, RequestId };

/// "off" or "request-id"; nullopt for anything else.
std::optional<DedupeMode> parse_dedupe_mode(std::string_view name);
std::string_view dedupe_mode_name(DedupeMode m);

/// True when the format's records carry a per-request id (S3 request id, CloudFront
/// x-edge-request-id, ALB trace id, CloudTrail eventID); other formats are not deduped.
bool format_has_request_id(std::string_view format);

/// The key of a record; nullopt when its request id is empty or "-" (never deduped).
/// An S3 request id of 16 upper-case hex digits is kept whole in `id` (64 bits, lossless);
/// any other id is hashed, and `rest` hashes every other field (time, operation, key, version
/// id, request line, status, sizes, times, requester, ip, agent ...) with a seed that differs
/// between the two cases, so a hashed id never meets a lossless one with the same rest.
std::optional<RequestKey> request_key(const Record& r);

/// The keys of every record counted so far. Thread-safe: parse workers call admit()
/// concurrently (64 shards, each an open-addressing table of 16-byte keys behind a mutex).
class RequestIdSet {
public:
    enum class Verdict : std::uint8_t { New, Duplicate, NoId };

    RequestIdSet();
    RequestIdSet(const RequestIdSet&) = delete;
    RequestIdSet& operator=(const RequestIdSet&) = delete;

    /// A load starts: returns the first of `files` ids for its files (unique in this process,
    /// so rounds of follow never mix their files). Not while admit() runs.
    std::uint32_t begin_load(std::size_t files);
    /// Decides about a parsed record of file `file` (an id from begin_load): New (its key
    /// counted and handed to `builder`), NoId (counted in `builder` and here), or Duplicate
    /// (nothing changes; the caller rejects it). New when this file has now held the key more
    /// often than any file before (usually: the first time the key is seen).
    Verdict admit(const Record& r, std::uint32_t file, BatchBuilder& builder);
    /// Counts a stored key once more (a state file: a key appears once per record counted).
    void add_stored(const RequestKey& k);
    /// Times `k` is counted (0: never seen).
    std::uint32_t count(const RequestKey& k) const;
    void add_no_id(std::uint64_t n) { no_id_.fetch_add(n, std::memory_order_relaxed); }

    /// Distinct keys.
    std::uint64_t size() const;
    /// Records without a request id (counted, never deduped).
    std::uint64_t no_id() const { return no_id_.load(std::memory_order_relaxed); }
    /// Bytes of the tables.
    std::size_t memory_bytes() const;
    /// Every key, once per record counted, in no particular order. Not while admit() runs.
    template <class F>
    void for_each(F&& f) const {
        for (const auto& s : shards_) {
            for (const auto& e : s.slots) {
                if (e.key == RequestKey{}) continue;
                for (std::uint32_t i = 0; i < e.counted; ++i) f(e.key);
            }
        }
    }

private:
    static constexpr std::size_t kShards = 64;
    static constexpr std::uint32_t kStored = 0xffffffff;  ///< owner of keys from the state file
    struct Entry {
        RequestKey key;                 ///< {0, 0} = empty
        std::uint32_t owner = kStored;  ///< the file that held it first in this process
        std::uint16_t owner_seen = 0;   ///< times that file held it so far
        std::uint16_t counted = 0;      ///< records counted with this key (the most any file held)
    };
    struct PairHash {
        std::size_t operator()(const std::pair<std::uint32_t, RequestKey>& p) const;
    };
    struct PairEq {
        bool operator()(const std::pair<std::uint32_t, RequestKey>& a,
                        const std::pair<std::uint32_t, RequestKey>& b) const {
            return a.first == b.first && a.second == b.second;
        }
    };
    struct Shard {
        mutable std::mutex m;
        std::vector<Entry> slots;  ///< size a power of two
        std::size_t size = 0;
        /// Times each other file held a key already seen elsewhere (second deliveries: few).
        std::unordered_map<std::pair<std::uint32_t, RequestKey>, std::uint16_t, PairHash, PairEq> others;
    };
    /// The entry of `k` (inserted empty with owner `owner` when absent); caller holds s.m.
    static Entry& find_or_add(Shard& s, const RequestKey& k, std::uint64_t h, std::uint32_t owner, bool& added);
    std::array<Shard, kShards> shards_;
    std::atomic<std::uint64_t> no_id_{0};
    std::uint32_t next_file_ = 0;
};

}  // namespace s3top
