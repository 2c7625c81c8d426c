#include "tui/sources.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_set>

namespace s3top::tui {
namespace {
constexpr std::size_t kRankedValues = 1000;  ///< values ranked by requests for completion
}  // namespace

std::vector<std::string> completion_values(DimSpec dim, std::vector<PanelRow> ranked) {
    std::vector<std::string> out;
    std::unordered_set<std::string_view> seen;
    std::size_t i = 0;
    for (; i < ranked.size() && out.size() < kRankedValues; ++i) {
        if (seen.insert(ranked[i].label).second) out.push_back(ranked[i].label);
    }
    if (!is_string_dim(dim.dim)) return out;
    const std::size_t ranked_end = out.size();
    for (; i < ranked.size(); ++i) {
        if (!seen.contains(ranked[i].label)) out.push_back(std::move(ranked[i].label));
    }
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(ranked_end), out.end());
    out.erase(std::unique(out.begin() + static_cast<std::ptrdiff_t>(ranked_end), out.end()), out.end());
    return out;
}

DataSources engine_sources(const Engine& engine, std::function<std::vector<std::string>()> input_problems) {
    DataSources s;
    s.org_values = [&engine] -> DataSources::Fallible<std::vector<std::string>> { return engine.values(Dim::Org); };
    s.problems = [&engine, inputs = std::move(input_problems)] {
        return ProblemsData{engine.recent_rejects(), inputs ? inputs() : std::vector<std::string>{}, {}};
    };
    s.org_rows = [&engine](const Filter& filter) -> DataSources::Fallible<std::vector<PanelRow>> {
        ViewSpec spec;
        spec.filter = filter;
        spec.panels.push_back(PanelSpec{DimSpec{Dim::Org}, 0, SortBy::Requests});
        View view(spec);
        Snapshot snap = engine.refresh(view, 0);
        return snap.panels.empty() ? std::vector<PanelRow>{} : std::move(snap.panels.front().rows);
    };
    s.values_by_use = [&engine](DimSpec dim) -> DataSources::Fallible<std::vector<std::string>> {
        // Every group ranked (a fold of every record: on Tab, not per key).
        ViewSpec spec;
        spec.panels.push_back(PanelSpec{dim, 0, SortBy::Requests});
        View view(spec);
        Snapshot snap = engine.refresh(view, 0);
        return completion_values(dim,
                                 snap.panels.empty() ? std::vector<PanelRow>{} : std::move(snap.panels.front().rows));
    };
    return s;
}

}  // namespace s3top::tui
