#pragma once
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "app/session.hpp"
#include "core/ingest/follower.hpp"
#include "core/ingest/request_ids.hpp"

namespace s3top::app {
FollowOptions follow_options(const Options& opt);

/// The inputs a follow has not read, or only in part, as the latest round that looked at each
/// one found it: a file that could not be read leaves the list once a round reads it. Safe to
/// use from the follow thread and another at once.
class UnreadList {
public:
    explicit UnreadList(const std::vector<UnreadInput>& first = {});
    /// Starts again from `inputs` (what the first load left out).
    void set(const std::vector<UnreadInput>& inputs);
    /// A follow round: what it read to its end leaves the list, what it could not read joins it.
    void update(const IngestResult& r);
    std::vector<UnreadInput> list() const;
    std::size_t size() const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, UnreadInput> by_path_;
};

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
