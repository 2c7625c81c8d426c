// Batches sent to a database (s3top ingest --to clickhouse://): a Pending record before the
// insert counts only once a Resolved record (or, after a crash, the resolver) says it landed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "core/ingest/ingestor.hpp"
#include "core/ingest/inputs.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

namespace fs = std::filesystem;

std::string lines(int n) {
    std::string s;
    for (int i = 0; i < n; ++i)
        s += "b19c5acf04bde8335e181211ba6f7ff3 bucket [01/Mar/2024:00:00:0" + std::to_string(i % 10) +
             " +0000] 10.0.0.1 - 235C7E3C30A0693F REST.GET.OBJECT k \"GET /bucket/k?org=acme HTTP/1.1\" 200 - 100 100 "
             "24 20 \"-\" \"curl\" -\n";
    return s;
}

struct Outcome {
    std::uint64_t hook_rows = 0;      ///< rows the hook was given
    std::vector<PendingBatch> asked;  ///< batches the resolver was asked about
    std::uint64_t lines_read = 0;     ///< the engine's lines after the run
    IngestResult result;
    IoStatus opened;
    bool pending_synced = true;  ///< each Pending record was flushed to disk before the "insert"
};

/// One ingest of `dir` with the state `state`. The hook records each batch as Pending and then
/// either resolves it (`ack`) or fails as an insert with no answer would. `landed` answers
/// the resolver (nullopt: no resolver set).
Outcome run(const fs::path& dir, const fs::path& state, bool ack,
            std::optional<std::expected<bool, std::string>> landed = std::nullopt, bool allow_rebuild = true,
            std::uint64_t fingerprint = 7, std::optional<std::uint64_t> former = std::nullopt,
            bool answer_after_the_load = false) {
    Outcome out;
    EngineConfig cfg;
    Engine engine(cfg);
    LoaderOptions lo;
    lo.workers = 1;
    Ingestor ing(engine, lo);
    ing.state().allow_rebuild(allow_rebuild);
    if (former) ing.state().accept_former_fingerprint(*former);
    if (landed) {
        ing.state().set_pending_resolver([&out, landed](const PendingBatch& p) {
            out.asked.push_back(p);
            return *landed;
        });
    }
    std::vector<std::string> notes;
    out.opened = ing.open_state(state, fingerprint, notes);
    if (!out.opened) return out;
    std::uint64_t next_id = 100;
    ing.set_commit_hook([&](Batch&& b, std::vector<Span>&& spans, const std::vector<PlannedJob>& jobs) -> IoStatus {
        out.hook_rows += b.columns.size();
        PendingBatch p{next_id++, {{0, b.columns.size(), 0, 0}}};
        Batch counters;
        counters.counters = b.counters;
        const std::uint32_t syncs = ing.state().syncs();
        if (IoStatus s = ing.state().append_pending(p, counters, spans, jobs); !s) return s;
        out.pending_synced &= ing.state().syncs() == syncs + 1;
        if (answer_after_the_load) return {};  // still under way: the drain says how it ended
        if (!ack) return std::unexpected(IoError{IoError::Code::Write, "db", 0, "no answer"});
        if (IoStatus s = ing.state().append_resolved(p.id, true); !s) return s;
        engine.append(std::move(counters));
        return {};
    });
    if (answer_after_the_load)
        ing.set_commit_drain(
            [] { return IoStatus(std::unexpected(IoError{IoError::Code::Write, "db", 0, "refused"})); });
    std::vector<InputProblem> problems;
    out.result = ing.ingest(collect_inputs({dir.string()}, problems), false);
    out.lines_read = engine.lines().read;
    return out;
}

TEST(PendingBatch, AnAcknowledgedBatchIsNotSentAgain) {
    test::TempDir tmp;
    tmp.write("logs/a", lines(10));
    const fs::path state = tmp.path() / "state" / "s";
    Outcome first = run(tmp.path() / "logs", state, true);
    EXPECT_EQ(first.hook_rows, 10u);
    EXPECT_FALSE(first.result.commit_error);
    EXPECT_TRUE(first.pending_synced) << "the Pending record is on the disk before the insert (#18)";
    Outcome again = run(tmp.path() / "logs", state, true, std::expected<bool, std::string>(false));
    EXPECT_EQ(again.hook_rows, 0u);
    EXPECT_TRUE(again.asked.empty()) << "a resolved batch is never looked up";
    EXPECT_EQ(again.lines_read, 10u);
}

