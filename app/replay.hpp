#pragma once
#include "app/session.hpp"
#include "core/ingest/replay.hpp"

namespace s3top::app {
/// The replay's settings from the command line (--speed).
ReplayOptions replay_options(const Options& opt);
/// `report --replay`: reads the inputs and plays them into the session's engine in time order
/// at --speed; with --every, prints a report per interval of wall time meanwhile. The caller
/// prints the final report. Returns false when no input could be read. Throws UsageError.
bool replay_for_report(Session& s, const Options& opt, const ReportSpec& spec);
}  // namespace s3top::app
