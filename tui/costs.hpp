#pragma once
// The org panel's running cost: what `s3top bill` would charge each org for the requests and
// bytes the dashboard shows, computed by the same statement (compute_statement), never by a
// formula of its own.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/agg/filter.hpp"

namespace s3top {
class Engine;
struct BillingSpec;
class StorageCollector;
}  // namespace s3top

namespace s3top::tui {

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
    friend bool operator==(const OrgCosts&, const OrgCosts&) = default;
};

/// The cost of each org under `filter` over the records' range [min_time, max_time] (its
/// calendar months, each billed as `bill` bills a period: tiers per month, exclusions and
/// markup from `base`), from compute_statement. With `storage` (the object-changing requests
/// gathered so far) storage is priced in as `bill` prices it (compute_storage over
/// storage_spec_for, the statement's own storage line) and `stored` says what each org has
/// stored at the end; without it, requests and transfer only. Thread-safe against ingest, as
/// Engine::report (the collector is held while its events are applied: ingest waits).
OrgCosts compute_org_costs(const Engine& engine, const BillingSpec& base, const Filter& filter, std::int64_t min_time,
                           std::int64_t max_time, StorageCollector* storage = nullptr);

/// Computes OrgCosts on a thread of its own, so that the UI thread never waits for a statement
/// (a few report passes per month of records) or for storage (sorting and applying every
/// object-changing request). The UI asks; the newest question is the one answered.
class CostsWorker {
public:
    /// `done` is called on the worker's thread after each answer (to wake the UI).
    CostsWorker(const Engine& engine, BillingSpec base, std::shared_ptr<StorageCollector> storage,
                std::function<void()> done);
    ~CostsWorker();
    CostsWorker(const CostsWorker&) = delete;
    CostsWorker& operator=(const CostsWorker&) = delete;
    /// Asks for the costs under `filter` over [min_time, max_time]; replaces a question not yet
    /// taken up.
    void ask(const Filter& filter, std::int64_t min_time, std::int64_t max_time);
    /// The latest answer since the last call, if any.
    std::optional<OrgCosts> take();
    /// True while a question is asked or being answered.
    bool busy() const;

private:
    struct Question {
        Filter filter;
        std::int64_t min_time = 0, max_time = 0;
    };
    void run(const std::stop_token& stop);

    const Engine& engine_;
    std::unique_ptr<BillingSpec> base_;
    std::shared_ptr<StorageCollector> storage_;
    std::function<void()> done_;
    mutable std::mutex mutex_;
    std::condition_variable_any wake_;
    std::optional<Question> question_;
    std::optional<OrgCosts> answer_;
    bool working_ = false;
    std::jthread thread_;  ///< last: started once the rest is built, stopped first
};

/// "1,234.56": micro-units to the cent, thousands grouped.
std::string format_money(std::int64_t micros);

}  // namespace s3top::tui
