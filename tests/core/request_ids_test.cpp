// --dedupe request-id: the key (lossless S3 ids, every field counts), the set, the loader's
// rejections (multi-object deletes and copies keep every record, "-" ids are never deduped,
// copies across threads count once), and the state file: restarts, compaction, torn and
// corrupt RequestIds records.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <algorithm>
#include <fstream>
#include <thread>

#include "core/ingest/state_records.hpp"
#include "core/parse/parsing_rules.hpp"
#include "core/billing/statement_writer.hpp"
#include "core/config/config.hpp"
#include "core/ingest/ingestor.hpp"
#include "core/ingest/inputs.hpp"
#include "core/ingest/request_ids.hpp"
#include "core/ingest/replay.hpp"
#include "core/parse/s3_access_log.hpp"
#include "core/report/report_writer.hpp"
#include "core/report/units.hpp"
#include "core/util/civil_time.hpp"
#include "core/util/stream_hash.hpp"
#include "support/ingest_run.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

namespace fs = std::filesystem;

/// An S3 access log line with request id `id`, operation `op`, key `key`, `bytes` sent.
std::string line(const std::string& id, const std::string& op = "REST.GET.OBJECT", const std::string& key = "k",
                 std::uint64_t bytes = 100, const std::string& org = "acme", const std::string& version = "-") {
    return "b19c5acf04bde8335e181211ba6f7ff3 bucket [01/Mar/2024:00:00:01 +0000] 10.0.0.1 - " + id + " " + op + " " +
           key + " \"GET /bucket/" + key + "?org=" + org + " HTTP/1.1\" 200 - " + std::to_string(bytes) + " " +
           std::to_string(bytes) + " 24 20 \"-\" \"curl\" " + version + "\n";
}

std::string hex_id(int i) {
    char b[17];
    std::snprintf(b, sizeof b, "%016X", static_cast<unsigned>(i) * 2654435761u);
    return b;
}

RequestKey key_of(const std::string& l) {
    std::string_view v(l);
    if (!v.empty() && v.back() == '\n') v.remove_suffix(1);
    auto r = parse_s3_access_log(v);
    EXPECT_TRUE(r.has_value());
    auto k = request_key(*r);
    EXPECT_TRUE(k.has_value());
    return k.value_or(RequestKey{});
}

TEST(RequestKey, S3IdIsKeptWhole) {
    const auto k = key_of(line("3E57427F33A59F07"));
    EXPECT_EQ(k.id, 0x3E57427F33A59F07ULL);
    // Not hex (or lower case): hashed, never equal to a whole id with the same rest.
    const auto h = key_of(line("3e57427f33a59f07"));
    EXPECT_NE(h, k);
    EXPECT_NE(h.rest, k.rest);  // another seed for hashed ids
}

TEST(RequestKey, EveryFieldCounts) {
    const auto base = key_of(line("3E57427F33A59F07"));
    EXPECT_EQ(key_of(line("3E57427F33A59F07")), base);
    EXPECT_NE(key_of(line("3E57427F33A59F07", "REST.HEAD.OBJECT")), base);
    EXPECT_NE(key_of(line("3E57427F33A59F07", "REST.GET.OBJECT", "k2")), base);
    EXPECT_NE(key_of(line("3E57427F33A59F07", "REST.GET.OBJECT", "k", 101)), base);
    EXPECT_NE(key_of(line("3E57427F33A59F07", "REST.GET.OBJECT", "k", 100, "acme", "v1")), base);
}

TEST(RequestKey, NoIdHasNoKey) {
    for (const char* id : {"-"}) {
        std::string l = line(id);
        l.pop_back();
        auto r = parse_s3_access_log(l);
        ASSERT_TRUE(r.has_value());
        EXPECT_FALSE(request_key(*r).has_value());
    }
    Record r;
    EXPECT_FALSE(request_key(r).has_value());
}

TEST(RequestIdSet, StoredKeysCountPerRecord) {
    RequestIdSet set;
    for (std::uint64_t i = 1; i <= 100000; ++i) set.add_stored({i, i * 7 + 1});
    set.add_stored({5, 36});
    EXPECT_EQ(set.size(), 100000u);
    EXPECT_EQ(set.count({5, 36}), 2u);
    EXPECT_EQ(set.count({6, 43}), 1u);
    EXPECT_EQ(set.count({5, 37}), 0u);
    set.add_stored({0, 0});  // kept as {0, 1}: never lost as "empty"
    EXPECT_EQ(set.count({0, 0}), 1u);
    std::uint64_t n = 0;
    set.for_each([&](const RequestKey&) { ++n; });
    EXPECT_EQ(n, 100002u);  // once per record counted
    EXPECT_GE(set.memory_bytes(), set.size() * sizeof(RequestKey));
}

