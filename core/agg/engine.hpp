#pragma once
// The aggregation engine: owns every ingested record in columnar form with interned strings,
// answers views (the dashboard, incrementally) and reports (one pass). Thread-safe: ingest
// workers append batches while the UI thread asks for snapshots.
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "core/agg/unread_input.hpp"
#include "core/agg/batch.hpp"
#include "core/agg/columns.hpp"
#include "core/agg/snapshot.hpp"

namespace s3top {

class StorageCollector;

/// What a report asks for.
struct ReportSpec {
    std::vector<DimSpec> by{DimSpec{Dim::Org, 0}};
    Filter filter;
    std::size_t top = 0;  ///< 0 = every group
    SortBy sort = SortBy::Bytes;
    bool distinct_clients = true;  ///< per group (needs the ip column)
    bool percentiles = true;       ///< p50/p95 of total time per group
    /// Only how far the records reach: `lines`, `newest_source_mtime`, the number of records
    /// (`totals.requests`) and their time range, over every record; `by` and `filter` are not
    /// looked at, and no group nor any other sum is made. What a statement asks first: the
    /// engine answers from its time column alone, not a pass of the report (a source may
    /// answer the whole report instead).
    bool reach_only = false;
};

struct EngineConfig {
    OrgSource org;
    TierMap tiers = TierMap::defaults();    ///< request price tiers (config's [request_tiers])
    DimMask keep = DimMask{}.set();         ///< string dimensions to store; others are not interned
    std::size_t max_recent_rejects = 1000;  ///< rejected lines kept in memory for display
    /// A view folding at least this many new rows splits them over two threads.
    std::size_t split_fold_rows = std::size_t{1} << 20;
    /// Streaming mode: fold every batch into this one report as it arrives and keep no
    /// records (report() then answers this spec). For one-shot reports over big inputs.
    std::optional<ReportSpec> stream;
    /// `s3top storage`: every batch's object-changing requests (Batch::storage) go here as it
    /// is merged. Null: none are kept.
    std::shared_ptr<StorageCollector> storage;
};

struct ReportGroup {
    std::vector<std::string> key;  ///< one value per `by` dimension; empty = absent
    Metrics metrics;
    std::uint64_t distinct_clients = 0;
    std::uint32_t p50_ms = 0, p95_ms = 0;  ///< of requests that logged a total time
    std::uint64_t timed_requests = 0;
};

struct ReportResult {
    LineCounters lines;
    std::vector<DimSpec> by;
    Filter filter;
    Metrics totals;  ///< of the records that pass the filter
    std::uint64_t distinct_clients = 0;
    std::uint64_t total_groups = 0;
    std::vector<ReportGroup> groups;
    std::int64_t min_time = 0, max_time = 0;
    std::int64_t newest_source_mtime = 0;
    /// --dedupe request-id: records that had no request id (counted, never deduped), of all
    /// records read; unset when dedupe is off. Set by the caller (the engine does not dedupe).
    std::optional<std::uint64_t> no_request_id;
    /// Inputs these figures leave out (could not be read, or only in part). Set by the caller.
    std::vector<UnreadInput> unread;
    /// When the report was made (UTC epoch seconds), for reports printed one after another
    /// (report --follow / --replay --every): JSON says it as `generated_at`. 0: not said.
    std::int64_t generated_at = 0;
    /// Of every record read (whatever the filter), the API action names no [request_tiers]
    /// rule knows, counted in the fallback's tier (unruled_operations); most requests first.
    std::vector<OperationCount> unruled_operations;
    Tier unruled_tier = Tier::Get;  ///< the fallback they are counted in
};

class ViewState;
class ReportAccumulator;

/// A dashboard view kept current incrementally: pass it to Engine::refresh().
class View {
public:
    explicit View(ViewSpec spec);
    ~View();
    View(View&&) noexcept;
    View& operator=(View&&) noexcept;
    const ViewSpec& spec() const { return spec_; }
    /// Makes `spec` the view's. What was folded is kept when the filter and the panels'
    /// dimensions are the same (a panel's order or length changed: ranked again on the next
    /// refresh; the chart's resolution: only its series is folded again); else every record
    /// is folded again on the next refresh, as a new View would.
    void respec(ViewSpec spec);

private:
    friend class Engine;
    ViewSpec spec_;
    std::unique_ptr<ViewState> state_;
};

class Engine {
public:
    explicit Engine(EngineConfig config);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    const EngineConfig& config() const { return config_; }

