// The StorageCollector gathers every batch's object-changing requests while the dashboard's
// costs apply them (locked()): an add() meanwhile is queued, never waits, and is counted once.
#include <gtest/gtest.h>

#include <future>
#include <thread>

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

TEST(StorageCollector, AddDuringLockedIsQueuedNotWaitedFor) {
    StorageCollector c;
    c.add(one_put("k1", 10));
    std::promise<void> added, holding;
    std::future<void> added_f = added.get_future();
    std::future<void> holding_f = holding.get_future();
    std::future<std::size_t> seen = std::async(std::launch::async, [&] {
        return c.locked([&](StorageNames&, std::vector<StorageEvent>& events, std::uint64_t) {
            holding.set_value();
            // Ingest goes on while the costs hold the events: the add() below returns meanwhile.
            // (The wait only bounds a failure: an add() that waits for this lock never returns.)
            EXPECT_EQ(added_f.wait_for(std::chrono::seconds(60)), std::future_status::ready)
                << "add() waited for locked()";
            return events.size();
        });
    });
    std::thread ingest([&] {
        holding_f.wait();  // the add() comes while locked() holds the events
        c.add(one_put("k2", 20, 1));
        added.set_value();
    });
    EXPECT_EQ(seen.get(), 1u);  // what was added before
    ingest.join();
    // Queued, it is still seen, once: by the accessors, and as lines.
    EXPECT_FALSE(c.empty());
    EXPECT_EQ(c.failed(), 1u);
    const StorageLines lines = c.lines();
    ASSERT_EQ(lines.lines.size(), 2u);
    EXPECT_EQ(lines.view(lines.lines[1].key), "k2");
    EXPECT_EQ(lines.view(lines.lines[1].org), "acme");
    EXPECT_EQ(lines.failed, 1u);
    ASSERT_EQ(c.events().size(), 2u);
    EXPECT_EQ(c.names().keys[c.events()[1].bucket].view(c.events()[1].key), "k2");
    EXPECT_EQ(c.events()[1].size, 20u);
    EXPECT_EQ(c.locked([](StorageNames&, std::vector<StorageEvent>& e, std::uint64_t f) { return e.size() + f; }), 3u);
}

}  // namespace
}  // namespace s3top
