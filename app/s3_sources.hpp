#pragma once
// s3:// PATHs: each prefix is listed (core/s3/sync) before the inputs are, then its new objects
// are fetched into its folder on a thread of its own, each handed to the load as soon as it is
// whole (next_landed), so parsing runs while later objects download. When following, every
// prefix is listed again every --every (60 s by default) on its own thread; the follower sees
// the new objects as files renamed into the folder.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/cli.hpp"
#include "core/ingest/inputs.hpp"
#include "core/s3/client.hpp"
#include "core/s3/sync.hpp"

namespace s3top::app {

class S3Sources {
public:
    /// Resolves the settings once more and asks the container or instance endpoints for
    /// credentials when none are configured (no request to S3 yet).
    explicit S3Sources(const Options& opt) : S3Sources(opt, opt.s3) {}
    /// The same for other s3:// prefixes (storage --inventory s3://...).
    S3Sources(const Options& opt, std::vector<Options::S3Path> sources);
    ~S3Sources();
    S3Sources(const S3Sources&) = delete;
    S3Sources& operator=(const S3Sources&) = delete;

    /// Lists every source (no GET yet). A source that could not be listed becomes an
    /// InputProblem (the s3:// URL, one line); returns their folders.
    std::vector<std::string> list_all(std::vector<InputProblem>& problems);
    /// Fetches what list_all() found missing, on a thread of its own, 16 GETs in flight.
    void start_fetching();
    /// The paths of objects fetched since the last call, waiting for one when there is none
    /// yet; nullopt once the fetch is over and every path was handed out (or `cancel`).
    std::optional<std::vector<std::string>> next_landed(const std::atomic<bool>* cancel = nullptr);
    /// The objects the fetch could not get (the s3:// URL of each, one line), once it is over.
    std::vector<InputProblem> take_fetch_problems();

    /// Lists and fetches every source now (the follow rounds). Each failure becomes an
    /// InputProblem; returns the folders of sources that could not be listed at all.
    std::vector<std::string> sync_all(std::vector<InputProblem>& problems, const std::atomic<bool>* cancel = nullptr);
    /// After the first fetch, lists and fetches every `every` until stop(); `say` gets each
    /// failure as a line.
    void run(const std::function<void(std::string)>& say);
    void stop();
    /// --cache-prune: deletes from each folder the objects a re-run will not list again (see
    /// s3::prune_cache), except `keep`; one line per source that lost some, for the user.
    std::vector<std::string> prune(const std::vector<std::string>& keep);
    /// For the dashboard's header: the sources and the time of the last listing.
    std::string note() const;
    /// For the dashboard's header while the first fetch runs: "fetching N of M objects from URL".
    /// Empty once it is over (or before it starts).
    std::string fetch_note() const;

private:
    /// Runs `step(i)` for each source: a settings problem, or the message `step` returns, is
    /// that source's problem, and its folder goes into the list returned (the folders to leave
    /// out of the inputs).
    std::vector<std::string> each_source(std::vector<InputProblem>& problems,
                                         const std::function<std::optional<std::string>(std::size_t)>& step);
    void mark_listed(std::size_t objects);
    std::vector<Options::S3Path> sources_;
    std::vector<s3::S3Url> urls_;
    std::unique_ptr<s3::S3Client> client_;
    std::string settings_problem_;
    std::chrono::milliseconds every_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    bool stopped_ = false;
    std::atomic<bool> cancel_{false};
    long long last_poll_ = 0;  ///< epoch seconds of the last listing that answered; 0 none
    std::size_t objects_ = 0;  ///< objects fetched or kept at the last poll
    // The first fetch: its plans (one per source, empty for one not listed), what has landed
    // and not been handed out, what failed, and whether it is over.
    std::vector<std::optional<s3::SyncPlan>> plans_;
    std::deque<std::string> landed_;
    std::vector<InputProblem> fetch_problems_;
    bool fetching_ = false;
    std::size_t to_fetch_ = 0, fetched_ = 0;  ///< the first fetch's objects, and those landed
    std::jthread fetcher_;
};

}  // namespace s3top::app
