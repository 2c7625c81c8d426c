// The state file keeps the object-changing requests (`storage`, `bill`): a run with a state
// gathers the same events as one that reads everything, through restarts, new and grown files,
// compaction and a write torn by a crash; events of the same second keep one order whichever
// run read their files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "core/ingest/state_records.hpp"
#include "core/ingest/state_store.hpp"
#include "core/parse/s3_access_log.hpp"
#include "core/storage/object_table.hpp"
#include "core/storage/storage_collector.hpp"
#include "support/ingest_run.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kMar = 1709251200;  // 2024-03-01T00:00:00Z

/// An S3 access log line: `op` on `key` at second `sec` of 2024-03-01 00:00, by `org`.
std::string line(const std::string& op, const std::string& key, int sec, const std::string& org,
                 std::uint64_t size = 1000) {
    const int m = sec / 60 % 60, s = sec % 60;
    const std::string method = op.find("DELETE") != std::string::npos ? "DELETE" : "PUT";
    return "o bucket [01/Mar/2024:00:" + std::string(m < 10 ? "0" : "") + std::to_string(m) + ":" +
           std::string(s < 10 ? "0" : "") + std::to_string(s) + " +0000] 10.0.0.1 arn:u R" + std::to_string(sec) + " " +
           op + " " + key + " \"" + method + " /bucket/" + key + "?org=" + org + " HTTP/1.1\" 200 - - " +
           std::to_string(size) + " 5 4 \"-\" \"ua\" -\n";
}

std::string puts(const std::string& org, int n, int from_sec) {
    std::string s;
    for (int i = 0; i < n; ++i)
        s += line(i % 3 == 2 ? "REST.DELETE.OBJECT" : "REST.PUT.OBJECT", "k" + std::to_string(i % 7), from_sec + i, org,
                  100 + static_cast<std::uint64_t>(i));
    return s;
}

/// Every event gathered, in the order they are applied, as text.
std::vector<std::string> events_text(StorageCollector& c) {
    std::vector<std::string> out;
    c.read([&](const StorageView& v) {
        const StorageNameViews& n = *v.names;
        for (std::size_t i = 0; i < v.size(); ++i) {
            const StorageEvent& e = v[i];
            out.push_back(std::to_string(e.time) + " " + std::string(n.buckets.view(e.bucket)) + "/" +
                          std::string(n.keys[e.bucket].view(e.key)) + " " + std::string(n.orgs.view(e.org)) + " " +
                          std::to_string(static_cast<int>(e.op)) + " " + std::to_string(e.size) + " " +
                          std::string(n.paths.view(e.path)) + "@" + std::to_string(e.origin));
        }
    });
    return out;
}

/// Byte-seconds and bytes at the end per org over March.
std::vector<std::string> storage_text(StorageCollector& c) {
    StorageSpec spec;
    spec.from = kMar;
    spec.to = kMar + 31 * 86400;
    const StorageResult r = c.read([&](const StorageView& events) { return compute_storage(spec, events); });
    std::vector<std::string> out;
    for (const StorageGroup& g : r.groups)
        out.push_back(g.key.at(0) + " " + int128_decimal(g.byte_seconds) + " " + int128_decimal(g.bytes_end));
    return out;
}

class StorageStateTest : public ::testing::Test {
protected:
    test::TempDir tmp;
    fs::path logs() const { return tmp.path() / "logs"; }
    fs::path state() const { return tmp.path() / "state" / "x.state"; }

    struct Run {
        std::shared_ptr<StorageCollector> storage = std::make_shared<StorageCollector>();
        std::size_t files_read = 0;
        std::vector<std::string> notes;
    };
    /// One run over logs(), with the state file or without (`fresh`).
    Run run(bool fresh = false, const std::function<void(StateStore&)>& before = {}) {
        Run out;
        test::IngestRun how;
        if (!fresh) how.state = state();
        how.fingerprint = 11;
        how.engine.storage = out.storage;
        how.engine.stream = ReportSpec{};
        how.before = before;
        auto r = test::ingest_and_report({logs().string()}, how);
        for (const auto& f : r.result.load.files) out.files_read += f.bytes > 0;
        out.notes = std::move(r.notes);
        return out;
    }
    void expect_as_fresh(Run& with_state) {
        Run fresh = run(true);
        EXPECT_EQ(events_text(*with_state.storage), events_text(*fresh.storage));
        EXPECT_EQ(storage_text(*with_state.storage), storage_text(*fresh.storage));
        EXPECT_EQ(with_state.storage->failed(), fresh.storage->failed());
    }
};

