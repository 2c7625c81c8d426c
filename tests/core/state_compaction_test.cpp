// The state file's compact form: compaction keeps every total and ledger offset, a restart
// after it counts nothing twice, a crash at any step of it leaves a usable state, and an old
// format is rebuilt with a note rather than misread.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>

#include "core/ingest/ingestor.hpp"
#include "core/ingest/inputs.hpp"
#include "core/ingest/request_ids.hpp"
#include "core/ingest/state_records.hpp"
#include "core/parse/parsing_rules.hpp"
#include "support/ingest_run.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

namespace fs = std::filesystem;

std::string line(const std::string& org, std::uint64_t bytes, int i) {
    return "b19c5acf04bde8335e181211ba6f7ff3 bucket [01/Mar/2024:00:" + std::to_string(10 + i / 60 % 50) + ":" +
           std::to_string(10 + i % 50) + " +0000] 10.0." + std::to_string(i % 7) + "." + std::to_string(i % 250) +
           " - 235C7E3C30A0693F REST.GET.OBJECT k" + std::to_string(i % 13) + " \"GET /bucket/k?org=" + org +
           " HTTP/1.1\" 200 - " + std::to_string(bytes) + " " + std::to_string(bytes) + " 24 20 \"-\" \"curl\" -\n";
}

std::string lines(const std::string& org, int n, std::uint64_t bytes, int from = 0) {
    std::string s;
    for (int i = from; i < from + n; ++i) s += line(org, bytes, i);
    return s;
}

/// What a run ends with: totals, per-org bytes, clients, lines read this time and before.
struct Result {
    std::uint64_t requests = 0, bytes = 0, read = 0, clients = 0;
    std::vector<std::pair<std::string, std::uint64_t>> by_org;
    std::size_t files_read = 0;
    friend bool operator==(const Result&, const Result&) = default;
};

class CompactionTest : public ::testing::Test {
protected:
    test::TempDir tmp;
    fs::path logs() const { return tmp.path() / "logs"; }
    fs::path state() const { return tmp.path() / "state" / "x.state"; }

    /// One run: open the state, optionally do something to the store, ingest, report.
    Result run(const std::function<void(StateStore&)>& before = {}, const std::function<void(StateStore&)>& after = {},
               std::vector<std::string>* notes = nullptr) {
        test::IngestRun how;
        how.state = state();
        how.fingerprint = 7;
        how.before = before;
        how.after = after;
        auto run = test::ingest_and_report({logs().string()}, how);
        if (notes) *notes = std::move(run.notes);
        const auto& r = run.report;
        Result out{r.totals.requests, r.totals.bytes_sent, run.lines.read, r.distinct_clients, {}, 0};
        for (const auto& g : r.groups) out.by_org.emplace_back(g.key.at(0), g.metrics.bytes_sent);
        for (const auto& f : run.result.load.files) out.files_read += f.bytes > 0;
        return out;
    }
    void write_logs(int files, int per_file, int from = 0) {
        for (int f = from; f < from + files; ++f)
            tmp.write("logs/f" + std::to_string(f),
                      lines("org" + std::to_string(f % 5), per_file, 10 + f, f * per_file));
    }
};

/// Compares what must match across runs (not files_read, which is per run).
void expect_same_totals(const Result& a, const Result& b) {
    EXPECT_EQ(a.requests, b.requests);
    EXPECT_EQ(a.bytes, b.bytes);
    EXPECT_EQ(a.read, b.read);
    EXPECT_EQ(a.clients, b.clients);
    EXPECT_EQ(a.by_org, b.by_org);
}

