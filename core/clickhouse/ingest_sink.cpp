#include "core/clickhouse/ingest_sink.hpp"

#include <algorithm>
#include <random>

#include "core/clickhouse/row_binary.hpp"
#include "core/clickhouse/storage_rows.hpp"
#include "core/util/hash.hpp"

namespace s3top::clickhouse {

std::uint64_t new_batch_id() {
    static std::mutex m;
    static std::mt19937_64 gen = [] {
        std::random_device rd;
        std::seed_seq seq{rd(), rd(), rd(), rd()};
        return std::mt19937_64(seq);
    }();
    std::lock_guard l(m);
    std::uint64_t id = 0;
    while (id == 0) id = gen();
    return id;
}

std::uint32_t IngestSink::host_of(std::string_view path) const {
    const auto n = client_.target().hosts.size();
    return static_cast<std::uint32_t>(hash_bytes(path, 0x63686f7374ULL) % n);
}

IoStatus IngestSink::fail(std::string message) {
    {
        std::lock_guard l(mutex_);
        if (error_.empty()) error_ = message;
    }
    failed_ = true;
    return std::unexpected(IoError{IoError::Code::Write, client_.target().describe(), 0, std::move(message)});
}

std::string IngestSink::first_error() const {
    std::lock_guard l(mutex_);
    return error_;
}

SinkCounts IngestSink::counts() const {
    std::lock_guard l(mutex_);
    return counts_;
}

IoStatus IngestSink::commit(Batch&& b, std::vector<Span>&& spans, const std::vector<PlannedJob>& jobs) {
    if (failed_) return fail(first_error());
    // What the state file and the engine keep of the batch: its line counters, no rows.
    Batch counters;
    counters.counters = b.counters;
    counters.newest_source_mtime = b.newest_source_mtime;
    // The newest file this batch read from: a report over ClickHouse tells a period still
    // being delivered by it, as a local one does by its inputs.
    for (const Span& sp : spans)
        if (sp.job < jobs.size())
            counters.newest_source_mtime = std::max(counters.newest_source_mtime, jobs[sp.job].job.file.mtime);
    counters.rejects = std::move(b.rejects);
    if (b.columns.size() == 0 && counters.counters.read == 0) {  // nothing read: nothing to insert
        if (IoStatus stored = state_.append_batch(counters, spans, jobs); !stored) return stored;
        engine_.append(std::move(counters));
        return {};
    }
    // A worker's batch holds lines of several files: each file's rows go to its host.
    const std::uint64_t id = new_batch_id();
    const auto path_of = [&jobs](std::uint32_t file) {
        return file < jobs.size() ? std::string_view(jobs[file].job.file.path) : std::string_view();
    };
    std::vector<std::uint32_t> host_of_file(jobs.size(), ~std::uint32_t{0});  // of the files in this batch
    std::vector<bool> used(client_.target().hosts.size());
    for (const Span& sp : spans) {
        host_of_file[sp.job] = host_of(jobs[sp.job].job.file.path);
        used[host_of_file[sp.job]] = true;
    }
    PendingBatch pending{id, {}};
    std::vector<std::string> bodies;
    std::uint64_t rows = 0, clamped = 0;
    for (std::uint32_t h = 0; h < used.size(); ++h) {
        if (!used[h]) continue;
        EncodedRows enc = encode_row_binary(
            b, path_of, id, [&](std::uint32_t file) { return file < host_of_file.size() && host_of_file[file] == h; });
        if (enc.rows == 0) continue;
        pending.parts.push_back({h, enc.rows, enc.min_time, enc.max_time});
        bodies.push_back(gzip_compress(enc.bytes));
        rows += enc.rows;
        clamped += enc.times_clamped;
    }
    // The object-changing requests go with the lines row, on its host.
    const std::string storage =
        b.storage.lines.empty() ? std::string() : gzip_compress(encode_storage_rows(b.storage, id));
    const std::uint64_t storage_failed = b.storage.failed;
    b = Batch();  // the rows are in `bodies` now
    if (IoStatus stored = state_.append_pending(pending, counters, spans, jobs); !stored) {
        failed_ = true;
        return stored;
    }
    // The storage events, then the line counters (a batch of rejected lines has only them), then
    // the records: a lines row says its events landed, and records that landed always have
    // their lines row, so a lookup after a crash can tell what is there (Client::landed).
    const std::uint32_t lhost = lines_host(pending);
    if (!storage.empty()) {
        if (auto done = client_.insert_storage(lhost, id, storage); !done) return fail(done.error());
    }
    if (auto done = client_.insert_lines(lhost, id, counters.counters, counters.newest_source_mtime, storage_failed);
        !done)
        return fail(done.error());
    std::uint64_t bytes = 0;
    for (std::size_t i = 0; i < bodies.size(); ++i) {
        if (auto done = client_.insert(pending.parts[i].host, bodies[i], batch_query_id(id)); !done)
            return fail(done.error());
        bytes += bodies[i].size();
    }
    bytes += storage.size();
    if (IoStatus stored = state_.append_resolved(id, true); !stored) {
        failed_ = true;
        return stored;
    }
    {
        std::lock_guard l(mutex_);
        ++counts_.batches;
        counts_.rows += rows;
        counts_.bytes_sent += bytes;
        counts_.times_clamped += clamped;
    }
    engine_.append(std::move(counters));
    return {};
}

}  // namespace s3top::clickhouse
