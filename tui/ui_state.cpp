#include "tui/ui_state.hpp"

#include <algorithm>

#include "core/report/terminal_text.hpp"
#include "core/util/civil_time.hpp"

namespace s3top::tui {
namespace {

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool icontains(std::string_view hay, std::string_view needle) {
    if (needle.empty()) return true;
    return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                       [](char a, char b) { return ascii_lower(a) == ascii_lower(b); }) != hay.end();
}

}  // namespace

void LineEdit::set(std::string t) {
    text = std::move(t);
    cursor = text.size();
}

void LineEdit::insert(char32_t cp) {
    std::string enc;
    append_utf8(enc, cp);
    text.insert(cursor, enc);
    cursor += enc.size();
}

void LineEdit::backspace() {
    if (cursor == 0) return;
    const std::size_t end = cursor;
    left();
    text.erase(cursor, end - cursor);
}

void LineEdit::erase() {
    if (cursor >= text.size()) return;
    const std::size_t start = cursor;
    right();
    text.erase(start, cursor - start);
    cursor = start;
}

void LineEdit::left() {
    if (cursor == 0) return;
    --cursor;
    while (cursor > 0 && is_continuation(text[cursor])) --cursor;
}

void LineEdit::right() {
    if (cursor >= text.size()) return;
    ++cursor;
    while (cursor < text.size() && is_continuation(text[cursor])) ++cursor;
}

void LineEdit::kill_line() {
    text.erase(0, cursor);
    cursor = 0;
}

void LineEdit::kill_word() {
    std::size_t start = cursor;
    while (start > 0 && text[start - 1] == ' ') --start;
    while (start > 0 && text[start - 1] != ' ') --start;
    text.erase(start, cursor - start);
    cursor = start;
}

void OrgPicker::refilter() {
    matches.clear();
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (icontains(all[i], query.text)) matches.push_back(i);
    }
    const int n = static_cast<int>(matches.size());
    selected = std::clamp(selected, 0, std::max(0, n - 1));
    scroll = std::clamp(scroll, 0, std::max(0, n - 1));
}

std::string source_note(const SourceStatus& s, bool brief) {
    if (s.mode != SourceStatus::Mode::Follow || s.watching.empty()) return s.note;
    // The first path, and how many more (all of them are in the state folder's fingerprint,
    // and the command line; the header has one line).
    std::string paths = s.watching.front();
    if (s.watching.size() > 1) paths += " +" + std::to_string(s.watching.size() - 1) + " more";
    std::string out;
    if (s.files == 0) {
        out = "waiting for logs in " + paths;
    } else {
        const std::string updated = s.updated ? "updated " + format_iso8601(s.updated).substr(11, 8) + " UTC" : "";
        out = brief ? updated : "watching " + paths + (updated.empty() ? "" : ", " + updated);
    }
    if (!s.note.empty()) out += (out.empty() ? "" : "; ") + s.note;
    return out;
}

UiState UiState::defaults() {
    UiState ui;
    auto slot = [&](std::initializer_list<DimSpec> dims) {
        ui.slots.push_back(PanelSlot{dims, 0, SortBy::Bytes, false});
    };
    slot({{Dim::Org}});
    slot({{Dim::RemoteIp}, {Dim::Requester}});
    slot({{Dim::Status}, {Dim::StatusClass}});
    slot({{Dim::Operation}, {Dim::Tier}, {Dim::Method}});
    slot({{Dim::Key}, {Dim::KeyPrefix, 1}, {Dim::KeyPrefix, 2}, {Dim::KeyPrefix, 3}});
    slot({{Dim::ErrorCode}});
    slot({{Dim::UserAgent}, {Dim::Referrer}});
    slot({{Dim::Bucket}, {Dim::HostHeader}});
    ui.cursors.resize(ui.slots.size());
    return ui;
}

UiState UiState::with_panels(const std::vector<DimSpec>& panels) {
    std::vector<DashboardPanel> named;
    for (const DimSpec& d : panels) named.push_back(DashboardPanel{d, false});
    return with_panels(named);
}

UiState UiState::with_panels(const std::vector<DashboardPanel>& panels) {
    UiState ui = defaults();
    if (panels.empty()) return ui;
    const std::vector<PanelSlot> families = std::move(ui.slots);
    ui.slots.clear();
    for (const DashboardPanel& p : panels) {
        if (p.stored) {
            // What storage can group by, drilled down in this order.
            PanelSlot slot{{}, 0, SortBy::Bytes, false, true};
            for (const std::string_view name : {"org", "bucket", "prefix:1", "prefix:2", "class"})
                slot.stored_by.push_back(*parse_storage_dim(name));
            ui.slots.push_back(std::move(slot));
            continue;
        }
        const DimSpec d = p.dim;
        PanelSlot slot{{d}, 0, SortBy::Bytes, false};
        for (const PanelSlot& f : families) {
            // The family of the same dimension (prefix:4 joins key's family, after its choices).
            const auto same = std::find(f.choices.begin(), f.choices.end(), d);
            const auto kin =
                std::find_if(f.choices.begin(), f.choices.end(), [&](const DimSpec& c) { return c.dim == d.dim; });
            if (same != f.choices.end()) {
                slot = PanelSlot{f.choices, static_cast<std::size_t>(same - f.choices.begin()), SortBy::Bytes, false};
                break;
            }
            if (kin != f.choices.end()) {
                slot = PanelSlot{f.choices, f.choices.size(), SortBy::Bytes, false};
                slot.choices.push_back(d);
                break;
            }
        }
        ui.slots.push_back(std::move(slot));
    }
    ui.cursors.assign(ui.slots.size(), PanelCursor{});
    return ui;
}

ViewSpec UiState::view_spec() const {
    ViewSpec v;
    v.filter = filter;
    v.resolution = resolution;
    // The Stored panel's rows come from storage; the engine keeps one row of its dimension's
    // (so that the snapshot's panels are the slots, in order).
    for (const auto& s : slots) v.panels.push_back(PanelSpec{s.dim(), s.stored ? 1 : panel_limit, s.sort, s.reverse});
    return v;
}

}  // namespace s3top::tui
