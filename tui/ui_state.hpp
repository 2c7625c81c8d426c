#pragma once
// Everything the dashboard shows besides the snapshot: which panels, which filter, focus,
// selection, overlays. Plain data, no curses: the Controller changes it, render() reads it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/agg/filter.hpp"
#include "core/agg/snapshot.hpp"
#include "core/config/dashboard_names.hpp"
#include "core/storage/storage_dim.hpp"
#include "tui/costs.hpp"
#include "tui/keymap.hpp"

namespace s3top::tui {

/// What the app tells the dashboard about its input, for the header. Line counts come from the
/// engine's snapshot; this is what only the app knows.
struct SourceStatus {
    enum class Mode : std::uint8_t {
        Loading,  ///< reading files, not done yet
        Loaded,   ///< every file read, nothing more coming
        Follow,   ///< tailing files for new lines
        Replay,   ///< feeding records at log-time speed
        Poll,     ///< asking a database (ClickHouse) for the view every interval; no files
    };
    Mode mode = Mode::Loaded;
    std::size_t files = 0;                ///< inputs opened
    bool paused = false;                  ///< Replay: paused
    double speed = 1.0;                   ///< Replay: log seconds per wall-clock second; 0 = as fast as possible
    std::int64_t clock = 0;               ///< Replay: log time reached (UTC epoch seconds); 0 = unknown
    std::string note;                     ///< short free text ("reading a.log 45%"); shown sanitized
    bool done = false;                    ///< Replay: every record played
    bool dedupe = false;                  ///< --dedupe request-id: duplicates are shown apart from rejected
    std::size_t unread = 0;               ///< inputs left out of the totals, whole or in part (shown in red)
    std::vector<std::string> watching{};  ///< Follow: what is watched (folders, files, s3:// URLs)
    std::int64_t updated = 0;             ///< Follow: when new lines last came (UTC epoch seconds); 0 none yet
    std::uint64_t copies = 0;             ///< files skipped as copies of content already counted
    std::string error{};                  ///< Poll: why the last poll failed (one line, shown in red), or ""
    friend bool operator==(const SourceStatus&, const SourceStatus&) = default;
};

/// The header's note on the source: loading progress, or while following what is watched and
/// when it last brought lines ("waiting for logs in DIR" while nothing came), then `note`.
/// `brief`: without the paths watched (for a header that has no room for them).
std::string source_note(const SourceStatus& s, bool brief = false);

/// What the chart draws: a sum per column of the records in it, or (StoredBytes) what the object
/// table held at the end of each column, under the filter's org, bucket and key terms.
enum class ChartMetric : std::uint8_t { BytesSent, Requests, StoredBytes };
enum class Overlay : std::uint8_t { None, Help, FilterPrompt, OrgPicker, Problems, ExportPrompt };

/// The files the export key writes (as `s3top report --format`).
enum class ExportFormat : std::uint8_t { Csv, Json, Html };

/// What the export key asks the app to write: the view as `s3top report` would write it.
struct ExportRequest {
    Filter filter;                ///< the view's filter
    DimSpec by;                   ///< the focused panel's dimension
    SortBy sort = SortBy::Bytes;  ///< its order (a report has no reverse order)
    std::vector<DimSpec> panels;  ///< the panels shown, in order (the HTML page's)
    ExportFormat format = ExportFormat::Csv;
    friend bool operator==(const ExportRequest&, const ExportRequest&) = default;
};

/// What the problems view lists: the engine's most recent rejected lines and what the app said
/// about its inputs (not read, read in part, no known format, a damaged .gz, the state file).
struct ProblemsData {
    std::vector<RejectedLine> rejects;  ///< oldest first (Engine::recent_rejects)
    std::vector<std::string> inputs;    ///< "PATH: message", in the order said
    /// Not empty: why the rejected lines' text is not here (only their counts are).
    std::string rejects_elsewhere;
};

/// The problems view (`p`, or a click on the header's rejected count): its data as of when it
/// was opened (refreshed while it shows its top), and where it is scrolled.
struct ProblemsView {
    ProblemsData data;
    int scroll = 0;   ///< first list row shown
    int hscroll = 0;  ///< cells of each rejected line's text scrolled off to the left
};

/// A one-line text editor (filter prompt, org search). Cursor is a byte offset on a UTF-8
/// character boundary.
struct LineEdit {
    std::string text;
    std::size_t cursor = 0;

