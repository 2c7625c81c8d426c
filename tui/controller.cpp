#include "tui/controller.hpp"
#include "tui/completion.hpp"
#include "tui/problems.hpp"
#include "tui/render.hpp"

#include <algorithm>
#include <optional>

namespace s3top::tui {
namespace {

bool printable(Key k) { return k >= 0x20 && k != 0x7F && k < 0x110000 && !(k >= 0x80 && k < 0xA0); }
bool is_backspace(Key k) { return k == keys::Backspace || k == 0x08; }
bool is_enter(Key k) { return k == keys::Enter || k == 0x0A; }

Dim next_resolution(Dim d) {
    switch (d) {
        case Dim::Minute: return Dim::Hour;
        case Dim::Hour: return Dim::Day;
        case Dim::Day: return Dim::Month;
        default: return Dim::Minute;
    }
}

SortBy next_sort(SortBy s) {
    switch (s) {
        case SortBy::Bytes: return SortBy::Requests;
        case SortBy::Requests: return SortBy::Key;
        case SortBy::Key: break;
    }
    return SortBy::Bytes;
}

}  // namespace

std::size_t panel_row_count(const Snapshot& s, std::size_t panel) {
    return panel < s.panels.size() ? s.panels[panel].rows.size() : 0;
}

Controller::Controller(UiState state, DataSources sources) : ui_(std::move(state)), sources_(std::move(sources)) {
    ui_.cursors.resize(ui_.slots.size());
    if (ui_.focus >= ui_.slots.size()) ui_.focus = 0;
}

void Controller::on_resize(int width, int height) {
    ui_.screen_w = width;
    ui_.screen_h = height;
    ui_.grid_top = compute_layout(ui_).grid_top;
    for (std::size_t i = 0; i < ui_.cursors.size(); ++i) keep_visible(i, -1);
}

int Controller::page_rows() const { return std::max(1, compute_layout(ui_).rows_per_panel); }

void Controller::keep_visible(std::size_t panel, int rows_in_panel) {
    PanelCursor& c = ui_.cursors[panel];
    const int page = page_rows();
    if (rows_in_panel >= 0) c.scroll = std::min(c.scroll, std::max(0, rows_in_panel - page));
    if (c.selected >= 0 && c.selected < c.scroll) c.scroll = c.selected;
    if (c.selected >= c.scroll + page) c.scroll = c.selected - page + 1;
    c.scroll = std::max(0, c.scroll);
}

void Controller::on_snapshot(const Snapshot& snap) {
    // The problems view follows new rejects while it shows its top; scrolled, it holds still.
    if (ui_.overlay == Overlay::Problems && ui_.problems.scroll == 0 && sources_.problems)
        ui_.problems.data = sources_.problems();
    for (std::size_t i = 0; i < ui_.cursors.size() && i < snap.panels.size(); ++i) {
        PanelCursor& c = ui_.cursors[i];
        const auto& rows = snap.panels[i].rows;
        const int n = static_cast<int>(rows.size());
        if (c.selected >= 0) {
            if (c.pinned) {
                const auto it = std::find_if(rows.begin(), rows.end(),
                                             [&](const PanelRow& r) { return r.label == c.selected_label; });
                if (it != rows.end()) {
                    c.selected = static_cast<int>(it - rows.begin());
                } else {
                    c.pinned = false;  // the row is gone: stay at its place
                }
            }
            c.selected = std::clamp(c.selected, 0, std::max(0, n - 1));
        }
        keep_visible(i, n);
    }
}

void Controller::focus_panel(std::size_t panel) {
    if (panel >= ui_.slots.size()) return;
    ui_.focus = panel;
    ui_.grid_top = compute_layout(ui_).grid_top;
}

Action Controller::move_selection(int delta, const Snapshot& shown) {
    PanelCursor& c = ui_.cursors[ui_.focus];
    const int n = static_cast<int>(panel_row_count(shown, ui_.focus));
    const int before = c.selected;
    c.selected = std::clamp(c.selected + delta, -1, std::max(0, n - 1));
    c.pinned = c.selected >= 0 && c.selected < n;
    if (c.pinned) c.selected_label = shown.panels[ui_.focus].rows[static_cast<std::size_t>(c.selected)].label;
    keep_visible(ui_.focus, n);
    return c.selected == before ? Action::None : Action::Redraw;
}

Action Controller::drill_down(const Snapshot& shown) {
    const std::size_t p = ui_.focus;
    const PanelCursor& c = ui_.cursors[p];
    if (p >= shown.panels.size() || c.selected < 0) return Action::None;
    const auto& rows = shown.panels[p].rows;
    if (static_cast<std::size_t>(c.selected) >= rows.size()) return Action::None;
    PanelSlot& slot = ui_.slots[p];
    const std::optional<DimSpec> dim = slot.stored ? record_dim_of(slot.stored_dim()) : shown.panels[p].spec.dim;
    if (!dim) {
        ui_.message = "a storage class is not in the requests' records: no filter on it (d groups otherwise)";
        return Action::Redraw;
    }
    Filter f = ui_.filter;
    f.add_eq(*dim, rows[static_cast<std::size_t>(c.selected)].label);
    if (std::find(ui_.filter.terms.begin(), ui_.filter.terms.end(), f.terms.back()) != ui_.filter.terms.end()) {
        ui_.message = "already filtered on that";
        return Action::Redraw;
    }
    const FilterTerm added = f.terms.back();
    set_filter(std::move(f), true);
    ui_.message = "drill-down: Backspace to undo";
    if (slot.stored) {
        // Into what is stored there: the next grouping the filter does not already name (a class
        // is never named: no filter term has one).
        auto named = [&](const StorageDimSpec& d) {
            const std::optional<DimSpec> r = record_dim_of(d);
            return r && std::any_of(ui_.filter.terms.begin(), ui_.filter.terms.end(),
                                    [&](const FilterTerm& t) { return t.dim == *r && t.op == FilterTerm::Op::Eq; });
        };
        for (std::size_t i = 1; i < slot.stored_by.size(); ++i) {
            const std::size_t next = (slot.current + i) % slot.stored_by.size();
            if (!named(slot.stored_by[next])) {
                slot.drills.push_back(PanelSlot::Drill{added, slot.current});
                slot.current = next;
                break;
            }
        }
    }
    return Action::ViewChanged;
}

void Controller::undo_stored_drills() {
    for (PanelSlot& slot : ui_.slots) {
        while (!slot.drills.empty() && std::find(ui_.filter.terms.begin(), ui_.filter.terms.end(),
                                                 slot.drills.back().term) == ui_.filter.terms.end()) {
            slot.current = slot.drills.back().from;
            slot.drills.pop_back();
        }
    }
}

void Controller::open_picker() {
    ui_.picker = OrgPicker{};
    // The numbers picking an org would show: the filter with that org in place of any other.
    Filter under = ui_.filter;
    std::erase_if(under.terms, [](const FilterTerm& t) { return t.dim.dim == Dim::Org && t.op == FilterTerm::Op::Eq; });
    ui_.overlay = Overlay::OrgPicker;
    if (!sources_.slow.empty()) {
        ui_.picker.asking = sources_.slow;
        ui_.picker.under = under;
        ask(Ask{0, Ask::Kind::Picker, std::move(under), {}});
        return;
    }
    Answer a;
    if (sources_.org_values) {
        auto all = sources_.org_values();
        if (all) a.values = std::move(*all);
    }
    if (sources_.org_rows) {
        auto rows = sources_.org_rows(under);
        if (rows) a.rows = std::move(*rows);
        ui_.picker.have_numbers = true;
    }
    ui_.picker.all = std::move(a.values);
    ui_.picker.numbers = std::move(a.rows);
    ui_.picker.under = std::move(under);
    ui_.picker.refilter();
}

void Controller::ask(Ask a) {
    a.id = ++asks_;
    wanted_ = a.id;
    wanted_kind_ = a.kind;
    wanted_dim_ = a.kind == Ask::Kind::Values ? std::optional<DimSpec>(a.dim) : std::nullopt;
    ask_ = std::move(a);
}

Action Controller::on_answer(Answer a) {
    if (a.id == 0 || a.id != wanted_) return Action::None;
    if (wanted_kind_ == Ask::Kind::Picker) {
        if (ui_.overlay != Overlay::OrgPicker) return Action::None;
        wanted_ = 0;
        OrgPicker& p = ui_.picker;
        p.asking.clear();
        p.error = std::move(a.error);
        if (p.error.empty()) {
            p.all = std::move(a.values);
            p.numbers = std::move(a.rows);
            p.have_numbers = static_cast<bool>(sources_.org_rows);
        }
        p.refilter();
        return Action::Redraw;
    }
    if (ui_.overlay != Overlay::FilterPrompt || !wanted_dim_) return Action::None;
    wanted_ = 0;
    const std::optional<TabAsked> tab = std::exchange(tab_asked_, std::nullopt);
    const bool same = tab && tab->text == ui_.prompt.text && tab->cursor == ui_.prompt.cursor;
    if (!a.error.empty()) {
        if (same || ui_.prompt_note.starts_with("asking ")) ui_.prompt_note = std::move(a.error);
        return Action::Redraw;
    }
    values_.emplace_back(*wanted_dim_, std::move(a.values));
    if (same) return complete(tab->backwards);
    if (ui_.prompt_note.starts_with("asking ")) ui_.prompt_note.clear();
    return Action::Redraw;
}

std::vector<std::string> Controller::values_for(DimSpec dim, std::optional<DimSpec>& missing) {
    if (sources_.slow.empty()) {
        if (!sources_.values_by_use) return {};
        auto v = sources_.values_by_use(dim);
        return v ? std::move(*v) : std::vector<std::string>{};
    }
    for (const auto& [d, values] : values_)
        if (d == dim) return values;
    missing = dim;
    return {};
}

Answer answer(const DataSources& sources, const Ask& ask) {
    Answer out;
    out.id = ask.id;
    auto take = [&out](auto got, auto& into) {
        if (!got)
            out.error = std::move(got.error());
        else
            into = std::move(*got);
    };
    if (ask.kind == Ask::Kind::Values) {
        if (sources.values_by_use) take(sources.values_by_use(ask.dim), out.values);
        return out;
    }
    if (sources.org_values) take(sources.org_values(), out.values);
    if (out.error.empty() && sources.org_rows) take(sources.org_rows(ask.under), out.rows);
    return out;
}

Action Controller::set_filter(Filter f, bool reset) {
    auto& undo = ui_.filter_undo;
    undo.push_back(std::move(ui_.filter));
    if (undo.size() > 100) undo.erase(undo.begin());
    ui_.filter = std::move(f);
    undo_stored_drills();
    if (reset) {
        for (auto& cur : ui_.cursors) cur = PanelCursor{};
    }
    return Action::ViewChanged;
}

Action Controller::undo_filter() {
    if (ui_.filter_undo.empty()) {
        ui_.message = "nothing to undo";
        return Action::Redraw;
    }
    ui_.filter = std::move(ui_.filter_undo.back());
    ui_.filter_undo.pop_back();
    undo_stored_drills();
    ui_.message = ui_.filter.empty() ? "filter undone: none" : "filter back: " + ui_.filter.to_string();
    return Action::ViewChanged;
}

Action Controller::on_key(Key key, const Snapshot& shown) {
    const bool had_message = !ui_.message.empty();
    ui_.message.clear();
    ui_.message_printed = false;
    Action a = Action::None;
    switch (ui_.overlay) {
        case Overlay::Help: a = key_help(key); break;
        case Overlay::FilterPrompt: a = key_prompt(key); break;
        case Overlay::OrgPicker: a = key_picker(key); break;
        case Overlay::Problems: a = key_problems(key, shown); break;
        case Overlay::ExportPrompt: a = key_export(key); break;
        case Overlay::None: a = key_grid(key, shown); break;
    }
    return (a == Action::None && had_message) ? Action::Redraw : a;
}

Action Controller::toggle_expanded() {
    ui_.expanded = !ui_.expanded;
    on_resize(ui_.screen_w, ui_.screen_h);
    return Action::Redraw;
}

Action Controller::run(Command command, const Snapshot& shown) {
    switch (command) {
        case Command::Quit: return Action::Quit;
        case Command::Help:
            ui_.overlay = Overlay::Help;
            ui_.help_scroll = 0;
            return Action::Redraw;
        case Command::Up:
            if (ui_.cursors[ui_.focus].selected < 0 && !ui_.expanded) {
                const auto columns = static_cast<std::size_t>(compute_layout(ui_).columns);
                if (ui_.focus < columns) return Action::None;
                focus_panel(ui_.focus - columns);
                return Action::Redraw;
            }
            return move_selection(-1, shown);
        case Command::Down: return move_selection(1, shown);
        case Command::Expand: return toggle_expanded();
        case Command::Filter: {
            const std::string current = ui_.filter.to_string();
            ui_.prompt.set(current.empty() ? current : current + " ");
            ui_.prompt_error.clear();
            ui_.prompt_note.clear();
            ui_.completion = Completion{};
            ui_.history_at = -1;
            values_.clear();  // asked again in each prompt (slow sources)
            tab_asked_.reset();
            if (wanted_kind_ == Ask::Kind::Values) wanted_ = 0;
            ui_.overlay = Overlay::FilterPrompt;
            return Action::Redraw;
        }
        case Command::OrgPicker: open_picker(); return Action::Redraw;
        case Command::Problems: return open_problems();
        case Command::Undo: return undo_filter();
        case Command::Export: ui_.overlay = Overlay::ExportPrompt; return Action::Redraw;
        case Command::Sort: {
            PanelSlot& slot = ui_.slots[ui_.focus];
            slot.sort = next_sort(slot.sort);
            slot.reverse = false;
            return Action::ViewChanged;
        }
        case Command::Reverse: ui_.slots[ui_.focus].reverse = !ui_.slots[ui_.focus].reverse; return Action::ViewChanged;
        case Command::Resolution:
            // auto, then minute, hour, day, month, and auto again.
            if (ui_.auto_resolution) {
                ui_.auto_resolution = false;
                ui_.resolution = Dim::Minute;
            } else if (ui_.resolution == Dim::Month) {
                ui_.auto_resolution = true;
            } else {
                ui_.resolution = next_resolution(ui_.resolution);
            }
            return Action::ViewChanged;
        case Command::ChartMetric:
            // Bytes sent, requests, bytes stored, and round again.
            ui_.chart = ui_.chart == ChartMetric::BytesSent  ? ChartMetric::Requests
                        : ui_.chart == ChartMetric::Requests ? ChartMetric::StoredBytes
                                                             : ChartMetric::BytesSent;
            return Action::Redraw;
        case Command::Exact: ui_.exact = !ui_.exact; return Action::Redraw;
        case Command::CycleDimension: {
            PanelSlot& slot = ui_.slots[ui_.focus];
            if (slot.choice_count() < 2) {
                ui_.message = dim_title(slot.dim()) + " has no other dimension to switch to";
                return Action::Redraw;
            }
            slot.current = (slot.current + 1) % slot.choice_count();
            ui_.cursors[ui_.focus] = PanelCursor{};
            return Action::ViewChanged;
        }
        case Command::Count_: break;
    }
    return Action::None;
}

Action Controller::key_grid(Key key, const Snapshot& shown) {
    const std::size_t n = ui_.slots.size();
    const auto command = ui_.keys.command(key);
    if (n == 0) return key == keys::CtrlC || command == Command::Quit ? Action::Quit : Action::None;
    // The user's bindings first: a key bound to a command does that, whatever it does by default.
    if (command) return run(*command, shown);
    if (const auto a = key_chart(key, shown)) return *a;
    switch (key) {
        case keys::CtrlC: return Action::Quit;
        case keys::F1: return run(Command::Help, shown);
        case keys::Tab:
        case keys::Right: focus_panel((ui_.focus + 1) % n); return Action::Redraw;
        case keys::BackTab:
        case keys::Left: focus_panel((ui_.focus + n - 1) % n); return Action::Redraw;
        case keys::Up: return run(Command::Up, shown);
        case keys::Down: return run(Command::Down, shown);
        case keys::PageUp: return move_selection(-page_rows(), shown);
        case keys::PageDown: return move_selection(page_rows(), shown);
        case keys::Home: return move_selection(-ui_.cursors[ui_.focus].selected, shown);
        case keys::End: return move_selection(static_cast<int>(panel_row_count(shown, ui_.focus)), shown);
        case keys::Enter:
        case 0x0A:
            if (ui_.cursors[ui_.focus].selected < 0) return toggle_expanded();
            return drill_down(shown);
        case keys::Backspace:
        case 0x08: {
            if (ui_.filter.empty()) return Action::None;
            Filter f = ui_.filter;
            f.pop();
            return set_filter(std::move(f), false);
        }
        case keys::Escape:
            if (ui_.expanded) return toggle_expanded();
            if (ui_.filter.empty()) return Action::None;
            set_filter(Filter{}, false);
            ui_.message = "filter cleared: " + key_label(ui_.keys.key(Command::Undo)) + " brings it back";
            return Action::ViewChanged;
        case ' ': return Action::TogglePause;
        case '+':
        case '=': return Action::Faster;
        case '-': return Action::Slower;
        case '.': return Action::Step;
        case keys::CtrlL: return Action::Redraw;
        default: return Action::None;
    }
}

Action Controller::complete(bool backwards) {
    Completion& c = ui_.completion;
    LineEdit& e = ui_.prompt;
    if (!c.active()) {
        std::optional<DimSpec> missing;
        c = complete_filter(e.text, e.cursor, [&](DimSpec d) { return values_for(d, missing); });
        if (missing) {
            // Asked of the server once; the answer completes this Tab if the prompt still holds it.
            tab_asked_ = TabAsked{e.text, e.cursor, backwards};
            if (!(wanted_ && wanted_dim_ == missing)) ask(Ask{0, Ask::Kind::Values, {}, *missing});
            ui_.prompt_note =
                "asking " + sources_.slow + " for the " + dim_name(*missing) + " values" + (ui_.unicode ? "…" : "...");
            return Action::Redraw;
        }
        if (!c.active()) {
            ui_.prompt_note = "nothing to complete here (Tab completes names, then values after name=)";
            return Action::Redraw;
        }
        if (c.texts.size() == 1) {
            e.text = c.texts.front();
            e.cursor = c.cursors.front();
            c = Completion{};
            ui_.prompt_note.clear();
            return Action::Redraw;
        }
        // Several: what they share first; Tab again goes through them.
        // (Every candidate text is the text before the word, the candidate, the text after the cursor.)
        const std::string shared = common_start(c.texts);
        if (shared.size() > e.cursor) {
            e.text = shared + e.text.substr(e.cursor);
            e.cursor = shared.size();
        }
    } else {
        const int n = static_cast<int>(c.texts.size());
        c.index = backwards ? (c.index <= 0 ? n - 1 : c.index - 1) : (c.index + 1) % n;
        e.text = c.texts[static_cast<std::size_t>(c.index)];
        e.cursor = c.cursors[static_cast<std::size_t>(c.index)];
    }
    std::string note = std::to_string(c.shown.size()) + (c.shown.size() >= 200 ? "+" : "") + ":";
    for (std::size_t i = 0; i < c.shown.size(); ++i)
        note += static_cast<int>(i) == c.index ? "  [" + c.shown[i] + "]" : "  " + c.shown[i];
    ui_.prompt_note = std::move(note);
    return Action::Redraw;
}

Action Controller::history(int step) {
    const auto& h = ui_.filter_history;
    const int n = static_cast<int>(h.size());
    if (n == 0) return Action::None;
    int at = ui_.history_at < 0 ? n : ui_.history_at;
    at = std::clamp(at + step, 0, n);
    if (at == (ui_.history_at < 0 ? n : ui_.history_at)) return Action::None;
    if (ui_.history_at < 0) ui_.history_draft = ui_.prompt.text;
    ui_.history_at = at == n ? -1 : at;
    ui_.prompt.set(at == n ? ui_.history_draft : h[static_cast<std::size_t>(at)]);
    ui_.prompt_error.clear();
    return Action::Redraw;
}

Action Controller::key_prompt(Key key) {
    LineEdit& e = ui_.prompt;
    if (key == keys::Tab || key == keys::BackTab) return complete(key == keys::BackTab);
    ui_.completion = Completion{};
    ui_.prompt_note.clear();
    if (key == keys::Escape || key == keys::CtrlC) {
        ui_.overlay = Overlay::None;
        ui_.prompt_error.clear();
        return Action::Redraw;
    }
    if (key == keys::Up || key == keys::Down) return history(key == keys::Up ? -1 : 1);
    if (is_enter(key)) {
        auto parsed = parse_filter(e.text);
        if (!parsed) {
            ui_.prompt_error = parsed.error();
            return Action::Redraw;
        }
        ui_.overlay = Overlay::None;
        ui_.prompt_error.clear();
        // The history keeps what was typed, once, newest last.
        std::string typed = e.text;
        while (!typed.empty() && typed.back() == ' ') typed.pop_back();
        if (!typed.empty()) {
            std::erase(ui_.filter_history, typed);
            ui_.filter_history.push_back(typed);
            if (ui_.filter_history.size() > 200) ui_.filter_history.erase(ui_.filter_history.begin());
            if (sources_.filter_entered) sources_.filter_entered(typed);
        }
        if (*parsed == ui_.filter) return Action::Redraw;
        return set_filter(std::move(*parsed), true);
    }
    if (is_backspace(key))
        e.backspace();
    else if (key == keys::Delete)
        e.erase();
    else if (key == keys::Left)
        e.left();
    else if (key == keys::Right)
        e.right();
    else if (key == keys::Home || key == 0x01)
        e.home();
    else if (key == keys::End || key == 0x05)
        e.end();
    else if (key == keys::CtrlU)
        e.kill_line();
    else if (key == keys::CtrlW)
        e.kill_word();
    else if (printable(key))
        e.insert(key);
    else
        return Action::None;
    ui_.prompt_error.clear();
    return Action::Redraw;
}

Action Controller::key_picker(Key key) {
    OrgPicker& p = ui_.picker;
    const int n = static_cast<int>(p.matches.size());
    const int page = picker_list_rows(ui_.screen_h);
    auto select = [&](int to) {
        p.selected = std::clamp(to, 0, std::max(0, n - 1));
        if (p.selected < p.scroll) p.scroll = p.selected;
        if (p.selected >= p.scroll + page) p.scroll = p.selected - page + 1;
        return Action::Redraw;
    };
    if (key == keys::Escape || key == keys::CtrlC) {
        ui_.overlay = Overlay::None;
        return Action::Redraw;
    }
    if (is_enter(key)) {
        if (n == 0) return Action::None;
        const std::string org = p.all[p.matches[static_cast<std::size_t>(p.selected)]];
        // Picking an org replaces an org chosen before (the picker answers "show me this customer").
        Filter f = ui_.filter;
        std::erase_if(f.terms, [](const FilterTerm& t) { return t.dim.dim == Dim::Org && t.op == FilterTerm::Op::Eq; });
        f.add_eq(DimSpec{Dim::Org}, org);
        ui_.overlay = Overlay::None;
        return set_filter(std::move(f), true);
    }
    switch (key) {
        case keys::Up: return select(p.selected - 1);
        case keys::Down: return select(p.selected + 1);
        case keys::PageUp: return select(p.selected - page);
        case keys::PageDown: return select(p.selected + page);
        default: break;
    }
    LineEdit& q = p.query;
    if (is_backspace(key))
        q.backspace();
    else if (key == keys::Delete)
        q.erase();
    else if (key == keys::Left)
        q.left();
    else if (key == keys::Right)
        q.right();
    else if (key == keys::Home)
        q.home();
    else if (key == keys::End)
        q.end();
    else if (key == keys::CtrlU)
        q.kill_line();
    else if (key == keys::CtrlW)
        q.kill_word();
    else if (printable(key))
        q.insert(key);
    else
        return Action::None;
    p.selected = 0;
    p.scroll = 0;
    p.refilter();
    return Action::Redraw;
}

Action Controller::key_help(Key key) {
    // Scroll keys scroll a help taller than the screen; any other key closes it (quit quits).
    const int max = help_max_scroll(ui_.keys, ui_.screen_w, ui_.screen_h);
    const int page = std::max(1, ui_.screen_h - 6);
    const int at = ui_.help_scroll;
    std::optional<int> to;
    if (key == keys::Up || key == ui_.keys.key(Command::Up))
        to = at - 1;
    else if (key == keys::Down || key == ui_.keys.key(Command::Down))
        to = at + 1;
    else if (key == keys::PageUp)
        to = at - page;
    else if (key == keys::PageDown)
        to = at + page;
    else if (key == keys::Home)
        to = 0;
    else if (key == keys::End)
        to = max;
    if (to && max > 0) {
        const int clamped = std::clamp(*to, 0, max);
        if (clamped == at) return Action::None;
        ui_.help_scroll = clamped;
        return Action::Redraw;
    }
    ui_.overlay = Overlay::None;
    return (key == ui_.keys.key(Command::Quit) || key == keys::CtrlC) ? Action::Quit : Action::Redraw;
}

std::optional<Action> Controller::key_chart(Key key, const Snapshot& shown) {
    const bool on = ui_.chart_cursor.has_value();
    if (key != '[' && key != ']' &&
        !(on && (key == keys::Left || key == keys::Right || key == keys::Home || key == keys::End || is_enter(key) ||
                 key == keys::Escape)))
        return std::nullopt;
    if (key == keys::Escape) {
        ui_.chart_cursor.reset();
        ui_.chart_mark.reset();
        return Action::Redraw;
    }
    const Layout l = compute_layout(ui_);
    const ChartGeometry geo = chart_geometry(shown, ui_, l.chart);
    if (ui_.expanded || l.chart.h < 3 || geo.columns.empty()) {
        ui_.message =
            ui_.expanded ? "the chart shows when no panel is expanded" : "nothing charted to pick a time from";
        return Action::Redraw;
    }
    const std::size_t last = geo.columns.size() - 1;
    if (is_enter(key)) {
        const std::size_t at = geo.column_at(*ui_.chart_cursor);
        if (ui_.chart_mark) return apply_time_range(geo, geo.column_at(*ui_.chart_mark), at, shown.view.resolution);
        ui_.chart_mark = geo.columns[at].from;
        ui_.message = "range starts here: move to its end, Enter filters on it, Esc leaves the chart";
        return Action::Redraw;
    }
    std::size_t to = last;  // [ or ] first show the cursor on the latest column
    if (on) {
        const std::size_t at = geo.column_at(*ui_.chart_cursor);
        if (key == keys::Home)
            to = 0;
        else if (key == keys::End)
            to = last;
        else if (key == '[' || key == keys::Left)
            to = at == 0 ? 0 : at - 1;
        else
            to = std::min(last, at + 1);
    }
    ui_.chart_cursor = geo.columns[to].from;
    return Action::Redraw;
}

Action Controller::apply_time_range(const ChartGeometry& geo, std::size_t a, std::size_t b, Dim res) {
    const auto [lo, hi] = std::minmax(a, b);
    Filter f = ui_.filter;
    f.from = geo.columns[lo].from;
    f.to = geo.columns[hi].to;
    ui_.chart_cursor.reset();
    ui_.chart_mark.reset();
    ui_.chart_dragging = false;
    if (f == ui_.filter) {
        ui_.message = "already filtered on that time";
        return Action::Redraw;
    }
    set_filter(std::move(f), true);
    ui_.message = "time " + chart_range_text(res, geo.columns[lo].from, geo.columns[hi].to) + ": " +
                  key_label(ui_.keys.key(Command::Undo)) + " undoes it";
    return Action::ViewChanged;
}

Action Controller::mouse_chart(const MouseEvent& ev, const Snapshot& shown) {
    const Layout l = compute_layout(ui_);
    const ChartGeometry geo = chart_geometry(shown, ui_, l.chart);
    if (geo.columns.empty()) return Action::None;
    if (ev.kind == MouseEvent::Kind::Press) {
        const auto col = geo.column_under(ev.x);
        if (!col) return Action::None;
        ui_.chart_cursor = ui_.chart_mark = geo.columns[*col].from;
        ui_.chart_dragging = true;
        return Action::Redraw;
    }
    // Released: over another column (or past either end), the range from the press to here.
    ui_.chart_dragging = false;
    if (!ui_.chart_mark) return Action::None;
    std::size_t at = 0;
    if (const auto col = geo.column_under(ev.x))
        at = *col;
    else
        at = ev.x < geo.columns.front().x ? 0 : geo.columns.size() - 1;
    const std::size_t mark = geo.column_at(*ui_.chart_mark);
    if (at == mark) {  // a click: the column is marked, Enter filters on it
        ui_.message = "range starts here: move to its end, Enter filters on it, Esc leaves the chart";
        return Action::Redraw;
    }
    return apply_time_range(geo, mark, at, shown.view.resolution);
}

Action Controller::key_export(Key key) {
    std::optional<ExportFormat> format;
    switch (key) {
        case 'c':
        case 'C': format = ExportFormat::Csv; break;
        case 'j':
        case 'J': format = ExportFormat::Json; break;
        case 'h':
        case 'H': format = ExportFormat::Html; break;
        case keys::Escape:
        case keys::CtrlC:
            ui_.overlay = Overlay::None;
            ui_.message = "export cancelled";
            return Action::Redraw;
        default: return Action::None;
    }
    ui_.overlay = Overlay::None;
    if (ui_.slots[ui_.focus].stored) {
        ui_.message = "the Stored panel is s3top storage's: s3top storage --by " +
                      storage_dim_name(ui_.slots[ui_.focus].stored_dim()) + " writes it";
        return Action::Redraw;
    }
    ExportRequest r;
    r.filter = ui_.filter;
    r.by = ui_.slots[ui_.focus].dim();
    r.sort = ui_.slots[ui_.focus].sort;
    for (const PanelSlot& slot : ui_.slots)
        if (!slot.stored) r.panels.push_back(slot.dim());  // an HTML page has no Stored panel
    r.format = *format;
    ui_.export_request = std::move(r);
    return Action::Export;
}

Action Controller::open_problems() {
    ui_.problems = ProblemsView{};
    if (sources_.problems) ui_.problems.data = sources_.problems();
    ui_.overlay = Overlay::Problems;
    return Action::Redraw;
}

Action Controller::key_problems(Key key, const Snapshot& shown) {
    ProblemsView& v = ui_.problems;
    const int max = problems_max_scroll(ui_, shown.lines);
    const int page = std::max(1, problems_list_rows(ui_.screen_h) - 1);
    std::optional<int> to;
    if (key == keys::Up || key == ui_.keys.key(Command::Up))
        to = v.scroll - 1;
    else if (key == keys::Down || key == ui_.keys.key(Command::Down))
        to = v.scroll + 1;
    else if (key == keys::PageUp)
        to = v.scroll - page;
    else if (key == keys::PageDown || key == ' ')
        to = v.scroll + page;
    else if (key == keys::Home)
        to = 0;
    else if (key == keys::End)
        to = max;
    if (to) {
        const int clamped = std::clamp(*to, 0, max);
        if (clamped == v.scroll) return Action::None;
        v.scroll = clamped;
        return Action::Redraw;
    }
    if (key == keys::Left || key == keys::Right) {
        const int shifted = std::max(0, v.hscroll + (key == keys::Right ? 1 : -1) * std::max(8, ui_.screen_w / 2));
        if (shifted == v.hscroll) return Action::None;
        v.hscroll = shifted;
        return Action::Redraw;
    }
    if (key == keys::CtrlL) return Action::Redraw;
    // Any other key closes it (quit quits, as from the help).
    ui_.overlay = Overlay::None;
    return (key == ui_.keys.key(Command::Quit) || key == keys::CtrlC) ? Action::Quit : Action::Redraw;
}

bool Controller::on_problem_count(int x, int y, const Snapshot& shown) const {
    const Layout l = compute_layout(ui_);
    if (l.too_small || y != l.header.y) return false;
    // Where the header put it: its fields move and drop as the screen narrows.
    Canvas scratch(ui_.screen_w, kHeaderLines, ui_.unicode);
    render_header(shown, ui_, scratch, Rect{0, 0, ui_.screen_w, kHeaderLines});
    std::string row;
    std::vector<int> cell_of;  // byte of `row` -> cell
    for (int cx = 0; cx < ui_.screen_w; ++cx) {
        const Cell& cell = scratch.at(cx, 0);
        for (std::size_t i = 0; i < cell.text.size(); ++i) cell_of.push_back(cx);
        row += cell.text;
    }
    for (const std::string_view word : {"rejected ", "unread "}) {
        const std::size_t at = row.find(word);
        if (at == std::string::npos) continue;
        std::size_t end = row.find_first_of(' ', at + word.size());
        if (end == std::string::npos) end = row.size();
        if (x >= cell_of[at] && x <= cell_of[end - 1]) return true;
    }
    return false;
}

Action Controller::on_mouse(const MouseEvent& ev, const Snapshot& shown) {
    // A release matters only to a press on the chart (a drag over its columns).
    if (ev.kind == MouseEvent::Kind::Release) return ui_.chart_dragging ? mouse_chart(ev, shown) : Action::None;
    ui_.message.clear();
    ui_.message_printed = false;
    if (ui_.overlay == Overlay::Problems) {
        if (ev.kind == MouseEvent::Kind::WheelUp) return key_problems(keys::Up, shown);
        if (ev.kind == MouseEvent::Kind::WheelDown) return key_problems(keys::Down, shown);
        if (problems_box(ui_.screen_w, ui_.screen_h).contains(ev.x, ev.y)) return Action::None;
        ui_.overlay = Overlay::None;
        return Action::Redraw;
    }
    if (ui_.overlay == Overlay::None && ev.kind == MouseEvent::Kind::Press && on_problem_count(ev.x, ev.y, shown))
        return open_problems();
    if (ui_.overlay == Overlay::Help) {
        if (ev.kind == MouseEvent::Kind::WheelUp) return key_help(keys::Up);
        if (ev.kind == MouseEvent::Kind::WheelDown) return key_help(keys::Down);
        ui_.overlay = Overlay::None;
        return Action::Redraw;
    }
    if (ui_.overlay == Overlay::OrgPicker) {
        const Rect box = picker_box(ui_.screen_w, ui_.screen_h);
        const int row = ev.y - (box.y + 3) + ui_.picker.scroll;
        if (ev.kind == MouseEvent::Kind::WheelUp) return key_picker(keys::Up);
        if (ev.kind == MouseEvent::Kind::WheelDown) return key_picker(keys::Down);
        if (!box.contains(ev.x, ev.y)) {
            ui_.overlay = Overlay::None;
            return Action::Redraw;
        }
        if (ev.y < box.y + 3 || row >= static_cast<int>(ui_.picker.matches.size())) return Action::None;
        if (row == ui_.picker.selected) return key_picker(keys::Enter);
        ui_.picker.selected = row;
        return Action::Redraw;
    }
    if (ui_.overlay != Overlay::None) return Action::None;
    const Layout l = compute_layout(ui_);
    if (ev.kind == MouseEvent::Kind::Press && !ui_.expanded && l.chart.contains(ev.x, ev.y))
        return mouse_chart(ev, shown);
    for (const PanelBox& b : l.panels) {
        if (!b.rect.contains(ev.x, ev.y)) continue;
        const bool was_focused = ui_.focus == b.panel;
        if (!was_focused) focus_panel(b.panel);
        if (ev.kind == MouseEvent::Kind::WheelUp) return move_selection(-3, shown);
        if (ev.kind == MouseEvent::Kind::WheelDown) return move_selection(3, shown);
        if (ev.y == b.rect.y) {  // title line
            if (was_focused) {
                toggle_expanded();
            }
            return Action::Redraw;
        }
        const int first_row_y = b.rect.y + (ui_.expanded ? 2 : 1);
        if (ev.y < first_row_y) return Action::Redraw;
        PanelCursor& c = ui_.cursors[b.panel];
        const int row = c.scroll + (ev.y - first_row_y);
        if (row >= static_cast<int>(panel_row_count(shown, b.panel))) return Action::Redraw;
        if (was_focused && row == c.selected) return drill_down(shown);
        return move_selection(row - c.selected, shown);
    }
    return Action::None;
}

}  // namespace s3top::tui
