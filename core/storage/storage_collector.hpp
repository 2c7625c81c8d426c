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
    /// Interns `lines` (a batch's, or a state file's) and keeps them as events. Thread-safe.
    void add(const StorageLines& lines);

    /// The events gathered, as lines (each distinct string once in the text): what a state
    /// file's snapshot keeps, and add() takes back. Not thread-safe against add().
    StorageLines lines() const;
    bool empty() const { return events_.empty() && failed_ == 0; }

    /// Calls `f(names, events, failed)` while no add() runs (the dashboard computes storage as
    /// ingest goes on); returns what `f` returns.
    template <class F>
    auto locked(F&& f) {
        std::lock_guard l(mutex_);
        return f(names_, events_, failed_);
    }

    /// The names and the events gathered (unsorted); not thread-safe against add().
    StorageNames& names() { return names_; }
    std::vector<StorageEvent>& events() { return events_; }
    std::uint64_t failed() const { return failed_; }

private:
    std::mutex mutex_;
    StorageNames names_;
    std::vector<StorageEvent> events_;
    std::uint64_t failed_ = 0;
};

}  // namespace s3top
