#pragma once
// The table of stored objects per bucket and key, fed storage events in time order, and the
// exact byte-seconds each group of them was stored within a period [from, to).
//
// Every version is billed to its owner (the org of the request that created it) from the
// second it was written until the second it is gone, in the class it is in; a delete or an
// expiry ends the owner's bytes whoever asks. Parts of a multipart upload are billed (to the
// org that uploaded each part, in Standard) until the upload completes or is aborted.
#include <algorithm>
#include <array>
#include <cstdint>
#include <regex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/agg/filter.hpp"
#include "core/billing/money.hpp"
#include "core/storage/storage_dim.hpp"
#include "core/storage/storage_event.hpp"

namespace s3top {

/// What AWS bills a storage class by besides the bytes (from the price table).
struct StorageMinimum {
    std::uint32_t days = 0;   ///< a version deleted, overwritten or moved sooner is billed this many days
    std::uint64_t bytes = 0;  ///< a smaller version is billed as this size
};

struct StorageSpec {
    std::int64_t from = 0, to = 0;  ///< UTC seconds; `to` exclusive
    std::vector<StorageDimSpec> by{StorageDimSpec{}};
    /// Buckets known to keep versions (an overwrite or a delete keeps the old version as
    /// noncurrent); a bucket is also known versioned once its logs show a delete marker.
    std::vector<std::string> versioned_buckets;
    /// Per class (StorageClass order): what the billed byte-seconds count at least.
    std::array<StorageMinimum, kStorageClassCount> minimums{};
    /// Only versions whose org, bucket and key pass (terms on those only: see
    /// storage_filter_problem); the rest is counted apart (StorageResult::filtered).
    Filter filter;
};

/// Why `f` cannot filter storage ("" when it can): storage knows the org, bucket and key of a
/// version (and its prefix:N), nothing of a request, and its time range is the period.
std::string storage_filter_problem(const Filter& f);

/// One group's storage within the period.
struct StorageGroup {
    std::vector<std::string> key;  ///< one label per `by` dimension ("-": absent)
    Int128 byte_seconds = 0;
    /// What AWS bills: byte-seconds with each class's minimum billable size, plus, when a version
    /// goes before its class's minimum days, the rest of those days (at the time it goes).
    Int128 billed_byte_seconds = 0;
    /// Per month piece of the period (StorageResult::months): byte_seconds and billed ones.
    std::vector<Int128> month_byte_seconds, month_billed;
    /// GB-months as AWS bills them: per calendar month, byte-hours / (2^30 x hours in that
    /// month), in 1e-9 units rounded half up, summed over the months of the period.
    std::int64_t gb_month_nanos = 0;
    Int128 objects_end = 0;  ///< versions stored at `to` (current and noncurrent; parts not)
    Int128 bytes_end = 0;    ///< bytes stored at `to` (parts included)
    Int128 peak_bytes = 0;   ///< most bytes stored at once within the period
};

/// What the logs could not tell, counted (each becomes a caveat line when not zero).
struct StorageStats {
    std::uint64_t events = 0;             ///< object-changing requests applied (before `to`)
    std::uint64_t failed = 0;             ///< object-changing requests that failed: they changed nothing
    std::uint64_t after_period = 0;       ///< events at or after `to`: not applied
    std::uint64_t unknown_object = 0;     ///< deletes and transitions of objects the logs never created
    std::uint64_t no_size = 0;            ///< writes that logged no object size (counted as 0 bytes)
    std::uint64_t version_guessed = 0;    ///< a version id the logs never created: the oldest noncurrent version taken
    std::uint64_t class_assumed = 0;      ///< writes and parts stored as STANDARD: the logs never say the class asked
    std::uint64_t parts_end = 0;          ///< parts of uploads neither completed nor aborted at `to`
    std::uint64_t baseline_versions = 0;  ///< versions the inventory listed
    std::uint64_t baseline_added = 0;     ///< of those, versions the logs had not written
    std::uint64_t baseline_removed = 0;   ///< versions the logs had written that the inventory does not list
    std::uint64_t baseline_rejected = 0;  ///< inventory rows that could not be read (not counted)
    std::string baseline_sample;          ///< the first of those, described
    std::int64_t first_event = 0, last_event = 0;  ///< time of the first and last event (0: none)
};

/// A snapshot of one bucket (an S3 Inventory): what was stored at `time`. Rows name interned
/// ids; `owner` is the org the key-based rule gives (the logs' creating org wins when they saw
/// the version written).
struct StorageBaseline {
    struct Row {
        std::uint32_t key = 0, version = 0, owner = 0;
        std::uint64_t size = 0;
        StorageClass cls = StorageClass::Standard;
        bool latest = true;
    };
    std::int64_t time = 0;
    std::uint32_t bucket = 0;
    std::vector<Row> rows;
    std::string description;  ///< "inventory of BUCKET made at T (FILE)"
    std::uint64_t rejected = 0;
    std::string rejected_sample;
};

/// A later inventory against what the logs left stored at its time, per org: versions it
/// lists that the table does not hold (a lost log delivery, a request the logs do not show)
/// and versions the table holds that it does not list. Versions are matched per key by size.
struct StorageCheck {
    struct Org {
        std::string org;
        std::uint64_t only_inventory = 0, only_logs = 0;
        Int128 only_inventory_bytes = 0, only_logs_bytes = 0;
    };
    std::string description;  ///< as StorageBaseline::description
    std::int64_t time = 0;
    std::uint64_t versions = 0;  ///< the inventory's
    std::uint64_t rejected = 0;  ///< its rows that could not be read (not compared)
    std::vector<Org> orgs;       ///< those with a difference, by org
};

struct StorageResult {
    std::int64_t from = 0, to = 0;
    std::vector<StorageDimSpec> by;
    /// The calendar months the period touches, whole ([start, end) of each), in order.
    std::vector<std::pair<std::int64_t, std::int64_t>> months;
    std::vector<StorageGroup> groups;  ///< most byte-seconds first, then by key
    StorageGroup totals;               ///< every group (peak_bytes: of all bytes together)
    /// What the spec's filter left out (byte-seconds, billed, per month; no key).
    StorageGroup filtered;
    /// Every version of the table, summed as it was stored rather than per group: groups +
    /// filtered must equal it (a check of the grouping).
    StorageGroup all;
    StorageStats stats;
    std::string filter;                ///< the spec's filter, as text ("" without one)
    bool inventory = false;            ///< a baseline of what was stored before the logs was read
    std::vector<StorageCheck> checks;  ///< the later inventories, oldest first
    std::string baseline;              ///< its description
    std::vector<std::string> caveats;
};

/// Byte-seconds inside [from, to) split over the calendar months the range touches.
class ObjectTable {
public:
    /// `names` holds the strings the events name; it must outlive the table.
    ObjectTable(StorageSpec spec, const StorageNameViews& names);
    ~ObjectTable();
    ObjectTable(const ObjectTable&) = delete;
    ObjectTable& operator=(const ObjectTable&) = delete;

