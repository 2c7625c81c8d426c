#pragma once
#include <chrono>
#include <string>

#include "app/session.hpp"
#include "core/ingest/follower.hpp"
#include "core/ingest/request_ids.hpp"

namespace s3top::app {
FollowOptions follow_options(const Options& opt);
/// Writes one report of the engine as it is now (the --every output of --follow and --replay)
/// where write_output() writes: stdout, or -o FILE replaced whole each time. False when that
/// failed. `dedupe` (--dedupe request-id) adds its "no request id" figure.
bool write_interval_report(const Engine& engine, const ReportSpec& spec, const Options& opt,
                           const RequestIdSet* dedupe = nullptr);
/// `report --follow`: load, then one report per --every interval until SIGINT/SIGTERM.
int report_follow(Session& s, const Options& opt, const ReportSpec& spec);
}  // namespace s3top::app
