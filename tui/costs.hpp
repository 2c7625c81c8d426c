#pragma once
// The org panel's running cost: what `s3top bill` would charge each org for the requests and
// bytes the dashboard shows, computed by the same statement (compute_statement), never by a
// formula of its own.
#include <expected>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/agg/engine.hpp"
#include "core/agg/filter.hpp"
#include "core/billing/statement.hpp"
#include "core/storage/stored_now.hpp"
#include "tui/latest_worker.hpp"

namespace s3top {
class StorageCollector;
}  // namespace s3top

namespace s3top::tui {

/// The running cost's reports over `engine` (which must outlive them). Over ClickHouse they
/// are ClickHouse's, which may fail: the cost then says why instead of an amount.
FallibleReportSource engine_reports(const Engine& engine);

/// What the Stored panel and the stored-bytes chart ask of the storage computation.
struct StoredAsk {
    StorageDimSpec by;           ///< the Stored panel's grouping (org, bucket, prefix:N or class)
    Dim resolution = Dim::Hour;  ///< the chart's buckets: `buckets` of them from `first`
    std::int64_t first = 0;
    std::size_t buckets = 0;
    friend bool operator==(const StoredAsk&, const StoredAsk&) = default;
};

/// Its answer: compute_stored over the range shown, under the filter's storage terms.
struct StoredShown {
    StoredAsk ask;
    Stored stored;  ///< groups at the range's end; samples: bytes stored at the end of each bucket
    /// The view's filter has terms storage cannot apply (a time range, status= ...): what is
    /// stored is under its org, bucket and key terms only.
    bool narrowed = false;
    friend bool operator==(const StoredShown& a, const StoredShown& b) {
        return a.ask == b.ask && a.narrowed == b.narrowed && a.stored.samples == b.stored.samples &&
               a.stored.bytes == b.stored.bytes && a.stored.objects == b.stored.objects &&
               a.stored.groups.size() == b.stored.groups.size() &&
               std::equal(a.stored.groups.begin(), a.stored.groups.end(), b.stored.groups.begin(),
                          [](const StoredGroup& x, const StoredGroup& y) {
                              return x.label == y.label && x.bytes == y.bytes && x.objects == y.objects;
                          });
    }
};

struct OrgCosts {
    Filter filter;                               ///< the view's filter the costs are of
    std::map<std::string, std::int64_t> by_org;  ///< micro-units to the cent, by org label ("" = no org)
    std::int64_t total = 0;                      ///< the sum of the orgs' amounts
    std::int64_t from = 0, to = 0;               ///< the period covered, [from, to) UTC
    std::string currency;
    bool provisional = false;  ///< S3 may still deliver records for some month of it
    bool storage = false;      ///< storage is priced in (the object-changing requests were gathered)
    /// Bytes stored at the end of the range, by org label ("" = no org): the Stored column.
    std::map<std::string, std::uint64_t> stored;
    /// The filter has terms storage cannot apply (a time range, status= ...): `stored`, as the
    /// Stored panel and the chart, is under its org, bucket and key terms only.
    bool stored_narrowed = false;
    /// The Stored panel's rows and the stored-bytes chart, when they were asked for.
    std::optional<StoredShown> shown;
    /// Why there is no cost (a report of it failed: ClickHouse unreachable ...); then no amount
    /// is shown.
    std::string error;
    /// The records of the snapshot it was asked for (Snapshot::records): a snapshot with other
    /// records shows this cost as one being updated.
    std::uint64_t records = 0;
    friend bool operator==(const OrgCosts&, const OrgCosts&) = default;
};

/// The cost of each org under `filter` over the records' range [min_time, max_time] (its
/// calendar months, each billed as `bill` bills a period: tiers per month, exclusions and
/// markup from `base`), from compute_statement. With `storage` (the object-changing requests
/// gathered so far) storage is priced in as `bill` prices it (compute_storage over
/// storage_spec_for, the statement's own storage line) and `stored` says what each org has
/// stored at the end (under the filter's storage terms, as the Stored panel: see
/// stored_narrowed); without it, requests and transfer only. Thread-safe against ingest, as
/// Engine::report; storage is computed over the events gathered when it starts
/// (StorageCollector::read: ingest goes on interning meanwhile).
/// With `ask` too, `shown` is what is stored at max_time + 1 grouped by ask.by, and at the end of
/// each of its chart buckets, from the same sorted events (compute_stored).
OrgCosts compute_org_costs(const FallibleReportSource& reports, const BillingSpec& base, const Filter& filter,
                           std::int64_t min_time, std::int64_t max_time, StorageCollector* storage = nullptr,
                           const std::optional<StoredAsk>& ask = std::nullopt);
inline OrgCosts compute_org_costs(const Engine& engine, const BillingSpec& base, const Filter& filter,
                                  std::int64_t min_time, std::int64_t max_time, StorageCollector* storage = nullptr,
                                  const std::optional<StoredAsk>& ask = std::nullopt) {
    return compute_org_costs(engine_reports(engine), base, filter, min_time, max_time, storage, ask);
}

/// Computes OrgCosts on a thread of its own, so that the UI thread never waits for a statement
/// (a few report passes per month of records) or for storage (sorting and applying every
/// object-changing request). The UI asks; the newest question is the one answered.
class CostsWorker {
public:
    /// `done` is called on the worker's thread after each answer (to wake the UI).
    CostsWorker(FallibleReportSource reports, BillingSpec base, std::shared_ptr<StorageCollector> storage,
                std::function<void()> done);
    ~CostsWorker();
    CostsWorker(const CostsWorker&) = delete;
    CostsWorker& operator=(const CostsWorker&) = delete;
    /// Asks for the costs under `filter` over [min_time, max_time], of the snapshot with
    /// `records` (the answer's OrgCosts::records); replaces a question not yet taken up.
    void ask(const Filter& filter, std::int64_t min_time, std::int64_t max_time,
             std::optional<StoredAsk> stored = std::nullopt, std::uint64_t records = 0);
    /// The latest answer since the last call, if any.
    std::optional<OrgCosts> take();
    /// True while a question is asked or being answered.
    bool busy() const;

private:
    struct Question {
        Filter filter;
        std::int64_t min_time = 0, max_time = 0;
        std::optional<StoredAsk> stored;
        std::uint64_t records = 0;
    };

    const FallibleReportSource reports_;
    std::unique_ptr<BillingSpec> base_;
    std::shared_ptr<StorageCollector> storage_;
    LatestWorker<Question, OrgCosts> worker_;  ///< last: started once the rest is built, stopped first
};

/// "1,234.56": micro-units to the cent, thousands grouped.
std::string format_money(std::int64_t micros);

}  // namespace s3top::tui
