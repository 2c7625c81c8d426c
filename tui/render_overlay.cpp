// Overlays drawn over the dashboard: help and the org picker.
#include <algorithm>
#include <array>
#include <optional>
#include <tuple>
#include <string>
#include <unordered_map>
#include <vector>

#include "tui/format.hpp"
#include "tui/render.hpp"
#include "core/report/terminal_text.hpp"

namespace s3top::tui {
namespace {

struct HelpLine {
    std::string keys;
    std::string what;
    bool continued = false;  ///< goes on the line above (its keys are that line's)
};

/// The help text with the keys as bound: a rebound command shows its new key, fixed keys
/// (arrows, Tab, Enter ...) stay.
std::vector<HelpLine> help_lines(const KeyMap& map) {
    auto k = [&](Command c) { return key_label(map.key(c)); };
    // Fixed keys are named only while no binding took them over.
    const std::string focus = free_keys(
        map, {{keys::Tab, "Tab"}, {keys::BackTab, "Shift-Tab"}, {keys::Left, "Left"}, {keys::Right, "Right"}});
    std::string move = free_keys(map, {{keys::Up, "Up"}, {keys::Down, "Down"}}, " ");
    for (const Command c : {Command::Up, Command::Down}) move += (move.empty() ? "" : " ") + k(c);
    const std::string paging = free_keys(map, {{keys::PageUp, "PgUp"}, {keys::PageDown, "PgDn"}}, " ") + "  " +
                               free_keys(map, {{keys::Home, "Home"}, {keys::End, "End"}}, " ");
    const std::string enter = free_keys(map, {{keys::Enter, "Enter"}});
    // The replay keys that are still theirs (space, say, may be bound to a command).
    std::string replay_keys, replay_what;
    for (const auto& [key, label, what] : {std::tuple{Key{' '}, "space", "pause"}, std::tuple{Key{'+'}, "+", "faster"},
                                           std::tuple{Key{'-'}, "-", "slower"}, std::tuple{Key{'.'}, ".", "step"}}) {
        if (map.bound(key)) continue;
        replay_keys += (replay_keys.empty() ? "" : "  ") + std::string(label);
        replay_what += (replay_what.empty() ? "replay: " : ", ") + std::string(what);
    }
    std::vector<HelpLine> lines = {
        {focus, "focus the next / previous panel"},
        {move + "  " + paging, "move in the focused panel (up past the top: title)"},
        {enter, "drill down: filter everything on the selected row"},
        {(enter.empty() ? "" : enter + " on a title, ") + k(Command::Expand), "expand the panel full screen / back"},
        {free_keys(map, {{keys::Backspace, "Backspace"}}), "undo the last filter term"},
        {free_keys(map, {{keys::Escape, "Esc"}}), "collapse the panel, else clear the filter"},
        {k(Command::Undo), "undo the last filter change (a cleared filter comes back)"},
        {k(Command::Filter), "type a filter, e.g. org=acme status=5xx ua~curl"},
        {"", "in it: Tab completes names and values, Up/Down earlier filters", true},
        {k(Command::OrgPicker), "pick an org (type to search, Enter applies)"},
        {k(Command::Sort), "sort the panel by bytes / requests / name (IPs as addresses)"},
        {k(Command::Reverse), "the panel's order the other way round (smallest first, Z-A)"},
        {k(Command::CycleDimension), "switch the panel's dimension (IP/requester, key/prefix ...)"},
        {free_keys(map, {{Key{'['}, "["}, {Key{']'}, "]"}}, " "),
         "chart time cursor: Enter marks a start, Enter again filters on"},
        {"", "the range (or drag over the chart); Left/Right move it, Esc leaves", true},
        {k(Command::ChartMetric), "chart bytes sent / requests / bytes stored"},
        {k(Command::Resolution), "chart resolution auto / minute / hour / day / month"},
        {k(Command::Exact), "exact numbers / human units"},
        {k(Command::Problems), "problems: rejected lines, inputs not read (or click the header's count)"},
        {k(Command::Export), "write the view to a file (CSV, JSON, HTML) and show the s3top report command"},
        {"", ""},  // replay keys, below
        {"mouse", "click a panel or row; click again to drill; wheel scrolls"},
        {free_keys(map, {{keys::CtrlL, "Ctrl-L"}}), "repaint the screen"},
        {k(Command::Help) + (map.bound(keys::F1) ? "" : "  F1"), "this help"},
        {k(Command::Quit) + "  Ctrl-C", "quit"},
        {"", ""},
        {"Filter terms", "dim=v  dim=v1,v2  dim!=v  dim~text  dim!~text  dim~/regex/"},
        {"", "from=2024-03-01 to=2024-03-02T12:00 (UTC)", true},
        {"Dimensions", "org requester ip bucket operation error key prefix:N"},
        {"", "ua referrer host auth tls method status class tier", true},
        {"", ""},
        {"Numbers", "B KiB MiB GiB (1024), k M G (1000); %sent = share of bytes sent"},
    };
    const auto replay = std::find_if(lines.begin(), lines.end(), [](const HelpLine& l) { return l.what.empty(); });
    if (replay_keys.empty()) {
        lines.erase(replay);
    } else {
        *replay = HelpLine{replay_keys, replay_what};
    }
    // A fixed key's line whose keys bindings all took over goes.
    std::erase_if(lines, [](const HelpLine& l) { return l.keys.empty() && !l.what.empty() && !l.continued; });
    return lines;
}

}  // namespace

namespace {

/// `text` in lines of at most `width` cells, broken at spaces (a word wider than `width` gets a
/// line of its own, cut with an ellipsis when drawn). Empty text: one empty line.
std::vector<std::string> wrap_words(const std::string& text, int width) {
    std::vector<std::string> out(1);
    int used = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t gap_end = text.find_first_not_of(' ', pos);
        if (gap_end == std::string::npos) break;
        const std::size_t word_end = std::min(text.find(' ', gap_end), text.size());
        const std::string word = text.substr(gap_end, word_end - gap_end);
        const std::string gap = text.substr(pos, gap_end - pos);
        const int word_w = display_width(word), gap_w = display_width(gap);
        if (used > 0 && used + gap_w + word_w > width) {
            out.emplace_back();
            used = 0;
        }
        if (used > 0) {
            out.back() += gap;
            used += gap_w;
        }
        out.back() += word;
        used += word_w;
        pos = word_end;
    }
    return out;
}

struct HelpRow {
    std::string keys, what;
};

struct HelpLayout {
    Rect box;
    int keys_w = 0;
    int rows_shown = 0;  ///< rows of text the box has room for
    std::vector<HelpRow> rows;
    int max_scroll() const { return std::max(0, static_cast<int>(rows.size()) - rows_shown); }
};

/// The help box for a screen: as wide as the text needs (up to the screen), each entry's keys
/// and description wrapped at spaces to their columns, as tall as the rows (up to the screen;
/// the rest scrolls).
HelpLayout help_layout(const KeyMap& keys, int screen_w, int screen_h) {
    const std::vector<HelpLine> lines = help_lines(keys);
    int keys_w = 0, what_w = 0;
    for (const auto& l : lines) {
        keys_w = std::max(keys_w, display_width(l.keys));
        what_w = std::max(what_w, display_width(l.what));
    }
    HelpLayout h;
    const int w = std::min(screen_w - 2, keys_w + what_w + 7);
    // The keys take at most a third of the box's text; the description the rest.
    h.keys_w = std::min(keys_w, std::max(8, (w - 7) / 3));
    const int what_room = std::max(8, w - h.keys_w - 6);
    for (const auto& l : lines) {
        const auto k = wrap_words(l.keys, h.keys_w);
        const auto d = wrap_words(l.what, what_room);
        for (std::size_t i = 0; i < std::max(k.size(), d.size()); ++i)
            h.rows.push_back(HelpRow{i < k.size() ? k[i] : std::string(), i < d.size() ? d[i] : std::string()});
    }
    const int height = std::min(screen_h - 2, static_cast<int>(h.rows.size()) + 4);
    h.box = Rect{(screen_w - w) / 2, (screen_h - height) / 2, w, height};
    h.rows_shown = std::max(0, height - 4);
    return h;
}

}  // namespace

