#include "tui/sources.hpp"

#include <unordered_set>

namespace s3top::tui {
namespace {
constexpr std::size_t kRankedValues = 1000;  ///< values ranked by requests for completion
}  // namespace

DataSources engine_sources(const Engine& engine, std::function<std::vector<std::string>()> input_problems) {
    DataSources s;
    s.org_values = [&engine] { return engine.values(Dim::Org); };
    s.problems = [&engine, inputs = std::move(input_problems)] {
        return ProblemsData{engine.recent_rejects(), inputs ? inputs() : std::vector<std::string>{}, {}};
    };
    s.org_rows = [&engine](const Filter& filter) {
        ViewSpec spec;
        spec.filter = filter;
        spec.panels.push_back(PanelSpec{DimSpec{Dim::Org}, 0, SortBy::Requests});
        View view(spec);
        Snapshot snap = engine.refresh(view, 0);
        return snap.panels.empty() ? std::vector<PanelRow>{} : std::move(snap.panels.front().rows);
    };
    s.values_by_use = [&engine](DimSpec dim) {
        // The most requested first (a fold of every record: on Tab, not per key), then the
        // values no record ranked among them, in order.
        ViewSpec spec;
        spec.panels.push_back(PanelSpec{dim, kRankedValues, SortBy::Requests});
        View view(spec);
        const Snapshot snap = engine.refresh(view, 0);
        std::vector<std::string> out;
        std::unordered_set<std::string> seen;
        if (!snap.panels.empty()) {
            for (const PanelRow& r : snap.panels.front().rows) {
                seen.insert(r.label);
                out.push_back(r.label);
            }
        }
        if (is_string_dim(dim.dim)) {
            for (std::string& v : engine.values(dim.dim)) {
                if (!seen.contains(v)) out.push_back(std::move(v));
            }
        }
        return out;
    };
    return s;
}

}  // namespace s3top::tui
