#pragma once
// The dashboard over a clickhouse:// PATH: its snapshots asked of ClickHouse on a thread of
// their own, at once for a new view and then every --every, while the UI thread draws the last
// one that came; with them the storage table's new events (the running cost's storage, the
// Stored panel). A failed poll (a stopped shard, a refused filter term) is one line in the
// header; the last snapshot stays on screen. What the org picker, Tab completion, the running
// cost and the export ask is asked there too (clickhouse_sources(), clickhouse_reports()).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/clickhouse/client.hpp"
#include "core/clickhouse/remote_report.hpp"
#include "tui/dashboard.hpp"

namespace s3top::app {

class ClickHousePoller final : public tui::SnapshotFeed {
public:
    /// Starts the polling thread; `wake` is called (on it) after each poll. With `storage`, each
    /// poll adds the storage events of the batches that landed since the last to it, before
    /// the snapshot is handed over.
    ClickHousePoller(const clickhouse::Target& target, std::chrono::milliseconds every, std::function<void()> wake,
                     std::shared_ptr<StorageCollector> storage = nullptr);
    /// Stops and joins the thread; a query under way is cancelled (Client::cancel).
    ~ClickHousePoller() override;
    ClickHousePoller(const ClickHousePoller&) = delete;
    ClickHousePoller& operator=(const ClickHousePoller&) = delete;

    void want(const ViewSpec& view) override;
    std::optional<Snapshot> take() override;
    /// What the header says: where the records are, when they were last polled, and why the
    /// last poll failed, if it did.
    tui::SourceStatus status() const;
    clickhouse::Client& client() { return client_; }

private:
    void run(const std::stop_token& stop);

    clickhouse::Client client_;
    std::shared_ptr<StorageCollector> storage_;
    clickhouse::StorageFetcher fetcher_{client_};  ///< polling thread only
    const std::chrono::milliseconds every_;
    const std::function<void()> wake_;
    mutable std::mutex mutex_;
    std::condition_variable_any asked_cv_;
    std::optional<ViewSpec> wanted_;  ///< the view to poll for
    std::uint64_t asks_ = 0;          ///< want() calls so far: a new one is polled at once
    std::optional<Snapshot> latest_;  ///< made, not taken yet
    std::int64_t polled_ = 0;         ///< when the last poll succeeded (UTC epoch seconds); 0: none yet
    std::string error_;               ///< why the last poll failed, or ""
    std::jthread thread_;             ///< last: stopped and joined first
};

/// The org picker's values and numbers, Tab completion's values and the problems view, asked of
/// ClickHouse through `poller`'s client as the engine answers them for a local dashboard: slow
/// sources (DataSources::slow), asked off the UI thread; a failure is one line in the picker or
/// above the prompt. The problems view says that the rejected lines' text is not there (only
/// their counts by reason are).
tui::DataSources clickhouse_sources(ClickHousePoller& poller);

/// The running cost's reports, asked of ClickHouse as `bill clickhouse://` asks them.
FallibleReportSource clickhouse_reports(ClickHousePoller& poller, const TierMap& tiers);

}  // namespace s3top::app