    void set(std::string t);
    void insert(char32_t cp);
    void backspace();
    void erase();  ///< the character under the cursor
    void left();
    void right();
    void home() { cursor = 0; }
    void end() { cursor = text.size(); }
    void kill_line();  ///< Ctrl-U: everything before the cursor
    void kill_word();  ///< Ctrl-W: the word before the cursor
};

/// The `o` overlay: every org, narrowed by a case-insensitive substring as the user types.
struct OrgPicker {
    std::vector<std::string> all;  ///< sorted, "" (no org, shown "-") first (Engine::values(Dim::Org))
    /// Each org's numbers as picking it would show them: under the filter without its org terms
    /// (`under`). An org missing here has no request under it (shown as 0, dimmed).
    std::vector<PanelRow> numbers;
    Filter under;
    bool have_numbers = false;  ///< numbers were asked for (else none are shown)
    /// Slow sources (DataSources::slow): the server asked ("ClickHouse") while its answer is
    /// awaited, else "".
    std::string asking;
    std::string error;  ///< why the orgs could not be listed (a slow source failed), or ""
    LineEdit query;
    std::vector<std::size_t> matches;  ///< indices into `all`
    int selected = 0;
    int scroll = 0;
    /// Recomputes matches from the query; keeps the selection in range.
    void refilter();
};

/// The `/` prompt's Tab completion in progress: Tab again goes to the next candidate, Shift-Tab
/// to the one before; any other key ends it.
struct Completion {
    std::vector<std::string> shown;    ///< the candidates as listed above the prompt
    std::vector<std::string> texts;    ///< the prompt's text with each candidate in place
    std::vector<std::size_t> cursors;  ///< the cursor after each candidate
    int index = -1;                    ///< the candidate in the prompt now (-1: the common start only)
    bool active() const { return !texts.empty(); }
};

/// One panel position, the dimensions the user can switch it between with `d`, and its order
/// (`s` and `r` change the focused panel's).
struct PanelSlot {
    std::vector<DimSpec> choices;  ///< a Stored panel's are stored_by
    std::size_t current = 0;
    SortBy sort = SortBy::Bytes;
    bool reverse = false;  ///< smallest first, or Z to A (PanelSpec::reverse)
    /// The Stored panel: what is stored at the end of the range per storage dimension, from
    /// the CostsWorker's StoredShown, not from the engine's records.
    bool stored = false;
    /// A Stored panel's choices: what storage groups by (org, bucket, prefix:N, class).
    std::vector<StorageDimSpec> stored_by{};
    /// A Stored panel's drill-downs in force: the term each added and the choice it moved on
    /// from, taken back when the term leaves the filter (Backspace, Esc, an undo).
    struct Drill {
        FilterTerm term;
        std::size_t from = 0;
    };
    std::vector<Drill> drills{};

    std::size_t choice_count() const { return stored ? stored_by.size() : choices.size(); }
    /// The dimension of the records the panel shows; a Stored panel's grouping's (org for a
    /// class, which the records lack: the engine's panel of a Stored slot is never shown).
    DimSpec dim() const {
        if (!stored) return choices[current];
        return record_dim_of(stored_dim()).value_or(DimSpec{Dim::Org});
    }
    StorageDimSpec stored_dim() const { return stored_by[current]; }
};

/// Selection within one panel. selected = -1 is the title line (Enter there expands).
struct PanelCursor {
    int selected = 0;
    int scroll = 0;  ///< first row shown
    /// Set when the user picked a row: the selection then follows that row's label as live
    /// data re-ranks it. Untouched panels keep their position (the top rows stay in view).
    bool pinned = false;
    std::string selected_label;
};

struct UiState {
    // Set by the dashboard.
    int screen_w = 80;
    int screen_h = 24;
    bool unicode = true;  ///< the terminal takes UTF-8
    SourceStatus source;

