#pragma once
#include <chrono>
#include <string>

#include "app/session.hpp"
#include "core/ingest/follower.hpp"
#include "core/ingest/request_ids.hpp"

namespace s3top::app {
/// "5s", "1m", "500ms", "2" (seconds). Throws UsageError.
std::chrono::milliseconds parse_interval(const std::string& text);
/// --follow given (the dashboard adds: a folder named and no --no-follow).
bool wants_follow(const Options& opt);
FollowOptions follow_options(const Options& opt);
/// Prints one report of the engine as it is now to stdout (the --every output of --follow and
/// --replay; `mode` names the option in the html error). False when stdout failed.
/// `dedupe` (--dedupe request-id) adds its "no request id" figure.
bool write_interval_report(const Engine& engine, const ReportSpec& spec, const Options& opt, const char* mode,
                           const RequestIdSet* dedupe = nullptr);
/// `report --follow`: load, then one report per --every interval until SIGINT/SIGTERM.
int report_follow(Session& s, const Options& opt, const ReportSpec& spec);
}  // namespace s3top::app