TEST_F(CompactionTest, ALoadThatCompactsDoesNotFlushTheLogItReplaces) {
    // The snapshot is flushed before its rename; flushing the log it replaces first only made
    // a first run wait for the disk (0.3 s of 2 s over 2 M lines).
    write_logs(5, 40);
    std::uint32_t syncs = 99;
    std::uint64_t appended = 99;
    const auto look = [&](StateStore& s) {
        syncs = s.syncs();
        appended = s.appended_records();
    };
    const Result first = run([](StateStore& s) { s.compact_from(1); }, look);
    EXPECT_EQ(first.requests, 200u);
    EXPECT_EQ(appended, 0u);  // compacted at the end of the load
    EXPECT_EQ(syncs, 0u);
    // A load too small to compact flushes its log, once.
    write_logs(1, 40, 5);
    const Result second = run({}, look);
    EXPECT_EQ(second.files_read, 1u);
    EXPECT_GT(appended, 0u);
    EXPECT_EQ(syncs, 1u);
    const Result again = run();
    expect_same_totals(second, again);
    EXPECT_EQ(again.files_read, 0u);
    EXPECT_EQ(again.requests, 240u);
}

TEST_F(CompactionTest, ABulkLoadsBatchesAreKeptAsTheyAreAndLoadTheSame) {
    // A first load writes batches of tens of thousands of lines; they load back as fast as a
    // snapshot, so rewriting them (86 MB twice over 2 M lines) only made a first run wait.
    write_logs(2, 30000);  // one worker's batch of 30,000 rows: over kBulkWriteBytes
    test::IngestRun how;
    how.state = state();
    how.fingerprint = 7;
    how.loader.workers = 1;
    std::uint32_t syncs = 99;
    std::uint64_t appended = 0, size = 0;
    // Any 64 KiB of small writes would compact (a small load's batch or a day of follow rounds).
    how.before = [](StateStore& s) { s.compact_from(64 << 10); };
    how.after = [&](StateStore& s) {
        syncs = s.syncs();
        appended = s.appended_records();
        size = s.size();
    };
    const auto first = test::ingest_and_report({logs().string()}, how);
    EXPECT_EQ(first.report.totals.requests, 60000u);
    EXPECT_GE(appended, 2u);  // not compacted: its batches and entries stay
    EXPECT_EQ(syncs, 1u);     // the log itself is flushed instead
    ASSERT_GE(size, state_records::kBulkWriteBytes);
    // A restart loads the same, reads nothing and compacts nothing.
    std::uint64_t appended_again = 0, size_again = 0;
    how.after = [&](StateStore& s) {
        appended_again = s.appended_records();
        size_again = s.size();
    };
    const auto again = test::ingest_and_report({logs().string()}, how);
    EXPECT_EQ(again.report.totals.requests, 60000u);
    EXPECT_EQ(again.report.totals.bytes_sent, first.report.totals.bytes_sent);
    EXPECT_EQ(again.report.distinct_clients, first.report.distinct_clients);
    EXPECT_EQ(again.lines.read, first.lines.read);
    EXPECT_EQ(appended_again, appended);
    EXPECT_EQ(size_again, size);
    // Small writes on top of it still add up to a compaction, which keeps every total.
    write_logs(1, 3000, 2);  // a batch of 3,000 rows: a small write over 64 KiB
    std::uint64_t appended_small = 99;
    how.after = [&](StateStore& s) { appended_small = s.appended_records(); };
    const auto grown = test::ingest_and_report({logs().string()}, how);
    EXPECT_EQ(grown.report.totals.requests, 63000u);
    EXPECT_EQ(appended_small, 0u);
}

TEST_F(CompactionTest, ALogOverManyFilesIsCompactedHoweverFewItsBytes) {
    // Over many files a snapshot loads faster (its entries decoded once, beside the rows; each
    // batch's spans go into the ledger one by one): 16,384 files' entries call for one.
    write_logs(20, 10);
    std::uint64_t appended = 99;
    const auto by_entries_only = [](StateStore& s) {
        s.compact_from(std::uint64_t{1} << 40);
        s.compact_from_entries(21);
    };
    const auto look = [&](StateStore& s) { appended = s.appended_records(); };
    const Result few = run(by_entries_only, look);
    EXPECT_EQ(few.files_read, 20u);
    EXPECT_GT(appended, 0u);  // 20 entries: kept as written
    write_logs(1, 10, 20);
    const Result many = run(by_entries_only, look);
    EXPECT_EQ(many.files_read, 1u);
    EXPECT_EQ(appended, 0u);  // 21 entries in the log: compacted
    const Result again = run();
    expect_same_totals(many, again);
    EXPECT_EQ(again.files_read, 0u);
    EXPECT_EQ(again.requests, 210u);
}

