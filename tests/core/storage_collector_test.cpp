// The StorageCollector gathers every batch's object-changing requests while the dashboard's
// costs apply them (read()): an add() meanwhile is interned at once, never waits, and a read
// computes over the events gathered when it began, as a fresh computation over them would.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <limits>
#include <numeric>
#include <random>
#include <thread>
#include <tuple>

#include "core/storage/object_table.hpp"
#include "core/storage/storage_collector.hpp"

namespace s3top {
namespace {

StorageLines one_put(std::string_view key, std::uint64_t size, std::uint64_t failed = 0) {
    StorageLines l;
    StorageLine s;
    s.time = 1709251200;
    s.size = size;
    s.has_size = true;
    s.op = StorageOp::Put;
    s.bucket = l.keep("b");
    s.key = l.keep(key);
    s.org = l.keep("acme");
    l.lines.push_back(s);
    l.failed = failed;
    return l;
}

TEST(StorageCollector, AnAddDuringAReadIsInternedAtOnceNotQueuedNorWaitedFor) {
    StorageCollector c;
    c.add(one_put("k1", 10));
    std::promise<void> added, holding;
    std::future<void> added_f = added.get_future();
    std::future<void> holding_f = holding.get_future();
    std::future<std::size_t> seen = std::async(std::launch::async, [&] {
        return c.read([&](const StorageView& events) {
            holding.set_value();
            // Ingest goes on while the costs compute: the add() below returns meanwhile.
            // (The wait only bounds a failure: an add() that waits for the read never returns.)
            EXPECT_EQ(added_f.wait_for(std::chrono::seconds(60)), std::future_status::ready)
                << "add() waited for read()";
            // ... and its lines were interned, not left queued for the next add() or read().
            EXPECT_EQ(c.queued(), 0u);
            return events.size();
        });
    });
    std::thread ingest([&] {
        holding_f.wait();  // the add() comes while read() computes
        c.add(one_put("k2", 20, 1));
        added.set_value();
    });
    EXPECT_EQ(seen.get(), 1u);  // what was added before
    ingest.join();
    EXPECT_EQ(c.size(), 2u);
    EXPECT_FALSE(c.empty());
    EXPECT_EQ(c.failed(), 1u);
    const StorageLines lines = c.lines();
    ASSERT_EQ(lines.lines.size(), 2u);
    EXPECT_EQ(lines.view(lines.lines[1].key), "k2");
    EXPECT_EQ(lines.view(lines.lines[1].org), "acme");
    EXPECT_EQ(lines.failed, 1u);
    c.read([](const StorageView& v) {
        ASSERT_EQ(v.size(), 2u);
        EXPECT_EQ(v.names->keys[v[1].bucket].view(v[1].key), "k2");
        EXPECT_EQ(v[1].size, 20u);
        EXPECT_EQ(v.failed, 1u);
    });
}

TEST(StorageCollector, AnEventKeepsWhatItWasGivenIn48Bytes) {
    StorageLines l = one_put("k", std::numeric_limits<std::uint64_t>::max());
    StorageLine& s = l.lines[0];
    s.time = 253402300799;  // 9999-12-31T23:59:59Z: the last second a log's time can say
    s.at = (std::uint64_t{1} << 47) - 1;
    s.part = std::numeric_limits<std::uint16_t>::max();
    s.op = StorageOp::Transition;
    s.to = StorageClass::ReducedRedundancy;
    StorageLine later = s;
    later.at = std::uint64_t{1} << 60;  // past what the event holds: ordered last of its second
    later.time = -86400;
    later.op = StorageOp::DeleteMarker;
    later.to = StorageClass::Standard;
    later.has_size = false;
    later.part = 0;
    later.size = 0;
    l.lines.push_back(later);
    StorageCollector c;
    c.add(l);
    c.read([](const StorageView& v) {
        ASSERT_EQ(v.size(), 2u);
        const StorageEvent& e = v[1];
        EXPECT_EQ(e.time, 253402300799);
        EXPECT_EQ(e.origin, (std::uint64_t{1} << 47) - 1);
        EXPECT_EQ(e.part, 65535u);
        EXPECT_EQ(e.op, StorageOp::Transition);
        EXPECT_EQ(e.to, StorageClass::ReducedRedundancy);
        EXPECT_TRUE(e.has_size);
        EXPECT_EQ(e.size, std::numeric_limits<std::uint64_t>::max());
        const StorageEvent& f = v[0];
        EXPECT_EQ(f.time, -86400);
        EXPECT_EQ(f.origin, StorageEvent::kMaxOrigin);
        EXPECT_EQ(f.op, StorageOp::DeleteMarker);
        EXPECT_FALSE(f.has_size);
        EXPECT_EQ(f.part, 0u);
    });
}

// Once the load is over (close()), a read hands the pools' own views of the names rather than
// copies: the copy a read made before is freed (16 bytes a key), and what is computed is the same.
TEST(StorageCollector, AReadAfterCloseLendsThePoolsViewsAndComputesTheSame) {
    StorageCollector c;
    for (int i = 0; i < 1000; ++i) c.add(one_put("key-" + std::to_string(i), 10 + static_cast<std::uint64_t>(i)));
    StorageSpec spec;
    spec.from = 1709251200;
    spec.to = spec.from + 86400;
    spec.by = {*parse_storage_dim("org"), *parse_storage_dim("prefix:1")};
    auto compute = [&](const StorageView& v) {
        const StorageResult r = compute_storage(spec, v);
        EXPECT_EQ(v.names->keys.at(1).view(v[999].key), "key-999");
        return std::pair(int128_decimal(r.totals.byte_seconds), r.groups.size());
    };
    const auto open = c.read(compute);
    const std::size_t copied = c.memory_bytes();
    c.close();
    const auto closed = c.read(compute);
    EXPECT_EQ(closed, open);
    EXPECT_EQ(open.second, 1000u);  // prefix:1 of "key-N" is the key itself
    EXPECT_LE(c.memory_bytes() + 1000 * sizeof(const char*), copied);
}

// extend_order sorts runs of a chunk on several threads and merges them in pieces cut at
// sampled pivots: over events that collide in time, path and offset, in three chunks and a bit,
// given at once and in uneven steps, the order is the one a single sort of every event gives.
TEST(StorageCollector, AnOrderMergedInPiecesIsTheOrderOfOneSort) {
    StorageNames names;
    std::vector<StorageEvent> events(3 * kEventChunk + 1234);
    std::mt19937 rng(7);
    const std::array<std::uint32_t, 4> paths = {names.paths.intern("z.log"), names.paths.intern("a.log"),
                                                names.paths.intern("m.log"), 0};
    for (StorageEvent& e : events) {
        e.set_time(1709251200 + static_cast<std::int64_t>(rng() % 5000));
        e.set_origin(rng() % 3);
        e.path = paths[rng() % paths.size()];
    }
    StorageNameViews views;
    names.copy_new(views);
    std::vector<const StorageEvent*> chunks;
    for (std::size_t i = 0; i < events.size(); i += kEventChunk) chunks.push_back(events.data() + i);
    // The order of one sort: time, then the path's text ("" first), then the offset, then the index.
    std::vector<std::uint32_t> expected(events.size());
    std::iota(expected.begin(), expected.end(), 0u);
    std::ranges::sort(expected, [&](std::uint32_t a, std::uint32_t b) {
        const StorageEvent &x = events[a], &y = events[b];
        return std::tuple(x.time, views.paths.view(x.path), x.origin, a) <
               std::tuple(y.time, views.paths.view(y.path), y.origin, b);
    });
    std::vector<std::uint32_t> order;
    extend_order(order, chunks, events.size(), views);
    EXPECT_EQ(order, expected);
    std::vector<std::uint32_t> stepped;
    for (const std::size_t n : {std::size_t{1}, std::size_t{70000}, 2 * kEventChunk + 5, events.size()}) {
        extend_order(stepped, chunks, n, views);
        ASSERT_EQ(stepped.size(), n);
    }
    EXPECT_EQ(stepped, expected);
}

/// Lines of puts, overwrites, deletes, transitions and multipart uploads of a few hundred keys
/// in three buckets, in seconds that collide, from files whose names sort before and after
/// the ones seen so far (so a later read ranks new paths between old ones).
StorageLines random_lines(std::mt19937& rng, int thread, int batch) {
    StorageLines l;
    static constexpr std::string_view kPaths[] = {"m.log", "c.log", "x.log", "a.log", "q.log", "0.log"};
    const std::string path = std::string(kPaths[std::min<std::size_t>(batch / 40, 5)]) + std::to_string(thread);
    for (int i = 0; i < 50; ++i) {
        StorageLine s;
        s.time = 1709251200 + batch * 20 + static_cast<std::int64_t>(rng() % 200);
        s.at = static_cast<std::uint64_t>(batch) * 1000 + static_cast<std::uint64_t>(i);
        const auto kind = static_cast<std::uint32_t>(rng() % 10);
        s.op = kind < 4   ? StorageOp::Put
               : kind < 6 ? StorageOp::Delete
               : kind < 7 ? StorageOp::Transition
               : kind < 9 ? StorageOp::PutPart
                          : StorageOp::Complete;
        if (s.op == StorageOp::Transition) s.to = StorageClass::Glacier;
        s.size = 1 + rng() % 100000;
        s.has_size = true;
        const std::string key = "k" + std::to_string(rng() % 300);
        s.bucket = l.keep("b" + std::to_string(rng() % 3));
        s.key = l.keep(key);
        s.org = l.keep("org" + std::to_string(rng() % 5));
        s.path = l.keep(path);
        if (s.op == StorageOp::PutPart || s.op == StorageOp::Complete) {
            s.upload = l.keep("u" + key);
            s.part = static_cast<std::uint16_t>(1 + rng() % 3);
        }
        l.lines.push_back(s);
    }
    return l;
}

/// Everything a storage result says per group and in its counts, as text.
std::string result_text(const StorageResult& r) {
    std::string out = std::to_string(r.stats.events) + " " + std::to_string(r.stats.unknown_object) + " " +
                      std::to_string(r.stats.parts_end) + "\n";
    for (const StorageGroup& g : r.groups) {
        for (const std::string& k : g.key) out += k + "/";
        out += " " + int128_decimal(g.byte_seconds) + " " + int128_decimal(g.billed_byte_seconds) + " " +
               int128_decimal(g.bytes_end) + " " + int128_decimal(g.objects_end) + " " + int128_decimal(g.peak_bytes) +
               "\n";
    }
    return out;
}

StorageSpec march_by_everything() {
    StorageSpec spec;
    spec.from = 1709251200;
    spec.to = spec.from + 31 * 86400;
    spec.by = {*parse_storage_dim("org"), *parse_storage_dim("class"), *parse_storage_dim("bucket")};
    spec.minimums[static_cast<std::size_t>(StorageClass::Glacier)] = StorageMinimum{90, 40960};
    return spec;
}

// Under TSan (tsan.StorageCollector.*): two threads add while reads compute; each read's result
// is what a fresh collector given the same first events computes.
TEST(StorageCollector, EachReadWhileTwoThreadsAddEqualsAFreshComputationOfItsPrefix) {
    StorageCollector c;
    std::atomic<int> adding = 2, reads = 0;
    auto ingest = [&](int thread) {
        std::mt19937 rng(static_cast<std::uint32_t>(thread));
        for (int batch = 0; batch < 240; ++batch) {
            while (reads.load() < batch / 20) std::this_thread::yield();  // so that reads come between adds
            c.add(random_lines(rng, thread, batch));
        }
        --adding;
    };
    std::jthread a(ingest, 0), b(ingest, 1);
    const StorageSpec spec = march_by_everything();
    std::vector<std::pair<std::size_t, std::string>> seen;  // events read, what was computed
    auto read = [&] {
        seen.push_back(c.read([&](const StorageView& events) {
            return std::pair{events.size(), result_text(compute_storage(spec, events))};
        }));
        ++reads;
    };
    while (adding > 0) read();
    a.join();
    b.join();
    read();
    const StorageLines all = c.lines();
    ASSERT_EQ(all.lines.size(), 2u * 240 * 50);
    std::size_t grew = 0;
    for (std::size_t i = 0; i < seen.size(); ++i) {
        const auto& [n, text] = seen[i];
        grew += i > 0 && n > seen[i - 1].first;
        StorageLines first = all;
        first.lines.resize(n);
        StorageCollector fresh;
        fresh.add(first);
        EXPECT_EQ(fresh.read([&](const StorageView& events) { return result_text(compute_storage(spec, events)); }),
                  text)
            << "the read of " << n << " events";
    }
    EXPECT_GT(grew, 0u);  // the first read came after 2,000 events at most
}

}  // namespace
}  // namespace s3top
