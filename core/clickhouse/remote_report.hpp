#pragma once
// A report, or the dashboard's snapshot, over a ClickHouse table of records (`s3top report
// clickhouse://...`, `s3top clickhouse://...`): the statements of report_query.hpp and
// snapshot_query.hpp sent through the HTTP client, their answers folded as a local run folds.
#include <expected>
#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/agg/engine.hpp"
#include "core/agg/tier_map.hpp"
#include "core/clickhouse/client.hpp"
#include "core/storage/storage_collector.hpp"

namespace s3top::clickhouse {

/// The answers a run asks for again and again, kept for that run: a filter term's distinct
/// values, the requests per operation and the line counters, which do not depend on the
/// report's filter (bill runs a few reports per period, each asking them). Its answers are as
/// of the first time each was asked, so the run's reports also agree on them. Errors are not
/// kept. One per run; not thread-safe.
class AnswerCache {
public:
    using Ask = std::function<std::expected<std::string, std::string>(const std::string& sql)>;
    /// The answer to `sql`: `ask`ed the first time, kept after.
    std::expected<std::string, std::string> get(const std::string& sql, const Ask& ask);
    std::size_t asked() const { return asked_; }  ///< statements sent
    std::size_t kept() const { return kept_; }    ///< statements answered from what was kept

private:
    std::unordered_map<std::string, std::string> answers_;
    std::size_t asked_ = 0, kept_ = 0;
};

/// Runs a report over the target's records: its table on one host, or with several hosts the
/// Distributed table TABLE_all (s3top schema clickhouse --cluster) on the first. With `cache`,
/// the statements it keeps are asked once for every report of the run.
std::expected<ReportResult, std::string> run_report(Client& client, const ReportSpec& spec, const TierMap& tiers,
                                                    AnswerCache* cache = nullptr);

/// The dashboard's snapshot of `view` over the target's records (snapshot_query.hpp), from the
/// same tables as run_report(); or a one-line error (unreachable, a refused filter term ...).
/// With `cache`, as run_report() (the HTML report's views; a dashboard's polls have none: each
/// poll asks anew).
std::expected<Snapshot, std::string> run_snapshot(Client& client, const ViewSpec& view, AnswerCache* cache = nullptr);

/// What `storage` and `bill` over ClickHouse apply: every object-changing request of the
/// target's storage table (from the same tables as run_report()), added to `collector` a page at
/// a time in the order storage applies them, with the failed ones counted; and the lines
/// table's counters in `lines`. A one-line error when the storage table or its lines column is
/// missing (an older schema: named), or when some batch was sent without its storage events.
std::expected<void, std::string> fetch_storage(Client& client, StorageCollector& collector, LineCounters& lines);

/// The --org-from the table's batches were ingested with (org_source_spec()), which storage's
/// --inventory needs to give the inventory's objects their owners as a local run does; nullopt
/// when no batch was sent. A one-line error when the batches name more than one (naming them),
/// or some name none (an older s3top sent them), or the lines table has no org_from column.
std::expected<std::optional<std::string>, std::string> ingested_org_source(Client& client);

/// The storage table's events of the batches not fetched before, for the dashboard, which asks
/// again at every poll: each batch the lines table lists is fetched once (its lines row is sent
/// after its events, so a batch listed has all of them). Not thread-safe.
class StorageFetcher {
public:
    explicit StorageFetcher(Client& client) : client_(client) {}
    /// Adds to `collector` every event of the batches listed since the last call (all of them
    /// the first time), with their failed requests; a one-line error as fetch_storage()'s (then
    /// those batches are asked again next time; once some of their events were added, every
    /// later call fails too: they cannot be taken out again).
    std::expected<void, std::string> fetch_new(StorageCollector& collector);
    std::size_t batches() const { return seen_.size(); }  ///< batches fetched so far

private:
    Client& client_;
    bool checked_ = false;  ///< the tables have the columns
    std::string broken_;    ///< why events were added in part, if they were
    std::unordered_set<std::uint64_t> seen_;
};

}  // namespace s3top::clickhouse
