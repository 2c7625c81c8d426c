#include "tui/dashboard.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <string_view>
#include <thread>
#include <utility>

#include "tui/controller.hpp"
#include "tui/latest_worker.hpp"
#include "tui/render.hpp"
#include "tui/sources.hpp"
#include "tui/stored_panel.hpp"
#include "tui/terminal.hpp"
#include "core/util/thread_name.hpp"

namespace s3top::tui {
namespace {

using Clock = std::chrono::steady_clock;

/// Empties a wake pipe that poll() reported readable. One read: the app's pipe may be
/// blocking, and whatever is left wakes the next poll() at once.
void drain(int fd) {
    char buf[512];
    [[maybe_unused]] const auto n = ::read(fd, buf, sizeof buf);
}

/// The event loop's state: engine view, latest snapshot, controller. One per run.
class Dashboard {
public:
    Dashboard(Engine& engine, DashboardOptions& opts, Terminal& term)
        : engine_(engine),
          opts_(opts),
          term_(term),
          ctl_(initial_state(opts, term), sources(engine, opts)),
          view_(ctl_.state().view_spec()),
          canvas_(term.width(), term.height(), term.unicode()) {
        ctl_.on_resize(term.width(), term.height());
        if (const DataSources s = sources(engine, opts); !s.slow.empty())
            asker_.emplace("s3top-ask", [s](const Ask& a) { return answer(s, a); });
        if (opts_.billing)
            costs_.emplace(opts_.reports ? *opts_.reports : engine_reports(engine_), *opts_.billing, opts_.storage,
                           nullptr);
    }

    ~Dashboard() {
        if (opts_.ending) opts_.ending();
    }
    Dashboard(const Dashboard&) = delete;
    Dashboard& operator=(const Dashboard&) = delete;

    int run() {
        refresh(true);
        for (;;) {
            // The header's word for the input and the records under it change together: once
            // the load is done, its last records are shown at once, never "loaded" over a
            // snapshot taken before (min_refresh would hold them back).
            const bool load_ended = poll_status();
            if (!respec()) {
                if (opts_.feed || (engine_.version() != seen_version_ &&
                                   (load_ended || Clock::now() - last_refresh_ >= opts_.min_refresh)))
                    refresh(false);
                // The chart's resolution follows the records (show()): the frame is drawn at
                // the new one.
                respec();
            }
            update_costs(load_ended);
            update_asks();
            collect_export();
            if (!told_loaded_ && ctl_.state().source.mode != SourceStatus::Mode::Loading) {
                told_loaded_ = true;
                if (opts_.loaded) opts_.loaded();
            }
            if (load_cost_asked_ && costs_answered_ && !costs_->busy()) {
                costs_answered_ = false;
                if (opts_.costed) opts_.costed();
            }
            if (dirty_) draw();
            if (const int code = wait_and_handle(); code >= 0) return code;
        }
    }

private:
    static DataSources sources(const Engine& engine, const DashboardOptions& opts) {
        DataSources s = opts.sources ? *opts.sources : engine_sources(engine, opts.input_problems);
        s.filter_entered = opts.filter_entered;
        return s;
    }

    static UiState initial_state(const DashboardOptions& opts, const Terminal& term) {
        UiState ui = UiState::with_panels(opts.panels);
        ui.keys = opts.keys;
        ui.filter = opts.filter;
        ui.filter_history = opts.filter_history;
        ui.resolution = opts.resolution;
        ui.unicode = term.unicode();
        return ui;
    }

    /// When the state's view is not the one folded: makes it the view's (respec: a new
    /// filter or panel dimension folds every record again, a new order or resolution does
    /// not) and takes a snapshot of it. True when it did.
    bool respec() {
        if (ctl_.state().view_spec() == view_.spec()) return false;
        view_.respec(ctl_.state().view_spec());
        refresh(true);
        return true;
    }