TEST_F(CompactionTest, CompactedStateLoadsTheSameAndCountsNothingTwice) {
    // Six runs, each finding five new files: batch and entry records pile up.
    Result first;
    for (int round = 0; round < 6; ++round) {
        write_logs(5, 40, round * 5);
        first = run();
        EXPECT_EQ(first.files_read, 5u);
    }
    EXPECT_EQ(first.requests, 1200u);
    std::uint64_t records_before = 0, size_before = 0;
    const Result again = run([&](StateStore& s) {
        records_before = s.appended_records();
        size_before = s.size();
    });
    expect_same_totals(first, again);
    EXPECT_EQ(again.files_read, 0u);
    EXPECT_GE(records_before, 12u);  // many small batch and entry records

    std::uint64_t size_after = 0;
    const Result compacting = run([&](StateStore& s) {
        ASSERT_TRUE(test::ok(s.compact()));
        EXPECT_EQ(s.appended_records(), 0u);
        size_after = s.size();
    });
    expect_same_totals(first, compacting);
    EXPECT_EQ(compacting.files_read, 0u);
    EXPECT_LT(size_after, size_before);  // one pool per dimension instead of one per batch

    // Restart after compaction: same totals, nothing read; new and grown files read once.
    const Result restarted = run();
    expect_same_totals(first, restarted);
    EXPECT_EQ(restarted.files_read, 0u);
    {
        std::ofstream out(logs() / "f3", std::ios::binary | std::ios::app);
        out << lines("org3", 5, 1000, 9000);
    }
    tmp.write("logs/new", lines("neworg", 4, 7, 0));
    const Result grown = run();
    EXPECT_EQ(grown.requests, 1200u + 5 + 4);
    EXPECT_EQ(grown.bytes, first.bytes + 5000 + 28);
    EXPECT_EQ(grown.files_read, 2u);
    // Batches appended after the snapshot, compacted again: still the same.
    const Result recompacted = run([&](StateStore& s) { ASSERT_TRUE(test::ok(s.compact())); });
    expect_same_totals(grown, recompacted);
    EXPECT_EQ(recompacted.files_read, 0u);
}

TEST_F(CompactionTest, FileCutMidWayIsFinishedOnceAfterCompaction) {
    write_logs(6, 50);
    const Result whole = run();
    // Drop the last record (the ledger entries): only the batches' spans say what was read,
    // as after a kill -9 between the two writes.
    const auto size = fs::file_size(state());
    std::string data = test::read_file(state());
    // Records are [magic u32, type u32, len u64, sum u64][payload]: walk to the last one.
    std::size_t pos = state_records::kHeaderBytes, last = pos;
    while (pos + 24 <= data.size()) {
        std::uint64_t len = 0;
        std::memcpy(&len, data.data() + pos + 8, 8);
        last = pos;
        pos += 24 + len;
    }
    ASSERT_EQ(pos, size);
    fs::resize_file(state(), last);
    const Result compacted = run([&](StateStore& s) { ASSERT_TRUE(test::ok(s.compact())); });
    expect_same_totals(whole, compacted);
    const Result restarted = run();
    expect_same_totals(whole, restarted);
    EXPECT_EQ(restarted.files_read, 0u);
}

