#pragma once
#include <chrono>
#include <string>

#include "app/session.hpp"
#include "core/ingest/follower.hpp"

namespace s3top::app {
/// "5s", "1m", "500ms", "2" (seconds). Throws UsageError.
std::chrono::milliseconds parse_interval(const std::string& text);
/// --follow given (the dashboard adds: a folder named and no --no-follow).
bool wants_follow(const Options& opt);
FollowOptions follow_options(const Options& opt);
/// `report --follow`: load, then one report per --every interval until SIGINT/SIGTERM.
int report_follow(Session& s, const Options& opt, const ReportSpec& spec);
}  // namespace s3top::app