    /// A new snapshot when the records changed (`force`: the view did): folded from the engine,
    /// or with a feed asked of it (a new view) and taken when it comes.
    void refresh(bool force) {
        if (opts_.feed) {
            if (force) opts_.feed->want(view_.spec());
            if (auto s = opts_.feed->take(); s && s->view == view_.spec()) {
                s->generation = ++generation_;
                show(std::move(*s));
            }
            return;
        }
        const std::uint64_t version = engine_.version();
        if (!force && version == seen_version_) return;
        seen_version_ = version;
        show(engine_.refresh(view_, ++generation_));
    }

    void show(Snapshot snap) {
        // A feed's records changed (the costs are asked again): lines came, or records.
        if (opts_.feed && (snap.lines.read != snap_.lines.read || snap.records != snap_.records)) ++feed_version_;
        snap_ = std::move(snap);
        put_stored_rows(snap_, ctl_.state());
        last_refresh_ = Clock::now();
        ctl_.on_snapshot(snap_);
        // The chart's resolution follows the records' range until the user picks one (t): the
        // loop sees the view change and folds again at the new one.
        UiState& ui = ctl_.state();
        if (ui.auto_resolution && snap_.totals.requests)
            ui.resolution = fitting_resolution(snap_.min_time, snap_.max_time, chart_plot_width(ui.screen_w));
        if (snap_.generation != drawn_generation_) dirty_ = true;
    }

    /// The org panel's cost (and storage: the Stored panel, the stored-bytes chart), again when
    /// the view's filter or the records changed: asked of the CostsWorker at once for a new
    /// filter or a new storage question (the Stored panel's grouping, the chart's buckets), else
    /// after a pause ten times as long as the last answer took, at least a quarter of a second;
    /// at once too when the load ends (`load_ended`: a cost of part of the load would stay
    /// beside the whole load's figures for that pause, seconds over millions of records). The
    /// answer is taken when it comes. The UI thread never computes it.
    void update_costs(bool load_ended) {
        if (!costs_) return;
        UiState& ui = ctl_.state();
        if (auto c = costs_->take()) {
            costs_answered_ = true;
            costs_every_ = std::max<Clock::duration>(std::chrono::milliseconds(250), 10 * (Clock::now() - costs_at_));
            if (!(c == ui.costs)) {
                ui.costs = std::move(c);
                put_stored_rows(snap_, ui);
                ctl_.on_snapshot(snap_);
                dirty_ = true;
            }
        }
        const std::optional<StoredAsk> ask = stored_ask(snap_, ui);
        // A new grouping or resolution is asked at once; the chart's range growing is not.
        auto kind = [](const std::optional<StoredAsk>& a) {
            return a ? std::optional<std::pair<StorageDimSpec, Dim>>(std::pair(a->by, a->resolution)) : std::nullopt;
        };
        const bool new_question = load_ended || !asked_filter_ || !(*asked_filter_ == snap_.view.filter) ||
                                  kind(ask) != kind(asked_stored_) ||
                                  (ask && ask->buckets && (!asked_stored_ || !asked_stored_->buckets));
        const std::uint64_t version = opts_.feed ? feed_version_ : seen_version_;
        if (!new_question && costs_version_ == version && ask == asked_stored_) return;
        const auto now = Clock::now();
        const Clock::duration every = ui.source.mode == SourceStatus::Mode::Loading
                                          ? std::max<Clock::duration>(costs_every_, opts_.loading_costs_every)
                                          : costs_every_;
        if (!new_question && (costs_->busy() || now - costs_at_ < every)) return;
        asked_filter_ = snap_.view.filter;
        asked_stored_ = ask;
        load_cost_asked_ = load_cost_asked_ || load_ended;
        costs_version_ = version;
        costs_at_ = now;
        if (snap_.totals.requests) {
            costs_->ask(snap_.view.filter, snap_.min_time, snap_.max_time, ask, snap_.records);
        } else {
            ui.costs = OrgCosts{
                snap_.view.filter, {}, 0, 0, 0, opts_.billing->prices.currency, false, false, {}, false, {}, {},
                snap_.records};
            if (ask) ui.costs->shown = StoredShown{*ask, {}, false};
            put_stored_rows(snap_, ui);
            dirty_ = true;
        }
    }