TEST_F(CompactionTest, CrashAtEveryStepLeavesAUsableStateNeverCountingTwice) {
    using CP = StateStore::CrashPoint;
    for (CP point : {CP::TempWritten, CP::TempSynced, CP::Renamed}) {
        SCOPED_TRACE(static_cast<int>(point));
        fs::remove_all(tmp.path());
        write_logs(12, 30);
        const Result first = run();
        // A new file arrives, is ingested, and the process dies while compacting.
        tmp.write("logs/late", lines("late", 6, 3, 0));
        const Result crashed = run({}, [&](StateStore& s) {
            s.crash_compaction_at(point);
            EXPECT_FALSE(s.compact());
            EXPECT_FALSE(s.is_open());
        });
        EXPECT_EQ(crashed.requests, first.requests + 6);
        EXPECT_EQ(fs::exists(fs::path(state().string() + ".compact")), point != CP::Renamed);
        // The next start: the old log or the new snapshot, both whole: nothing twice, nothing lost.
        const Result after = run();
        expect_same_totals(crashed, after);
        EXPECT_EQ(after.files_read, 0u);
        EXPECT_FALSE(fs::exists(fs::path(state().string() + ".compact")));  // leftover removed
        const Result again = run([&](StateStore& s) { ASSERT_TRUE(test::ok(s.compact())); });
        expect_same_totals(crashed, again);
    }
}

