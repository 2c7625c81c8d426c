// The dashboard command: the session's load (then follow, or replay) on a thread of its own,
// the dashboard on this one, and what the header and the problems view are told about the input.
#include <fcntl.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>

#include "app/clickhouse_poller.hpp"
#include "app/commands.hpp"
#include "app/follow.hpp"
#include "app/progress_line.hpp"
#include "app/replay.hpp"
#include "app/session.hpp"
#include "app/settings.hpp"
#include "app/view_export.hpp"
#include "core/report/terminal_text.hpp"
#include "core/util/thread_name.hpp"
#include "tui/dashboard.hpp"

namespace s3top::app {

namespace {

constexpr std::size_t kHistoryKept = 200;  ///< filters the prompt's history offers
constexpr std::size_t kUnreadNamed = 5;    ///< inputs left out named at the end, then "and N more"

/// Where the `/` prompt's history is kept between sessions: the state folder's filter-history
/// (none with --no-state, or when there is no state folder).
std::filesystem::path history_file(const Options& opt) {
    if (opt.no_state) return {};
    const std::filesystem::path dir =
        opt.state_dir.empty() ? default_state_dir() : std::filesystem::path(opt.state_dir);
    return dir.empty() ? std::filesystem::path() : dir / "filter-history";
}

/// The last kHistoryKept filters of the file, oldest first, each once. A file that cannot be
/// read is no history.
std::vector<std::string> read_history(const std::filesystem::path& file) {
    std::vector<std::string> out;
    if (file.empty()) return out;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        std::erase(out, line);
        out.push_back(std::move(line));
    }
    if (out.size() > kHistoryKept) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(kHistoryKept));
    return out;
}

/// Appends `filter` to the history file (rewritten, shorter, once it holds ten times what is
/// kept). Failing is silent: the history is a convenience, the session goes on.
void append_history(const std::filesystem::path& file, const std::string& filter) {
    if (file.empty() || filter.find('\n') != std::string::npos) return;
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    if (std::filesystem::file_size(file, ec) > kHistoryKept * 10 * 80 && !ec) {
        std::vector<std::string> kept = read_history(file);
        std::ofstream out(file, std::ios::trunc);
        for (const auto& f : kept) out << f << '\n';
    }
    std::ofstream(file, std::ios::app) << filter << '\n';
}

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

/// What follow mode watches, as the user named it: each PATH, an s3:// one by its URL rather
/// than its cache folder.
std::vector<std::string> watched_paths(const Options& opt) {
    std::vector<std::string> out;
    for (const std::string& p : opt.paths) {
        if (p == "-") continue;
        const auto s3 = std::find_if(opt.s3.begin(), opt.s3.end(), [&](const auto& s) { return s.dir == p; });
        out.push_back(s3 != opt.s3.end() ? s3->url : p);
    }
    return out;
}

/// --replay's keys: pause, faster, slower, one step.
void bind_replay_keys(tui::DashboardOptions& d, Replay& replay) {
    d.toggle_pause = [&replay] { replay.toggle_pause(); };
    d.faster = [&replay] { replay.faster(); };
    d.slower = [&replay] { replay.slower(); };
    d.step = [&replay] { replay.step(); };
}

