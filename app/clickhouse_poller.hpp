#pragma once
// The dashboard over a clickhouse:// PATH: its snapshots asked of ClickHouse on a thread of
// their own, at once for a new view and then every --every, while the UI thread draws the last
// one that came. A failed poll (a stopped shard, a refused filter term) is one line in the
// header; the last snapshot stays on screen.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/clickhouse/client.hpp"
#include "tui/dashboard.hpp"

namespace s3top::app {

class ClickHousePoller final : public tui::SnapshotFeed {
public:
    /// Starts the polling thread; `wake` is called (on it) after each poll.
    ClickHousePoller(const clickhouse::Target& target, std::chrono::milliseconds every, std::function<void()> wake);
    /// Stops and joins the thread (a query under way is waited for).
    ~ClickHousePoller() override;
    ClickHousePoller(const ClickHousePoller&) = delete;
    ClickHousePoller& operator=(const ClickHousePoller&) = delete;

    void want(const ViewSpec& view) override;
    std::optional<Snapshot> take() override;
    /// What the header says: where the records are, when they were last polled, and why the
    /// last poll failed, if it did.
    tui::SourceStatus status() const;

private:
    void run(const std::stop_token& stop);

    clickhouse::Client client_;
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

}  // namespace s3top::app