/// Admits `line` as a record of `file`.
RequestIdSet::Verdict admit(RequestIdSet& set, const std::string& l, std::uint32_t file) {
    static const DimMask keep = DimMask{}.set();
    static const OrgSource org;
    BatchBuilder builder(org, keep);
    std::string_view v(l);
    v.remove_suffix(1);
    auto r = parse_s3_access_log(v);
    EXPECT_TRUE(r.has_value());
    return set.admit(*r, file, builder);
}

TEST(RequestIdSet, IdenticalRecordsInOneFileAllCountACopyElsewhereDoesNot) {
    using V = RequestIdSet::Verdict;
    const std::string a = line("1C25EZNCB2HBMQQY", "BATCH.DELETE.OBJECT", "same");
    // File 0 holds the record twice (a delete naming one key twice), file 1 once: 2 counted,
    // whichever is read first.
    for (bool copy_first : {false, true}) {
        RequestIdSet set;
        const std::uint32_t base = set.begin_load(2);
        std::vector<V> v;
        if (copy_first) v.push_back(admit(set, a, base + 1));
        v.push_back(admit(set, a, base));
        v.push_back(admit(set, a, base));
        if (!copy_first) v.push_back(admit(set, a, base + 1));
        EXPECT_EQ(std::count(v.begin(), v.end(), V::New), 2) << copy_first;
        EXPECT_EQ(std::count(v.begin(), v.end(), V::Duplicate), 1) << copy_first;
        EXPECT_EQ(set.count(key_of(a)), 2u);
        // A later load (another process, or a follow round): any copy is a duplicate.
        const std::uint32_t next = set.begin_load(1);
        EXPECT_NE(next, base);
        EXPECT_EQ(admit(set, a, next), V::Duplicate);
        EXPECT_EQ(admit(set, a, next), V::Duplicate);
        EXPECT_EQ(admit(set, a, next), V::New);  // a third in one file: more than any before
    }
}

TEST(RequestIdSet, ConcurrentFilesCountEachKeyOnce) {
    RequestIdSet set;
    const std::uint32_t base = set.begin_load(4);
    std::atomic<std::uint64_t> added{0};
    std::vector<std::thread> threads;
    for (std::uint32_t t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 2000; ++i)
                added += admit(set, line(hex_id(i), "REST.GET.OBJECT", "k"), base + t) == RequestIdSet::Verdict::New;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(added.load(), 2000u);
    EXPECT_EQ(set.size(), 2000u);
}

TEST(DedupeMode, Names) {
    EXPECT_EQ(parse_dedupe_mode("request-id"), DedupeMode::RequestId);
    EXPECT_EQ(parse_dedupe_mode("off"), DedupeMode::Off);
    EXPECT_FALSE(parse_dedupe_mode("request_id").has_value());
    EXPECT_TRUE(format_has_request_id("s3"));
    EXPECT_TRUE(format_has_request_id("cloudtrail"));
    EXPECT_FALSE(format_has_request_id("combined"));
}

struct Result {
    std::uint64_t requests = 0, bytes = 0, read = 0, duplicates = 0, no_id = 0, ids = 0;
    std::vector<std::string> notes;
};

std::uint64_t dup_count(const LineCounters& c) {
    return c.unparsed[static_cast<std::size_t>(RejectReason::DuplicateRequestId)];
}

/// One run over `dir` with dedupe on (and a state file when `state` is given).
Result run(const fs::path& dir, const fs::path& state = {}, unsigned workers = 2,
           std::vector<RejectedLine>* rejects = nullptr) {
    test::IngestRun how;
    how.state = state;
    how.loader.workers = workers;
    how.loader.block_bytes = 4096;  // many blocks: several workers see the copies
    how.loader.dedupe = std::make_shared<RequestIdSet>();
    std::mutex m;
    if (rejects) {
        how.rejects = [&](const RejectedLine& r, const std::string&) {
            std::lock_guard l(m);
            rejects->push_back(r);
        };
    }
    auto run = test::ingest_and_report({dir.string()}, how);
    Result out;
    out.notes = std::move(run.notes);
    out.requests = run.report.totals.requests;
    out.bytes = run.report.totals.bytes_sent;
    out.read = run.lines.read;
    out.duplicates = dup_count(run.lines);
    out.no_id = how.loader.dedupe->no_id();
    out.ids = how.loader.dedupe->size();
    return out;
}

