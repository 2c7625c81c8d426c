#pragma once
// Keys and mouse clicks to UiState changes, with no curses: the dashboard translates curses
// events into Key / MouseEvent, and tests drive the same object directly.
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/agg/snapshot.hpp"
#include "tui/keymap.hpp"
#include "tui/layout.hpp"
#include "tui/render.hpp"
#include "tui/ui_state.hpp"

namespace s3top::tui {

struct MouseEvent {
    enum class Kind : std::uint8_t { Press, Release, WheelUp, WheelDown };
    Kind kind = Kind::Press;
    int x = 0, y = 0;
};

/// What the dashboard must do after an event.
enum class Action : std::uint8_t {
    None,         ///< nothing changed
    Redraw,       ///< presentation changed
    ViewChanged,  ///< the engine view (filter, panels, resolution, sort) changed: refresh, redraw
    Quit,
    TogglePause,  ///< replay controls (space, +, -, .)
    Faster,
    Slower,
    Step,
    Export,  ///< UiState::export_request is set: hand it to the app
};

/// What the controller asks of the engine and the app, when a view opens (each may be empty:
/// that view then has nothing to show). tui/sources.hpp makes them from an Engine. A source that
/// fails says why (never over an Engine).
struct DataSources {
    template <class T>
    using Fallible = std::expected<T, std::string>;
    /// Every org for the picker, sorted, "" (records with none) first (Engine::values(Dim::Org)).
    std::function<Fallible<std::vector<std::string>>()> org_values;
    /// What the problems view lists (Engine::recent_rejects and the app's input problems).
    std::function<ProblemsData()> problems;
    /// Every org's numbers under a filter, for the picker.
    std::function<Fallible<std::vector<PanelRow>>(const Filter&)> org_rows;
    /// A dimension's values, most requests first, for Tab in the filter prompt.
    std::function<Fallible<std::vector<std::string>>(DimSpec)> values_by_use;
    /// Told each filter applied from the prompt (the app keeps the history across sessions).
    std::function<void(const std::string&)> filter_entered;
    /// Not empty when org_values, org_rows and values_by_use ask a server ("ClickHouse"), which
    /// may be slow or stopped: the controller then never calls them; it hands an Ask to the
    /// dashboard (Controller::take_ask), which answers it on another thread (answer()) and gives
    /// the Answer back (Controller::on_answer). Meanwhile the picker or the prompt says it is
    /// asking, and every key works.
    std::string slow;
};

/// A question for slow sources (DataSources::slow), asked when the org picker opens or Tab
/// needs a dimension's values.
struct Ask {
    enum class Kind : std::uint8_t { Picker, Values };
    std::uint64_t id = 0;
    Kind kind = Kind::Picker;
    Filter under;   ///< Picker: the filter its numbers are under (org_rows)
    DimSpec dim{};  ///< Values: whose values (values_by_use)
};

/// Its answer.
struct Answer {
    std::uint64_t id = 0;             ///< the Ask's
    std::vector<std::string> values;  ///< Picker: every org (org_values); Values: values_by_use
    std::vector<PanelRow> rows;       ///< Picker: each org's numbers (org_rows)
    std::string error;                ///< why it could not be answered; "" when it was
};

/// Answers `ask` from `sources`' functions (on the caller's thread: any thread the sources allow).
Answer answer(const DataSources& sources, const Ask& ask);

class Controller {
public:
    explicit Controller(UiState state, DataSources sources);
    /// `org_values` lists every org for the picker (Engine::values(Dim::Org)); may be empty.
    explicit Controller(UiState state = UiState::defaults(), std::function<std::vector<std::string>()> org_values = {})
        : Controller(std::move(state), org_only(std::move(org_values))) {}

    const UiState& state() const { return ui_; }
    UiState& state() { return ui_; }