    /// Merges a worker's batch: interns its distinct strings into the global pools, remaps
    /// and appends its records, counts its lines, keeps its rejects. Thread-safe.
    void append(Batch&& batch);
    /// As append(), unless another thread holds the engine (a reader's refresh or report, an
    /// append): then returns false at once, leaving `batch` to be appended later (a parse
    /// worker parses on rather than wait). Its storage lines go to the StorageCollector either
    /// way, as append()'s do before it waits: a later append() of the batch finds none.
    /// Thread-safe.
    bool try_append(Batch& batch);
    /// A load is about to read `bytes` more (stored bytes, as planned): once records are kept
    /// (no streaming report), the columns grow once to the rows those bytes are likely to hold
    /// at the bytes per row read so far, rather than doubling and copying themselves (and
    /// leaving a fifth of their room unused). Thread-safe.
    void expect_bytes(std::uint64_t bytes);
    /// Takes back `bytes` of those expect_bytes() was told a load would read and it did not
    /// (an estimate that came out high: core/ingest/byte_estimate.hpp). Thread-safe.
    void unexpect_bytes(std::uint64_t bytes);
    /// What the loads so far said they would read (expect_bytes less unexpect_bytes). Thread-safe.
    std::uint64_t expected_bytes() const;

    /// Interns a batch's distinct strings into the global pools and rewrites its id columns
    /// to global ids (dropping columns not kept), without adding its records or lines: they
    /// come later through append() (replay holds records back; strings are stored once).
    /// Sets batch.interned and empties its pools. Thread-safe.
    void intern(Batch& batch);

    /// Interns the strings of `pools` (a stored record's, ids local to it) into the global
    /// pools and returns, per dimension, the global id of every local id (empty for a
    /// dimension not kept). Rows of that record can then be appended in slices with
    /// Batch::interned set and their ids mapped through it (a restart folds the state file's
    /// columns that way without copying them whole). Thread-safe.
    std::array<std::vector<std::uint32_t>, kStringDimCount> intern_pools(Pools&& pools);

    /// Adds rows whose ids are already global (intern_pools) and whose lines were counted
    /// (append of a batch without rows), leaving `rows` to the caller to refill: a streaming
    /// engine folds them; one that keeps records copies them. Thread-safe.
    void append_rows(const Columns& rows);

    /// Bumped by every append; cheap to poll.
    std::uint64_t version() const { return version_.load(std::memory_order_acquire); }

    /// Brings `view` up to date with records appended since its last refresh (all of them
    /// the first time) and returns a new snapshot of it. Thread-safe against append().
    Snapshot refresh(View& view, std::uint64_t generation) const;

    /// One pass over every record (streaming mode: the folded report, whatever `spec`;
    /// `spec.reach_only`: the time column alone). Thread-safe against append().
    ReportResult report(const ReportSpec& spec) const;

    LineCounters lines() const;
    std::uint64_t records() const;
    /// The most recent rejected lines (at most config().max_recent_rejects).
    std::vector<RejectedLine> recent_rejects() const;
    /// Bytes held by records, pools and tables.
    std::size_t memory_bytes() const;
    /// Distinct values some record has of a string dimension, sorted, "" first when some record
    /// has none (the org picker lists it as "-").
    std::vector<std::string> values(Dim dim) const;
    /// Every distinct value interned for a string dimension so far, kept records or not (a
    /// streaming report keeps none), unsorted.
    std::vector<std::string> interned(Dim dim) const;

private:
    friend class ViewState;
    /// Rewrites `b`'s id columns to global ids. Caller holds the unique lock.
    void intern_locked(Batch& b);
    /// Hands `b`'s storage lines to the StorageCollector (when one is configured) and leaves
    /// it none.
    void hand_storage(Batch& b);
    /// append()'s work, the unique lock held.
    void append_locked(Batch& b);
    /// Room in the kept columns for `rows` more records that came from `bytes` (under the lock).
    void grow_for(std::size_t rows, std::uint64_t bytes);
    EngineConfig config_;
    mutable std::shared_mutex mutex_;
    Columns columns_;
    Pools pools_;
    LineCounters lines_;
    std::uint64_t expected_bytes_ = 0;  ///< bytes the loads so far planned to read (expect_bytes)
    std::vector<RejectedLine> recent_rejects_;
    std::int64_t newest_source_mtime_ = 0;
    std::atomic<std::uint64_t> version_{0};
    std::unique_ptr<ReportAccumulator> stream_;
    /// Requests per operation id (when operations are kept), every record, streaming or not.
    std::vector<std::uint64_t> operation_requests_;
    void count_operations(const Columns& rows);
};

}  // namespace s3top
