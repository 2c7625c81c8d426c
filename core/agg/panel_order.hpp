#pragma once
// The order of a dashboard panel's rows (PanelSpec): the one rule for the engine's views and
// for panels folded from ClickHouse's answers, so both draw the same rows in the same order.
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/agg/keyer.hpp"
#include "core/agg/snapshot.hpp"

namespace s3top {

/// A group of a panel: its key (Keyer::key), its metrics, its label (Keyer's).
struct PanelItem {
    std::int64_t key;
    const Metrics* m;
    std::string_view label;
};

/// Puts the first `keep` of `items` in the panel's order: spec.sort (its metrics, or the value)
/// and spec.reverse, ties by the value in its natural order (compare_values), then, for values
/// shown alike (decoded keys: "a+b" and "a%2Bb"), by the value as logged.
void order_panel(const PanelSpec& spec, const Keyer& keyer, const Pools& pools, std::vector<PanelItem>& items,
                 std::size_t keep);

/// Moves to the front of `items` every item that can be among the first `keep` in the panel's
/// order by its metrics alone (those not strictly after the keep-th by spec.sort and
/// spec.reverse) and returns how many: only their labels are needed to order the panel. All of
/// them when the panel is ordered by its values or keeps every item. (A key panel's 130,000
/// labels were decoded anew, a string each, on every refresh for its 10 rows.)
std::size_t metric_candidates(const PanelSpec& spec, std::vector<PanelItem>& items, std::size_t keep);

}  // namespace s3top