TEST(Dedupe, MultiObjectDeleteAndCopyKeepEveryRecord) {
    test::TempDir d;
    // One multi-object delete: the POST and one BATCH.DELETE.OBJECT per key (the same key
    // twice with two version ids), one copy (source GET and destination), one id with no key.
    std::string s =
        line("1C25EZNCB2HBMQQY", "REST.POST.MULTI_OBJECT_DELETE", "-") +
        line("1C25EZNCB2HBMQQY", "BATCH.DELETE.OBJECT", "a") + line("1C25EZNCB2HBMQQY", "BATCH.DELETE.OBJECT", "b") +
        line("1C25EZNCB2HBMQQY", "BATCH.DELETE.OBJECT", "c", 100, "acme", "v1") +
        line("1C25EZNCB2HBMQQY", "BATCH.DELETE.OBJECT", "c", 100, "acme", "v2") +
        line("D8YAZFTDP68NBQXK", "REST.COPY.OBJECT_GET", "src") + line("D8YAZFTDP68NBQXK", "REST.COPY.OBJECT", "dst");
    d.write("logs/a.log", s);
    const Result r = run(d.path() / "logs");
    EXPECT_EQ(r.requests, 7u);
    EXPECT_EQ(r.duplicates, 0u);
    EXPECT_EQ(r.ids, 7u);
}

TEST(Dedupe, DashIdsAreNeverDedupedButCounted) {
    test::TempDir d;
    d.write("logs/a.log", line("-") + line("-") + line("-"));
    d.write("logs/b.log", line("-", "REST.GET.OBJECT", "k", 100, "x") + line("-"));
    const Result r = run(d.path() / "logs");
    EXPECT_EQ(r.requests, 5u);
    EXPECT_EQ(r.duplicates, 0u);
    EXPECT_EQ(r.no_id, 5u);
}

/// Files holding records 0..n-1 once, and a second delivery of some of them in other files.
void write_with_copies(const test::TempDir& d, int n) {
    std::string a, b, c;
    for (int i = 0; i < n; ++i) a += line(hex_id(i), "REST.GET.OBJECT", "k" + std::to_string(i), 100 + i);
    for (int i = 0; i < n; i += 3) b += line(hex_id(i), "REST.GET.OBJECT", "k" + std::to_string(i), 100 + i);
    for (int i = 1; i < n; i += 5) c += line(hex_id(i), "REST.GET.OBJECT", "k" + std::to_string(i), 100 + i);
    c += "garbage line\n";
    d.write("logs/2024-03-01-00-00-00-A", a);
    d.write("logs/2024-03-01-00-05-00-B", b);
    d.write("logs/2024-03-01-00-10-00-C", c);
    d.write("logs/2024-03-01-00-15-00-D", b.substr(0, b.find('\n', b.size() / 2) + 1));
}

TEST(Dedupe, CopiesInOtherFilesCountOnceWhateverTheThreads) {
    test::TempDir d;
    constexpr int n = 3000;
    write_with_copies(d, n);
    std::uint64_t bytes = 0;
    for (int i = 0; i < n; ++i) bytes += 100 + static_cast<std::uint64_t>(i);
    for (unsigned workers : {1u, 2u, 4u}) {
        std::vector<RejectedLine> rejects;
        const Result r = run(d.path() / "logs", {}, workers, &rejects);
        EXPECT_EQ(r.requests, static_cast<std::uint64_t>(n)) << workers;
        EXPECT_EQ(r.bytes, bytes) << workers;
        EXPECT_EQ(r.duplicates, r.read - n - 1) << workers;
        std::uint64_t listed = 0;
        for (const auto& x : rejects) listed += x.error.reason == RejectReason::DuplicateRequestId;
        EXPECT_EQ(listed, r.duplicates);  // each duplicate is listed, like any rejection
    }
}

