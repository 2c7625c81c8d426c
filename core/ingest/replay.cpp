#include "core/ingest/replay.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>

namespace s3top {
namespace {

constexpr std::size_t kChunkRows = std::size_t{1} << 16;

constexpr std::array<double, 18> kLadder = {0.1, 0.25, 0.5, 1,    2,    5,    10,    30,    60,
                                            120, 300,  600, 1800, 3600, 7200, 21600, 86400, 604800};

template <class T>
void move_append(std::vector<T>& dst, std::vector<T>& src) {
    if (dst.empty()) {
        dst = std::move(src);
    } else {
        dst.insert(dst.end(), src.begin(), src.end());
    }
}

/// Moves column `src` into the chunks in `perm` order and frees it. `field` picks the column of
/// a chunk.
template <class Column, class Field>
void scatter(Column& src, const std::vector<std::uint32_t>& perm, std::vector<Columns>& chunks, Field field) {
    if (src.empty()) return;  // a column not kept
    for (std::size_t k = 0; k < chunks.size(); ++k) {
        const std::size_t base = k * kChunkRows;
        const std::size_t n = std::min(kChunkRows, perm.size() - base);
        Column& dst = field(chunks[k]);
        dst.clear();
        dst.reserve(n);
        for (std::size_t i = 0; i < n; ++i) dst.push_back(src[perm[base + i]]);
    }
    src.release();
}

}  // namespace

std::span<const double> replay_speed_ladder() { return kLadder; }

double replay_faster(double speed) {
    if (speed <= 0) return 0;
    for (const double s : kLadder) {
        if (s > speed) return s;
    }
    return 0;
}

double replay_slower(double speed) {
    if (speed <= 0) return kLadder.back();
    for (auto it = kLadder.rbegin(); it != kLadder.rend(); ++it) {
        if (*it < speed) return *it;
    }
    return kLadder.front();
}

Replay::Replay(Engine& engine, ReplayOptions options) : engine_(engine), options_(std::move(options)) {
    options_.slice_rows = std::max<std::size_t>(options_.slice_rows, 1);
    speed_ = std::max(0.0, options_.speed);
}

Replay::~Replay() = default;

std::expected<LoadResult, ReplayError> Replay::load(const std::vector<InputFile>& files, LoaderOptions options,
                                                    RejectSink rejects, const std::atomic<bool>* cancel) {
    LoadResult result;
    auto finish = [&] {
        std::lock_guard l(mutex_);
        ready_ = true;
        changed_.notify_all();
    };
    if (files.size() >= kMaxOriginFiles) {
        finish();
        return std::unexpected(ReplayError{ReplayError::Code::TooManyFiles,
                                           "replay takes at most " + std::to_string(kMaxOriginFiles - 1) + " files"});
    }
    // Every worker's batch: strings into the engine now (stored once), records held back.
    options.record_origin = true;
    Columns staged;
    std::vector<std::uint64_t> origin;
    std::mutex staged_mutex;
    const std::size_t keep_rejects = engine_.config().max_recent_rejects;
    Loader loader(engine_, std::move(options));
    if (rejects) loader.set_reject_sink(std::move(rejects));
    loader.set_commit_sink([&](Batch&& b, std::vector<Span>&&) {
        engine_.intern(b);
        const std::size_t n = b.columns.size();
        // The loader gives every record an origin; should one be missing, it sorts last.
        b.origin.resize(n, std::numeric_limits<std::uint64_t>::max());
        std::lock_guard l(staged_mutex);
        Columns& c = b.columns;
        for_each_number_column(staged, c, [](auto& to, auto& from) { to.take(std::move(from)); });
        for (std::size_t d = 0; d < kStringDimCount; ++d) staged.ids[d].take(std::move(c.ids[d]));
        move_append(origin, b.origin);
        prelude_.counters.merge(b.counters);
        prelude_.newest_source_mtime = std::max(prelude_.newest_source_mtime, b.newest_source_mtime);
        // Only the most recent rejects are kept, as the engine would keep them.
        auto& kept = prelude_.rejects;
        for (auto& r : b.rejects) kept.push_back(std::move(r));
        if (kept.size() > 2 * keep_rejects + 64)
            kept.erase(kept.begin(), kept.end() - static_cast<std::ptrdiff_t>(keep_rejects));
    });
    result = loader.load(files, cancel);

    const std::size_t n = staged.size();
    if (n > std::numeric_limits<std::uint32_t>::max()) {
        finish();
        return std::unexpected(
            ReplayError{ReplayError::Code::TooManyRecords, "replay takes at most 4294967295 records"});
    }
    // Records are counted as they are played; the prelude keeps the rejected lines and bytes.
    prelude_.counters.read -= prelude_.counters.parsed;
    prelude_.counters.parsed = 0;
    if (prelude_.rejects.size() > keep_rejects)
        prelude_.rejects.erase(prelude_.rejects.begin(),
                               prelude_.rejects.end() - static_cast<std::ptrdiff_t>(keep_rejects));
    prelude_.interned = true;

    // Order: time, then file and line (origin is unique, so the order is total).
    std::vector<std::uint32_t> perm(n);
    std::iota(perm.begin(), perm.end(), std::uint32_t{0});
    std::sort(perm.begin(), perm.end(), [&](std::uint32_t a, std::uint32_t b) {
        const std::int64_t ta = staged.time[a], tb = staged.time[b];
        return ta < tb || (ta == tb && origin[a] < origin[b]);
    });
    std::vector<std::uint64_t>().swap(origin);
    chunks_.resize((n + kChunkRows - 1) / kChunkRows);
    // Column by column, so at most one extra column is alive.
    for_each_number_column_accessor([&](auto get) { scatter(get(staged), perm, chunks_, get); });
    for (std::size_t d = 0; d < kStringDimCount; ++d)
        scatter(staged.ids[d], perm, chunks_, [d](Columns& c) -> auto& { return c.ids[d]; });
    total_ = n;
    first_time_ = n ? time_at(0) : 0;
    finish();
    return result;
}

std::int64_t Replay::time_at(std::size_t row) const { return chunks_[row / kChunkRows].time[row % kChunkRows]; }

std::size_t Replay::end_of(std::size_t from, double target) const {
    while (from < total_ && static_cast<double>(time_at(from)) <= target) ++from;
    return from;
}

std::size_t Replay::tick() {
    std::size_t begin = 0, end = 0;
    bool first = false, stepped = false;
    {
        std::lock_guard l(mutex_);
        if (!ready_ || done_) return 0;
        const Clock::time_point t = now();
        if (!started_) {
            started_ = first = true;
            clock_ = anchor_log_ = static_cast<double>(first_time_);
            anchor_wall_ = t;
        }
        begin = end = pos_;
        if (pending_steps_ > 0) {
            for (; pending_steps_ > 0 && end < total_; --pending_steps_) {
                if (speed_ == 0) {
                    end = std::min(total_, end + options_.slice_rows);
                    clock_ = static_cast<double>(time_at(end - 1));
                } else {
                    const double target = std::max(clock_ + speed_, static_cast<double>(time_at(end)));
                    end = end_of(end, target);
                    clock_ = target;
                }
            }
            pending_steps_ = 0;
            paused_ = stepped = true;
            reanchor_locked();
        } else if (!paused_) {
            if (speed_ == 0) {
                end = std::min(total_, end + options_.slice_rows);
                if (end > begin) clock_ = static_cast<double>(time_at(end - 1));
            } else {
                double target = anchor_log_ + speed_ * std::chrono::duration<double>(t - anchor_wall_).count();
                if (end < total_ && options_.max_idle.count() > 0) {
                    const double next = static_cast<double>(time_at(end));
                    const double idle_ms = (next - target) / speed_ * 1000.0;
                    if (idle_ms > static_cast<double>(options_.max_idle.count())) {
                        anchor_log_ = target = next;  // skip the quiet stretch
                        anchor_wall_ = t;
                    }
                }
                end = end_of(end, target);
                clock_ = std::max(clock_, target);
            }
        }
        pos_ = end;
    }
    feed(begin, end, first);
    {
        std::lock_guard l(mutex_);
        played_ = end;
        done_ = end == total_;
        changed_.notify_all();
    }
    if ((first || stepped || end > begin) && options_.on_change) options_.on_change();
    return end - begin;
}

void Replay::feed(std::size_t begin, std::size_t end, bool with_prelude) {
    if (with_prelude) engine_.append(std::move(prelude_));
    std::size_t row = begin;
    while (row < end) {
        const std::size_t k = row / kChunkRows, off = row % kChunkRows;
        Columns& c = chunks_[k];
        const std::size_t chunk_size = std::min(kChunkRows, total_ - k * kChunkRows);
        const std::size_t stop = std::min({end, k * kChunkRows + chunk_size, row + options_.slice_rows});
        const std::size_t m = stop - row;
        Batch b;
        b.interned = true;
        b.counters.read = b.counters.parsed = m;
        if (off == 0 && m == chunk_size) {
            b.columns = std::move(c);
        } else {
            for_each_number_column(b.columns, c, [&](auto& to, const auto& from) { to = from.slice(off, m); });
            for (std::size_t d = 0; d < kStringDimCount; ++d) b.columns.ids[d] = c.ids[d].slice(off, m);
        }
        if (off + m == chunk_size) c = Columns{};  // every row of it played: free it
        engine_.append(std::move(b));
        row = stop;
    }
}

void Replay::run() {
    {
        std::unique_lock l(mutex_);
        changed_.wait(l, [&] { return ready_ || stop_; });
    }
    for (;;) {
        tick();
        std::unique_lock l(mutex_);
        if (stop_ || done_) return;
        if (pending_steps_ > 0) continue;
        const std::uint64_t seen = controls_;
        if (paused_) {
            changed_.wait(l, [&] { return stop_ || controls_ != seen; });
        } else if (speed_ > 0) {
            changed_.wait_for(l, options_.tick, [&] { return stop_ || controls_ != seen; });
        }
    }
}

void Replay::stop() {
    std::lock_guard l(mutex_);
    stop_ = true;
    ++controls_;
    changed_.notify_all();
}

bool Replay::wait_done(std::chrono::steady_clock::time_point deadline) const {
    std::unique_lock l(mutex_);
    changed_.wait_until(l, deadline, [&] { return done_ || stop_; });
    return done_;
}

void Replay::reanchor_locked() {
    anchor_log_ = clock_;
    anchor_wall_ = now();
}

void Replay::set_paused_locked(bool paused) {
    if (paused_ == paused) return;
    paused_ = paused;
    if (!paused_) reanchor_locked();  // the clock goes on from where it stopped
    ++controls_;
    changed_.notify_all();
}

void Replay::set_paused(bool paused) {
    std::lock_guard l(mutex_);
    set_paused_locked(paused);
}

void Replay::toggle_pause() {
    std::lock_guard l(mutex_);
    set_paused_locked(!paused_);
}

void Replay::set_speed(double speed) {
    std::lock_guard l(mutex_);
    speed_ = std::isfinite(speed) ? std::max(0.0, speed) : 0.0;
    reanchor_locked();
    ++controls_;
    changed_.notify_all();
}

void Replay::adjust_speed(bool up) {
    std::lock_guard l(mutex_);
    speed_ = up ? replay_faster(speed_) : replay_slower(speed_);
    reanchor_locked();
    ++controls_;
    changed_.notify_all();
}

void Replay::step() {
    std::lock_guard l(mutex_);
    ++pending_steps_;
    paused_ = true;
    ++controls_;
    changed_.notify_all();
}

ReplayStatus Replay::status() const {
    std::lock_guard l(mutex_);
    ReplayStatus s;
    s.ready = ready_;
    s.paused = paused_;
    s.done = done_;
    s.speed = speed_;
    s.clock = started_ ? static_cast<std::int64_t>(std::floor(clock_)) : first_time_;
    s.played = played_;
    s.total = total_;
    return s;
}

}  // namespace s3top
