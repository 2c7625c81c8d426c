#pragma once
// Time-ordered replay: reads every input, holds its records back, orders them by timestamp
// across all files (S3 log objects overlap in time; equal timestamps keep file and line order)
// and feeds the engine in time slices at a chosen speed, under the UI's control (pause, step,
// faster, slower). The wall clock is injected, so tests drive it without sleeping.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <expected>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "core/agg/engine.hpp"
#include "core/ingest/loader.hpp"

namespace s3top {

struct ReplayOptions {
    using Clock = std::chrono::steady_clock;
    /// Log seconds played per wall-clock second; 0 = as fast as possible.
    double speed = 0;
    /// Most records per Engine::append (and per step at speed 0).
    std::size_t slice_rows = 1 << 16;
    /// run(): how often records fall due at a finite speed.
    std::chrono::milliseconds tick{50};
    /// A stretch without records that would take longer than this much wall time at the
    /// current speed is skipped: the clock jumps to the next record. 0: never skip.
    std::chrono::milliseconds max_idle{2000};
    /// The wall clock; null = steady_clock::now.
    std::function<Clock::time_point()> now;
    /// Called on the feeder thread after records were fed or the replay started or ended.
    std::function<void()> on_change;
};

struct ReplayStatus {
    bool ready = false;  ///< loaded and ordered (load() returned)
    bool paused = false;
    bool done = false;  ///< every record is in the engine
    double speed = 0;   ///< 0 = as fast as possible
    /// Log time played up to (UTC epoch seconds): records at or before it are in the engine.
    /// Before the start: the first record's time; 0 when there is none.
    std::int64_t clock = 0;
    std::uint64_t played = 0, total = 0;  ///< records
};

/// The speeds faster()/slower() move through, ascending; "as fast as possible" (0) is above
/// the last.
std::span<const double> replay_speed_ladder();
/// The next speed up the ladder from `speed` (past the top: 0, as fast as possible).
double replay_faster(double speed);
/// The next speed down the ladder (from 0: the top; the bottom stays).
double replay_slower(double speed);

/// One replay. load() once, then the feeder calls tick() (or run()) while any thread uses the
/// controls and status().
///
/// Memory: records are kept in the engine's column layout (strings interned into the engine
/// at load, so stored once) and handed over in order, each 64k-record chunk freed once fed:
/// held-back plus played records are one copy. Ordering costs 8 bytes per record (origin)
/// plus 4 (permutation) plus one column while sorting, freed before playing starts.
/// Why a replay refused its inputs: more than it can order.
struct ReplayError {
    enum class Code : std::uint8_t { TooManyFiles, TooManyRecords };
    Code code;
    std::string message;
};

class Replay {
public:
    Replay(Engine& engine, ReplayOptions options);
    ~Replay();
    Replay(const Replay&) = delete;
    Replay& operator=(const Replay&) = delete;

    /// Reads every input with a Loader (`options`, parsing in parallel as a normal load; rejected
    /// lines go to `rejects`, counted as a normal load counts them), interns strings into the
    /// engine but keeps records and line counts back, then orders the records by (time, file
    /// index, line). Blocking; call once. A file-level problem is in the result as usual; more
    /// inputs than kMaxOriginFiles, or more than 2^32-1 records, are refused (a ReplayError,
    /// nothing to play).
    std::expected<LoadResult, ReplayError> load(const std::vector<InputFile>& files, LoaderOptions options,
                                                RejectSink rejects, const std::atomic<bool>* cancel = nullptr);

    /// Feeds the engine what is due at now(): the first call starts the clock at the first
    /// record and hands over every rejected line's count (they have no trusted time); then, at
    /// speed X, records up to the log clock X * (wall time played); at speed 0, the next
    /// slice_rows records; pending steps first. Returns records fed. One caller at a time.
    std::size_t tick();
    /// The feeder loop: waits for load() to finish, then tick() and wait for the next tick or a
    /// control, until every record was fed or stop() is called.
    void run();
    /// Makes run() return soon. Thread-safe.
    void stop();
    /// Blocks until every record was fed, stop() was called or the real steady clock passes
    /// `deadline`. Returns whether every record was fed. Thread-safe.
    bool wait_done(std::chrono::steady_clock::time_point deadline) const;

    // Controls: thread-safe; they take effect at the feeder's next tick.
    void set_paused(bool paused);
    void toggle_pause();
    /// Log seconds per wall second (0 = as fast as possible); the clock goes on from where it is.
    void set_speed(double speed);
    void faster() { adjust_speed(true); }
    void slower() { adjust_speed(false); }
    /// Pauses and plays one step: at speed X, X log seconds (one wall second's worth) or up
    /// to the next record's second when that is later; at speed 0, slice_rows records.
    void step();

    ReplayStatus status() const;

private:
    using Clock = ReplayOptions::Clock;
    std::int64_t time_at(std::size_t row) const;
    /// First row at or after `from` whose time is after `target`.
    std::size_t end_of(std::size_t from, double target) const;
    /// Hands rows [begin, end) to the engine; `prelude` first when set. Frees chunks passed.
    void feed(std::size_t begin, std::size_t end, bool with_prelude);
    void adjust_speed(bool up);
    void reanchor_locked();
    void set_paused_locked(bool paused);
    Clock::time_point now() const { return options_.now ? options_.now() : Clock::now(); }

    Engine& engine_;
    ReplayOptions options_;

    // Held-back records, ordered, in chunks of kChunkRows (feeder-owned after load()).
    std::vector<Columns> chunks_;
    std::size_t total_ = 0;
    std::size_t pos_ = 0;  ///< next row to feed
    std::int64_t first_time_ = 0;
    Batch prelude_;  ///< line counts and recent rejects, handed over by the first tick

    // Control state, under mutex_.
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::uint64_t controls_ = 0;  ///< bumped by every control, wakes run()
    bool ready_ = false, started_ = false, done_ = false, stop_ = false, paused_ = false;
    double speed_ = 0;
    unsigned pending_steps_ = 0;
    double clock_ = 0;       ///< log time played up to
    double anchor_log_ = 0;  ///< log time at anchor_wall_ (finite speed)
    Clock::time_point anchor_wall_{};
    std::size_t played_ = 0;
};

}  // namespace s3top