TEST(PendingBatch, ABatchLeftPendingThatLandedCountsWithoutBeingSentAgain) {
    test::TempDir tmp;
    tmp.write("logs/a", lines(10));
    const fs::path state = tmp.path() / "state" / "s";
    Outcome crashed = run(tmp.path() / "logs", state, false);
    EXPECT_EQ(crashed.hook_rows, 10u);
    ASSERT_TRUE(crashed.result.commit_error);
    EXPECT_EQ(crashed.lines_read, 0u) << "not counted before it is known to have landed";
    Outcome next = run(tmp.path() / "logs", state, true, std::expected<bool, std::string>(true));
    ASSERT_TRUE(test::ok(next.opened));
    ASSERT_EQ(next.asked.size(), 1u);
    EXPECT_EQ(next.asked[0].id, 100u);
    EXPECT_EQ(next.asked[0].parts[0].rows, 10u);
    EXPECT_EQ(next.hook_rows, 0u) << "its lines were not sent again";
    EXPECT_EQ(next.lines_read, 10u);
    Outcome third = run(tmp.path() / "logs", state, true, std::expected<bool, std::string>(false));
    EXPECT_TRUE(third.asked.empty()) << "the answer was written down";
    EXPECT_EQ(third.lines_read, 10u);
    EXPECT_EQ(third.hook_rows, 0u);
}

TEST(PendingBatch, AnInsertThatFailsAfterTheHookReturnedWritesNoLedgerEntriesThatWouldClaimItsLines) {
    // The hook hands the insert on and returns; ClickHouse refuses it once the load is read.
    test::TempDir tmp;
    tmp.write("logs/a", lines(10));
    const fs::path state = tmp.path() / "state" / "s";
    Outcome refused = run(tmp.path() / "logs", state, true, std::nullopt, true, 7, std::nullopt, true);
    EXPECT_EQ(refused.hook_rows, 10u);
    ASSERT_TRUE(refused.result.commit_error);
    EXPECT_NE(refused.result.commit_error->describe().find("refused"), std::string::npos);
    Outcome next = run(tmp.path() / "logs", state, true, std::expected<bool, std::string>(false));
    ASSERT_TRUE(test::ok(next.opened));
    ASSERT_EQ(next.asked.size(), 1u) << "the batch is looked up";
    EXPECT_EQ(next.hook_rows, 10u) << "no ledger entry claimed its lines: they are read and sent again";
    EXPECT_EQ(next.lines_read, 10u);
}

TEST(PendingBatch, ABatchLeftPendingThatDidNotLandIsReadAndSentAgain) {
    test::TempDir tmp;
    tmp.write("logs/a", lines(10));
    const fs::path state = tmp.path() / "state" / "s";
    run(tmp.path() / "logs", state, false);
    Outcome next = run(tmp.path() / "logs", state, true, std::expected<bool, std::string>(false));
    ASSERT_EQ(next.asked.size(), 1u);
    EXPECT_EQ(next.hook_rows, 10u);
    EXPECT_EQ(next.lines_read, 10u);
    Outcome third = run(tmp.path() / "logs", state, true, std::expected<bool, std::string>(true));
    EXPECT_TRUE(third.asked.empty());
    EXPECT_EQ(third.hook_rows, 0u);
    EXPECT_EQ(third.lines_read, 10u);
}

TEST(PendingBatch, WhenTheDatabaseCannotSayTheStateIsNotUsedAndStaysAsItWas) {
    test::TempDir tmp;
    tmp.write("logs/a", lines(10));
    const fs::path state = tmp.path() / "state" / "s";
    run(tmp.path() / "logs", state, false);
    const auto size = fs::file_size(state);
    Outcome down =
        run(tmp.path() / "logs", state, true, std::expected<bool, std::string>(std::unexpected("unreachable")));
    ASSERT_FALSE(down.opened);
    EXPECT_NE(down.opened.error().describe().find("batch 0000000000000064: unreachable"), std::string::npos)
        << down.opened.error().describe();
    EXPECT_EQ(fs::file_size(state), size);
    Outcome next = run(tmp.path() / "logs", state, true, std::expected<bool, std::string>(true));
    EXPECT_EQ(next.asked.size(), 1u);
    EXPECT_EQ(next.lines_read, 10u);
    EXPECT_EQ(next.hook_rows, 0u);
}

