#pragma once
// s3:// PATHs: each prefix is mirrored into its folder (core/s3/sync) before the folder is
// listed, and, when following, listed again every --every (60 s by default) on its own
// thread; the follower sees the new objects as files renamed into the folder.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "app/cli.hpp"
#include "core/ingest/inputs.hpp"
#include "core/s3/client.hpp"

namespace s3top::app {

class S3Sources {
public:
    /// Resolves the settings once more and asks the container or instance endpoints for
    /// credentials when none are configured (no request to S3 yet).
    explicit S3Sources(const Options& opt);
    /// Mirrors every source now. Each failure becomes an InputProblem (the s3:// URL or key,
    /// one line); returns the folders of sources that could not be listed at all.
    std::vector<std::string> sync_all(std::vector<InputProblem>& problems, const std::atomic<bool>* cancel = nullptr);
    /// Lists and fetches every `every` until stop(); `say` gets each failure as a line.
    void run(const std::function<void(std::string)>& say);
    void stop();
    /// For the dashboard's header: the sources and the time of the last listing.
    std::string note() const;

private:
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
};

}  // namespace s3top::app
