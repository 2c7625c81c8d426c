#include "core/agg/panel_order.hpp"

#include <algorithm>

#include "core/agg/ranking.hpp"

namespace s3top {

void order_panel(const PanelSpec& spec, const Keyer& keyer, const Pools& pools, std::vector<PanelItem>& items,
                 std::size_t keep) {
    auto before = [&](const PanelItem& a, const PanelItem& b) {
        int c = compare_metrics(*a.m, *b.m, spec.sort);
        if (c == 0 && spec.sort == SortBy::Key) c = compare_values(spec.dim.dim, a.key, a.label, b.key, b.label);
        if (c != 0) return spec.reverse ? c > 0 : c < 0;
        c = compare_values(spec.dim.dim, a.key, a.label, b.key, b.label);
        if (c != 0) return c < 0;
        // Ids follow interning order, so the values as logged decide, as in reports.
        return keyer.decoded() && keyer.raw_label(a.key, pools) < keyer.raw_label(b.key, pools);
    };
    keep = std::min(keep, items.size());
    std::partial_sort(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(keep), items.end(), before);
}

std::size_t metric_candidates(const PanelSpec& spec, std::vector<PanelItem>& items, std::size_t keep) {
    if (spec.sort == SortBy::Key || keep == 0 || keep >= items.size()) return items.size();
    auto before = [&](const PanelItem& a, const PanelItem& b) {
        const int c = compare_metrics(*a.m, *b.m, spec.sort);
        return spec.reverse ? c > 0 : c < 0;
    };
    const auto nth = items.begin() + static_cast<std::ptrdiff_t>(keep - 1);
    std::nth_element(items.begin(), nth, items.end(), before);
    // Those before nth are not after it; of the rest, those with its metrics tie with it.
    const PanelItem pivot = *nth;
    const auto end = std::partition(nth + 1, items.end(), [&](const PanelItem& x) { return !before(pivot, x); });
    return static_cast<std::size_t>(end - items.begin());
}

}  // namespace s3top
