#include "app/clickhouse_poller.hpp"

#include <fmt/format.h>

#include <ctime>

#include "core/clickhouse/remote_report.hpp"
#include "core/report/terminal_text.hpp"
#include "core/util/civil_time.hpp"

namespace s3top::app {

ClickHousePoller::ClickHousePoller(const clickhouse::Target& target, std::chrono::milliseconds every,
                                   std::function<void()> wake)
    : client_(target), every_(every), wake_(std::move(wake)), thread_([this](std::stop_token st) { run(st); }) {}

ClickHousePoller::~ClickHousePoller() {
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

}  // namespace s3top::app
