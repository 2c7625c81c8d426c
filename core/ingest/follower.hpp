#pragma once
// Follow mode: watch the inputs (inotify, or polling where inotify is unavailable) and ingest
// what is new through the same Ingestor, so follow, restart and re-run share one ledger.
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/ingest/ingestor.hpp"

namespace s3top {

struct FollowOptions {
    std::vector<std::string> roots;  ///< files and folders as the user named them
    /// How often to look at everything without an event (the only trigger when inotify is
    /// off). With inotify watching, a full look comes at most every 20 times its own duration
    /// (a folder of 100,000 files is not listed every second), events trigger rounds over just
    /// the files they name.
    std::chrono::milliseconds poll_interval{1000};
    /// Events are gathered this long before a round, so a burst is one ingest.
    std::chrono::milliseconds settle{30};
    bool use_inotify = true;
};

/// Each message of follow rounds once, and again only when it changes (its numbers aside): a file's error is
/// cleared from a round's results while it is the one said last for that path (a pending
/// partial line, an unfinished .gz), and a state note while the round before had it too (a
/// full disk fails every round).
class MessageFilter {
public:
    void filter(IngestResult& r);

private:
    std::unordered_map<std::string, std::string> said_;  ///< path -> its error said last
    std::vector<std::string> notes_;                     ///< the last round's notes
};

class Follower {
public:
    Follower(Ingestor& ingestor, FollowOptions options);
    ~Follower();
    Follower(const Follower&) = delete;
    Follower& operator=(const Follower&) = delete;

    /// Sets up the inotify watches now. Called before the caller lists and loads the inputs,
    /// every change after that is an event, so run() starts without a full round (which over
    /// 100,000 files would list and plan them all again while a new file waits). Without this
    /// call run() sets them up and begins with a full round. Not while run() is running.
    void watch();
    /// Watches and ingests until stop(). `on_round` runs (on this thread) after every round
    /// that read something, said something, or skipped a copy of counted content (the
    /// dashboard counts them). Blocking: run it on its own thread.
    void run(const std::function<void(const IngestResult&)>& on_round);
    /// Ends run() soon. Thread-safe, async-signal-safe.
    void stop();
    /// One round over every input now (tests, and the first pass). Not while run() is running.
    IngestResult round();
    /// One round over these paths only (the files inotify named), those that are inputs: under
    /// a root folder or a root file, not temporary names.
    IngestResult round(const std::vector<std::string>& paths);
    /// True once run() has set up inotify watches (false: polling).
    bool watching() const { return watching_.load(); }
    /// Full rounds (listing and planning every input) run() has done so far.
    std::size_t full_rounds() const { return full_rounds_.load(); }

private:
    void add_watches(const std::string& dir);
    std::optional<std::string> input_path(const std::string& path) const;
    Ingestor& ingestor_;
    FollowOptions options_;
    int inotify_fd_ = -1;
    std::unordered_map<int, std::string> watched_;  ///< watch descriptor -> folder
    int stop_pipe_[2] = {-1, -1};
    std::atomic<bool> stopped_{false};
    std::atomic<bool> watching_{false};
    std::atomic<std::size_t> full_rounds_{0};
    bool watch_called_ = false;
    std::chrono::steady_clock::time_point watched_at_;
};

}  // namespace s3top
