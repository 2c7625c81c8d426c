#include "tui/sources.hpp"

namespace s3top::tui {

DataSources engine_sources(const Engine& engine, std::function<std::vector<std::string>()> input_problems) {
    DataSources s;
    s.org_values = [&engine] { return engine.values(Dim::Org); };
    s.problems = [&engine, inputs = std::move(input_problems)] {
        return ProblemsData{engine.recent_rejects(), inputs ? inputs() : std::vector<std::string>{}};
    };
    return s;
}

}  // namespace s3top::tui