    /// What the org picker and Tab ask of slow sources: handed to the asker, and its answer to
    /// the controller when it comes (the UI thread never waits for it).
    void update_asks() {
        if (!asker_) return;
        if (auto q = ctl_.take_ask()) asker_->ask(std::move(*q));
        if (auto a = asker_->take(); a && ctl_.on_answer(std::move(*a)) != Action::None) dirty_ = true;
    }

    /// The export key's request, handed to the app on a thread of its own (the view may be big).
    void start_export() {
        UiState& ui = ctl_.state();
        std::optional<ExportRequest> req = std::exchange(ui.export_request, std::nullopt);
        if (!req) return;
        if (!opts_.export_view) {
            ui.message = "this dashboard cannot write its view to a file";
            return;
        }
        if (export_job_.joinable()) {
            ui.message = "still writing the last view: one at a time";
            return;
        }
        static constexpr std::array<std::string_view, 3> kNames = {"CSV", "JSON", "HTML"};
        ui.busy = "writing the " + dim_title(req->by) + " panel as " +
                  std::string(kNames[static_cast<std::size_t>(req->format)]) + (ui.unicode ? "…" : "...");
        export_done_.store(false);
        export_job_ = std::jthread([this, r = std::move(*req)] {
            name_this_thread("s3top-export");
            try {
                export_result_ = opts_.export_view(r);
            } catch (const std::exception& e) {
                export_result_ = std::string("could not write the view: ") + e.what();
            }
            export_done_.store(true, std::memory_order_release);
        });
    }

    /// The export's status line, once it is written.
    void collect_export() {
        if (!export_job_.joinable() || !export_done_.load(std::memory_order_acquire)) return;
        export_job_.join();
        UiState& ui = ctl_.state();
        ui.busy.clear();
        ui.message = std::move(export_result_);
        ui.message_printed = true;  // the command as shell_quote() wrote it, to be copied
        dirty_ = true;
    }

    /// Takes the input's status; true when it says the load just ended.
    bool poll_status() {
        SourceStatus s = opts_.status ? opts_.status() : SourceStatus{};
        last_status_ = Clock::now();
        const bool first = !polled_;
        polled_ = true;
        if (!first && s == ctl_.state().source) return false;
        const bool load_ended =
            s.mode != SourceStatus::Mode::Loading && (first || ctl_.state().source.mode == SourceStatus::Mode::Loading);
        ctl_.state().source = std::move(s);
        dirty_ = true;
        return load_ended;
    }

    void draw() {
        canvas_.resize(term_.width(), term_.height());
        render(snap_, ctl_.state(), canvas_);
        term_.draw(canvas_);
        drawn_generation_ = snap_.generation;
        dirty_ = false;
    }