int help_max_scroll(const KeyMap& keys, int screen_w, int screen_h) {
    return help_layout(keys, screen_w, screen_h).max_scroll();
}

void render_help(const KeyMap& keys, int scroll, Canvas& c) {
    const HelpLayout h = help_layout(keys, c.width(), c.height());
    const Rect& box = h.box;
    scroll = std::clamp(scroll, 0, h.max_scroll());
    const Style frame{Role::Prompt};
    draw::box(c, box, frame, "s3top help");
    for (int i = 0; i < h.rows_shown && scroll + i < static_cast<int>(h.rows.size()); ++i) {
        const HelpRow& r = h.rows[static_cast<std::size_t>(scroll + i)];
        const int y = box.y + 2 + i;
        c.put_fit(box.x + 2, y, r.keys, h.keys_w, Style{Role::Hotkey, true});
        c.put_fit(box.x + 4 + h.keys_w, y, r.what, box.w - h.keys_w - 6, frame);
    }
    if (h.max_scroll() == 0) {
        c.put_fit(box.x + 2, box.y + box.h - 1, " any key closes ", box.w - 4, Style{Role::Dim});
        return;
    }
    // More than fits: say where we are and how to see the rest.
    const int last = std::min(static_cast<int>(h.rows.size()), scroll + h.rows_shown);
    const std::string where =
        " " + std::to_string(scroll + 1) + "-" + std::to_string(last) + " of " + std::to_string(h.rows.size()) + " ";
    const int where_w = static_cast<int>(where.size());
    c.put_fit(box.x + 2, box.y + box.h - 1, " Up/Down PgUp/PgDn scroll, other keys close ", box.w - 5 - where_w,
              Style{Role::Dim});
    c.put_fit(box.x + box.w - 2 - where_w, box.y + box.h - 1, where, where_w, Style{Role::Dim});
}

