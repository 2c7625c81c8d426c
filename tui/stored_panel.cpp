#include "tui/stored_panel.hpp"

#include <algorithm>
#include <limits>

namespace s3top::tui {
namespace {

std::uint64_t clamp64(Int128 v) {
    constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
    return v < 0 ? 0 : v > static_cast<Int128>(kMax) ? kMax : static_cast<std::uint64_t>(v);
}

}  // namespace

const StoredShown* stored_shown(const Snapshot& snap, const UiState& ui) {
    if (!ui.costs || !ui.costs->shown || !(ui.costs->filter == snap.view.filter)) return nullptr;
    return &*ui.costs->shown;
}

const StoredShown* stored_answer(const Snapshot& snap, const UiState& ui, std::size_t panel) {
    const StoredShown* s = stored_shown(snap, ui);
    if (!s || panel >= ui.slots.size() || !ui.slots[panel].stored || !(s->ask.by == ui.slots[panel].stored_dim()))
        return nullptr;
    return s;
}

void put_stored_rows(Snapshot& snap, const UiState& ui) {
    for (std::size_t p = 0; p < ui.slots.size() && p < snap.panels.size(); ++p) {
        const PanelSlot& slot = ui.slots[p];
        if (!slot.stored) continue;
        PanelData& pd = snap.panels[p];
        pd.rows.clear();
        pd.groups = 0;
        const StoredShown* s = stored_answer(snap, ui, p);
        if (!s) continue;
        for (const StoredGroup& g : s->stored.groups) {
            PanelRow row;
            row.label = g.label;
            row.metrics.bytes_sent = clamp64(g.bytes);
            row.metrics.requests = clamp64(g.objects);
            pd.rows.push_back(std::move(row));
        }
        pd.groups = pd.rows.size();
        auto by = [&](const PanelRow& r) {
            return slot.sort == SortBy::Requests ? r.metrics.requests : r.metrics.bytes_sent;
        };
        std::stable_sort(pd.rows.begin(), pd.rows.end(), [&](const PanelRow& a, const PanelRow& b) {
            if (slot.sort == SortBy::Key) return slot.reverse ? b.label < a.label : a.label < b.label;
            if (by(a) != by(b)) return slot.reverse ? by(a) < by(b) : by(a) > by(b);
            return a.label < b.label;
        });
        if (pd.rows.size() > ui.panel_limit) pd.rows.resize(ui.panel_limit);
    }
}

std::optional<StoredAsk> stored_ask(const Snapshot& snap, const UiState& ui) {
    const auto slot = std::find_if(ui.slots.begin(), ui.slots.end(), [](const PanelSlot& s) { return s.stored; });
    const bool chart = ui.chart == ChartMetric::StoredBytes;
    if (slot == ui.slots.end() && !chart) return std::nullopt;
    StoredAsk ask;
    if (slot != ui.slots.end()) ask.by = slot->stored_dim();
    if (chart && !snap.series.empty()) {
        ask.resolution = snap.view.resolution;
        ask.first = snap.series.front().start;
        ask.buckets = snap.series.size();
    }
    return ask;
}

std::string stored_title(StorageDimSpec by) { return "Stored: " + storage_dim_name(by); }

}  // namespace s3top::tui
