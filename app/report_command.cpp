#include <fmt/format.h>
#include <pthread.h>
#include <unistd.h>

#include <fcntl.h>
#include <csignal>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <optional>
#include <cstdio>
#include <thread>

#include "tui/dashboard.hpp"

#include "app/commands.hpp"
#include "app/follow.hpp"
#include "app/replay.hpp"
#include "app/session.hpp"
#include "app/settings.hpp"
#include "core/report/html.hpp"
#include "core/report/report_writer.hpp"
#include "core/report/terminal_text.hpp"
#include "core/report/units.hpp"
#include "app/output.hpp"
#include "core/report/terminal_text.hpp"

namespace s3top::app {

int run_report(const Options& opt) {
    ReportSpec spec;
    DimMask needed;
    spec.by = opt.by;
    mark_needed(spec.by, needed);
    needed.set(index(Dim::RemoteIp));   // distinct clients
    needed.set(index(Dim::Operation));  // operations no tier rule knows are named
    spec.filter = opt.filter;
    spec.top = opt.top;
    spec.sort = opt.sort;

    // HTML adds the time chart and the config's panels: it needs the records, not a stream.
    std::vector<PanelSpec> panels;
    if (opt.format == OutputFormat::Html) {
        for (const DimSpec& d : opt.panels) {
            panels.push_back(PanelSpec{d, 50, spec.sort});
            mark_needed({d}, needed);
        }
    }
    const auto follow = opt.follow ? std::optional<FollowOptions>(follow_options(opt)) : std::nullopt;
    Session s = opt.format == OutputFormat::Html ? make_session(opt, needed, std::nullopt, follow)
                                                 : make_session(opt, needed, spec, follow);
    if (opt.follow) return report_follow(s, opt, spec);
    if (opt.replay ? !replay_for_report(s, opt, spec) : !load_all(s, opt)) {
        fmt::print(stderr, "s3top: no input could be read\n");
        return 1;
    }
    say_unmatched_filter_values(*s.engine, spec.filter);
    ReportResult result = s.engine->report(spec);
    if (s.loader_options.dedupe) result.no_request_id = s.loader_options.dedupe->no_id();
    result.unread = s.unread;
    if (result.totals.overflow) fmt::print(stderr, "s3top: warning: {}\n", overflow_note());
    if (!result.unruled_operations.empty())
        fmt::print(stderr, "s3top: warning: {}\n",
                   terminal_safe(unruled_note(result.unruled_tier, result.unruled_operations, "counted")));
    std::string text;
    switch (opt.format) {
        case OutputFormat::Json: text = report_json(result); break;
        case OutputFormat::Csv: text = report_csv(result); break;
        case OutputFormat::Table: text = report_table(result, table_options(opt)); break;
        case OutputFormat::Html: {
            ViewSpec vs;
            vs.filter = spec.filter;
            vs.panels = panels;
            // A chart of at most a few hundred bars.
            const std::int64_t span = result.max_time - result.min_time;
            vs.resolution = span <= 6 * 3600      ? Dim::Minute
                            : span <= 14 * 86400  ? Dim::Hour
                            : span <= 400 * 86400 ? Dim::Day
                                                  : Dim::Month;
            View view(vs);
            text = report_html(result, s.engine->refresh(view, 1));
            break;
        }
    }
    return exit_status_after_output(s, write_output(opt, text, "report"), "report");
}

namespace {

/// A follow round's per-file errors, kept to be said once the dashboard is closed.
void keep_file_errors(const IngestResult& r, std::vector<std::string>& messages, std::mutex& m) {
    std::lock_guard l(m);
    for (const auto& f : r.load.files) {
        if (!f.error.empty()) messages.push_back(terminal_safe(fmt::format("s3top: {}: {}", f.path, f.error)));
    }
}

/// The header's note while loading: files and bytes read, lines per second, time left.
std::string loading_note(const LoadProgress& progress, std::chrono::steady_clock::time_point start) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return "reading " + progress_text(progress.counts(), seconds);
}

/// One line, and nothing drawn, when there is no screen to draw on. True when it said so.
bool refused_without_screen() {
    if (!::isatty(STDOUT_FILENO)) {
        fmt::print(stderr, "s3top: the dashboard needs a terminal; on a pipe or file use: s3top report PATH...\n");
        return true;
    }
    if (const auto problem = tui::terminal_problem()) {
        fmt::print(stderr,
                   "s3top: the dashboard needs a terminal that can move the cursor ({}); use: s3top report "
                   "PATH...\n",
                   terminal_safe(*problem));
        return true;
    }
    return false;
}

/// Messages said while loading, kept to be said once the dashboard is closed.
void keep_messages(std::vector<std::string>&& said, std::vector<std::string>& messages, std::mutex& m) {
    std::lock_guard l(m);
    messages.insert(messages.end(), std::make_move_iterator(said.begin()), std::make_move_iterator(said.end()));
}

/// --replay's keys: pause, faster, slower, one step.
void bind_replay_keys(tui::DashboardOptions& d, Replay& replay) {
    d.toggle_pause = [&replay] { replay.toggle_pause(); };
    d.faster = [&replay] { replay.faster(); };
    d.slower = [&replay] { replay.slower(); };
    d.step = [&replay] { replay.step(); };
}

}  // namespace

