// Micro and macro benchmarks of the core: parser throughput, batch building, and a filter
// change over 10 million in-memory records (the dashboard's worst case).
#include <benchmark/benchmark.h>

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <deque>
#include <string>
#include <vector>

#include "core/agg/engine.hpp"
#include "core/ingest/request_ids.hpp"
#include "core/parse/s3_access_log.hpp"
#include "core/storage/object_table.hpp"
#include "core/storage/storage_collector.hpp"

namespace s3top {
namespace {

std::string sample_line(std::size_t i) {
    const std::string org = "org-" + std::to_string(i % 500);
    const std::string key = "data/2024/03/file-" + std::to_string(i % 100000) + ".bin";
    const std::string ip = "10.0." + std::to_string((i / 256) % 256) + "." + std::to_string(i % 256);
    return "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be bucket-" + std::to_string(i % 4) +
           " [06/Feb/2024:00:" + std::to_string(10 + i % 50) + ":38 +0000] " + ip +
           " arn:aws:iam::123456789012:user/u" + std::to_string(i % 50) + " 3E57427F3EXAMPLE REST.GET.OBJECT " + key +
           " \"GET /bucket/" + key + "?org=" + org + "&X-Amz-Signature=abcdef HTTP/1.1\" " +
           (i % 20 == 0 ? "404 NoSuchKey" : "200 -") + " " + std::to_string(1000 + i % 100000) +
           " 3462992 70 10 \"-\" \"aws-cli/2.15.0 Python/3.11.6 Linux/6.1\" - "
           "s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 "
           "ECDHE-RSA-AES128-GCM-SHA256 AuthHeader bucket.s3.us-west-1.amazonaws.com TLSv1.2 - -";
}

// 100,000 sample lines; with S3TOP_BENCH_LINES=FILE, the first 100,000 lines of FILE instead
// (real or generated logs: their mix of line shapes is what the parser meets).
const std::vector<std::string>& lines() {
    static const std::vector<std::string> v = [] {
        std::vector<std::string> out;
        if (const char* path = std::getenv("S3TOP_BENCH_LINES")) {
            std::ifstream in(path);
            for (std::string l; out.size() < 100000 && std::getline(in, l);) out.push_back(l);
            if (out.empty()) std::fprintf(stderr, "S3TOP_BENCH_LINES: no lines in %s\n", path);
        }
        if (out.empty())
            for (std::size_t i = 0; i < 100000; ++i) out.push_back(sample_line(i));
        return out;
    }();
    return v;
}

void BM_ParseS3(benchmark::State& state) {
    const auto& ls = lines();
    std::size_t i = 0, bytes = 0;
    for (auto _ : state) {
        auto r = parse_s3_access_log(ls[i]);
        benchmark::DoNotOptimize(r);
        bytes += ls[i].size() + 1;
        if (++i == ls.size()) i = 0;
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseS3);

void BM_ParseAndBuildBatch(benchmark::State& state) {
    const auto& ls = lines();
    EngineConfig cfg;
    BatchBuilder b(cfg.org, cfg.keep);
    std::size_t i = 0, bytes = 0;
    for (auto _ : state) {
        auto r = parse_s3_access_log(ls[i]);
        b.add(*r);
        bytes += ls[i].size() + 1;
        if (++i == ls.size()) {
            i = 0;
            benchmark::DoNotOptimize(b.take());
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseAndBuildBatch);

// 10 million records in the engine, then a new filter: build a fresh View (all panels,
// totals, series) from row 0 — what the dashboard does on every filter change.
Engine& big_engine() {
    static Engine* e = [] {
        auto* eng = new Engine(EngineConfig{});
        const auto& ls = lines();
        EngineConfig cfg;
        for (int rep = 0; rep < 100; ++rep) {
            BatchBuilder b(cfg.org, cfg.keep);
            for (const auto& l : ls) b.add(*parse_s3_access_log(l));
            eng->append(b.take());
        }
        return eng;
    }();
    return *e;
}

void BM_FilterChange10M(benchmark::State& state) {
    Engine& e = big_engine();
    ViewSpec spec;
    for (Dim d : {Dim::Org, Dim::RemoteIp, Dim::Status, Dim::Operation, Dim::Key, Dim::ErrorCode, Dim::UserAgent,
                  Dim::Bucket, Dim::Requester})
        spec.panels.push_back(PanelSpec{DimSpec{d, 0}, 200, SortBy::Bytes});
    const char* filters[] = {"", "org=org-17", "status=4xx", "bucket=bucket-1 status!=404"};
    std::uint64_t gen = 0;
    for (auto _ : state) {
        spec.filter = *parse_filter(filters[gen % 4]);
        View v(spec);
        benchmark::DoNotOptimize(e.refresh(v, ++gen));
    }
    state.counters["records"] = static_cast<double>(e.records());
}
BENCHMARK(BM_FilterChange10M)->Unit(benchmark::kMillisecond)->Iterations(8);

// --dedupe request-id: 10 million records with distinct S3 request ids through
// RequestIdSet::admit (key of every field, insert), then the set's bytes per id (the figure in
// README Limits: it does not depend on the build type).
void BM_Dedupe10M(benchmark::State& state) {
    const auto& ls = lines();
    std::vector<Record> records;
    for (const auto& l : ls) records.push_back(*parse_s3_access_log(l));
    constexpr std::size_t kRecords = 10'000'000;
    for (auto _ : state) {
        RequestIdSet set;
        EngineConfig cfg;
        BatchBuilder b(cfg.org, cfg.keep);
        const std::uint32_t file = set.begin_load(1);
        const auto start = std::chrono::steady_clock::now();
        char id[16];
        for (std::size_t i = 0; i < kRecords; ++i) {
            Record r = records[i % records.size()];
            std::uint64_t v = i * 0x9E3779B97F4A7C15ULL;
            for (char& c : id) {
                c = "0123456789ABCDEF"[v & 15];
                v >>= 4;
            }
            r.request_id = std::string_view(id, 16);
            benchmark::DoNotOptimize(set.admit(r, file, b));
            if (i % 65536 == 0) benchmark::DoNotOptimize(b.take());
        }
        state.counters["ids"] = static_cast<double>(set.size());
        state.counters["bytes_per_id"] = static_cast<double>(set.memory_bytes()) / static_cast<double>(set.size());
        state.counters["ns_per_record"] = static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                                  std::chrono::steady_clock::now() - start)
                                                                  .count()) /
                                          static_cast<double>(kRecords);
    }
}
BENCHMARK(BM_Dedupe10M)->Unit(benchmark::kMillisecond)->Iterations(1);

// `s3top report --by key` over 1,000,000 distinct 24-byte keys, streamed as the app does
// (EngineConfig::stream: no records kept): the heap the engine holds per distinct key once
// every batch is folded (mallinfo2: bytes in use after minus before), and after finish()
// builds the result's groups. The README's Limits table quotes these counters.
void BM_ReportByKeyMemory1M(benchmark::State& state) {
    constexpr std::size_t kKeys = 1'000'000;
    for (auto _ : state) {
        const auto before = ::mallinfo2().uordblks;
        EngineConfig cfg;
        ReportSpec spec;
        spec.by = {DimSpec{Dim::Key, 0}};
        spec.top = 10;
        cfg.stream = spec;
        cfg.keep.set(index(Dim::Key)).set(index(Dim::RemoteIp));
        Engine e(cfg);
        std::string line;
        for (std::size_t start = 0; start < kKeys; start += 65536) {
            BatchBuilder b(cfg.org, cfg.keep);
            std::deque<std::string> keep;  // records view their lines
            for (std::size_t i = start; i < std::min(kKeys, start + 65536); ++i) {
                char key[32];
                std::snprintf(key, sizeof key, "k/%022zu", i);
                keep.push_back(std::string("o bkt [06/Feb/2024:00:10:38 +0000] 10.0.") + std::to_string(i % 250) +
                               ".1 - R1 REST.GET.OBJECT " + key + " \"GET /bkt/" + key +
                               "?org=a HTTP/1.1\" 200 - 100 100 1 1 \"-\" \"ua\" -");
                b.add(*parse_s3_access_log(keep.back()));
            }
            e.append(b.take());
        }
        const auto folded = ::mallinfo2().uordblks;
        const ReportResult r = e.report(spec);
        const auto finished = ::mallinfo2().uordblks;
        benchmark::DoNotOptimize(r.total_groups);
        state.counters["keys"] = static_cast<double>(r.total_groups);
        state.counters["heap_bytes_per_key"] = static_cast<double>(folded - before) / kKeys;
        state.counters["with_result_per_key"] = static_cast<double>(finished - before) / kKeys;
    }
}
BENCHMARK(BM_ReportByKeyMemory1M)->Unit(benchmark::kMillisecond)->Iterations(1);

// `s3top storage`'s memory per stored object: 1,000,000 keys of 13 bytes ("data/k0000000", as
// bench/storage.sh names them) in one bucket, one PUT each, gathered by a StorageCollector,
// closed (the load is over) and applied to an ObjectTable. Counters, per object: the table's
// heap (mallinfo2: in use, mmap'ed included, after the apply minus before it), the key pool's index (its views and
// hash table: its bytes less the keys'), the keys' own bytes, and the copy of the key views a
// read made before close() (what the dashboard, whose load never ends, keeps). The events are
// apart (48 bytes each, per request, not per object). The README's storage paragraph quotes it.
void BM_StorageObjectMemory1M(benchmark::State& state) {
    constexpr std::size_t kKeys = 1'000'000;
    for (auto _ : state) {
        StorageCollector c;
        for (std::size_t start = 0; start < kKeys; start += 65536) {
            StorageLines l;
            for (std::size_t i = start; i < std::min(kKeys, start + 65536); ++i) {
                char key[16];
                std::snprintf(key, sizeof key, "data/k%07zu", i);
                StorageLine s;
                s.time = 1709251200 + static_cast<std::int64_t>(i);
                s.size = 1000;
                s.has_size = true;
                s.bucket = l.keep("data");
                s.key = l.keep(key);
                s.org = l.keep("org-1");
                l.lines.push_back(s);
            }
            c.add(std::move(l));
        }
        const std::size_t live = c.memory_bytes();
        c.read([](const StorageView&) { return 0; });                    // a read while adds may come: the views copied
        const std::size_t copied = c.memory_bytes() - live - 4 * kKeys;  // less the read's order, 4 bytes an event
        c.close();
        c.read([&](const StorageView& v) {
            const StringPool& keys = c.names().keys.at(1);
            auto heap = [] {  // a big array is mmap'ed: hblkhd
                const struct mallinfo2 m = ::mallinfo2();
                return m.uordblks + m.hblkhd;
            };
            const auto before = heap();
            StorageSpec spec;
            spec.from = 1709251200;
            spec.to = spec.from + 31 * 86400;
            ObjectTable table(spec, *v.names);
            for (std::size_t i = 0; i < v.size(); ++i) table.apply(v[i]);
            const auto applied = heap();
            const auto n = static_cast<double>(table.objects());
            state.counters["objects"] = n;
            state.counters["table_per_object"] = static_cast<double>(applied - before) / n;
            state.counters["key_index_per_object"] = static_cast<double>(keys.memory_bytes() - 13 * kKeys) / n;
            state.counters["key_bytes_per_object"] = 13.0 * kKeys / n;
            state.counters["live_view_copy_per_object"] = static_cast<double>(copied) / n;
            return 0;
        });
    }
}
BENCHMARK(BM_StorageObjectMemory1M)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace s3top

BENCHMARK_MAIN();