/// The load's transient memory (read buffers, the workers' batches, the columns' old buffers
/// as they grew, the first folds) is freed by the time the dashboard shows the whole load, but
/// glibc keeps most of it in its arenas: ~40 MB over 2 M lines, held while the dashboard runs.
/// Handed back once then, rather than by a lower mmap threshold (mallopt), which made every
/// large block a fresh mapping and `storage` 25% slower.
void give_back_freed_memory() {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

/// As report: 0 when every input was read, else 3 (kExitSomeUnread), saying which were left
/// out (not read, or only in part), the first kUnreadNamed by name.
int unread_exit_status(const UnreadList& unread) {
    const std::vector<UnreadInput> left = unread.list();
    if (left.empty()) return 0;
    std::string which;
    for (std::size_t i = 0; i < left.size() && i < kUnreadNamed; ++i) which += (i ? ", " : "") + left[i].path;
    if (left.size() > kUnreadNamed) which += fmt::format(" and {} more", left.size() - kUnreadNamed);
    fmt::print(stderr, "{}\n",
               terminal_safe(fmt::format("s3top: {} input{} could not be read, or only in part, so the dashboard "
                                         "showed the rest: {}",
                                         left.size(), left.size() == 1 ? "" : "s", which)));
    return kExitSomeUnread;
}

/// What the input's thread (the load, then follow or replay) and the UI thread share: the
/// flags, what was said, the counts the header shows. The input's thread writes it in
/// load_and_follow(); the UI thread reads it through status_of() and problems().
struct DashboardInput {
    DashboardInput(Session& session, const Options& options, std::function<void()> wake)
        : s(session), opt(options), poke(std::move(wake)), follow(options.follow), watching(watched_paths(options)) {
        if (!s.follower) s.follower = std::make_unique<Follower>(*s.ingestor, follow_options(opt));
        if (opt.replay) {
            ReplayOptions ro = replay_options(opt);
            ro.on_change = poke;
            replay = std::make_unique<Replay>(*s.engine, std::move(ro));
        }
    }

    /// On the input's thread: reads every input, then follows them (or plays them, --replay)
    /// until stop().
    void load_and_follow() {
        std::vector<std::string> m;
        any = replay ? load_replay(s, *replay, opt, &m, &cancel) : load_all(s, opt, &m, &cancel);
        unread.set(s.unread);
        if (!replay) {
            nfiles = s.inputs.size();  // with the s3:// objects fetched meanwhile
            copies = s.copies;
            if (s.engine->lines().read > 0) updated = now();
        }
        keep_messages(std::move(m), messages, messages_mutex);
        done = true;
        poke();
        if (cancel) return;
        if (replay) {
            replay->run();
        } else if (follow) {
            s.follower->run([&](const IngestResult& r) {
                unread.update(r);
                nfiles += r.counts.read + r.counts.replaced;
                copies += r.counts.duplicate;
                if (r.load.any_read()) updated = now();
                keep_file_errors(r, messages, messages_mutex);
                poke();
            });
        }
    }

    /// Ends load_and_follow() soon (and the s3:// listing). Any thread.
    void stop() {
        cancel = true;
        if (replay) replay->stop();
        s.follower->stop();
        if (s.s3) s.s3->stop();
    }

    /// A line to say once the dashboard is closed (it is in the problems view meanwhile).
    void say(std::string line) {
        {
            std::lock_guard l(messages_mutex);
            messages.push_back(terminal_safe(line));
        }
        poke();
    }

    /// What the header shows about the input now. UI thread.
    tui::SourceStatus status_of() const {
        tui::SourceStatus st;
        st.mode = !done    ? tui::SourceStatus::Mode::Loading
                  : replay ? tui::SourceStatus::Mode::Replay
                  : follow ? tui::SourceStatus::Mode::Follow
                           : tui::SourceStatus::Mode::Loaded;
        st.files = nfiles;
        if (!done) st.note = loading_note(*s.loader_options.progress, load_start);
        if (const std::string f = s.s3 && !done ? s.s3->fetch_note() : std::string(); !f.empty())
            st.note = f + "; " + st.note;  // the first s3:// fetch: its objects, then the reading
        if (follow) st.watching = watching;
        st.updated = updated;
        st.copies = copies;
        st.dedupe = s.loader_options.dedupe != nullptr;
        if (done) st.unread = unread.size();
        if (s.s3 && done) st.note = s.s3->note();  // the sources and their last listing, once loaded
        if (replay && done) {
            const ReplayStatus r = replay->status();
            st.paused = r.paused;
            st.speed = r.speed;
            st.clock = r.clock;
            st.done = r.done;
        }
        return st;
    }

    /// What would be said on stderr at the end, so far, for the problems view. UI thread.
    std::vector<std::string> problems() const {
        std::lock_guard l(messages_mutex);
        std::vector<std::string> out;
        for (const std::string& m : messages) out.push_back(m.starts_with("s3top: ") ? m.substr(7) : m);
        return out;
    }

    static std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

    Session& s;
    const Options& opt;
    const std::function<void()> poke;  ///< wakes the dashboard
    const bool follow;                 ///< by default when given a folder (resolve_options)
    const std::vector<std::string> watching;
    const std::chrono::steady_clock::time_point load_start = std::chrono::steady_clock::now();
    std::unique_ptr<Replay> replay;  ///< --replay: everything read, then played in time order
    std::atomic<bool> cancel{false}, done{false};
    bool any = false;  ///< something was read (written before `done`)
    std::atomic<std::size_t> nfiles{s.inputs.size()};
    UnreadList unread;                     ///< the inputs left out, as the latest round that looked at each found them
    std::atomic<std::int64_t> updated{0};  ///< following: when lines last came
    std::atomic<std::uint64_t> copies{0};  ///< files skipped as copies of counted content
    mutable std::mutex messages_mutex;
    std::vector<std::string> messages;  ///< said on stderr at the end ("s3top: ...")
};

/// The dashboard over a clickhouse:// PATH: snapshots polled from there (ClickHousePoller) with
/// the storage table's events, and what the org picker, Tab, the running cost and the export
/// ask, asked there; an empty engine beside them.
int run_clickhouse_dashboard(const Options& opt, tui::DashboardOptions d) {
    Engine none{EngineConfig{}};
    // The storage events, fetched with each poll: the org panel's stored bytes, the storage in
    // its running cost, the Stored panel.
    d.storage = std::make_shared<StorageCollector>();
    // The poller's thread leaves the dashboard's signals to the UI thread.
    std::optional<tui::DashboardSignalBlock> signals_to_ui(std::in_place);
    int wake[2] = {-1, -1};
    if (::pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) wake[0] = wake[1] = -1;
    auto poller = std::make_shared<ClickHousePoller>(
        *opt.from, opt.every,
        [&wake] {
            if (wake[1] >= 0) {
                const char c = 1;
                [[maybe_unused]] const auto n = ::write(wake[1], &c, 1);
            }
        },
        d.storage);
    d.feed = poller;
    d.wake_fd = wake[0];
    d.status = [&poller] { return poller->status(); };
    d.sources = clickhouse_sources(*poller);
    d.reports = clickhouse_reports(*poller, opt.config.tiers);
    const std::filesystem::path history = history_file(opt);
    d.filter_history = read_history(history);
    d.filter_entered = [history](const std::string& f) { append_history(history, f); };
    std::vector<std::string> exported;
    std::mutex exported_mutex;
    d.export_view = [&](const tui::ExportRequest& r) {
        const ViewExport e = export_view(poller->client(), opt, r, DashboardInput::now());
        std::lock_guard l(exported_mutex);
        if (e.ok)
            exported.push_back(fmt::format("s3top: wrote {}; the same: {}", e.file, e.command));
        else if (poller->client().cancelled())  // the dashboard ended while it was written
            exported.push_back(fmt::format("s3top: {}", e.line));
        return e.line;
    };
    // Quitting stops the requests ClickHouse has not answered (the poll, the cost, the picker's
    // or Tab's question, an export): none is waited for.
    d.ending = [&poller] { poller->client().cancel(); };
    const int rc = tui::run_dashboard(none, d);
    signals_to_ui.reset();
    d = tui::DashboardOptions();  // what reads the poller, before it is joined
    poller.reset();               // joined: nothing writes to the pipe any more
    for (int fd : wake) {
        if (fd >= 0) ::close(fd);
    }
    for (const auto& m : exported) fmt::print(stderr, "{}\n", m);
    return rc;
}

}  // namespace