int run_dashboard_command(const Options& opt) {
    if (refused_without_screen()) return 2;
    tui::DashboardOptions d;
    d.filter = opt.filter;
    apply_dashboard_config(opt, d);  // before any thread starts: it may throw
    const bool follow = opt.follow;  // by default when given a folder (resolve_options)
    Session s = make_session(opt, DimMask{}.set(), std::nullopt,
                             follow ? std::optional<FollowOptions>(follow_options(opt)) : std::nullopt);

    // Ingest on its own thread (then follow there); it wakes the dashboard through a pipe.
    int wake[2] = {-1, -1};
    if (::pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) wake[0] = wake[1] = -1;
    auto poke = [&] {
        if (wake[1] >= 0) {
            const char c = 1;
            [[maybe_unused]] const auto n = ::write(wake[1], &c, 1);
        }
    };
    std::atomic<bool> cancel{false}, done{false};
    std::vector<std::string> messages;
    std::mutex messages_mutex;
    bool any = false;
    if (!s.follower) s.follower = std::make_unique<Follower>(*s.ingestor, follow_options(opt));
    Follower& follower = *s.follower;
    std::atomic<std::size_t> nfiles{s.inputs.size()};
    // --replay: read everything, then play it in time order on this same thread.
    std::unique_ptr<Replay> replay;
    if (opt.replay) {
        ReplayOptions ro = replay_options(opt);
        ro.on_change = poke;
        replay = std::make_unique<Replay>(*s.engine, std::move(ro));
    }
    // The threads started from here (ingest, follow, replay, parse workers) leave the
    // dashboard's signals to the UI thread; unblocked again once the dashboard is closed.
    std::optional<tui::DashboardSignalBlock> signals_to_ui(std::in_place);
    std::jthread ingest([&] {
        if (replay) {
            std::vector<std::string> m;
            any = load_replay(s, *replay, opt, &m, &cancel);
            keep_messages(std::move(m), messages, messages_mutex);
            done = true;
            poke();
            if (!cancel) replay->run();
            return;
        }
        std::vector<std::string> m;
        any = load_all(s, opt, &m, &cancel);
        nfiles = s.inputs.size();  // with the s3:// objects fetched meanwhile
        keep_messages(std::move(m), messages, messages_mutex);
        done = true;
        poke();
        if (follow && !cancel) {
            follower.run([&](const IngestResult& r) {
                nfiles += r.counts.read + r.counts.replaced;
                keep_file_errors(r, messages, messages_mutex);
                poke();
            });
        }
    });
    // Following s3:// PATHs: listed again every --every on a thread of their own.
    std::jthread s3_poller;
    if (s.s3 && follow) {
        s3_poller = std::jthread([&] {
            s.s3->run([&](const std::string& line) {
                {
                    std::lock_guard l(messages_mutex);
                    messages.push_back(terminal_safe(line));
                }
                poke();
            });
        });
    }
    // However this function is left, the ingest thread is stopped before it is joined.
    const OnExit stop_ingest{[&] {
        cancel = true;
        if (replay) replay->stop();
        follower.stop();
        if (s.s3) s.s3->stop();
    }};
    d.poll_interval = std::chrono::milliseconds(200);
    const auto load_start = std::chrono::steady_clock::now();
    d.wake_fd = wake[0];
    d.status = [&] {
        tui::SourceStatus st;
        st.mode = !done    ? tui::SourceStatus::Mode::Loading
                  : replay ? tui::SourceStatus::Mode::Replay
                  : follow ? tui::SourceStatus::Mode::Follow
                           : tui::SourceStatus::Mode::Loaded;
        st.files = nfiles;
        if (!done) st.note = loading_note(*s.loader_options.progress, load_start);
        st.dedupe = s.loader_options.dedupe != nullptr;
        if (s.s3 && done) st.note = s.s3->note();  // the sources and their last listing, once loaded
        if (replay && done) {
            const ReplayStatus r = replay->status();
            st.paused = r.paused;
            st.speed = r.speed;
            st.clock = r.clock;
            st.done = r.done;
        }
        return st;
    };
    if (replay) bind_replay_keys(d, *replay);
    const int rc = tui::run_dashboard(*s.engine, d);
    signals_to_ui.reset();  // a SIGTERM while ingest winds down ends the program, as before
    cancel = true;
    if (replay) replay->stop();
    follower.stop();
    if (s.s3) s.s3->stop();
    ingest.join();
    for (int fd : wake) {
        if (fd >= 0) ::close(fd);
    }
    for (const auto& m : messages) fmt::print(stderr, "{}\n", m);
    // 2: bad usage; 128 + N: signal N (SIGTERM, SIGHUP, a SIGINT from outside) ended it, as a
    // shell reports a process a signal ended, so a supervisor can tell a stop from a quit.
    if (rc == 2 || rc > 128) return rc;
    return any || s.inputs.empty() ? 0 : 1;
}

}  // namespace s3top::app