    /// Handles one key against the snapshot on screen (its rows are what Enter drills into).
    Action on_key(Key key, const Snapshot& shown);
    /// Handles a click or wheel turn at screen cell (x, y).
    Action on_mouse(const MouseEvent& ev, const Snapshot& shown);
    /// A new snapshot arrived: selections follow their row's label, else are clamped to the
    /// rows that exist; scroll offsets keep the selection visible.
    void on_snapshot(const Snapshot& snap);
    void on_resize(int width, int height);
    /// With slow sources: the question the last keys need answered (once; nullopt: none).
    std::optional<Ask> take_ask() { return std::exchange(ask_, std::nullopt); }
    /// The answer to an Ask: fills the picker, or completes the Tab that asked when the prompt
    /// still holds what it held then (else keeps the values for the next Tab). The answer to a
    /// question no longer open (the picker or the prompt closed, asked again since) is dropped:
    /// Action::None.
    Action on_answer(Answer answer);

private:
    static DataSources org_only(std::function<std::vector<std::string>()> org_values) {
        DataSources d;
        if (org_values)
            d.org_values = [f = std::move(org_values)]() -> DataSources::Fallible<std::vector<std::string>> {
                return f();
            };
        return d;
    }
    /// Asks slow sources `a` (given the next id); the answer wanted is that one's.
    void ask(Ask a);
    /// The values Tab completes `dim` with: the sources' (slow: those answered while the prompt
    /// is open, else none and `missing` is set).
    std::vector<std::string> values_for(DimSpec dim, std::optional<DimSpec>& missing);
    Action key_grid(Key key, const Snapshot& shown);
    Action toggle_expanded();
    Action key_prompt(Key key);
    Action complete(bool backwards);
    Action history(int step);
    /// Applies `f` (the one before goes on the undo list); `reset` puts every selection back on top.
    Action set_filter(Filter f, bool reset);
    Action undo_filter();
    Action key_picker(Key key);
    Action key_help(Key key);
    Action key_export(Key key);
    /// The chart's time cursor keys; nullopt when `key` is not one now.
    std::optional<Action> key_chart(Key key, const Snapshot& shown);
    /// Filters on the time of the chart's columns `a` to `b` (either order), drawn at `res`.
    Action apply_time_range(const ChartGeometry& geo, std::size_t a, std::size_t b, Dim res);
    Action mouse_chart(const MouseEvent& ev, const Snapshot& shown);
    Action key_problems(Key key, const Snapshot& shown);
    Action open_problems();
    /// Whether (x, y) is on the header's rejected count (or the unread inputs beside it).
    bool on_problem_count(int x, int y, const Snapshot& shown) const;
    Action run(Command command, const Snapshot& shown);
    Action move_selection(int delta, const Snapshot& shown);
    Action drill_down(const Snapshot& shown);
    /// Takes each Stored panel back to the grouping it had before a drill-down whose term the
    /// filter no longer has.
    void undo_stored_drills();
    void open_picker();
    void focus_panel(std::size_t panel);
    int page_rows() const;
    void keep_visible(std::size_t panel, int rows_in_panel);

    UiState ui_;
    DataSources sources_;
    // Slow sources only.
    std::optional<Ask> ask_;    ///< asked, not taken by the dashboard yet
    std::uint64_t asks_ = 0;    ///< ids given so far
    std::uint64_t wanted_ = 0;  ///< the id whose answer is wanted (0: none)
    Ask::Kind wanted_kind_ = Ask::Kind::Picker;
    std::optional<DimSpec> wanted_dim_;  ///< Values: the dimension asked for
    /// The Tab that asked: the prompt's text and cursor then, and its direction.
    struct TabAsked {
        std::string text;
        std::size_t cursor = 0;
        bool backwards = false;
    };
    std::optional<TabAsked> tab_asked_;
    /// The values answered while the prompt is open, by dimension.
    std::vector<std::pair<DimSpec, std::vector<std::string>>> values_;
};

/// Rows a panel of the snapshot has (0 when the snapshot does not have it yet).
std::size_t panel_row_count(const Snapshot& s, std::size_t panel);

}  // namespace s3top::tui