TEST_F(CompactionTest, OldFormatIsRebuiltWithANote) {
    write_logs(3, 10);
    const Result first = run();
    // The same file as format 1 wrote it: header version 1.
    {
        std::fstream f(state(), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(8);
        const std::uint32_t v1 = 1;
        f.write(reinterpret_cast<const char*>(&v1), 4);
    }
    std::vector<std::string> notes;
    const Result rebuilt = run({}, {}, &notes);
    expect_same_totals(first, rebuilt);
    EXPECT_EQ(rebuilt.files_read, 3u);  // read again, not taken from a format it cannot read
    ASSERT_FALSE(notes.empty());
    EXPECT_NE(notes[0].find("state format 1"), std::string::npos) << notes[0];
    EXPECT_NE(notes[0].find("rebuilt"), std::string::npos) << notes[0];
    EXPECT_EQ(run().files_read, 0u);
}

// Records parsed by other rules (an s3top before a parser fix): rebuilt from the logs, with a
// note, never kept with the old numbers.
TEST_F(CompactionTest, StateOfOtherParsingRulesIsRebuiltWithANote) {
    write_logs(3, 10);
    const Result first = run();
    {
        std::fstream f(state(), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(12);  // after the magic and the format version
        const std::uint32_t older = kParsingRulesVersion - 1;
        f.write(reinterpret_cast<const char*>(&older), 4);
    }
    std::vector<std::string> notes;
    const Result rebuilt = run({}, {}, &notes);
    expect_same_totals(first, rebuilt);
    EXPECT_EQ(rebuilt.files_read, 3u);  // read again under this version's rules
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_NE(notes[0].find("records parsed by the rules of version " + std::to_string(kParsingRulesVersion - 1) +
                            " (this s3top parses by version " + std::to_string(kParsingRulesVersion) + "); rebuilt"),
              std::string::npos)
        << notes[0];
    EXPECT_EQ(run().files_read, 0u);
}

/// The format a state file's header says.
std::uint32_t format_of(const fs::path& file) {
    std::ifstream f(file, std::ios::binary);
    f.seekg(8);
    std::uint32_t v = 0;
    f.read(reinterpret_cast<char*>(&v), 4);
    return v;
}

// A file of format 7 (full-width columns, as s3top wrote before 8) is read as it is, not
// rebuilt: appended to in its own format, so it stays readable whole, until a compaction
// writes it as format 8; nothing is read twice on the way.
TEST_F(CompactionTest, AFormat7FileIsReadAndAppendedAsItIsUntilACompactionWritesItAnew) {
    write_logs(3, 10);
    const Result first = run([](StateStore& s) { ASSERT_TRUE(s.write_format(7)); });
    EXPECT_EQ(first.files_read, 3u);
    EXPECT_EQ(format_of(state()), 7u);
    write_logs(2, 10, 3);
    std::vector<std::string> notes;
    std::uint32_t format = 0;
    const Result second = run([&](StateStore& s) { format = s.format(); }, {}, &notes);
    EXPECT_TRUE(notes.empty()) << notes[0];
    EXPECT_EQ(format, 7u);
    EXPECT_EQ(second.files_read, 2u);  // only the new files
    EXPECT_EQ(format_of(state()), 7u);
    const Result third = run();
    EXPECT_EQ(third.files_read, 0u);
    expect_same_totals(second, third);
    const Result compacted = run([](StateStore& s) { ASSERT_TRUE(s.compact().has_value()); });
    EXPECT_EQ(compacted.files_read, 0u);
    expect_same_totals(second, compacted);
    EXPECT_EQ(format_of(state()), StateStore::kVersion);
    write_logs(1, 10, 5);
    const Result after = run();
    EXPECT_EQ(after.files_read, 1u);
    fs::remove(state());
    const Result fresh = run();
    EXPECT_EQ(fresh.files_read, 6u);
    expect_same_totals(after, fresh);
    EXPECT_EQ(format_of(state()), StateStore::kVersion);
}

/// A batch of `orgs.size()` rows: row i has org orgs[i] (and, when `with_key`, key "k<i % 3>"),
/// a time past 2^32 s every third row (a patch in the narrow column) and bytes i * 1000.
Batch batch_of(const std::vector<std::string>& orgs, bool with_key) {
    Batch b;
    const std::size_t org = index(Dim::Org), key = index(Dim::Key);
    for (std::size_t i = 0; i < orgs.size(); ++i) {
        b.columns.push_numbers(
            NumberRow{.time = static_cast<std::int64_t>(i % 3 == 0 ? (1ll << 33) + i : 1700000000 + i),
                      .bytes_sent = i * 1000,
                      .status = 200});
        b.columns.ids[org].push_back(b.pools[org].intern(orgs[i]));
        if (with_key) b.columns.ids[key].push_back(b.pools[key].intern("k" + std::to_string(i % 3)));
    }
    b.counters.read = b.counters.parsed = orgs.size();
    return b;
}

/// A log of one record per payload after a file header, each with its record header.
std::string log_of(const std::vector<std::string>& payloads, std::uint8_t type = state_records::kBatch) {
    std::string log(state_records::kHeaderBytes, '\0');
    for (const std::string& payload : payloads) {
        state_records::RecordHeader h;
        h.type = type;
        h.len = payload.size();
        h.sum = StreamHash::of(payload);
        char head[state_records::kRecordHeaderBytes];
        h.to(head);
        log.append(head, sizeof head);
        log += payload;
    }
    return log;
}

/// The batch a rows payload (put_rows, put_kept_rows) of format `version` decodes to.
Batch rows_of(const std::string& rows, std::uint32_t version) {
    std::string payload(4, '\0');  // a Batch record of no spans
    payload += rows;
    const std::string log = log_of({payload});
    Ledger ledger;
    RequestIdSet ids;
    Batch b;
    EXPECT_EQ(state_records::decode_records(log, {&b, nullptr, nullptr}, ledger, ids, version).good, log.size());
    return b;
}

void expect_same_rows(const Batch& a, const Batch& b) {
    ASSERT_EQ(a.columns.size(), b.columns.size());
    EXPECT_EQ(a.counters.read, b.counters.read);
    for_each_number_column(a.columns, b.columns, [](const auto& x, const auto& y) { EXPECT_TRUE(x == y); });
    for (std::size_t d = 0; d < kStringDimCount; ++d) {
        ASSERT_EQ(a.columns.ids[d].size(), b.columns.ids[d].size()) << d;
        ASSERT_EQ(a.pools[d].size(), b.pools[d].size()) << d;
        for (std::uint32_t id = 0; id < a.pools[d].size(); ++id) EXPECT_EQ(a.pools[d].view(id), b.pools[d].view(id));
        EXPECT_TRUE(a.columns.ids[d] == b.columns.ids[d]) << d;
    }
}

class StateRecords : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(StateRecords, CompactionWritesTheRowsOfItsRecordsAsTheirMergedBatch) {
    // Compaction writes the log's rows from where they lie (put_kept_rows, each record's number
    // columns its own chunks); a restart of a dashboard merges them into one batch (put_rows
    // after merging): the same rows, with pools met in another order, a dimension one record
    // lacks (id 0 in its rows), a record of no rows and wide values; from a log of format 7
    // (full-width columns) as from one of format 8.
    const std::uint32_t version = GetParam();
    std::vector<Batch> batches;
    batches.push_back(batch_of({"acme", "beta", "acme", "-"}, false));
    batches.push_back(batch_of({}, true));
    batches.push_back(batch_of({"gamma", "beta", "beta", "acme", "delta"}, true));
    batches.push_back(batch_of({"delta"}, false));
    std::vector<std::string> payloads;
    for (const Batch& b : batches) {
        state_records::Sink payload;
        state_records::put_batch(payload, b, {}, {}, version);
        payloads.push_back(payload.s);
    }
    const std::string log = log_of(payloads);
    Ledger ledger;
    RequestIdSet ids;
    Batch merged;
    state_records::KeptRows kept;
    ASSERT_EQ(state_records::decode_records(log, {&merged, nullptr, nullptr}, ledger, ids, version).good, log.size());
    ASSERT_EQ(state_records::decode_records(log, {nullptr, nullptr, nullptr, &kept}, ledger, ids, version).good,
              log.size());
    ASSERT_EQ(kept.records.size(), 3u);  // the record of no rows keeps only its counters
    state_records::Sink want, got;
    state_records::put_rows(want, merged, StateStore::kVersion);
    state_records::put_kept_rows(got, kept);
    EXPECT_EQ(merged.columns.size(), 10u);
    EXPECT_EQ(merged.counters.read, 10u);
    expect_same_rows(rows_of(got.s, StateStore::kVersion), rows_of(want.s, StateStore::kVersion));
    expect_same_rows(rows_of(got.s, StateStore::kVersion), merged);
    // And the merge itself holds what was written: the third batch's "acme" row and the last
    // row have their strings, the first batch's rows no key.
    const std::size_t org = index(Dim::Org), key = index(Dim::Key);
    EXPECT_EQ(merged.pools[org].view(merged.columns.ids[org][7]), "acme");
    EXPECT_EQ(merged.pools[org].view(merged.columns.ids[org][9]), "delta");
    EXPECT_EQ(merged.columns.ids[key][0], 0u);
    EXPECT_EQ(merged.pools[key].view(merged.columns.ids[key][4]), "k0");
    EXPECT_EQ(merged.columns.time[3], (1ll << 33) + 3);
}

// More rows than a chunk holds, with values of every width (negative times, the largest
// bytes, ids past 65,535): each format gives back what it was given; format 8 in fewer bytes.
TEST_P(StateRecords, ManyChunksOfEveryWidthRoundTrip) {
    const std::uint32_t version = GetParam();
    const std::size_t org = index(Dim::Org), key = index(Dim::Key);
    Batch b;
    const std::size_t n = 3 * state_records::kChunkRows + 17;
    for (std::size_t i = 0; i < n; ++i) {
        const bool odd = i % 1000 == 7;
        b.columns.push_numbers(
            NumberRow{.time = odd ? -static_cast<std::int64_t>(i) : 1700000000 + static_cast<std::int64_t>(i / 10),
                      .bytes_sent = i % 5000 == 3 ? UINT64_MAX : i * 3,
                      .bytes_in = i < state_records::kChunkRows ? 0 : (std::uint64_t{1} << 40) + i,
                      .total_time_ms = i % 33 == 0 ? UINT32_MAX : static_cast<std::uint32_t>(i % 700),
                      .status = static_cast<std::uint16_t>(200 + i % 400),
                      .tier = static_cast<std::uint8_t>(i % 3)});
        b.columns.ids[org].push_back(b.pools[org].intern("o" + std::to_string(i % 5)));
        b.columns.ids[key].push_back(b.pools[key].intern("k" + std::to_string(i % 70000)));
    }
    b.counters.read = b.counters.parsed = n;
    state_records::Sink rows;
    state_records::put_rows(rows, b, version);
    expect_same_rows(rows_of(rows.s, version), b);
    if (version >= state_records::kNarrowFormat) {
        state_records::Sink wide;
        state_records::put_rows(wide, b, 7);
        // Never more than at full width (wide values on purpose here; the bench's rows take half).
        EXPECT_LT(rows.s.size(), wide.s.size());
    }
}

// A column with no row stored aside is written as the engine holds it (one chunk at its width,
// from its base: a time column's is weeks before its first value), and reads back the same.
TEST(StateRecordsNarrow, AColumnWithoutPatchesIsWrittenAsHeld) {
    Batch b;
    const std::size_t org = index(Dim::Org);
    for (std::size_t i = 0; i < 3 * state_records::kChunkRows; ++i) {
        b.columns.push_numbers(NumberRow{.time = 1700000000 + static_cast<std::int64_t>(i), .bytes_sent = i % 300});
        b.columns.ids[org].push_back(b.pools[org].intern("o" + std::to_string(i % 300)));
    }
    b.counters.read = b.counters.parsed = b.columns.size();
    ASSERT_EQ(b.columns.time.patches(), 0u);
    ASSERT_NE(b.columns.time.base(), 0u);
    state_records::Sink rows;
    state_records::put_rows(rows, b, StateStore::kVersion);
    std::string payload(4, '\0');
    payload += rows.s;
    const std::string log = log_of({payload});
    Ledger ledger;
    RequestIdSet ids;
    state_records::KeptRows kept;
    ASSERT_EQ(
        state_records::decode_records(log, {nullptr, nullptr, nullptr, &kept}, ledger, ids, StateStore::kVersion).good,
        log.size());
    ASSERT_EQ(kept.records.size(), 1u);
    const state_records::StoredColumn& time = kept.records[0].time;
    ASSERT_EQ(time.chunks.size(), 1u);
    EXPECT_EQ(time.chunks[0].base, b.columns.time.base());
    EXPECT_EQ(time.chunks[0].width, b.columns.time.width());
    EXPECT_EQ(kept.records[0].ids[org].chunks.size(), 1u);
    expect_same_rows(rows_of(rows.s, StateStore::kVersion), b);
}

// A chunk wider than its type, or of more rows than the record, is corrupt: the record is
// cut, never read past.
TEST(StateRecordsNarrow, AMalformedChunkEndsTheFileThere) {
    Batch b = batch_of({"acme", "beta"}, false);
    state_records::Sink rows;
    state_records::put_rows(rows, b, StateStore::kVersion);
    // The time column's chunk follows the counters: its rows, base and width.
    const std::size_t head = 8 * 3 + 4 + 8 * kRejectReasonCount + 8 + 8;
    const std::size_t chunk = head + 4;
    for (const auto& [at, value] : {std::pair{chunk + 16, std::uint8_t{9}}, std::pair{chunk, std::uint8_t{3}},
                                    std::pair{chunk + 16, std::uint8_t{0}}}) {
        std::string bad = rows.s;
        ASSERT_LT(at, bad.size());
        bad[at] = static_cast<char>(value);
        std::string payload(4, '\0');
        payload += bad;
        const std::string log = log_of({payload});
        Ledger ledger;
        RequestIdSet ids;
        Batch out;
        EXPECT_EQ(state_records::decode_records(log, {&out, nullptr, nullptr}, ledger, ids, StateStore::kVersion).good,
                  state_records::kHeaderBytes)
            << at;
        EXPECT_EQ(out.columns.size(), 0u);
    }
}

INSTANTIATE_TEST_SUITE_P(Formats, StateRecords, ::testing::Values(7u, StateStore::kVersion));

}  // namespace
}  // namespace s3top