    // The view asked of the engine (see view_spec()).
    Filter filter;
    Dim resolution = Dim::Hour;
    /// The chart picks the resolution that fits the records' range (fitting_resolution); `t`
    /// goes through minute, hour, day, month and back to this.
    bool auto_resolution = true;
    std::vector<PanelSlot> slots;
    std::size_t panel_limit = 500;  ///< rows kept per panel (the expanded panel scrolls through them)

    // Presentation.
    bool exact = false;
    /// The org panel's cost column and the header's total, when they are of the view's filter.
    std::optional<OrgCosts> costs;
    ChartMetric chart = ChartMetric::BytesSent;
    /// The chart's time cursor ([ and ], or a click on the chart): a time in the column it is
    /// on, so it stays on its time as columns fold anew. nullopt: not shown.
    std::optional<std::int64_t> chart_cursor;
    /// Where the range being picked starts (Enter, or a press on the chart): a time in its column.
    std::optional<std::int64_t> chart_mark;
    bool chart_dragging = false;  ///< a press on the chart waits for its release
    std::size_t focus = 0;
    bool expanded = false;
    std::vector<PanelCursor> cursors;  ///< one per slot
    int grid_top = 0;                  ///< first panel row shown when the grid does not fit
    Overlay overlay = Overlay::None;
    int help_scroll = 0;  ///< first help row shown when the help is taller than the screen
    LineEdit prompt;
    std::string prompt_error;  ///< parse error of the last Enter in the filter prompt
    std::string prompt_note;   ///< a remark above the prompt (completion candidates, "no ...")
    Completion completion;
    /// Filters entered at the prompt, oldest first (this session's and, kept in the state
    /// folder, earlier ones'); Up/Down in the prompt walk them.
    std::vector<std::string> filter_history;
    int history_at = -1;        ///< the history entry in the prompt now; -1: the text being typed
    std::string history_draft;  ///< the text being typed, while Up/Down show history
    /// Filters before each change, newest last: `u` goes back one (Esc clearing it included).
    std::vector<Filter> filter_undo;
    OrgPicker picker;
    ProblemsView problems;
    std::string message;  ///< one-line notice shown in the hint bar until the next key
    /// The message is printable already and shown as it is (a command to copy: Canvas::put_printed).
    bool message_printed = false;
    /// Set by the export prompt (c, j, h) for the dashboard to hand to the app; it clears it.
    std::optional<ExportRequest> export_request;
    /// Work under way that outlives a key ("writing the Key panel as CSV…"): shown in the hint
    /// bar while there is no message.
    std::string busy;
    KeyMap keys = KeyMap::defaults();  ///< [dashboard.keys]: what the controller runs, the hints show

    /// The default dashboard: orgs, clients, status, operations, keys, error codes, user
    /// agents, buckets.
    static UiState defaults();
    /// The defaults with these panels, in this order (the config's [dashboard] panels). Each
    /// panel keeps the `d` alternatives of its default slot (ip <-> requester, key <-> prefix:N
    /// ...); a dimension with none gets a slot of its own. Empty: the defaults' panels.
    /// "stored" is the Stored panel, by org, bucket, prefix:1, prefix:2 or class (`d`).
    static UiState with_panels(const std::vector<DashboardPanel>& panels);
    static UiState with_panels(const std::vector<DimSpec>& panels);
    /// The core view these settings ask for.
    ViewSpec view_spec() const;
};

/// Minimum terminal size the layout supports; below it a "too small" notice is shown.
inline constexpr int kMinWidth = 60;
inline constexpr int kMinHeight = 20;

}  // namespace s3top::tui
