#include "core/clickhouse/ingest_sink.hpp"

#include <algorithm>
#include <random>
#include <thread>

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

IngestSink::EncodedBatch IngestSink::encode_batch(const Batch& b, std::uint64_t id, const std::vector<PlannedJob>& jobs,
                                                  const std::vector<Span>& spans) const {
    // A worker's batch holds lines of several files: each file's rows go to its host.
    const auto path_of = [&jobs](std::uint32_t file) {
        return file < jobs.size() ? std::string_view(jobs[file].job.file.path) : std::string_view();
    };
    std::vector<std::uint32_t> host_of_file(jobs.size(), ~std::uint32_t{0});  // of the files in this batch
    std::vector<bool> used(client_.target().hosts.size());
    for (const Span& sp : spans) {
        host_of_file[sp.job] = host_of(jobs[sp.job].job.file.path);
        used[host_of_file[sp.job]] = true;
    }
    EncodedBatch out;
    out.pending.id = id;
    for (std::uint32_t h = 0; h < used.size(); ++h) {
        if (!used[h]) continue;
        EncodedRows rows = encode_row_binary(
            b, path_of, id, [&](std::uint32_t file) { return file < host_of_file.size() && host_of_file[file] == h; });
        if (rows.rows == 0) continue;
        out.pending.parts.push_back({h, rows.rows, rows.min_time, rows.max_time});
        out.bodies.push_back(std::move(rows.bytes));
        out.rows += rows.rows;
        out.times_clamped += rows.times_clamped;
    }
    // The object-changing requests go with the lines row, on its host.
    if (!b.storage.lines.empty()) out.storage = encode_storage_rows(b.storage, id);
    out.storage_failed = b.storage.failed;
    return out;
}

std::expected<std::uint64_t, std::string> IngestSink::send_parts(const PendingBatch& pending,
                                                                 std::vector<std::string>&& bodies) {
    // Each host's part at once: the shards take them side by side (one thread per further part).
    std::vector<std::expected<std::size_t, std::string>> sent(bodies.size());
    {
        std::vector<std::jthread> others;
        for (std::size_t i = 1; i < bodies.size(); ++i)
            others.emplace_back([&, i] {
                sent[i] = client_.insert(pending.parts[i].host, std::move(bodies[i]), batch_query_id(pending.id));
            });
        if (!bodies.empty())
            sent[0] = client_.insert(pending.parts[0].host, std::move(bodies[0]), batch_query_id(pending.id));
    }
    std::uint64_t bytes = 0;
    for (const auto& s : sent) {
        if (!s) return std::unexpected(s.error());
        bytes += *s;
    }
    return bytes;
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
    const std::uint64_t id = new_batch_id();
    EncodedBatch enc = encode_batch(b, id, jobs, spans);
    b = Batch();  // the rows are in `enc` now
    if (IoStatus stored = state_.append_pending(enc.pending, counters, spans, jobs); !stored) {
        failed_ = true;
        return stored;
    }
    // The storage events, then the line counters (a batch of rejected lines has only them), then
    // the records: a lines row says its events landed, and records that landed always have
    // their lines row, so a lookup after a crash can tell what is there (Client::landed).
    const std::uint32_t lhost = lines_host(enc.pending);
    std::uint64_t bytes = 0;
    if (!enc.storage.empty()) {
        auto done = client_.insert_storage(lhost, id, std::move(enc.storage));
        if (!done) return fail(done.error());
        bytes += *done;
    }
    if (auto done =
            client_.insert_lines(lhost, id, counters.counters, counters.newest_source_mtime, enc.storage_failed);
        !done)
        return fail(done.error());
    auto sent = send_parts(enc.pending, std::move(enc.bodies));
    if (!sent) return fail(sent.error());
    bytes += *sent;
    if (IoStatus stored = state_.append_resolved(id, true); !stored) {
        failed_ = true;
        return stored;
    }
    {
        std::lock_guard l(mutex_);
        ++counts_.batches;
        counts_.rows += enc.rows;
        counts_.bytes_sent += bytes;
        counts_.times_clamped += enc.times_clamped;
    }
    engine_.append(std::move(counters));
    return {};
}

}  // namespace s3top::clickhouse
