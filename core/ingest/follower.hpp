#pragma once
// Follow mode: watch the inputs (inotify, or polling where inotify is unavailable) and ingest
// what is new through the same Ingestor, so follow, restart and re-run share one ledger.
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/ingest/ingestor.hpp"

namespace s3top {

struct FollowOptions {
    std::vector<std::string> roots;  ///< files and folders as the user named them
    /// How often to look without an event (the only trigger when inotify is off).
    std::chrono::milliseconds poll_interval{1000};
    /// Events are gathered this long before a round, so a burst is one ingest.
    std::chrono::milliseconds settle{30};
    bool use_inotify = true;
};

class Follower {
public:
    Follower(Ingestor& ingestor, FollowOptions options);
    ~Follower();
    Follower(const Follower&) = delete;
    Follower& operator=(const Follower&) = delete;

    /// Watches and ingests until stop(). `on_round` runs (on this thread) after every round
    /// that read something. Blocking: run it on its own thread.
    void run(const std::function<void(const IngestResult&)>& on_round);
    /// Ends run() soon. Thread-safe, async-signal-safe.
    void stop();
    /// One round now (tests, and the first pass). Not while run() is running.
    IngestResult round();
    /// True once run() has set up inotify watches (false: polling).
    bool watching() const { return watching_.load(); }

private:
    void add_watches(const std::string& dir);
    Ingestor& ingestor_;
    FollowOptions options_;
    int inotify_fd_ = -1;
    int stop_pipe_[2] = {-1, -1};
    std::atomic<bool> stopped_{false};
    std::atomic<bool> watching_{false};
};

}  // namespace s3top
