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
// thread sees first, the totals are the same. See ARCHITECTURE.md.
#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
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

    /// Decides about a parsed record: New (its key added and handed to `builder`), NoId
    /// (counted in `builder` and here), or Duplicate (nothing changes; the caller rejects it).
    Verdict admit(const Record& r, BatchBuilder& builder);
    /// Adds a key; true when it was not there.
    bool insert(const RequestKey& k);
    bool contains(const RequestKey& k) const;
    void add_no_id(std::uint64_t n) { no_id_.fetch_add(n, std::memory_order_relaxed); }

    std::uint64_t size() const;
    /// Records without a request id (counted, never deduped).
    std::uint64_t no_id() const { return no_id_.load(std::memory_order_relaxed); }
    /// Bytes of the tables.
    std::size_t memory_bytes() const;
    /// Every key, in no particular order. Not while admit() runs.
    template <class F>
    void for_each(F&& f) const {
        for (const auto& s : shards_) {
            for (const auto& k : s.slots) {
                if (k != RequestKey{}) f(k);
            }
        }
    }

private:
    static constexpr std::size_t kShards = 64;
    struct Shard {
        mutable std::mutex m;
        std::vector<RequestKey> slots;  ///< {0, 0} = empty; size a power of two
        std::size_t size = 0;
    };
    static bool place(std::vector<RequestKey>& slots, const RequestKey& k, std::uint64_t h);
    std::array<Shard, kShards> shards_;
    std::atomic<std::uint64_t> no_id_{0};
};

}  // namespace s3top