    /// Waits for input, a wake-up, a signal or a timer; handles what came. Returns an exit code
    /// to stop, or -1 to go on.
    int wait_and_handle() {
        const auto now = Clock::now();
        auto timeout = opts_.poll_interval - (now - last_status_);
        if (engine_.version() != seen_version_)
            timeout = std::min<Clock::duration>(timeout, opts_.min_refresh - (now - last_refresh_));
        if (export_job_.joinable())  // its status line, soon after it is written
            timeout = std::min<Clock::duration>(timeout, std::chrono::milliseconds(100));
        if ((costs_ && costs_->busy()) || (asker_ && asker_->busy()))
            timeout = std::min<Clock::duration>(timeout, std::chrono::milliseconds(50));
        const int timeout_ms = static_cast<int>(
            std::clamp<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count(), 0, 60'000));

        pollfd fds[3] = {{term_.input_fd(), POLLIN, 0}, {term_.signal_fd(), POLLIN, 0}, {opts_.wake_fd, POLLIN, 0}};
        const nfds_t n = opts_.wake_fd >= 0 ? 3 : 2;
        // The dashboard's signals are unblocked only here: one that came since the last wait
        // is taken now (its handler writes to the signal pipe) and ends this wait.
        const timespec ts{timeout_ms / 1000, (timeout_ms % 1000) * 1'000'000L};
        const int ready = ::ppoll(fds, n, &ts, &term_.wait_mask());
        if (ready < 0) return -1;  // EINTR: go round, the signal pipe has the byte

        if (fds[1].revents) {
            bool resized = false;
            if (const auto sig = term_.take_signals(resized)) return 128 + *sig;
            if (resized) resize(term_.width(), term_.height());
        }
        if (n == 3 && fds[2].revents) drain(opts_.wake_fd);
        if (fds[0].revents & (POLLHUP | POLLERR)) return 0;  // the terminal went away
        if (fds[0].revents) {
            // Everything buffered, so a burst of keys is one redraw.
            while (auto ev = term_.read_event()) {
                if (const int code = handle(*ev); code >= 0) return code;
            }
        }
        return -1;
    }

    void resize(int w, int h) {
        ctl_.on_resize(w, h);
        term_.invalidate();
        dirty_ = true;
    }

    int handle(const InputEvent& ev) {
        if (const auto* r = std::get_if<Resize>(&ev)) {
            resize(r->width, r->height);
            return -1;
        }
        Action a = Action::None;
        if (const auto* m = std::get_if<MouseEvent>(&ev)) {
            a = ctl_.on_mouse(*m, snap_);
        } else {
            const Key k = std::get<Key>(ev);
            if (k == 0) return -1;
            if (k == 0x1A) {  // Ctrl-Z
                term_.suspend();
                dirty_ = true;
                return -1;
            }
            if (k == keys::CtrlL) term_.invalidate();
            a = ctl_.on_key(k, snap_);
        }
        auto call = [](const std::function<void()>& f) {
            if (f) f();
        };
        switch (a) {
            case Action::None: break;
            case Action::Quit: return 0;
            case Action::Redraw:
            case Action::ViewChanged: dirty_ = true; break;
            case Action::TogglePause: call(opts_.toggle_pause); break;
            case Action::Faster: call(opts_.faster); break;
            case Action::Slower: call(opts_.slower); break;
            case Action::Step: call(opts_.step); break;
            case Action::Export:
                start_export();
                dirty_ = true;
                break;
        }
        return -1;
    }

    Engine& engine_;
    DashboardOptions& opts_;
    Terminal& term_;
    Controller ctl_;
    View view_;
    Canvas canvas_;
    Snapshot snap_;
    std::uint64_t generation_ = 0;
    std::uint64_t drawn_generation_ = 0;
    std::uint64_t seen_version_ = 0;
    std::uint64_t feed_version_ = 0;  ///< with a feed: bumped when its records changed
    Clock::time_point last_refresh_{};
    Clock::time_point last_status_{};
    bool polled_ = false;  ///< the input's status was taken once
    bool dirty_ = true;
    bool told_loaded_ = false;      ///< opts_.loaded called
    bool load_cost_asked_ = false;  ///< the costs of the whole load were asked (or set: no records)
    bool costs_answered_ = false;   ///< an answer came since opts_.costed was last called
    std::uint64_t costs_version_ = 0;
    std::optional<Filter> asked_filter_;  ///< of the costs last asked for
    std::optional<StoredAsk> asked_stored_;
    Clock::time_point costs_at_{};
    Clock::duration costs_every_ = std::chrono::milliseconds(250);
    std::optional<CostsWorker> costs_;                ///< stopped before what it reads
    std::optional<LatestWorker<Ask, Answer>> asker_;  ///< slow sources' questions (DataSources::slow)
    // The export being written (DashboardOptions::export_view); last, so it is joined first.
    std::string export_result_;  ///< written by the job before export_done_
    std::atomic<bool> export_done_{false};
    std::jthread export_job_;
};

}  // namespace

int run_dashboard(Engine& engine, DashboardOptions options) {
    Terminal term(TerminalOptions{options.no_color, options.ascii, options.mouse, options.theme});
    if (!term.ok()) return 2;
    Dashboard d(engine, options, term);
    return d.run();
}

}  // namespace s3top::tui