TEST(Dedupe, WithoutDedupeCopiesCountTwice) {
    test::TempDir d;
    write_with_copies(d, 300);
    EngineConfig cfg;
    Engine engine(cfg);
    Loader loader(engine, LoaderOptions{});
    std::vector<InputProblem> problems;
    loader.load(collect_inputs({(d.path() / "logs").string()}, problems));
    EXPECT_GT(engine.report(ReportSpec{}).totals.requests, 300u);
}

/// Ends with `tail`.
bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

TEST(Dedupe, ReportsAndStatementsSayHowManyWereDroppedAndHowManyHadNoId) {
    test::TempDir d;
    constexpr int n = 600;
    write_with_copies(d, n);
    d.write("logs/2024-03-01-00-20-00-E", line("-") + line("-", "REST.PUT.OBJECT", "p"));
    EngineConfig cfg;
    Engine engine(cfg);
    LoaderOptions lo;
    lo.dedupe = std::make_shared<RequestIdSet>();
    Loader loader(engine, lo);
    std::vector<InputProblem> problems;
    loader.load(collect_inputs({(d.path() / "logs").string()}, problems));
    const std::uint64_t dups = dup_count(engine.lines());
    ASSERT_EQ(dups, engine.lines().read - n - 2 - 1);  // all but the records, the "-" ones, the garbage
    ASSERT_GT(dups, 0u);
    ASSERT_EQ(lo.dedupe->no_id(), 2u);
    const std::string counters =
        "\r\nline_counter,count\r\nduplicate_records," + std::to_string(dups) + "\r\nno_request_id,2\r\n";

    ReportSpec rs;
    rs.by = {DimSpec{Dim::Org, 0}};
    ReportResult r = engine.report(rs);
    // Dedupe off (no figure set): none of it is printed.
    EXPECT_EQ(report_csv(r).find("line_counter"), std::string::npos);
    r.no_request_id = lo.dedupe->no_id();
    const std::string csv = report_csv(r);
    EXPECT_TRUE(ends_with(csv, counters)) << csv;
    EXPECT_EQ(csv.find("acme," + std::to_string(n + 2) + ","), csv.find("\r\n") + 2)
        << "the data rows are unchanged: " << csv;
    EXPECT_NE(report_json(r).find("\"duplicate_records\":" + std::to_string(dups) + ",\"no_request_id\":2"),
              std::string::npos);

    BillingSpec bs;
    bs.periods = periods_between(*parse_iso8601("2024-03-01"), *parse_iso8601("2024-04-01"));
    auto prices = parse_price_table(builtin_price_table_text(), "built-in");
    ASSERT_TRUE(prices);
    bs.prices = *prices;
    Statement st = compute_statement(engine, bs);
    EXPECT_EQ(st.periods[0].all.requests, static_cast<std::uint64_t>(n + 2));  // the copies are not billed
    EXPECT_EQ(statement_csv(st).find("line_counter"), std::string::npos);
    EXPECT_EQ(statement_table(st, 0).find("duplicate"), std::string::npos);
    EXPECT_EQ(statement_json(st, 0).find("duplicate_records"), std::string::npos);
    st.no_request_id = lo.dedupe->no_id();
    EXPECT_TRUE(ends_with(statement_csv(st), counters)) << statement_csv(st);
    const std::string table = statement_table(st, 0);
    EXPECT_NE(
        table.find(fmt::format("of all {} lines read: {} duplicate records dropped (not billed); 2 records had no "
                               "request id (billed, could not be checked)",
                               grouped(engine.lines().read), grouped(dups))),
        std::string::npos)
        << table;
    EXPECT_NE(statement_json(st, 0).find(fmt::format(
                  "\"rejected\":{},\"ignored\":0,\"duplicate_records\":{},\"no_request_id\":2}}", dups + 1, dups)),
              std::string::npos)
        << statement_json(st, 0);
    EXPECT_NE(statement_html(st, 0).find(fmt::format("{} duplicate records dropped", grouped(dups))),
              std::string::npos);
}

