#pragma once
// Gathers the storage lines of every batch a load produces (from its parse workers, in any
// order) as events with interned strings, to be sorted into time order and applied, once the
// load is done or (the dashboard's costs) over what was gathered so far while the load goes on.
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "core/storage/storage_event.hpp"
#include "core/storage/storage_lines.hpp"

namespace s3top {

class StorageCollector {
public:
    StorageCollector();
    ~StorageCollector();

    /// Interns `lines` (a batch's, or a state file's) and keeps them as events. Thread-safe, and
    /// never waits for read() (the dashboard's costs) nor for another add(): when another add()
    /// is interning, the lines are queued, and interned by the next add() or read() that finds
    /// the collector free (or by names(), lines() and size(), which see them either way).
    void add(const StorageLines& lines) { add(StorageLines(lines)); }
    void add(StorageLines&& lines);

    /// The events gathered, as lines in the order they were interned (each distinct string once
    /// in the text): what a state file's snapshot keeps, and add() takes back. Not thread-safe
    /// against add().
    StorageLines lines() const;
    bool empty() const;
    /// Events interned so far (what queued() holds not included).
    std::size_t size() const;
    /// Lines added but not interned yet (another add() was interning).
    std::size_t queued() const;
    std::uint64_t failed() const;

    /// Calls `f(view)` with every line added so far in a StorageView (in the order they are
    /// applied) and returns what `f` returns. The lock is held only to note how many events
    /// there are and to copy the new names' views: the new events are sorted, and `f` runs,
    /// while add() goes on interning (events never move; `f` reads none added after). One
    /// read() at a time.
    template <class F>
    auto read(F&& f) {
        std::lock_guard r(read_mutex_);
        return f(prefix());
    }

    /// Says that no add() comes any more (the load is over): reads from now on hand the
    /// pools' own views of the names, not copies (16 bytes a key less). add() must not follow.
    void close();

    /// The names gathered, to intern an inventory's before the load; not thread-safe against add().
    StorageNames& names();

    /// Bytes held by the events, their names and the read side's order and views.
    std::size_t memory_bytes() const;

private:
    /// Interns `lines` into names_ and the events; mutex_ held.
    void intern(const StorageLines& lines);
    /// Interns what add() queued; mutex_ held.
    void intern_queued();
    StorageEvent& next_event();  ///< a new event at the end; mutex_ held
    StorageEvent& event(std::size_t i) const { return chunks_[i >> kEventChunkBits][i & (kEventChunk - 1)]; }
    /// The view read() hands over; read_mutex_ held.
    StorageView prefix();

    mutable std::mutex mutex_;  ///< names_, chunks_, size_, failed_
    StorageNames names_;
    std::vector<std::unique_ptr<StorageEvent[]>> chunks_;
    std::size_t size_ = 0;
    std::uint64_t failed_ = 0;
    mutable std::mutex queue_mutex_;    ///< queued_
    std::vector<StorageLines> queued_;  ///< added while the collector was busy, not interned yet
    /// The read side: views of names_ and the chunks as of the last read(), the apply order of
    /// that many events. read_mutex_ held, never mutex_ (but for the moment prefix() notes them).
    std::mutex read_mutex_;
    StorageNameViews views_;
    std::vector<const StorageEvent*> read_chunks_;
    std::vector<std::uint32_t> order_;
    bool closed_ = false;  ///< close() was called; mutex_
};

}  // namespace s3top
