#pragma once
// A batch of parsed lines from one parse worker, with its own string pools (ids local to the
// batch). The engine merges a batch by interning each distinct local string once into its
// global pools and remapping the id columns: parse workers never share a lock per line.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/agg/columns.hpp"
#include "core/agg/tier_map.hpp"
#include "core/parse/parse_error.hpp"
#include "core/storage/storage_lines.hpp"

namespace s3top {

/// Where a request's org comes from.
struct OrgSource {
    enum class Kind : std::uint8_t { QueryParam, Requester, KeyPrefix, AccessPoint, RemoteIp, Bucket, HostHeader };
    Kind kind = Kind::QueryParam;
    std::vector<std::string> params{"org"};  ///< QueryParam: names tried in order
    std::uint8_t depth = 1;                  ///< KeyPrefix: leading key segments
};

/// Parses "param:org,x-org", "org,x-org" (params), "requester", "prefix:2", "access-point",
/// "ip", "bucket", "host". Returns an error text when malformed.
std::optional<OrgSource> parse_org_source(std::string_view spec, std::string& error);

/// A line that was rejected, kept for the user to audit.
struct RejectedLine {
    std::uint32_t source = 0;   ///< index into the ingest's source list
    std::uint64_t line_no = 0;  ///< 1-based line number in the source
    ParseError error;
    std::string text;  ///< the line, cut at kMaxRejectText bytes
    /// The file's path, set by the reader for the lines it keeps (the dashboard's problems view):
    /// `source` only means something within one load.
    std::string path;
};
inline constexpr std::size_t kMaxRejectText = 16 * 1024;

/// Lines read and their fate: read == parsed + rejected_total() + ignored_total().
struct LineCounters {
    std::uint64_t read = 0;
    std::uint64_t parsed = 0;
    /// The lines that became no record, by reason: the rejected ones and the ignored ones
    /// (is_ignored(reason)).
    std::array<std::uint64_t, kRejectReasonCount> unparsed{};
    std::uint64_t bytes = 0;

    std::uint64_t of(RejectReason r) const { return unparsed[static_cast<std::size_t>(r)]; }
    /// Lines that should have been records and were not.
    std::uint64_t rejected_total() const { return total(false); }
    /// Lines that are no records (blank, headers, a file that is no log, no request).
    std::uint64_t ignored_total() const { return total(true); }
    void merge(const LineCounters& o) {
        read += o.read;
        parsed += o.parsed;
        bytes += o.bytes;
        for (std::size_t i = 0; i < unparsed.size(); ++i) unparsed[i] += o.unparsed[i];
    }
    std::uint64_t total(bool ignored) const {
        std::uint64_t n = 0;
        for (std::size_t i = 0; i < unparsed.size(); ++i) {
            if (is_ignored(static_cast<RejectReason>(i)) == ignored) n += unparsed[i];
        }
        return n;
    }
};

/// A record's dedupe key (see core/ingest/request_ids.hpp): a lossless S3 request id or a
/// hash of another format's id, and a hash of the record's other fields.
struct RequestKey {
    std::uint64_t id = 0, rest = 0;
    friend bool operator==(const RequestKey&, const RequestKey&) = default;
};

struct Batch {
    Columns columns;
    Pools pools;
    LineCounters counters;
    std::vector<RejectedLine> rejects;
    std::int64_t newest_source_mtime = 0;  ///< for "late records" notes
    /// Per record, where it came from (file index << 40 | line number), when the loader was
    /// asked for it (LoaderOptions::record_origin, for replay's stable time order); else empty.
    std::vector<std::uint64_t> origin;
    /// The id columns already name the engine's global strings (Engine::intern); `pools` is
    /// then unused and Engine::append does not remap.
    bool interned = false;
    /// --dedupe request-id: the keys of the records this batch counts (stored with them in the
    /// state file), and how many of its records had no request id (never deduped).
    std::vector<RequestKey> request_keys;
    std::uint64_t no_request_id = 0;
    /// `s3top storage`: the object-changing requests among the records (BatchBuilder::
    /// keep_storage_lines), for the engine's StorageCollector.
    StorageLines storage;
};

struct Record;

/// Fills a Batch from parsed records. One per worker; reusable after take().
class BatchBuilder {
public:
    /// `tiers` classifies each request into a price tier (S3's defaults unless configured).
    BatchBuilder(const OrgSource& org, const DimMask& keep, const TierMap& tiers = TierMap::defaults());

    /// Counts and stores one parsed record; `path` and `at` say where it was read (for its
    /// storage line: StorageLine::at).
    void add(const Record& r, std::string_view path = {}, std::uint64_t at = 0);
    /// Counts one line that became no record. A rejected one's text is kept for the rejects
    /// list; an ignored one (is_ignored) is only counted.
    void reject(std::uint32_t source, std::uint64_t line_no, std::string_view line, ParseError e);
    /// Counts bytes read (whole lines including newlines).
    void add_bytes(std::uint64_t n) { batch_.counters.bytes += n; }
    /// Records where the record just added came from (see Batch::origin).
    void add_origin(std::uint64_t origin) { batch_.origin.push_back(origin); }
    /// Records the dedupe key of the record just added (or that it had no request id).
    void add_request_key(const RequestKey& k) { batch_.request_keys.push_back(k); }
    void count_no_request_id() { ++batch_.no_request_id; }
    /// Also keep each object-changing request's storage fields (Batch::storage).
    void keep_storage_lines(bool on) { storage_ = on; }
    std::size_t size() const { return batch_.columns.size(); }
    std::size_t pending_lines() const { return static_cast<std::size_t>(batch_.counters.read); }
    /// The rejected lines held in this batch so far: the loader hands them to a reject sink as
    /// they come and keeps only a bounded sample (a file of blank lines is millions of them).
    std::vector<RejectedLine>& rejects() { return batch_.rejects; }
    /// Hands over the batch and starts a new one.
    Batch take();

    /// The org of a record per `org` (views `r` or `scratch`); empty when absent.
    static std::string_view org_of(const Record& r, const OrgSource& org, std::string& scratch);

private:
    Tier tier_of(const Record& r);

    OrgSource org_;
    DimMask keep_;
    TierMap tiers_;
    // Operations are few and repeat: each distinct one is classified once ("\0" + method for
    // records without an operation), up to kTierCacheSize of them (a hostile log's made-up
    // operations are classified each time, not kept).
    static constexpr std::size_t kTierCacheSize = 4096;
    StringPool tier_names_;
    std::vector<Tier> tier_of_name_;  ///< by tier_names_ id
    Batch batch_;
    std::string scratch_;
    std::string method_key_;
    bool storage_ = false;
};

}  // namespace s3top