    /// Applies one event. Events must come in StorageEvent order (time, then origin); an event
    /// at or after `to` is counted in stats.after_period and changes nothing.
    void apply(const StorageEvent& e);
    /// Sets the bucket's storage to `b`'s at b.time (call it when the events reach that time):
    /// versions the logs wrote keep their owner when the inventory lists them alike; versions it
    /// does not list are gone; what only it lists belongs to the row's owner.
    void apply_baseline(const StorageBaseline& b);
    /// Compares `b` (a later inventory of one bucket) with the table as it is now (call it when
    /// the events reach b.time); changes nothing.
    StorageCheck check(const StorageBaseline& b) const;
    /// Starts loading what applying `e` reads first (its object): a hint that changes nothing.
    void prefetch(const StorageEvent& e) const;
    /// Counts requests that failed (see StorageLines::failed).
    void count_failed(std::uint64_t n) { stats_.failed += n; }

    /// The groups as of the end of the period (objects still stored are billed up to `to`).
    StorageResult result() const;

    /// Bytes stored now (as of the last event applied) by the versions and parts the spec's
    /// filter keeps: what StorageGroup::bytes_end sums to over the groups, at any time.
    Int128 bytes_now() const { return kept_now_; }

    /// Objects (current versions) in the table and bytes the table holds, for the memory figure.
    std::size_t objects() const;
    std::size_t memory_bytes() const;

private:
    struct Version {
        std::uint64_t size = 0;
        std::int64_t since = 0;
        std::uint32_t owner = 0;
        std::uint32_t group = 0;
        std::uint32_t version = 0;  ///< versions pool id when known
        StorageClass cls = StorageClass::Standard;
        bool present = false;
        bool since_known = true;  ///< `since` is when it entered its class (false: an inventory's row)
    };
    /// A part of an open multipart upload.
    struct Part {
        Version v;
        std::uint32_t upload = 0;  ///< uploads pool id (0: not logged)
        std::uint16_t number = 0;
    };
    struct Acc {
        std::vector<Int128> month_seconds;  ///< byte-seconds per month of the period
        std::vector<Int128> month_billed;   ///< billed byte-seconds per month (StorageGroup)
        Int128 bytes_now = 0, objects_now = 0, peak = 0;
    };
    struct GroupKey {
        std::uint32_t org = 0, cls = 0, bucket = 0, prefix = 0;
        bool out = false;  ///< the filter leaves it out
        friend bool operator==(const GroupKey&, const GroupKey&) = default;
    };
    struct GroupKeyHash {
        std::size_t operator()(const GroupKey& k) const;
    };