// `s3top ingest`'s state says what was sent to ClickHouse. A file it cannot use (another
// s3top's format, other parsing rules or settings, a broken header) is refused and left as it
// is: rebuilding it, as a report does, reads the logs again and sends every line twice.
TEST(PendingBatch, AStateThatSaysWhatWasSentIsRefusedNotRebuilt) {
    test::TempDir tmp;
    tmp.write("logs/a", lines(10));
    const fs::path state = tmp.path() / "state" / "s";
    ASSERT_EQ(run(tmp.path() / "logs", state, true).hook_rows, 10u);
    const std::string sent = test::read_file(state);
    auto patched = [&](std::size_t at, std::string_view bytes) {
        std::string b = sent;
        b.replace(at, bytes.size(), bytes);
        std::ofstream(state, std::ios::binary | std::ios::trunc) << b;
    };
    const std::string other_version("\x06\0\0\0", 4);  // the version follows the 8-byte magic
    struct Case {
        const char* what;
        std::function<void()> make;
        std::uint64_t fingerprint;
        const char* says;
    } cases[] = {
        {"another version", [&] { patched(8, other_version); }, 7, "of another s3top version"},
        {"other settings", [&] { patched(0, ""); }, 8, "written for other settings"},
        {"a broken header", [&] { patched(0, "XXXX"); }, 7, "not a state file or corrupt header"},
    };
    for (const Case& c : cases) {
        c.make();
        const std::string before = test::read_file(state);
        Outcome o = run(tmp.path() / "logs", state, true, std::nullopt, false, c.fingerprint);
        ASSERT_FALSE(o.opened) << c.what;
        EXPECT_NE(o.opened.error().describe().find(c.says), std::string::npos) << o.opened.error().describe();
        EXPECT_NE(o.opened.error().describe().find("not rebuilt"), std::string::npos) << o.opened.error().describe();
        EXPECT_EQ(o.hook_rows, 0u) << c.what;
        EXPECT_EQ(test::read_file(state), before) << c.what;
    }
    // What a report does with the same file, and why ingest must not: every line once more.
    patched(8, other_version);
    EXPECT_EQ(run(tmp.path() / "logs", state, true).hook_rows, 10u);
}

// An ingest's state file written under its settings' former fingerprint (an older s3top named
// it by the folders read too) is taken as the same state, and says the new one from then on.
TEST(PendingBatch, AStateOfTheFormerFingerprintIsTakenAndRenamedInside) {
    test::TempDir tmp;
    tmp.write("logs/a", lines(10));
    const fs::path state = tmp.path() / "state" / "s";
    ASSERT_EQ(run(tmp.path() / "logs", state, true).hook_rows, 10u);  // fingerprint 7
    Outcome adopted = run(tmp.path() / "logs", state, true, std::nullopt, false, 9, 7);
    ASSERT_TRUE(adopted.opened) << adopted.opened.error().describe();
    EXPECT_EQ(adopted.hook_rows, 0u);
    EXPECT_EQ(adopted.lines_read, 10u);
    Outcome after = run(tmp.path() / "logs", state, true, std::nullopt, false, 9);
    ASSERT_TRUE(after.opened) << after.opened.error().describe();
    EXPECT_EQ(after.hook_rows, 0u);
    EXPECT_FALSE(run(tmp.path() / "logs", state, true, std::nullopt, false, 7).opened);  // no longer the former
}

TEST(PendingBatch, AFailedInsertWritesNoLedgerEntriesThatWouldClaimItsLines) {
    test::TempDir tmp;
    tmp.write("logs/a", lines(10));
    const fs::path state = tmp.path() / "state" / "s";
    run(tmp.path() / "logs", state, false);
    // Without a resolver the batch stays unresolved: its lines are not counted, and the file
    // is not compacted while it is.
    EngineConfig cfg;
    Engine engine(cfg);
    Ledger ledger;
    StateStore store;
    std::vector<std::string> notes;
    ASSERT_TRUE(test::ok(store.open(state, 7, engine, ledger, notes)));
    EXPECT_EQ(engine.lines().read, 0u);
    EXPECT_FALSE(store.needs_compaction());
    EXPECT_FALSE(store.compact());
}

}  // namespace
}  // namespace s3top
