#pragma once
// The state file: a log of checksummed records, so a restart reopens a month of logs without
// reading them again, and a crash (even kill -9) loses at most the record being written.
// Kinds of record:
//   Batch:    the records of some lines (the engine's columns and the batch's string pools)
//             with the spans of input they came from, one write, so totals and offsets commit
//             together;
//   Entries:  ledger entries (file identity, content hashes, offset), written after the
//             batches they describe;
//   HeadPrefixes: ledger entries' line-end starts in their first KiB, after the Entries
//             record (same write()) or the Snapshot they belong to;
//   RequestIds: the dedupe keys (--dedupe request-id) of the Batch or Snapshot record right
//             after it, written in the same write() and counted only with it;
//   Storage:  likewise, the object-changing requests (`storage`, `bill`) of the Batch after it,
//             or before a Snapshot every one the file held;
//   Pending, Resolved: a batch sent to a database (s3top ingest --to clickhouse://): Pending
//             before the insert (the batch id, its spans and line counters, no rows), Resolved
//             after the answer; its spans count only once it is Resolved as landed. A Pending
//             batch left by a crash is looked up (the PendingResolver) when the file is opened.
//   Snapshot: the compact form: every record so far as one set of columns with one string pool
//             per dimension, and every ledger entry. A compacted file is one Snapshot; batches
//             and entries appended later follow it.
// Loading decodes every record into one batch (appended to the engine once) and the ledger.
// When the appended records have grown (a first load, hours of follow rounds), compact()
// rewrites the file as one Snapshot: temp file, fsync, rename — a crash at any point leaves
// either the old file or the new one, each holding everything exactly once. A torn or corrupt
// tail is cut off (and reported); a file of another version or config is rebuilt.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/agg/engine.hpp"
#include "core/ingest/io_error.hpp"
#include "core/ingest/ledger.hpp"
#include "core/ingest/pending_batch.hpp"

namespace s3top {

class RequestIdSet;
class StorageCollector;
namespace state_records {
class Sink;
}  // namespace state_records

class StateStore {
public:
    /// 2: the Snapshot record; pools stored as lengths + bytes. 3: HeadPrefixes records (the
    /// ledger's line-end starts); a version 2 file is rebuilt (with a note), so every counted
    /// file has its starts. 4: ledger entries keep the file's ctime (a file rewritten with the
    /// same size and mtime is looked at again); a version 3 file is rebuilt (with a note).
    /// 5: the header records the parsing rules (kParsingRulesVersion) the records were parsed
    /// by; a file of other rules, or of version 4, is rebuilt (with a note). 6: Storage records
    /// (the object-changing requests of `storage` and `bill`); a version 5 file is rebuilt (with a
    /// note): its batches have none. 7: content hashes by the four-lane StreamHash (a ledger
    /// entry keeps its lanes and unfinished stripe); a version 6 file is rebuilt (with a note).
    /// 8: columns stored narrow, in chunks (state_records::StoredColumn); a version 7 file is
    /// read and appended to as version 7 until a compaction writes it as 8.
    static constexpr std::uint32_t kVersion = 8;
    /// The oldest format read as it is (older ones are rebuilt).
    static constexpr std::uint32_t kOldestRead = 7;

    /// Where compaction stops early, to simulate a crash between its steps (tests only).
    enum class CrashPoint : std::uint8_t { None, TempWritten, TempSynced, Renamed };

    StateStore() = default;
    ~StateStore();
    StateStore(const StateStore&) = delete;
    StateStore& operator=(const StateStore&) = delete;

    /// Opens (creating folders) `file` for the config named by `fingerprint`, loads what it
    /// holds into `engine` and `ledger`, and compacts it when needs_compaction(). Problems (a
    /// torn tail cut off, a corrupt or foreign file rebuilt) go to `notes`. An IoError when the
    /// state cannot be used at all: not writable (Open, Read, Write), or locked by another s3top
    /// (Busy).
    IoStatus open(const std::filesystem::path& file, std::uint64_t fingerprint, Engine& engine, Ledger& ledger,
                  std::vector<std::string>& notes);

    /// Whether open() may rebuild a file it cannot use (another version, other parsing rules or
    /// settings, a corrupt header): empty it, so the logs are read again. Not for a state that
    /// says what was sent to a database (`s3top ingest`): reading the logs again would send every
    /// line again. Then open() fails with the reason and leaves the file as it is.
    void allow_rebuild(bool allowed) { rebuild_allowed_ = allowed; }
    /// open() also takes a file written for `fingerprint`, the same settings' fingerprint as an
    /// older s3top computed it, and writes the new one into its header.
    void accept_former_fingerprint(std::uint64_t fingerprint) { formerly_ = fingerprint; }