    Version& current(std::uint32_t bucket, std::uint32_t key);
    bool versioned(std::uint32_t bucket) const { return bucket < versioned_.size() && versioned_[bucket]; }
    std::uint32_t group_of(std::uint32_t owner, StorageClass cls, std::uint32_t bucket, std::uint32_t key);
    /// group_of without the memo: the group's id, made when new.
    std::uint32_t find_group(std::uint32_t owner, StorageClass cls, std::uint32_t bucket, std::uint32_t key);
    /// Starts storing `v` at `t` (adds its bytes to its group).
    void open(Version& v, std::int64_t t, bool object);
    /// Stops storing `v` at `t`: its byte-seconds since it was opened go to its group.
    void close(Version& v, std::int64_t t, bool object);
    /// `v`'s byte-seconds within [a, b) into `acc` and into `all`.
    void add_seconds(Acc& acc, Acc& all, const Version& v, std::int64_t a, std::int64_t b) const;
    /// Stops storing `v` at `t` because a request or lifecycle ended it there (a delete, an
    /// overwrite, a transition): close(), and the rest of its class's minimum days is billed.
    void end(Version& v, std::int64_t t);
    std::uint64_t billed_size(const Version& v) const {
        return std::max(v.size, spec_.minimums[static_cast<std::size_t>(v.cls)].bytes);
    }
    bool passes(std::uint32_t owner, std::uint32_t bucket, std::uint32_t key) const;
    void enter_period();
    void put(const StorageEvent& e, std::uint64_t size);
    void remove(const StorageEvent& e, bool marker);
    void transition(const StorageEvent& e);
    void put_part(const StorageEvent& e);
    /// Closes the parts of `e`'s upload (every upload of its key when it names none); returns
    /// their bytes.
    std::uint64_t end_upload(const StorageEvent& e);
    /// The noncurrent version `e` names by id, else (counted) the oldest noncurrent one of an
    /// unknown id; nullptr when there is none.
    Version* noncurrent_named(const StorageEvent& e, std::vector<Version>*& list);

    StorageSpec spec_;
    const StorageNameViews& names_;
    std::vector<std::pair<std::int64_t, std::int64_t>> months_;           ///< [from, to) of each month piece
    std::vector<std::vector<Version>> objects_;                           ///< [bucket][key]: the current version
    std::unordered_map<std::uint64_t, std::vector<Version>> noncurrent_;  ///< bucket << 32 | key
    /// bucket << 32 | key: the parts of its open uploads, every upload's in one array (most
    /// uploads have a part or two: an array of parts per upload took three allocations each).
    std::unordered_map<std::uint64_t, std::vector<Part>> uploads_;
    std::vector<std::uint8_t> versioned_;  ///< per bucket id
    StringPool prefixes_;
    std::unordered_map<GroupKey, std::uint32_t, GroupKeyHash> group_ids_;
    std::vector<GroupKey> group_keys_;
    /// group_of's last answers when the group is (owner, class, bucket)'s (memo_ok_): group + 1, 0 empty.
    struct GroupMemo {
        std::uint32_t owner = 0, bucket = 0, group = 0;
        StorageClass cls = StorageClass::Standard;
    };
    std::array<GroupMemo, 256> memo_{};
    bool memo_ok_ = false;
    std::vector<Acc> groups_;
    Acc all_;                             ///< every version, whatever its group
    std::vector<std::regex> filter_res_;  ///< spec_.filter's terms' patterns
    Int128 total_now_ = 0, total_peak_ = 0;
    Int128 kept_now_ = 0;  ///< total_now_ less what the filter leaves out
    bool entered_ = false;
    StorageStats stats_;
};

/// Applies `events` (in their order) to a table for `spec` and returns its result with its
/// caveats: the whole computation for a batch of logs.
/// `later` (optional, oldest first): inventories made after the baseline, each compared with
/// the table when the events reach its time (StorageResult::checks, and a caveat line each).
StorageResult compute_storage(const StorageSpec& spec, const StorageView& events,
                              const StorageBaseline* baseline = nullptr,
                              const std::vector<StorageBaseline>* later = nullptr);
/// The same over a vector of events in any order (SortedEvents).
StorageResult compute_storage(const StorageSpec& spec, const StorageNames& names,
                              const std::vector<StorageEvent>& events, std::uint64_t failed,
                              const StorageBaseline* baseline = nullptr,
                              const std::vector<StorageBaseline>* later = nullptr);

/// The lines a storage report says about what the logs could not tell.
std::vector<std::string> storage_caveats(const StorageResult& r);

/// An integer as decimal digits (Int128 has no std::to_string).
std::string int128_decimal(Int128 v);
/// byte-seconds / 3600 rounded half up to 3 decimals ("12.500").
std::string byte_hours_text(Int128 byte_seconds);

}  // namespace s3top