TEST(Dedupe, StateKeepsKeysAcrossRunsAndCompaction) {
    test::TempDir d;
    constexpr int n = 2000;
    std::string a, late;
    for (int i = 0; i < n; ++i) a += line(hex_id(i), "REST.GET.OBJECT", "k" + std::to_string(i));
    for (int i = 0; i < n; i += 2) late += line(hex_id(i), "REST.GET.OBJECT", "k" + std::to_string(i));
    late += line(hex_id(n + 1)) + line("-");
    d.write("logs/a.log", a);
    const fs::path state = d.path() / "state" / "s.state";
    Result r1 = run(d.path() / "logs", state);
    EXPECT_EQ(r1.requests, static_cast<std::uint64_t>(n));
    // A later file delivers half of them again: only the new record and the "-" one count.
    d.write("logs/b.log", late);
    Result r2 = run(d.path() / "logs", state);
    EXPECT_EQ(r2.requests, static_cast<std::uint64_t>(n + 2));
    EXPECT_EQ(r2.duplicates, static_cast<std::uint64_t>(n / 2));
    EXPECT_EQ(r2.no_id, 1u);
    // Compacted: the keys are carried into the snapshot.
    {
        EngineConfig cfg;
        Engine engine(cfg);
        LoaderOptions lo;
        lo.dedupe = std::make_shared<RequestIdSet>();
        Ingestor ing(engine, lo);
        std::vector<std::string> notes;
        ASSERT_TRUE(test::ok(ing.open_state(state, 42, notes)));
        EXPECT_GT(ing.state().appended_records(), 0u);
        ASSERT_TRUE(test::ok(ing.state().compact()));
        EXPECT_EQ(ing.state().appended_records(), 0u);
        EXPECT_EQ(lo.dedupe->size(), static_cast<std::uint64_t>(n + 1));
    }
    // not a copy of b.log as a file (one that starts with b.log's lines would be read from
    // where they end: the ledger's "longest counted start", #4)
    d.write("logs/c.log", line("-", "REST.HEAD.OBJECT") + late);
    Result r3 = run(d.path() / "logs", state);
    EXPECT_EQ(r3.requests, static_cast<std::uint64_t>(n + 4));  // only the two "-" records
    EXPECT_EQ(r3.ids, static_cast<std::uint64_t>(n + 1));
    EXPECT_EQ(r3.no_id, 3u);
    EXPECT_TRUE(r3.notes.empty());
}

/// The offset of the last record of type `type` in a state file (-1 when none).
long last_record(const std::string& data, std::uint32_t type) {
    long found = -1;
    std::size_t pos = state_records::kHeaderBytes;
    while (pos + 24 <= data.size()) {
        std::uint32_t t = 0;
        std::uint64_t len = 0;
        std::memcpy(&t, data.data() + pos + 4, 4);
        std::memcpy(&len, data.data() + pos + 8, 8);
        if (t == type) found = static_cast<long>(pos);
        pos += 24 + len;
    }
    return found;
}

TEST(Dedupe, TornOrCorruptKeysAreCutAndTheLinesReadAgainExactly) {
    for (int mode = 0; mode < 3; ++mode) {
        test::TempDir d;
        constexpr int n = 500;
        std::string a, b;
        for (int i = 0; i < n; ++i) a += line(hex_id(i), "REST.GET.OBJECT", "k" + std::to_string(i));
        for (int i = 0; i < n; ++i) b += line(hex_id(i + n), "REST.GET.OBJECT", "k" + std::to_string(i));
        d.write("logs/a.log", a);
        const fs::path state = d.path() / "state" / "s.state";
        ASSERT_EQ(run(d.path() / "logs", state, 1).requests, static_cast<std::uint64_t>(n));
        const std::string before = test::read_file(state);
        d.write("logs/b.log", b + a.substr(0, a.size() / 2));  // new records, then copies
        ASSERT_EQ(run(d.path() / "logs", state, 1).requests, static_cast<std::uint64_t>(2 * n));
        std::string data = test::read_file(state);
        const long ids_at = last_record(data, 3);
        ASSERT_GT(ids_at, static_cast<long>(before.size()) - 1) << "the second run's keys";
        if (mode == 0) {
            data.resize(static_cast<std::size_t>(ids_at) + 30);  // torn inside the keys
        } else if (mode == 1) {
            data[static_cast<std::size_t>(ids_at) + 40] ^= 0x5a;  // a flipped bit: bad checksum
        } else {
            // Keys without their batch: torn right after the RequestIds record.
            std::uint64_t len = 0;
            std::memcpy(&len, data.data() + ids_at + 8, 8);
            data.resize(static_cast<std::size_t>(ids_at) + 24 + len + 10);
        }
        {
            std::ofstream out(state, std::ios::binary | std::ios::trunc);
            out << data;
        }
        const Result r = run(d.path() / "logs", state, 1);
        EXPECT_EQ(r.requests, static_cast<std::uint64_t>(2 * n)) << mode;
        EXPECT_EQ(r.ids, static_cast<std::uint64_t>(2 * n)) << mode;
        ASSERT_FALSE(r.notes.empty()) << mode;
        EXPECT_NE(r.notes[0].find("discarded"), std::string::npos) << r.notes[0];
        // And the repaired state is exact on the next start, too.
        const Result again = run(d.path() / "logs", state, 1);
        EXPECT_EQ(again.requests, static_cast<std::uint64_t>(2 * n)) << mode;
        EXPECT_TRUE(again.notes.empty()) << mode;
    }
}

