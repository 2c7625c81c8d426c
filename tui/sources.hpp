#pragma once
// The controller's data sources (DataSources) answered from an Engine: what the org picker,
// the problems view and the filter prompt's completion ask for when they open.
#include <functional>
#include <string>
#include <vector>

#include "core/agg/engine.hpp"
#include "tui/controller.hpp"

namespace s3top::tui {

/// Tab completion's values of `dim` (DataSources::values_by_use) from `ranked`, every group of
/// it most requests first as a panel orders them: the first 1,000 values in that order, then,
/// for a string dimension, the others by the value as shown; each value once (a key logged
/// "a+b" and one logged "a%2Bb" are both shown "a+b"). Over the engine and over ClickHouse alike.
std::vector<std::string> completion_values(DimSpec dim, std::vector<PanelRow> ranked);

/// Sources reading `engine` (which must outlive them); `input_problems` is the app's list of
/// what it said about its inputs (may be empty).
DataSources engine_sources(const Engine& engine, std::function<std::vector<std::string>()> input_problems = {});

}  // namespace s3top::tui