TEST_F(StorageStateTest, RestartsGatherWhatAFreshRunGathers) {
    tmp.write("logs/a.log", puts("acme", 40, 0));
    tmp.write("logs/b.log", puts("beta", 30, 10) + line("REST.PUT.OBJECT", "x", 50, "beta", 7));
    Run first = run();
    EXPECT_EQ(first.files_read, 2u);
    ASSERT_NE(first.storage->size(), 0u);
    expect_as_fresh(first);

    Run again = run();
    EXPECT_EQ(again.files_read, 0u);  // nothing read: every event comes from the state
    expect_as_fresh(again);

    // A grown file and a new one: read alone, the rest from the state.
    {
        std::ofstream out(logs() / "a.log", std::ios::binary | std::ios::app);
        out << puts("acme", 9, 200);
    }
    tmp.write("logs/c.log", puts("gamma", 12, 5));
    Run grown = run();
    EXPECT_EQ(grown.files_read, 2u);
    expect_as_fresh(grown);

    // Compacted: the snapshot keeps every event, and later batches follow it.
    Run compacted = run(false, [](StateStore& s) { ASSERT_TRUE(test::ok(s.compact())); });
    EXPECT_EQ(compacted.files_read, 0u);
    expect_as_fresh(compacted);
    Run after = run();
    EXPECT_EQ(after.files_read, 0u);
    expect_as_fresh(after);
    tmp.write("logs/d.log", puts("delta", 5, 300));
    Run later = run();
    EXPECT_EQ(later.files_read, 1u);
    expect_as_fresh(later);
}

// A file read in an earlier run and one read now with an event of the same second on the same
// key: applied in the order of their paths, as a run that reads both applies them.
TEST_F(StorageStateTest, SameSecondEventsKeepTheOrderOfTheirPaths) {
    tmp.write("logs/b.log", line("REST.PUT.OBJECT", "k", 30, "acme", 500));
    Run first = run();
    EXPECT_EQ(first.files_read, 1u);
    tmp.write("logs/a.log", line("REST.DELETE.OBJECT", "k", 30, "acme", 500));
    Run second = run();
    EXPECT_EQ(second.files_read, 1u);
    // a.log's delete, then b.log's put: stored from 00:00:30 to the end of March.
    const std::vector<std::string> stored = storage_text(*second.storage);
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0], "acme " + std::to_string(500 * (31 * 86400 - 30)) + " 500");
    expect_as_fresh(second);
}

// The Storage record counts only with the Batch record written after it: a crash that tore the
// batch leaves no event of it (its lines are read again, and would otherwise count twice).
TEST_F(StorageStateTest, AStorageRecordWithoutItsBatchCountsNothing) {
    const std::string text = line("REST.PUT.OBJECT", "k", 1, "acme", 500) + line("REST.PUT.OBJECT", "j", 2, "acme", 9);
    BatchBuilder builder(OrgSource{}, DimMask{});
    builder.keep_storage_lines(true);
    std::uint64_t at = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t nl = text.find('\n', pos);
        const auto rec = parse_s3_access_log(std::string_view(text).substr(pos, nl - pos));
        ASSERT_TRUE(rec.has_value());
        builder.add(*rec, "f.log", at);
        at = pos = nl + 1;
    }
    const Batch batch = builder.take();
    ASSERT_EQ(batch.storage.lines.size(), 2u);
    std::uint64_t before = 0, after = 0;
    auto open = [&](StorageCollector& into) {
        EngineConfig cfg;
        cfg.storage = std::shared_ptr<StorageCollector>(&into, [](StorageCollector*) {});
        Engine engine(cfg);
        Ledger ledger;
        std::vector<std::string> notes;
        auto store = std::make_unique<StateStore>();
        EXPECT_TRUE(test::ok(store->open(state(), 5, engine, ledger, notes)));
        return store;
    };
    {
        StorageCollector c;
        auto store = open(c);
        before = store->size();
        ASSERT_TRUE(test::ok(store->append_batch(batch, {}, {})));
        after = store->size();
    }
    {
        StorageCollector c;
        open(c);
        EXPECT_EQ(c.size(), 2u);  // whole: both kept
    }
    fs::resize_file(state(), after - 3);  // the Batch record's end torn off
    {
        StorageCollector c;
        open(c);
        EXPECT_EQ(c.size(), 0u);
        EXPECT_EQ(fs::file_size(state()), before);  // cut back to before the write
    }
}

}  // namespace
}  // namespace s3top