    /// Appends a batch with the spans it holds (paths and identities of `jobs`). Thread-safe.
    /// After a failed write nothing more is written in this run: every later append returns
    /// that first error.
    IoStatus append_batch(const Batch& batch, const std::vector<Span>& spans, const std::vector<PlannedJob>& jobs);
    /// Appends a Pending record: `batch` is about to be inserted into a database; its spans and
    /// `counters` (line counters, no rows) count once append_resolved() says it landed.
    /// Thread-safe.
    IoStatus append_pending(const PendingBatch& batch, const Batch& counters, const std::vector<Span>& spans,
                            const std::vector<PlannedJob>& jobs);
    /// Appends the Resolved record of the Pending batch `id`. Thread-safe.
    IoStatus append_resolved(std::uint64_t id, bool landed);
    /// How open() tells what became of Pending batches a crash left unresolved; without one they
    /// stay unresolved (and the file is not compacted while any is).
    void set_pending_resolver(PendingResolver r) { resolver_ = std::move(r); }
    /// Nothing more is written in this run (a batch a database refused: the ledger entries
    /// written at the end would claim its lines). Every later append returns `why`.
    void refuse_writes(IoError why);
    /// Appends ledger entries. Thread-safe.
    IoStatus append_entries(const std::vector<LedgerEntry>& entries);
    /// Flushes to disk (fdatasync).
    void sync();
    /// How many times sync() flushed the file (tests: a load that compacts does not flush the
    /// log it is about to replace).
    std::uint32_t syncs() const { return syncs_; }

    /// True when the records appended since the last Snapshot are worth folding into one:
    /// 4096 records, ledger entries of 16,384 files (compact_from_entries()), or small writes
    /// (under state_records::kBulkWriteBytes: follow rounds, small loads) of at least 16 MiB
    /// (compact_from()) in a log of half the snapshot's size. A bulk load's batches over a few
    /// thousand files load back as fast as a snapshot: rewriting them made a first run over
    /// 2 M lines in 1,200 files write its 86 MB twice and wait for it. Over many files they do
    /// not: each batch's spans go into the ledger one by one, beside the entries (a restart
    /// over 100,000 files: 1.4-1.7 s from the batches, 1.0-1.1 s from a snapshot, which
    /// decodes its entries once and beside the rows).
    bool needs_compaction() const;
    /// Tests: compaction from this many appended bytes on, not 16 MiB.
    void compact_from(std::uint64_t bytes) { compact_min_bytes_ = bytes; }
    /// Tests: compaction from this many ledger entries appended on, not 16,384.
    void compact_from_entries(std::uint64_t entries) { compact_min_entries_ = entries; }
    /// Rewrites the file as one Snapshot of everything it holds (read back from the file, so
    /// what a restart loads is unchanged). Not while batches are being appended. On failure
    /// the old file stays in use and the IoError says why.
    IoStatus compact();
    /// --dedupe request-id: open() loads the stored dedupe keys into `ids` (before it is called).
    /// Without it the keys a file holds are still kept through compaction.
    void set_request_ids(RequestIdSet* ids) { ids_ = ids; }
    /// Tests: a file just created (its header only) is written from here on as format `version`
    /// (kOldestRead to kVersion), as an older s3top wrote it. False when it holds records.
    bool write_format(std::uint32_t version);
    /// The format the file's records are written in.
    std::uint32_t format() const { return version_; }
    /// Tests: the next compaction stops at `p`, as if killed there (the store is then closed).
    void crash_compaction_at(CrashPoint p) { crash_at_ = p; }

    bool is_open() const { return fd_ >= 0; }
    std::uint64_t size() const { return size_; }
    /// Records after the snapshot (or all, when there is none).
    std::uint64_t appended_records() const { return log_records_; }

private:
    IoStatus write_record(std::uint8_t type, std::string_view payload);
    /// Records that belong together, in one write.
    IoStatus write_records(std::initializer_list<std::pair<std::uint8_t, std::string_view>> records);
    /// Cuts the file just opened to its first `good` bytes of `file_bytes` (a new header when
    /// nothing was good), writes this fingerprint into its header when `new_fingerprint`, and
    /// places the write offset at its end. False when a write failed (errno says why).
    bool cut_to_good(std::size_t good, std::uint64_t file_bytes, bool new_fingerprint);
    /// Writes a Snapshot (temp file, sync, rename) whose rows `put_rows` writes.
    IoStatus write_snapshot(const std::function<void(state_records::Sink&)>& put_rows, const Ledger& ledger,
                            const RequestIdSet& ids, const StorageCollector& storage);
    int fd_ = -1;
    std::filesystem::path path_;
    std::uint64_t fingerprint_ = 0;
    std::uint32_t version_ = kVersion;  ///< the file's format: what its records are written in
    std::uint64_t size_ = 0, synced_size_ = 0;
    std::uint64_t snapshot_bytes_ = 0, log_bytes_ = 0, log_records_ = 0, small_bytes_ = 0, log_entries_ = 0;
    std::uint64_t compact_min_bytes_ = 16 << 20, compact_min_entries_ = 16384;
    std::uint32_t syncs_ = 0;
    CrashPoint crash_at_ = CrashPoint::None;
    RequestIdSet* ids_ = nullptr;
    PendingResolver resolver_;
    bool rebuild_allowed_ = true;
    std::optional<std::uint64_t> formerly_;
    std::uint64_t unresolved_ = 0;  ///< Pending batches without their Resolved record
    /// The first failed write (a full disk): nothing is appended after it, so the file stays a
    /// prefix of what was ingested. (A later, smaller record that fit — ledger entries saying a
    /// file was read to its end — would claim lines whose batch is not there.)
    std::optional<IoError> failed_;
    std::mutex mutex_;
};

}  // namespace s3top
