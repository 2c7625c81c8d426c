#pragma once
// A batch of parsed lines from one parse worker, with its own string pools (ids local to the
// batch). The engine merges a batch by interning each distinct local string once into its
// global pools and remapping the id columns: parse workers never share a lock per line.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
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
/// The spec parse_org_source() reads back as `o`: "param:org,x-org", "requester", "prefix:2" ...
std::string org_source_spec(const OrgSource& o);

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

/// A batch's records encoded for somewhere else, in place of its columns and pools (s3top
/// ingest: ClickHouse rows; see RecordEncoder). What it holds is its encoder's business.
struct EncodedRecords {
    virtual ~EncodedRecords() = default;
    /// The records it holds.
    virtual std::uint64_t records() const = 0;
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
    /// The records, when a RecordEncoder took them (then `columns` and `pools` stay empty).
    std::unique_ptr<EncodedRecords> encoded;
    /// The records this batch holds, in its columns or encoded.
    std::uint64_t records() const { return encoded ? encoded->records() : columns.size(); }
};

/// Takes each record a BatchBuilder is given instead of its columns and pools: a consumer that
/// only sends the records on (s3top ingest) interns none of them. One per builder.
class RecordEncoder {
public:
    virtual ~RecordEncoder() = default;
    /// One record: its number columns, each stored dimension's value as the batch would intern
    /// it (by index(Dim); empty for dimensions not kept), the path of its file and its origin
    /// (origin_key: file index and line).
    virtual void add(const NumberRow& numbers, const std::array<std::string_view, kStringDimCount>& values,
                     std::string_view path, std::uint64_t origin) = 0;
    /// The records added since the last take(); the encoder starts anew.
    virtual std::unique_ptr<EncodedRecords> take() = 0;
};

struct Record;

/// Fills a Batch from parsed records. One per worker; reusable after take().
class BatchBuilder {
public:
    /// `tiers` classifies each request into a price tier (S3's defaults unless configured).
    BatchBuilder(const OrgSource& org, const DimMask& keep, const TierMap& tiers = TierMap::defaults());

    /// Counts and stores one parsed record; `path` and `at` say where it was read (for its
    /// storage line: StorageLine::at), `origin` its file and line (origin_key) when the batch
    /// keeps them (Batch::origin) or an encoder takes the records.
    void add(const Record& r, std::string_view path = {}, std::uint64_t at = 0,
             std::optional<std::uint64_t> origin = std::nullopt);
    /// Hands every record from now on to `encoder` instead of the columns (see RecordEncoder).
    void set_encoder(std::unique_ptr<RecordEncoder> encoder) { encoder_ = std::move(encoder); }
    /// Counts one line that became no record. A rejected one's text is kept for the rejects
    /// list; an ignored one (is_ignored) is only counted.
    void reject(std::uint32_t source, std::uint64_t line_no, std::string_view line, ParseError e);
    /// Counts bytes read (whole lines including newlines).
    void add_bytes(std::uint64_t n) { batch_.counters.bytes += n; }
    /// Records the dedupe key of the record just added (or that it had no request id).
    void add_request_key(const RequestKey& k) { batch_.request_keys.push_back(k); }
    void count_no_request_id() { ++batch_.no_request_id; }
    /// Also keep each object-changing request's storage fields (Batch::storage).
    void keep_storage_lines(bool on) { storage_ = on; }
    /// The records in the batch's columns (none when an encoder takes them).
    std::size_t size() const { return batch_.columns.size(); }
    std::size_t pending_lines() const { return static_cast<std::size_t>(batch_.counters.read); }
    /// The rejected lines held in this batch so far: the loader hands them to a reject sink as
    /// they come and keeps only a bounded sample (a file of blank lines is millions of them).
    std::vector<RejectedLine>& rejects() { return batch_.rejects; }
    /// Hands over the batch and starts a new one.
    Batch take();
    /// Gives the new batch the room of a taken batch's storage lines once whoever took it is
    /// done with them (ParseWorker::flush, after an ingest's commit sink has encoded them):
    /// the next batch's lines are written into memory already faulted in, not grown afresh by
    /// doubling (a third of an ingest's page faults were these). `used` is cleared first;
    /// nothing is done when it has no more room than the new batch's or that batch has lines.
    void reuse_storage(StorageLines&& used);

    /// The org of a record per `org` (views `r` or `scratch`); empty when absent.
    static std::string_view org_of(const Record& r, const OrgSource& org, std::string& scratch);

private:
    Tier tier_of(const Record& r);
    /// The kept columns' ids of `r` into the batch: each stored dimension is a step of its own
    /// (an index of the sequence), so each has its own call site of the pool's inline lookup.
    /// Returns the operation's id (0 when not kept).
    template <std::size_t... I>
    std::uint32_t add_ids(const Record& r, std::index_sequence<I...>);

    OrgSource org_;
    DimMask keep_;
    /// The stored dimensions `keep_` holds, in index order, with the Record field each interns
    /// (null: the org): add() walks these few instead of every dimension.
    struct Kept {
        std::size_t index;
        std::string_view Record::* field;
    };
    std::vector<Kept> kept_;
    TierMap tiers_;
    // Operations are few and repeat: each distinct one is classified once ("\0" + method for
    // records without an operation), up to kTierCacheSize of them (a hostile log's made-up
    // operations are classified each time, not kept).
    static constexpr std::size_t kTierCacheSize = 4096;
    StringPool tier_names_;
    std::vector<Tier> tier_of_name_;  ///< by tier_names_ id
    /// The tier of each operation the batch's pool holds (by its id; kNoTier not yet known):
    /// when the operation is kept, its id comes with the interning and the tier with no lookup.
    static constexpr std::uint8_t kNoTier = 0xff;
    std::vector<std::uint8_t> tier_of_op_;
    /// Likewise, when storage lines are kept, the kStorageOps row of each operation of the
    /// batch's pool (kStoresNothing: none; kNotLooked: not yet known).
    static constexpr std::int16_t kNotLooked = -2, kStoresNothing = -1;
    std::vector<std::int16_t> storage_of_op_;
    Batch batch_;
    /// add()'s scratch: each kept column's value and hash (members: not zeroed a line).
    std::array<std::string_view, kStringDimCount> values_;
    std::array<std::uint64_t, kStringDimCount> hashes_{};
    std::unique_ptr<RecordEncoder> encoder_;
    std::string scratch_;
    std::string method_key_;
    bool storage_ = false;
};

}  // namespace s3top