int run_dashboard_command(const Options& opt) {
    if (refused_without_screen()) return 2;
    if (opt.from) {
        tui::DashboardOptions d;
        d.filter = opt.filter;
        apply_dashboard_config(opt, d);
        return run_clickhouse_dashboard(opt, std::move(d));
    }
    tui::DashboardOptions d;
    d.filter = opt.filter;
    apply_dashboard_config(opt, d);  // before any thread starts: it may throw
    // The object-changing requests, gathered as the logs are read (and kept in the state file):
    // the org panel's stored bytes and the storage in its running cost.
    d.storage = std::make_shared<StorageCollector>();
    Session s = make_session(opt, DimMask{}.set(), std::nullopt,
                             opt.follow ? std::optional<FollowOptions>(follow_options(opt)) : std::nullopt, d.storage);

    // Ingest on its own thread (then follow there); it wakes the dashboard through a pipe.
    int wake[2] = {-1, -1};
    if (::pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) wake[0] = wake[1] = -1;
    DashboardInput in(s, opt, [&wake] {
        if (wake[1] >= 0) {
            const char c = 1;
            [[maybe_unused]] const auto n = ::write(wake[1], &c, 1);
        }
    });
    // The threads started from here (ingest, follow, replay, parse workers) leave the
    // dashboard's signals to the UI thread; unblocked again once the dashboard is closed.
    std::optional<tui::DashboardSignalBlock> signals_to_ui(std::in_place);
    std::jthread ingest([&in] {
        name_this_thread("s3top-ingest");
        in.load_and_follow();
    });
    // Following s3:// PATHs: listed again every --every on a thread of their own.
    std::jthread s3_poller;
    if (s.s3 && in.follow) {
        s3_poller = std::jthread([&] {
            name_this_thread("s3top-s3-poll");
            s.s3->run([&](const std::string& line) { in.say(line); });
        });
    }
    // However this function is left, the ingest thread is stopped before it is joined.
    const OnExit stop_ingest{[&in] { in.stop(); }};
    d.poll_interval = std::chrono::milliseconds(200);
    d.wake_fd = wake[0];
    const std::filesystem::path history = history_file(opt);
    d.filter_history = read_history(history);
    d.filter_entered = [history](const std::string& f) { append_history(history, f); };
    // The problems view lists what would be said on stderr at the end, as it is said.
    d.input_problems = [&in] { return in.problems(); };
    d.status = [&in] { return in.status_of(); };
    d.loaded = give_back_freed_memory;
    d.costed = give_back_freed_memory;
    if (in.replay) bind_replay_keys(d, *in.replay);
    // The export key: the view written here through report's writers, and said again at the end
    // with the command that writes the same file.
    std::vector<std::string> exported;
    d.export_view = [&](const tui::ExportRequest& r) {
        if (!in.done) return std::string("still reading the inputs: write the view once they are read");
        const ViewExport e = export_view(s, opt, r, DashboardInput::now());
        if (!e.ok) return e.line;
        std::lock_guard l(in.messages_mutex);
        exported.push_back(fmt::format("s3top: wrote {}; the same: {}", e.file, e.command));
        return in.replay ? e.line + " (replay: the file holds the records played so far)" : e.line;
    };
    const int rc = tui::run_dashboard(*s.engine, d);
    signals_to_ui.reset();  // a SIGTERM while ingest winds down ends the program, as before
    in.stop();
    ingest.join();
    for (int fd : wake) {
        if (fd >= 0) ::close(fd);
    }
    for (const auto& m : in.messages) fmt::print(stderr, "{}\n", m);
    // Printable already (shell_quote() writes control bytes as \xHH): as it is, to be copied.
    for (const auto& m : exported) fmt::print(stderr, "{}\n", m);
    // 2: bad usage; 128 + N: signal N (SIGTERM, SIGHUP, a SIGINT from outside) ended it, as a
    // shell reports a process a signal ended, so a supervisor can tell a stop from a quit.
    if (rc == 2 || rc > 128) return rc;
    if (!in.any && !s.inputs.empty()) return 1;
    return unread_exit_status(in.unread);
}

}  // namespace s3top::app
