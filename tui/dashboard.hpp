#pragma once
// The live ncurses dashboard. The app builds the Engine, starts ingest on its own threads and
// calls run_dashboard() on the thread that owns the terminal.
#include <chrono>
#include <csignal>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/agg/engine.hpp"
#include "core/agg/filter.hpp"
#include "core/billing/statement.hpp"
#include "core/storage/storage_collector.hpp"
#include "tui/controller.hpp"
#include "tui/theme.hpp"
#include "tui/ui_state.hpp"

namespace s3top::tui {

/// Where the dashboard's snapshots come from when they are not folded from its engine (the
/// dashboard over ClickHouse, which polls): the UI thread says which view it shows, and takes
/// what was made for it later (the wake pipe says when). Thread-safe.
class SnapshotFeed {
public:
    virtual ~SnapshotFeed() = default;
    /// The view shown from now on: made at once, then again at every poll.
    virtual void want(const ViewSpec& view) = 0;
    /// The newest snapshot made since the last call, if any (it may be of a view wanted before).
    virtual std::optional<Snapshot> take() = 0;
};

struct DashboardOptions {
    /// Read end of the app's self-pipe: ingest threads write a byte to it after Engine::append()
    /// (or when SourceStatus changed); the dashboard drains it (blocking or not, it never
    /// blocks on it). -1: no pipe, the dashboard polls engine.version() every
    /// `poll_interval`. The dashboard never closes it.
    int wake_fd = -1;
    /// What the header shows about the input; called on the UI thread (so it must be
    /// thread-safe against ingest). Null: an empty SourceStatus.
    std::function<SourceStatus()> status;
    /// Called once on the UI thread when the load is over, before the first frame that says so
    /// is drawn (the app hands the memory the load freed back to the system then). Null: nothing.
    std::function<void()> loaded;
    /// Called on the UI thread after each answer of the running cost (`billing`) from the whole
    /// load's on (after `loaded`), once no other is being computed: each computation frees what
    /// it built (the storage object table, ~12 MB over 2 M lines), which glibc keeps in the costs
    /// thread's arena, and the app hands it back (kept, four follow rounds' answers held 40 MB
    /// more). Null: nothing.
    std::function<void()> costed;
    /// What the app said about its inputs so far ("PATH: message": not read, read in part, in
    /// no known format ...), for the problems view; called on the UI thread. Null: none.
    std::function<std::vector<std::string>()> input_problems;
    /// Filters entered at the `/` prompt in earlier sessions, oldest first (Up in the prompt).
    std::vector<std::string> filter_history;
    /// Told each filter entered at the prompt, to keep it for later sessions. Null: not kept.
    std::function<void(const std::string&)> filter_entered;

    /// Replay controls (space, +, -, .), called on the UI thread. Null when not replaying: the
    /// keys then do nothing.
    std::function<void()> toggle_pause;
    std::function<void()> faster;
    std::function<void()> slower;
    std::function<void()> step;

    /// The export key: writes what `r` asks (the view as `s3top report` would write it) to a
    /// file and returns the status line (the file and the command that writes the same, or why
    /// not). Called on a thread of its own, one at a time: a big view may take a while, and the
    /// dashboard goes on meanwhile. Null: the key says there is no export here.
    std::function<std::string(const ExportRequest& r)> export_view;
    /// Called once on the UI thread when the dashboard ends, before it waits for its threads
    /// (the running cost, the export, slow sources' questions): the app stops what they wait
    /// for (a request ClickHouse does not answer), so quitting never hangs. Null: nothing.
    std::function<void()> ending;

