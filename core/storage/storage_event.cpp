#include "core/storage/storage_event.hpp"

#include <algorithm>
#include <numeric>
#include <thread>
#include <tuple>

#include "core/util/parallel_for.hpp"

namespace s3top {
namespace {

void note_null_version(const StringPool& versions, StorageNameViews& v) {
    if (v.null_version == 0)
        if (const auto id = versions.find("null")) v.null_version = *id;
}

/// What events are ordered by; `index` (the event's own) makes every key distinct.
struct OrderKey {
    std::int64_t time = 0;
    std::uint64_t origin = 0;
    std::uint32_t rank = 0, index = 0;
    friend bool operator<(const OrderKey& a, const OrderKey& b) {
        return std::tie(a.time, a.rank, a.origin, a.index) < std::tie(b.time, b.rank, b.origin, b.index);
    }
};

/// Each path id's rank among the paths' texts, so that ordering two events compares numbers.
/// A path added later takes a rank between the old ones: their order among themselves stays.
std::vector<std::uint32_t> path_ranks(const StorageNameViews::List& paths) {
    std::vector<std::uint32_t> by_text(paths.size());
    std::iota(by_text.begin(), by_text.end(), 0u);
    std::sort(by_text.begin(), by_text.end(),
              [&](std::uint32_t a, std::uint32_t b) { return paths.view(a) < paths.view(b); });
    std::vector<std::uint32_t> rank(by_text.size());
    for (std::uint32_t r = 0; r < by_text.size(); ++r) rank[by_text[r]] = r;
    return rank;
}

/// A sorted run of `src`: [begin, end).
struct Run {
    std::size_t begin, end;
};

/// Merges the sorted `runs` of `src` into `out` (room for all of them), by `less`. A run goes on
/// until it passes the next run's head, so runs that do not overlap cost one compare an event.
template <class Less>
void merge_runs(const std::vector<std::uint32_t>& src, std::vector<Run> runs, std::uint32_t* out, Less less) {
    auto later = [&](const Run& a, const Run& b) { return less(src[b.begin], src[a.begin]); };
    std::erase_if(runs, [](const Run& r) { return r.begin == r.end; });
    std::make_heap(runs.begin(), runs.end(), later);  // a min-heap by each run's head
    while (!runs.empty()) {
        std::pop_heap(runs.begin(), runs.end(), later);
        Run c = runs.back();
        runs.pop_back();
        if (runs.empty()) {
            std::copy(src.begin() + static_cast<std::ptrdiff_t>(c.begin),
                      src.begin() + static_cast<std::ptrdiff_t>(c.end), out);
            return;
        }
        const std::uint32_t bound = src[runs.front().begin];
        do *out++ = src[c.begin++];
        while (c.begin < c.end && less(src[c.begin], bound));
        if (c.begin < c.end) {
            runs.push_back(c);
            std::push_heap(runs.begin(), runs.end(), later);
        }
    }
}

/// The sorted `runs` of `src` merged into one, in `parts` pieces merged on as many threads: each
/// piece holds the events between two pivots sampled from the runs, cut out of every run.
template <class Less>
std::vector<std::uint32_t> merge_runs_parallel(const std::vector<std::uint32_t>& src, const std::vector<Run>& runs,
                                               std::size_t parts, Less less) {
    std::vector<std::uint32_t> sample;
    for (const Run& r : runs)
        for (std::size_t j = 1; j < parts; ++j)
            if (r.begin < r.end) sample.push_back(src[r.begin + (r.end - r.begin) * j / parts]);
    std::sort(sample.begin(), sample.end(), less);
    // piece[p][k]: run k's events of piece p; piece p starts in `out` after pieces 0 to p - 1.
    std::vector<std::vector<Run>> piece(parts, runs);
    for (std::size_t k = 0; k < runs.size(); ++k) {
        std::size_t cut = runs[k].begin;
        for (std::size_t p = 0; p + 1 < parts; ++p) {
            const std::uint32_t pivot = sample.empty() ? 0 : sample[sample.size() * (p + 1) / parts];
            const auto first = src.begin() + static_cast<std::ptrdiff_t>(cut);
            const auto last = src.begin() + static_cast<std::ptrdiff_t>(runs[k].end);
            const std::size_t next =
                sample.empty() ? runs[k].end
                               : static_cast<std::size_t>(std::lower_bound(first, last, pivot, less) - src.begin());
            piece[p][k] = Run{cut, next};
            cut = next;
        }
        piece[parts - 1][k] = Run{cut, runs[k].end};
    }
    std::vector<std::size_t> start(parts + 1, 0);
    for (std::size_t p = 0; p < parts; ++p) {
        start[p + 1] = start[p];
        for (const Run& r : piece[p]) start[p + 1] += r.end - r.begin;
    }
    std::vector<std::uint32_t> out(start[parts]);
    parallel_for("s3top-merge", parts, 2, 1,
                 [&](std::size_t p) { merge_runs(src, piece[p], out.data() + start[p], less); });
    return out;
}

}  // namespace

void StorageNames::copy_new(StorageNameViews& v) const {
    v.orgs.copy_new(orgs);
    v.buckets.copy_new(buckets);
    v.paths.copy_new(paths);
    if (v.keys.size() < keys.size()) v.keys.resize(keys.size());
    for (std::size_t b = 0; b < keys.size(); ++b) v.keys[b].copy_new(keys[b]);
    note_null_version(versions, v);
}

std::size_t StorageNames::memory_bytes() const {
    std::size_t n = orgs.memory_bytes() + buckets.memory_bytes() + uploads.memory_bytes() + versions.memory_bytes() +
                    paths.memory_bytes();
    for (const StringPool& k : keys) n += k.memory_bytes();
    return n + keys.capacity() * sizeof(StringPool);
}

void StorageNames::lend(StorageNameViews& v) const {
    v.orgs.borrow(orgs);
    v.buckets.borrow(buckets);
    v.paths.borrow(paths);
    if (v.keys.size() < keys.size()) v.keys.resize(keys.size());
    for (std::size_t b = 0; b < keys.size(); ++b) v.keys[b].borrow(keys[b]);
    note_null_version(versions, v);
}

void StorageNameViews::List::copy_new(const StringPool& pool) {
    if (pool.size() <= size_) return;  // nothing new (and a borrowed table stays borrowed)
    for (auto id = static_cast<std::uint32_t>(size_); id < pool.size(); ++id) own_.push_back(pool.stored(id));
    data_ = own_.data();
    size_ = own_.size();
}

void StorageNameViews::List::borrow(const StringPool& pool) {
    std::vector<const char*>().swap(own_);  // freed, not just emptied
    const StoredViews all = pool.views();
    data_ = all.data();
    size_ = all.size();
}

std::optional<std::uint32_t> StorageNameViews::bucket(std::string_view name) const {
    const StoredViews all = buckets.views();
    for (std::uint32_t id = 1; id < all.size(); ++id)
        if (all[id] == name) return id;
    return std::nullopt;
}

std::size_t StorageNameViews::memory_bytes() const {
    std::size_t n = orgs.memory_bytes() + buckets.memory_bytes() + paths.memory_bytes();
    for (const List& k : keys) n += k.memory_bytes();
    return n + keys.capacity() * sizeof(List);
}

void extend_order(std::vector<std::uint32_t>& order, std::span<const StorageEvent* const> chunks, std::size_t n,
                  const StorageNameViews& names) {
    const std::size_t old = order.size();
    if (n <= old) return;
    const std::vector<std::uint32_t> rank = path_ranks(names.paths);
    auto key_of = [&](std::uint32_t i) {
        const StorageEvent& e = chunks[i >> kEventChunkBits][i & (kEventChunk - 1)];
        return OrderKey{e.time, e.origin, e.path < rank.size() ? rank[e.path] : 0, i};
    };
    // The new events sorted in runs of a chunk at most (on every core), by keys copied out
    // (compact, and no rank looked up per compare), after the old order: the first run.
    std::vector<Run> runs;
    if (old) runs.push_back(Run{0, old});
    for (std::size_t b = old; b < n;) {
        const std::size_t e = std::min(n, (b / kEventChunk + 1) * kEventChunk);
        runs.push_back(Run{b, e});
        b = e;
    }
    order.resize(n);
    parallel_for("s3top-sort", runs.size() - (old ? 1 : 0), 2, 1, [&](std::size_t k) {
        const Run r = runs[k + (old ? 1 : 0)];
        std::vector<OrderKey> keys;
        keys.reserve(r.end - r.begin);
        for (std::size_t i = r.begin; i < r.end; ++i) keys.push_back(key_of(static_cast<std::uint32_t>(i)));
        std::sort(keys.begin(), keys.end());
        for (std::size_t i = 0; i < keys.size(); ++i) order[r.begin + i] = keys[i].index;
    });
    if (runs.size() < 2) return;
    // Merged in as many pieces as there are cores (at most 8), when there are enough events.
    const std::size_t cores = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
    const std::size_t parts = n - old >= kEventChunk ? cores : 1;
    order = merge_runs_parallel(order, runs, parts,
                                [&](std::uint32_t a, std::uint32_t b) { return key_of(a) < key_of(b); });
}

SortedEvents::SortedEvents(const StorageNames& names, const std::vector<StorageEvent>& events, std::uint64_t failed)
    : failed_(failed) {
    names.copy_new(names_);
    for (std::size_t i = 0; i < events.size(); i += kEventChunk) chunks_.push_back(events.data() + i);
    extend_order(order_, chunks_, events.size(), names_);
}

}  // namespace s3top
