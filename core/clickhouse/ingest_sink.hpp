#pragma once
// `s3top ingest --to clickhouse://`: where the Ingestor's batches go instead of the engine.
// Exactly once per batch: a Pending record (batch id, host, spans, line counters) is written to
// the state file before the insert and a Resolved record after ClickHouse acknowledges it; a
// Pending batch a crash left is looked up by its id (resolve()) before anything is sent again.
// Only the line counters reach the engine: no record is kept in memory. A batch is sent by a
// thread of the sink's while its parse worker reads on (one batch under way at a time): the
// Ingestor waits for it (drain()) before it writes the round's ledger entries.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/agg/engine.hpp"
#include "core/clickhouse/client.hpp"
#include "core/clickhouse/native_columns.hpp"
#include "core/ingest/ingestor.hpp"

namespace s3top::clickhouse {

/// The lines of a parse worker's batch in an ingest: one insert per host, a part each. Inserts
/// this big leave the servers no merges to do while 2 M lines go in (a batch of 128k lines made
/// each shard merge nearly every row once) at about 110 MB of columns per worker.
inline constexpr std::size_t kIngestBatchLines = std::size_t{1} << 19;

struct SinkCounts {
    std::uint64_t batches = 0, rows = 0, bytes_sent = 0;  ///< inserted (bytes: the bodies, compressed or not)
    std::uint64_t times_clamped = 0;  ///< record times outside DateTime's range, written at its nearest end
};

class IngestSink {
public:
    /// `org_from`: the org rule of the records sent (org_source_spec()), written with each
    /// batch's lines row.
    IngestSink(Client& client, StateStore& state, Engine& engine, std::string org_from)
        : client_(client), state_(state), engine_(engine), org_from_(std::move(org_from)) {}
    /// A batch still waiting to be sent is not sent (drain() first): it stays Pending.
    ~IngestSink();
    IngestSink(const IngestSink&) = delete;
    IngestSink& operator=(const IngestSink&) = delete;

    /// The Ingestor's commit hook (Ingestor::set_commit_hook): writes the Pending record, then
    /// hands the batch to the sending thread once the one before has been sent, and returns.
    /// Thread-safe.
    IoStatus commit(Batch&& b, std::vector<Span>&& spans, const std::vector<PlannedJob>& jobs);
    /// The Ingestor's commit drain (Ingestor::set_commit_drain): waits until the batch under
    /// way is sent and resolved; the first failure.
    IoStatus drain();
    /// The Ingestor's input screen (Ingestor::set_input_screen): an S3 log object (its name is
    /// unique to its bucket's log) this state has no record of, but whose name the target's lines
    /// table holds, was sent by another state (another machine, a lost or moved state folder, a
    /// changed --shard): taken out, not sent twice. A file it cannot ask about is taken out too.
    std::vector<InputProblem> screen(std::vector<InputFile>& files, const Ledger& ledger);
    /// The StateStore's resolver for Pending batches a crash left.
    std::expected<bool, std::string> resolve(const PendingBatch& p) { return client_.landed(p); }

    /// Set once an insert failed: the load stops (pass it as the ingest's cancel flag).
    const std::atomic<bool>* stop_flag() const { return &failed_; }
    /// The first failure, one line; empty when none.
    std::string first_error() const;
    SinkCounts counts() const;

    /// A parse worker's encoder (Ingestor::set_record_encoder): each record written into the
    /// Native columns of the host of its file (NativeColumnsEncoder), so no column of it is interned.
    std::unique_ptr<RecordEncoder> make_encoder() const;

    /// The host a file's batches go to: a hash of its path, so a file always lands on one shard.
    std::uint32_t host_of(std::string_view path) const;

private:
    /// A batch as it is sent: its parts' columns (one per host, as `pending` lists them) and
    /// its storage events' rows.
    struct EncodedBatch {
        PendingBatch pending;
        std::unique_ptr<EncodedRecords> records;  ///< the columns
        const EncodedColumns* columns = nullptr;  ///< `records`, when it holds any
        std::string storage;
        std::vector<std::string> files;  ///< the paths the rows' file numbers name
        std::uint64_t storage_failed = 0, rows = 0, times_clamped = 0;
    };
    /// `b`'s columns (taken from its EncodedColumns) and storage events, as they are sent.
    EncodedBatch encode_batch(Batch& b) const;
    /// What commit() hands the sending thread: the batch and its line counters.
    struct Sending {
        EncodedBatch enc;
        Batch counters;
    };
    /// Sends a batch whose Pending record is written: its storage events, its lines row, its
    /// parts; then its Resolved record, and its counters to the engine.
    IoStatus send(Sending& s);
    /// The sending thread: each batch commit() hands over, until the sink is destroyed.
    void send_loop();
    /// Sends every part of `enc` to its host as Native blocks (NativeColumnsWriter), side by side; the
    /// bytes sent, or the first error.
    std::expected<std::uint64_t, std::string> send_parts(const EncodedBatch& enc);
    IoStatus fail(std::string message);
    Client& client_;
    StateStore& state_;
    Engine& engine_;
    const std::string org_from_;
    std::shared_ptr<ColumnBuffers> buffers_ = std::make_shared<ColumnBuffers>();  ///< the encoders' columns
    std::atomic<bool> failed_{false};
    mutable std::mutex mutex_;
    std::string error_;
    SinkCounts counts_;
    std::mutex send_mutex_;
    std::condition_variable send_cv_;
    std::optional<Sending> sending_;  ///< handed to the sending thread, not yet sent
    bool stopping_ = false;
    std::jthread sender_;  ///< last: joined before the members it uses go
};

}  // namespace s3top::clickhouse