void render_org_picker(const Snapshot& snap, const UiState& ui, Canvas& c) {
    const OrgPicker& p = ui.picker;
    const Rect box = picker_box(c.width(), c.height());
    const Style frame{Role::Prompt};
    // With other terms in the filter, the numbers are theirs: say which.
    draw::box(c, box, frame,
              p.have_numbers && !p.under.empty() ? "Pick an org (numbers with " + p.under.to_string() + ")"
                                                 : std::string("Pick an org"));
    // Query line with a block cursor at its end.
    draw::Line q(c, box.x + 2, box.y + 1, box.x + box.w - 2);
    q.add("Search: ", Style{Role::Prompt, true});
    const std::string count = std::to_string(p.matches.size()) + " of " + std::to_string(p.all.size());
    const int count_w = display_width(count);
    const int room = q.remaining() - count_w - 2;
    q.gap(c.put_fit(q.x(), box.y + 1, p.query.text, room, frame));
    Style cursor = frame;
    cursor.reverse = true;
    q.add(" ", cursor);
    c.put(box.x + box.w - 2 - count_w, box.y + 1, count, Style{Role::Dim});
    for (int x = box.x + 1; x < box.x + box.w - 1; ++x) c.put(x, box.y + 2, c.glyph("─", "-"), frame);
    c.put(box.x, box.y + 2, c.glyph("├", "+"), frame);
    c.put(box.x + box.w - 1, box.y + 2, c.glyph("┤", "+"), frame);

    const int rows = picker_list_rows(c.height());
    if (!p.asking.empty() || !p.error.empty()) {  // slow sources: still asking, or they failed
        const std::string line =
            !p.error.empty() ? p.error : "asking " + p.asking + std::string(c.glyph("…", "...")) + "  (Esc closes)";
        c.put_fit(box.x + 2, box.y + 3, line, box.w - 4, Style{p.error.empty() ? Role::Dim : Role::Bad});
        return;
    }
    if (p.matches.empty()) {
        c.put(box.x + 2, box.y + 3, p.all.empty() ? "no orgs seen yet" : "no org matches", Style{Role::Dim});
        return;
    }
    // Each org's numbers as picking it would show them (the filter without its org terms); an
    // org with none there has no request under it. Without them, the orgs the view ranks.
    std::unordered_map<std::string_view, const Metrics*> known;
    static const Metrics kNone{};
    if (p.have_numbers) {
        for (const PanelRow& r : p.numbers) known.emplace(r.label, &r.metrics);
        for (const std::string& org : p.all) known.emplace(org, &kNone);
    } else {
        for (const PanelData& pd : snap.panels) {
            if (pd.spec.dim.dim != Dim::Org) continue;
            for (const PanelRow& r : pd.rows) known.emplace(r.label, &r.metrics);
            break;
        }
    }
    const int n = static_cast<int>(p.matches.size());
    int scroll = std::clamp(p.scroll, 0, std::max(0, n - rows));
    if (p.selected < scroll) scroll = p.selected;
    if (p.selected >= scroll + rows) scroll = p.selected - rows + 1;
    // Two right-aligned number columns sized to the rows on screen.
    struct Numbers {
        std::string req, bytes;
    };
    std::vector<std::optional<Numbers>> numbers;
    int req_w = 0, bytes_w = 0;
    for (int i = 0; i < rows && scroll + i < n; ++i) {
        const std::string& org = p.all[p.matches[static_cast<std::size_t>(scroll + i)]];
        const auto it = known.find(org);
        if (it == known.end() || box.w < 40) {
            numbers.emplace_back();
            continue;
        }
        Numbers num{format_count(it->second->requests, ui.exact) + " req",
                    format_bytes(it->second->bytes_sent, ui.exact)};
        req_w = std::max(req_w, display_width(num.req));
        bytes_w = std::max(bytes_w, display_width(num.bytes));
        numbers.push_back(std::move(num));
    }
    const int numbers_w = req_w ? req_w + bytes_w + 4 : 0;
    for (int i = 0; i < static_cast<int>(numbers.size()); ++i) {
        const int idx = scroll + i;
        const std::string& org = p.all[p.matches[static_cast<std::size_t>(idx)]];
        const int y = box.y + 3 + i;
        Style s = frame;
        if (idx == p.selected) {
            s = Style{Role::Selected, true, true};
            c.fill(box.x + 1, y, box.w - 2, 1, s);
        }
        const bool none = known.contains(org) && known.at(org)->requests == 0;
        if (const auto& num = numbers[static_cast<std::size_t>(i)]) {
            Style ns = s;
            if (idx != p.selected) ns.role = Role::Dim;
            const int right = box.x + box.w - 3;
            c.put_fit(right - bytes_w, y, num->bytes, bytes_w, ns, true);
            c.put_fit(right - bytes_w - 2 - req_w, y, num->req, req_w, ns, true);
        }
        Style name = s;
        if (none && idx != p.selected) name.role = Role::Dim;  // nothing under the filter
        c.put_fit(box.x + 2, y, org.empty() ? "- (no org)" : std::string_view(org), box.w - 4 - numbers_w, name);
    }
    if (scroll > 0) c.put(box.x + box.w - 2, box.y + 3, c.glyph("↑", "^"), Style{Role::Dim});
    if (scroll + rows < n) c.put(box.x + box.w - 2, box.y + 2 + rows, c.glyph("↓", "v"), Style{Role::Dim});
}

}  // namespace s3top::tui
