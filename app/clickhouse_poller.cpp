#include "app/clickhouse_poller.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

#include "core/clickhouse/remote_report.hpp"
#include "core/report/terminal_text.hpp"
#include "core/util/civil_time.hpp"
#include "core/util/thread_name.hpp"
#include "tui/sources.hpp"

namespace s3top::app {

ClickHousePoller::ClickHousePoller(const clickhouse::Target& target, std::chrono::milliseconds every,
                                   std::function<void()> wake, std::shared_ptr<StorageCollector> storage)
    : client_(target),
      storage_(std::move(storage)),
      every_(every),
      wake_(std::move(wake)),
      thread_([this](std::stop_token st) {
          name_this_thread("s3top-ch-poll");
          run(st);
      }) {}

ClickHousePoller::~ClickHousePoller() {
    client_.cancel();  // a poll ClickHouse does not answer is not waited for
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
}

void ClickHousePoller::want(const ViewSpec& view) {
    {
        std::lock_guard l(mutex_);
        wanted_ = view;
        ++asks_;
    }
    asked_cv_.notify_one();
}

std::optional<Snapshot> ClickHousePoller::take() {
    std::lock_guard l(mutex_);
    return std::exchange(latest_, std::nullopt);
}

tui::SourceStatus ClickHousePoller::status() const {
    std::lock_guard l(mutex_);
    tui::SourceStatus st;
    st.mode = tui::SourceStatus::Mode::Poll;
    const std::string every =
        every_.count() % 1000 ? fmt::format("{}ms", every_.count()) : fmt::format("{}s", every_.count() / 1000);
    st.note = client_.target().describe() +
              (polled_ ? fmt::format(", polled {} UTC, every {}", format_iso8601(polled_).substr(11, 8), every)
                       : std::string(", asking"));
    st.error = error_;
    return st;
}

void ClickHousePoller::run(const std::stop_token& stop) {
    std::uint64_t polled_asks = 0;
    std::unique_lock l(mutex_);
    for (;;) {
        // A new view at once; the same one again every interval.
        asked_cv_.wait_for(l, stop, every_, [&] { return wanted_ && asks_ != polled_asks; });
        if (stop.stop_requested()) return;
        if (!wanted_) continue;
        const ViewSpec view = *wanted_;
        polled_asks = asks_;
        l.unlock();
        auto snap = clickhouse::run_snapshot(client_, view);
        // The storage events of the batches the snapshot counts (and maybe a few more), before
        // it is shown: the cost asked for it then prices them.
        if (snap && storage_) {
            if (auto fetched = fetcher_.fetch_new(*storage_); !fetched) snap = std::unexpected(fetched.error());
        }
        l.lock();
        if (snap) {
            latest_ = std::move(*snap);
            polled_ = static_cast<std::int64_t>(std::time(nullptr));
            error_.clear();
        } else {
            error_ = terminal_safe(snap.error());
        }
        wake_();
    }
}

namespace {

/// The snapshot of one panel of `dim` under `filter` (every group unless `limit`), most
/// requests first; or why it could not be asked, made safe for the terminal.
std::expected<std::vector<PanelRow>, std::string> panel_rows(ClickHousePoller& poller, const Filter& filter,
                                                             DimSpec dim, std::size_t limit) {
    ViewSpec view;
    view.filter = filter;
    view.panels.push_back(PanelSpec{dim, limit, SortBy::Requests});
    auto snap = clickhouse::run_snapshot(poller.client(), view);
    if (!snap) return std::unexpected(terminal_safe(snap.error()));
    return snap->panels.empty() ? std::vector<PanelRow>{} : std::move(snap->panels.front().rows);
}

}  // namespace

tui::DataSources clickhouse_sources(ClickHousePoller& poller) {
    using Values = tui::DataSources::Fallible<std::vector<std::string>>;
    tui::DataSources s;
    s.slow = "ClickHouse";
    s.org_values = [&poller] -> Values {
        auto rows = panel_rows(poller, Filter{}, DimSpec{Dim::Org}, 0);
        if (!rows) return std::unexpected(rows.error());
        std::vector<std::string> out;
        for (PanelRow& r : *rows) out.push_back(std::move(r.label));
        std::sort(out.begin(), out.end());  // "" (no org) first, as Engine::values
        return out;
    };
    s.org_rows = [&poller](const Filter& filter) { return panel_rows(poller, filter, DimSpec{Dim::Org}, 0); };
    s.values_by_use = [&poller](DimSpec dim) -> Values {
        auto rows = panel_rows(poller, Filter{}, dim, 0);
        if (!rows) return std::unexpected(rows.error());
        return tui::completion_values(dim, std::move(*rows));
    };
    s.problems = [] {
        tui::ProblemsData d;
        d.rejects_elsewhere =
            "the rejected lines' text is not sent to ClickHouse (its lines table keeps their counts by reason): "
            "s3top ingest --rejects FILE writes each one where the logs are read";
        return d;
    };
    return s;
}

FallibleReportSource clickhouse_reports(ClickHousePoller& poller, const TierMap& tiers) {
    return FallibleReportSource{
        [&poller, tiers](const ReportSpec& r) { return clickhouse::run_report(poller.client(), r, tiers); }, tiers};
}

}  // namespace s3top::app
