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
/// failed. `dedupe` (--dedupe request-id) adds its "no request id" figure; `unread` names the
/// inputs not read so far (or only in part).
bool write_interval_report(const Engine& engine, const ReportSpec& spec, const Options& opt,
                           const RequestIdSet* dedupe = nullptr, const std::vector<UnreadInput>& unread = {});
/// `report --follow`: load, then one report per --every interval until SIGINT/SIGTERM. Each
/// report names the inputs that could not be read as of the latest round that looked at them
/// (one read later leaves the list); at the end, when some are still unread, the exit status
/// is kExitSomeUnread, said on stderr.
int report_follow(Session& s, const Options& opt, const ReportSpec& spec);
}  // namespace s3top::app