/// A state file (fingerprint 42) of records with valid checksums: {type, payload}.
std::string state_file(const std::vector<std::pair<std::uint32_t, std::string>>& records) {
    std::string out("S3TOPST\n", 8);
    const std::uint32_t version = StateStore::kVersion, rules = kParsingRulesVersion;
    const std::uint64_t fp = 42;
    out.append(reinterpret_cast<const char*>(&version), 4);
    out.append(reinterpret_cast<const char*>(&rules), 4);
    out.append(reinterpret_cast<const char*>(&fp), 8);
    for (const auto& [type, payload] : records) {
        const std::uint32_t magic = 0x53335231;
        const std::uint64_t len = payload.size(), sum = StreamHash::of(payload);
        out.append(reinterpret_cast<const char*>(&magic), 4);
        out.append(reinterpret_cast<const char*>(&type), 4);
        out.append(reinterpret_cast<const char*>(&len), 8);
        out.append(reinterpret_cast<const char*>(&sum), 8);
        out += payload;
    }
    return out;
}

TEST(Dedupe, HostileStateRecordsAreCutNotTrusted) {
    auto u64 = [](std::uint64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); };
    const std::string huge_spans("\xff\xff\xff\xff", 4);  // a Batch claiming 4 billion spans
    const std::string keys_lie = u64(0) + u64(1000000);   // RequestIds claiming a million keys
    const std::string keys_one = u64(0) + u64(1) + u64(7) + u64(9);
    const std::vector<std::vector<std::pair<std::uint32_t, std::string>>> files = {
        {{1, huge_spans}},
        {{3, keys_lie}, {1, huge_spans}},
        {{3, keys_one}},               // keys without their batch
        {{3, keys_one}, {2, u64(0)}},  // keys before a record that is not a batch
        {{3, keys_one}, {3, keys_one}},
    };
    for (std::size_t i = 0; i < files.size(); ++i) {
        test::TempDir d;
        const fs::path state = d.write("s.state", state_file(files[i]));
        Engine engine(EngineConfig{});
        Ledger ledger;
        RequestIdSet ids;
        StateStore store;
        store.set_request_ids(&ids);
        std::vector<std::string> notes;
        ASSERT_TRUE(test::ok(store.open(state, 42, engine, ledger, notes)));
        EXPECT_EQ(ids.size(), 0u) << i;  // no key without its batch
        EXPECT_EQ(engine.records(), 0u) << i;
        ASSERT_EQ(notes.size(), 1u) << i;
        EXPECT_NE(notes[0].find("discarded"), std::string::npos) << notes[0];
    }
}

TEST(Dedupe, ReplayGivesTheSameTotals) {
    test::TempDir d;
    write_with_copies(d, 1000);
    const Result normal = run(d.path() / "logs");
    EngineConfig cfg;
    Engine engine(cfg);
    ReplayOptions ro;
    Replay replay(engine, ro);
    LoaderOptions lo;
    lo.workers = 2;
    lo.block_bytes = 4096;
    lo.dedupe = std::make_shared<RequestIdSet>();
    std::vector<InputProblem> problems;
    ASSERT_TRUE(replay.load(collect_inputs({(d.path() / "logs").string()}, problems), lo, {}).has_value());
    while (!replay.status().done) replay.tick();
    const auto r = engine.report(ReportSpec{});
    EXPECT_EQ(r.totals.requests, normal.requests);
    EXPECT_EQ(r.totals.bytes_sent, normal.bytes);
    // Replay reads every file; the normal run's ledger already skips copies (and starts of
    // files) at file level, so fewer lines reach the id check there: never more duplicates.
    EXPECT_GE(dup_count(engine.lines()), normal.duplicates);
    EXPECT_GT(normal.duplicates, 0u);
}

}  // namespace
}  // namespace s3top