    Filter filter;               ///< initial filter (--filter)
    Dim resolution = Dim::Hour;  ///< initial chart resolution (Minute, Hour, Day, Month)
    bool no_color = false;       ///< also honoured: the NO_COLOR environment variable
    bool ascii = false;          ///< force ASCII drawing even in a UTF-8 locale
    bool mouse = true;
    /// The config's [dashboard] section (with command-line options over it): panels in order
    /// (empty: UiState::defaults()), key bindings, colors (unused when no_color or NO_COLOR).
    std::vector<DashboardPanel> panels;
    KeyMap keys = KeyMap::defaults();
    Theme theme = Theme::defaults();
    /// Prices and exclusions for the org panel's running cost (compute_statement over the
    /// view's range, `by` and `periods` set by the dashboard). Null: no cost shown.
    std::optional<BillingSpec> billing;
    /// The object-changing requests gathered as the logs are read: storage is priced into the
    /// running cost and the org panel shows what each org has stored. Null: requests only.
    std::shared_ptr<StorageCollector> storage;
    /// The snapshots' source when it is not the engine (then the engine is only asked for what
    /// the org picker, Tab completion and the problems view list, unless `sources` says). Null:
    /// the engine's views.
    std::shared_ptr<SnapshotFeed> feed;
    /// With a feed: where the org picker, Tab completion and the problems view take their
    /// values (called on the UI thread), and the running cost its reports. Null: the engine.
    std::optional<DataSources> sources;
    std::optional<FallibleReportSource> reports;
    /// At most one engine refresh per interval while ingest runs (a refresh re-ranks every group).
    std::chrono::milliseconds min_refresh{150};
    /// While the input loads, the running cost is asked again at most this often for new
    /// records (its first question, a new filter or grouping, and the load's end are asked at
    /// once): on a machine of few cores each question takes CPU from the load, and its answer
    /// is out of date ("updating") moments later.
    std::chrono::milliseconds loading_costs_every{5000};
    /// How often SourceStatus is polled for changes without a wake-up.
    std::chrono::milliseconds poll_interval{500};
};

/// Runs the interactive dashboard on the controlling terminal until the user quits (q, Ctrl-C)
/// or SIGINT/SIGTERM/SIGHUP arrives. All curses calls happen on the calling thread. Reads keys from
/// stdin, or from /dev/tty when stdin is not a terminal (logs piped in); draws on stdout, or
/// /dev/tty when stdout is not a terminal.
///
/// Installs handlers for SIGINT, SIGTERM, SIGHUP and SIGWINCH for its duration (restoring the previous
/// ones on return) and calls setlocale(LC_ALL, "") once. The terminal is restored on every
/// return path and when an exception escapes (it is rethrown).
///
/// Returns 0 when the user quit, 128 + the signal number when SIGINT/SIGTERM/SIGHUP ended it, and 2
/// when no terminal could be opened (nothing was drawn; curses may have printed why).
int run_dashboard(Engine& engine, DashboardOptions options);

/// Why the dashboard cannot draw on this terminal, in words: TERM unset, unknown to terminfo, or
/// a terminal that cannot move the cursor (TERM=dumb). nullopt when it can. Touches nothing on
/// the screen, so a refusal leaves no text behind.
std::optional<std::string> terminal_problem();

/// Blocks SIGINT, SIGTERM, SIGHUP and SIGWINCH on the calling thread until destroyed (then
/// restores its mask). Threads started meanwhile inherit the block, so these signals reach the
/// thread that runs run_dashboard(), which takes them only while it waits. Hold one while
/// starting the threads that run beside the dashboard (ingest, follow, replay). Without it the
/// dashboard still ends: a handler on any thread writes to its signal pipe.
class DashboardSignalBlock {
public:
    DashboardSignalBlock();
    ~DashboardSignalBlock();
    DashboardSignalBlock(const DashboardSignalBlock&) = delete;
    DashboardSignalBlock& operator=(const DashboardSignalBlock&) = delete;

private:
    sigset_t old_{};
};

/// Puts the terminal back the way run_dashboard() found it (leaves the alternate screen, shows
/// the cursor, disables mouse reporting, restores tty modes). For the app's crash paths (fatal
/// signal handlers, std::terminate): async-signal-safe, idempotent, a no-op when no dashboard
/// is running.
void restore_terminal() noexcept;

}  // namespace s3top::tui
