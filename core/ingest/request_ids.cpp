#include "core/ingest/request_ids.hpp"

#include "core/parse/format_registry.hpp"
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
    const LogFormat* f = find_format(format);
    return f && f->request_ids;
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
    for (std::string_view s : {r.operation,
                               r.key,
                               r.version_id,
                               r.request_uri,
                               r.method,
                               r.path,
                               r.query,
                               r.protocol,
                               r.error_code,
                               r.bucket_owner,
                               r.bucket,
                               r.remote_ip,
                               r.requester,
                               r.referrer,
                               r.user_agent,
                               r.host_id,
                               r.signature_version,
                               r.cipher_suite,
                               r.auth_type,
                               r.host_header,
                               r.tls_version,
                               r.access_point_arn,
                               r.acl_required,
                               r.source_region})
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
    for (auto& s : shards_) s.slots.assign(16, Entry{});
}

namespace {
RequestKey normal(const RequestKey& k) { return k == RequestKey{} ? RequestKey{0, 1} : k; }
std::uint64_t slot_hash(const RequestKey& k) { return mix64(k.id ^ (k.rest * 0x9E3779B97F4A7C15ULL)); }
}  // namespace

std::size_t RequestIdSet::PairHash::operator()(const std::pair<std::uint32_t, RequestKey>& p) const {
    return static_cast<std::size_t>(slot_hash(p.second) ^ mix64(p.first));
}

RequestIdSet::Entry& RequestIdSet::find_or_add(Shard& s, const RequestKey& k, std::uint64_t h, std::uint32_t owner,
                                               bool& added) {
    // Grow at 80% full (linear probing stays short at that load).
    if ((s.size + 1) * 5 > s.slots.size() * 4) {
        std::vector<Entry> bigger(s.slots.size() * 2);
        const std::size_t mask = bigger.size() - 1;
        for (const auto& e : s.slots) {
            if (e.key == RequestKey{}) continue;
            std::size_t i = slot_hash(e.key) & mask;
            while (bigger[i].key != RequestKey{}) i = (i + 1) & mask;
            bigger[i] = e;
        }
        s.slots.swap(bigger);
    }
    const std::size_t mask = s.slots.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
        Entry& e = s.slots[i];
        if (e.key == k) {
            added = false;
            return e;
        }
        if (e.key == RequestKey{}) {
            e.key = k;
            e.owner = owner;
            ++s.size;
            added = true;
            return e;
        }
    }
}

std::uint32_t RequestIdSet::begin_load(std::size_t files) {
    const std::uint32_t base = next_file_;
    next_file_ += static_cast<std::uint32_t>(files);
    if (next_file_ == kStored) next_file_ = 0;
    for (auto& s : shards_) {
        std::lock_guard l(s.m);
        s.others.clear();  // files of earlier loads are never read again under their ids
    }
    return base;
}

RequestIdSet::Verdict RequestIdSet::admit(const Record& r, std::uint32_t file, BatchBuilder& builder) {
    const auto key = request_key(r);
    if (!key) {
        builder.count_no_request_id();
        add_no_id(1);
        return Verdict::NoId;
    }
    const RequestKey k = normal(*key);
    const std::uint64_t h = slot_hash(k);
    Shard& s = shards_[h >> 58];  // the top 6 bits pick the shard, the low bits the slot
    bool fresh = false;
    {
        std::lock_guard l(s.m);
        bool added = false;
        Entry& e = find_or_add(s, k, h, file, added);
        // How often this file has held the key so far; counted when more than any file before.
        std::uint32_t seen = 0;
        if (e.owner == file) {
            seen = ++e.owner_seen;
        } else {
            seen = ++s.others[{file, k}];
        }
        if (seen > e.counted && e.counted < 0xffff) {
            e.counted = static_cast<std::uint16_t>(seen);
            fresh = true;
        }
    }
    if (!fresh) return Verdict::Duplicate;
    builder.add_request_key(k);
    return Verdict::New;
}

void RequestIdSet::add_stored(const RequestKey& key) {
    const RequestKey k = normal(key);
    const std::uint64_t h = slot_hash(k);
    Shard& s = shards_[h >> 58];
    std::lock_guard l(s.m);
    bool added = false;
    Entry& e = find_or_add(s, k, h, kStored, added);
    if (e.counted < 0xffff) ++e.counted;
}

std::uint32_t RequestIdSet::count(const RequestKey& key) const {
    const RequestKey k = normal(key);
    const std::uint64_t h = slot_hash(k);
    const Shard& s = shards_[h >> 58];
    std::lock_guard l(s.m);
    const std::size_t mask = s.slots.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
        if (s.slots[i].key == k) return s.slots[i].counted;
        if (s.slots[i].key == RequestKey{}) return 0;
    }
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
        n += s.slots.capacity() * sizeof(Entry) + s.others.size() * (sizeof(RequestKey) + 32);
    }
    return n;
}

}  // namespace s3top
