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

}  // namespace s3top
