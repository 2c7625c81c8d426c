#pragma once
// Gathers the storage lines of every batch a load produces (from its parse workers, in any
// order) as events with interned strings, to be sorted into time order and applied once the
// load is done.
#include <cstdint>
#include <mutex>
#include <vector>

#include "core/storage/storage_event.hpp"
#include "core/storage/storage_lines.hpp"

namespace s3top {

class StorageCollector {
public:
    /// Interns `lines` (a batch's, or a state file's) and keeps them as events. Thread-safe, and
    /// never waits for locked() (the dashboard's costs) nor for another add(): when the collector
    /// is busy the lines are queued, and interned by the next add() or locked() that finds it
    /// free (or by names(), events(), failed() and lines(), which see them either way).
    void add(const StorageLines& lines) { add(StorageLines(lines)); }
    void add(StorageLines&& lines);

    /// The events gathered, as lines (each distinct string once in the text): what a state
    /// file's snapshot keeps, and add() takes back. Not thread-safe against add().
    StorageLines lines() const;
    bool empty() const;

    /// Calls `f(names, events, failed)` with every line added so far interned, while no add()
    /// interns more (an add() meanwhile is queued: ingest goes on); returns what `f` returns.
    template <class F>
    auto locked(F&& f) {
        std::lock_guard l(mutex_);
        intern_queued();
        return f(names_, events_, failed_);
    }

    /// The names and the events gathered (unsorted); not thread-safe against add().
    StorageNames& names() {
        settle();
        return names_;
    }
    std::vector<StorageEvent>& events() {
        settle();
        return events_;
    }
    std::uint64_t failed() const;

private:
    /// Interns `lines` into names_ and events_; mutex_ held.
    void intern(const StorageLines& lines);
    /// Interns what add() queued; mutex_ held.
    void intern_queued();
    /// Interns what is queued (for the accessors, once the load is done).
    void settle() {
        std::lock_guard l(mutex_);
        intern_queued();
    }

    std::mutex mutex_;  ///< names_, events_, failed_
    StorageNames names_;
    std::vector<StorageEvent> events_;
    std::uint64_t failed_ = 0;
    mutable std::mutex queue_mutex_;    ///< queued_
    std::vector<StorageLines> queued_;  ///< added while the collector was busy, not interned yet
};

}  // namespace s3top
