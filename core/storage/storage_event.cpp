#include "core/storage/storage_event.hpp"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace s3top {
namespace {

void copy_new_views(const StringPool& pool, StorageNameViews::List& list) {
    for (auto id = static_cast<std::uint32_t>(list.views.size()); id < pool.size(); ++id)
        list.views.push_back(pool.view(id));
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

/// Merges the sorted runs of `src` ([runs[k], runs[k + 1])) into one, by `less`. A run goes on
/// until it passes the next run's head, so runs that do not overlap cost one compare an event.
template <class Less>
std::vector<std::uint32_t> merge_runs(const std::vector<std::uint32_t>& src, const std::vector<std::size_t>& runs,
                                      Less less) {
    std::vector<std::uint32_t> out;
    out.reserve(src.size());
    struct Cursor {
        std::size_t pos, end;
    };
    std::vector<Cursor> heap;  // a min-heap by each run's head
    auto later = [&](const Cursor& a, const Cursor& b) { return less(src[b.pos], src[a.pos]); };
    for (std::size_t k = 0; k + 1 < runs.size(); ++k)
        if (runs[k] < runs[k + 1]) heap.push_back(Cursor{runs[k], runs[k + 1]});
    std::make_heap(heap.begin(), heap.end(), later);
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), later);
        Cursor c = heap.back();
        heap.pop_back();
        if (heap.empty()) {
            out.insert(out.end(), src.begin() + static_cast<std::ptrdiff_t>(c.pos),
                       src.begin() + static_cast<std::ptrdiff_t>(c.end));
            break;
        }
        const std::uint32_t bound = src[heap.front().pos];
        do out.push_back(src[c.pos++]);
        while (c.pos < c.end && less(src[c.pos], bound));
        if (c.pos < c.end) {
            heap.push_back(c);
            std::push_heap(heap.begin(), heap.end(), later);
        }
    }
    return out;
}

}  // namespace

void StorageNames::copy_new(StorageNameViews& v) const {
    copy_new_views(orgs, v.orgs);
    copy_new_views(buckets, v.buckets);
    copy_new_views(paths, v.paths);
    if (v.keys.size() < keys.size()) v.keys.resize(keys.size());
    for (std::size_t b = 0; b < keys.size(); ++b) copy_new_views(keys[b], v.keys[b]);
    if (v.null_version == 0)
        if (const auto id = versions.find("null")) v.null_version = *id;
}

std::size_t StorageNames::memory_bytes() const {
    std::size_t n = orgs.memory_bytes() + buckets.memory_bytes() + uploads.memory_bytes() + versions.memory_bytes() +
                    paths.memory_bytes();
    for (const StringPool& k : keys) n += k.memory_bytes();
    return n + keys.capacity() * sizeof(StringPool);
}

std::optional<std::uint32_t> StorageNameViews::bucket(std::string_view name) const {
    const auto it = std::find(buckets.views.begin() + 1, buckets.views.end(), name);
    if (it == buckets.views.end()) return std::nullopt;
    return static_cast<std::uint32_t>(it - buckets.views.begin());
}

std::size_t StorageNameViews::memory_bytes() const {
    std::size_t n =
        (orgs.views.capacity() + buckets.views.capacity() + paths.views.capacity()) * sizeof(std::string_view);
    for (const List& k : keys) n += k.views.capacity() * sizeof(std::string_view);
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
    // The new events sorted in runs of a chunk at most, by keys copied out (compact, and no
    // rank looked up per compare), after the old order: the first run.
    std::vector<std::size_t> runs{0};
    if (old) runs.push_back(old);
    order.reserve(n);
    std::vector<OrderKey> keys;
    for (std::size_t b = old; b < n;) {
        const std::size_t e = std::min(n, (b / kEventChunk + 1) * kEventChunk);
        keys.clear();
        for (std::size_t i = b; i < e; ++i) keys.push_back(key_of(static_cast<std::uint32_t>(i)));
        std::sort(keys.begin(), keys.end());
        for (const OrderKey& k : keys) order.push_back(k.index);
        runs.push_back(e);
        b = e;
    }
    if (runs.size() > 2)
        order = merge_runs(order, runs, [&](std::uint32_t a, std::uint32_t b) { return key_of(a) < key_of(b); });
}

SortedEvents::SortedEvents(const StorageNames& names, const std::vector<StorageEvent>& events, std::uint64_t failed)
    : failed_(failed) {
    names.copy_new(names_);
    for (std::size_t i = 0; i < events.size(); i += kEventChunk) chunks_.push_back(events.data() + i);
    extend_order(order_, chunks_, events.size(), names_);
}

}  // namespace s3top
