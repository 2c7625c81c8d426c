#pragma once
// The controller's data sources (DataSources) answered from an Engine: what the org picker,
// the problems view and the filter prompt's completion ask for when they open.
#include <functional>
#include <string>
#include <vector>

#include "core/agg/engine.hpp"
#include "tui/controller.hpp"

namespace s3top::tui {

/// Sources reading `engine` (which must outlive them); `input_problems` is the app's list of
/// what it said about its inputs (may be empty).
DataSources engine_sources(const Engine& engine, std::function<std::vector<std::string>()> input_problems = {});

}  // namespace s3top::tui
