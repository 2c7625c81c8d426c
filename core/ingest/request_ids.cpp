#include "core/ingest/request_ids.hpp"

#include "core/util/hash.hpp"
#include "core/util/stream_hash.hpp"

namespace s3top {

std::optional<DedupeMode> parse_dedupe_mode(std::string_view name) {
    if (name == "off") return DedupeMode::Off;
    if (name == "request-id") return DedupeMode::RequestId;
    return std::nullopt;
}

std::string_view dedupe_mode_name(DedupeMode m) { return m == DedupeMode::RequestId ? "request-id" : "off"; }

bool format_has_request_id(std::string_view format) {
    return format == "s3" || format == "cloudfront" || format == "alb" || format == "cloudtrail";
}

namespace {

// Seeds of the `rest` hash: one when the id is kept whole, another when it is hashed (with a
// third seed), so the two kinds of key never mix.
constexpr std::uint64_t kRestLossless = 0x7265737431303030ULL, kRestHashed = 0x7265737432303030ULL,
                        kIdSeed = 0x6964686173683030ULL;

/// 16 upper-case hex digits (S3's request ids) as the 64-bit number they spell.
bool hex64(std::string_view s, std::uint64_t& v) {
    if (s.size() != 16) return false;
    v = 0;
    for (char c : s) {
        unsigned d = 0;
        if (c >= '0' && c <= '9') {
            d = static_cast<unsigned>(c - '0');
        } else if (c >= 'A' && c <= 'F') {
            d = static_cast<unsigned>(c - 'A' + 10);
        } else {
            return false;
        }
        v = (v << 4) | d;
    }
    return true;
}

class FieldHash {
public:
    explicit FieldHash(std::uint64_t seed) { num(seed); }
    void num(std::uint64_t v) {
        char b[8];
        std::memcpy(b, &v, 8);
        h_.update({b, 8});
    }
    /// Length first, so field boundaries cannot shift ("ab","c" vs "a","bc").
    void str(std::string_view s) {
        num(s.size());
        h_.update(s);
    }
    std::uint64_t digest() const { return h_.digest(); }

private:
    StreamHash h_;
};

}  // namespace

std::optional<RequestKey> request_key(const Record& r) {
    const std::string_view id = r.request_id;
    if (id.empty() || id == "-") return std::nullopt;
    RequestKey k;
    const bool lossless = hex64(id, k.id);
    if (!lossless) k.id = hash_bytes(id, kIdSeed);
    FieldHash h(lossless ? kRestLossless : kRestHashed);
    h.num(static_cast<std::uint64_t>(r.time));
    for (std::string_view s : {r.operation, r.key, r.version_id, r.request_uri, r.method, r.path, r.query, r.protocol,
                               r.error_code, r.bucket_owner, r.bucket, r.remote_ip, r.requester, r.referrer,
                               r.user_agent, r.host_id, r.signature_version, r.cipher_suite, r.auth_type,
                               r.host_header, r.tls_version, r.access_point_arn, r.acl_required, r.source_region})
        h.str(s);
    h.num(r.status);
    h.num(r.bytes_sent);
    h.num(r.object_size);
    h.num(r.bytes_in);
    h.num(r.total_time_ms);
    h.num(r.turnaround_ms);
    h.num(static_cast<std::uint64_t>(r.has_object_size) | static_cast<std::uint64_t>(r.has_total_time) << 1 |
          static_cast<std::uint64_t>(r.has_turnaround) << 2);
    k.rest = h.digest();
    if (k == RequestKey{}) k.rest = 1;  // {0, 0} marks an empty slot
    return k;
}

RequestIdSet::RequestIdSet() {
    for (auto& s : shards_) s.slots.assign(16, RequestKey{});
}

namespace {
std::uint64_t slot_hash(const RequestKey& k) { return mix64(k.id ^ (k.rest * 0x9E3779B97F4A7C15ULL)); }
}  // namespace

bool RequestIdSet::place(std::vector<RequestKey>& slots, const RequestKey& k, std::uint64_t h) {
    const std::size_t mask = slots.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
        if (slots[i] == k) return false;
        if (slots[i] == RequestKey{}) {
            slots[i] = k;
            return true;
        }
    }
}

bool RequestIdSet::insert(const RequestKey& key) {
    RequestKey k = key;
    if (k == RequestKey{}) k.rest = 1;
    const std::uint64_t h = slot_hash(k);
    Shard& s = shards_[h >> 58];  // the top 6 bits pick the shard, the low bits the slot
    std::lock_guard l(s.m);
    // Grow at 80% full: 20-40 bytes per key (linear probing stays short at that load).
    if ((s.size + 1) * 5 > s.slots.size() * 4) {
        std::vector<RequestKey> bigger(s.slots.size() * 2, RequestKey{});
        for (const auto& old : s.slots) {
            if (old != RequestKey{}) place(bigger, old, slot_hash(old));
        }
        s.slots.swap(bigger);
    }
    if (!place(s.slots, k, h)) return false;
    ++s.size;
    return true;
}

bool RequestIdSet::contains(const RequestKey& key) const {
    RequestKey k = key;
    if (k == RequestKey{}) k.rest = 1;
    const std::uint64_t h = slot_hash(k);
    const Shard& s = shards_[h >> 58];
    std::lock_guard l(s.m);
    const std::size_t mask = s.slots.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
        if (s.slots[i] == k) return true;
        if (s.slots[i] == RequestKey{}) return false;
    }
}

RequestIdSet::Verdict RequestIdSet::admit(const Record& r, BatchBuilder& builder) {
    const auto k = request_key(r);
    if (!k) {
        builder.count_no_request_id();
        add_no_id(1);
        return Verdict::NoId;
    }
    if (!insert(*k)) return Verdict::Duplicate;
    builder.add_request_key(*k);
    return Verdict::New;
}

std::uint64_t RequestIdSet::size() const {
    std::uint64_t n = 0;
    for (const auto& s : shards_) {
        std::lock_guard l(s.m);
        n += s.size;
    }
    return n;
}

std::size_t RequestIdSet::memory_bytes() const {
    std::size_t n = 0;
    for (const auto& s : shards_) {
        std::lock_guard l(s.m);
        n += s.slots.capacity() * sizeof(RequestKey);
    }
    return n;
}

}  // namespace s3top
