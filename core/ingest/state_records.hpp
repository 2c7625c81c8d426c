#pragma once
// The state file's records (see state_store.hpp for the kinds and the file's life): their
// constants, header, and the encoders and decoders of their payloads. Internal to the state
// store (state_store.cpp and state_records.cpp); not an API.
#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/agg/batch.hpp"
#include "core/ingest/ledger.hpp"
#include "core/ingest/state_columns.hpp"
#include "core/ingest/pending_batch.hpp"
#include "core/util/stream_hash.hpp"

namespace s3top {

class Engine;
class RequestIdSet;
class StorageCollector;

namespace state_records {

inline constexpr char kMagic[8] = {'S', '3', 'T', 'O', 'P', 'S', 'T', '\n'};
inline constexpr std::uint32_t kRecordMagic = 0x53335231;  // "S3R1"
inline constexpr std::uint8_t kBatch = 1, kEntries = 2, kSnapshot = 8;
/// The dedupe keys (--dedupe request-id) of the records of the Batch or Snapshot record that
/// follows it: written in the same write() before it, and applied only once that record
/// decodes, so a torn batch never leaves keys that would reject its own lines when they are
/// read again.
inline constexpr std::uint8_t kRequestIds = 3;
/// Ledger entries' line-end starts (LedgerEntry::prefixes), by path: after the Entries record
/// they belong to (in the same write()) and after a Snapshot. Entries decoded without theirs
/// (a torn write) keep none: such a file's short start is then counted, as before version 3.
inline constexpr std::uint8_t kHeadPrefixes = 4;
/// A batch sent to a database (s3top ingest --to clickhouse://): written before the insert, with
/// the batch id, the host it goes to, its rows and time range and a Batch payload without rows
/// (its spans and line counters). It counts only once a Resolved record says it landed.
inline constexpr std::uint8_t kPending = 5;
/// The fate of a Pending batch: its id, and whether it landed (acknowledged, or found by its id
/// after a crash) or not (then its lines are read again).
inline constexpr std::uint8_t kResolved = 6;
/// `s3top storage` and `bill`: the object-changing requests (StorageLines) of the Batch or
/// Snapshot record that follows it, written in the same write() before it (after a RequestIds
/// record when there is one) and counted only with it, so a crash never keeps one without the
/// other. A Snapshot's is every event the file held, each string once.
inline constexpr std::uint8_t kStorage = 7;
/// A write of at least this many bytes is a bulk load's (a batch of 64k lines is ~3 MB): it
/// loads back as fast as the same rows in a Snapshot, so it never calls for a compaction.
/// Smaller writes (follow rounds, small loads, ledger entries) each add a string pool and a
/// record to decode, and do once they add up.
inline constexpr std::uint64_t kBulkWriteBytes = std::uint64_t{1} << 20;
inline constexpr std::size_t kHeaderBytes = 8 + 4 + 4 + 8;        // magic, version, parsing rules, fingerprint
inline constexpr std::size_t kRecordHeaderBytes = 4 + 4 + 8 + 8;  // magic, type, length, checksum

class Out {
public:
    std::string s;
    template <class T>
    void num(T v) {
        s.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
    void str(std::string_view v) {
        num(static_cast<std::uint32_t>(v.size()));
        s.append(v);
    }
    template <class T>
    void array(const std::vector<T>& v) {
        s.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
    }
};

/// Writes all of `p` to `fd` (retrying short writes and EINTR). False on an error.
bool write_all(int fd, const char* p, std::size_t n);
/// Writes all of `parts` to `fd` in order, in one writev() when it takes them all (retrying
/// short writes and EINTR). False on an error.
bool write_all(int fd, std::span<const std::string_view> parts);

/// Output of a record's payload: in memory, or (a snapshot, hundreds of MB) streamed to a file
/// with its checksum computed on the way.
class Sink : public Out {
public:
    Sink() = default;
    Sink(int fd, StreamHash* hash) : fd_(fd), hash_(hash) {}
    template <class T>
    void big_array(const std::vector<T>& v) {
        big_bytes({reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T)});
    }
    /// Bytes appended, or written straight through when large (a column of a snapshot).
    void big_bytes(std::string_view bytes) {
        if (fd_ < 0 || bytes.size() < kDirectBytes) {
            s.append(bytes);
        } else {
            flush();
            put(bytes);
        }
        flush_when_full();
    }
    /// Writes what is buffered once it is 1 MiB (kept small: a bigger buffer is memory faulted
    /// in for every snapshot).
    void flush_when_full() {
        if (s.size() >= kFlushBytes) flush();
    }
    void flush() {
        if (fd_ < 0 || s.empty()) return;
        put(s);
        s.clear();
    }
    bool ok() const { return ok_; }
    std::uint64_t written() const { return written_; }

private:
    static constexpr std::size_t kDirectBytes = std::size_t{64} << 10, kFlushBytes = std::size_t{1} << 20;
    void put(std::string_view d) {
        if (!ok_) return;
        hash_->update(d);
        ok_ = write_all(fd_, d.data(), d.size());
        written_ += d.size();
    }
    int fd_ = -1;
    StreamHash* hash_ = nullptr;
    bool ok_ = true;
    std::uint64_t written_ = 0;
};

struct RecordHeader {
    std::uint32_t magic = kRecordMagic, type = 0;
    std::uint64_t len = 0, sum = 0;
    void to(char* h) const {
        std::memcpy(h, &magic, 4);
        std::memcpy(h + 4, &type, 4);
        std::memcpy(h + 8, &len, 8);
        std::memcpy(h + 16, &sum, 8);
    }
    void from(const char* h) {
        std::memcpy(&magic, h, 4);
        std::memcpy(&type, h + 4, 4);
        std::memcpy(&len, h + 8, 8);
        std::memcpy(&sum, h + 16, 8);
    }
};

/// A record's rows as read from the file: counters and string pools decoded, the columns still
/// in place. Column views outlive this only as long as the mapping does.
struct StoredRows {
    LineCounters counters;
    std::int64_t newest_source_mtime = 0;
    std::uint64_t n = 0;
    StoredColumn time, bytes_sent, bytes_in, total_time_ms, status, tier;  ///< as for_each_number_column
    std::array<StoredColumn, kStringDimCount> ids;                         ///< empty: the dimension is not stored
    Pools pools;
};

/// Compaction's rows: every record's, left in the mapped log (no copy, no merge) until
/// put_kept_rows writes them as one Snapshot's rows.
struct KeptRows {
    LineCounters counters;
    std::int64_t newest_source_mtime = 0;
    std::vector<StoredRows> records;  ///< those with rows, in the file's order
};

/// Where decoded rows go: merged into one batch (an engine that keeps records), kept in place
/// (compaction), or streamed into an engine that folds one report and keeps none.
struct RowsTarget {
    Batch* rows = nullptr;
    Engine* stream = nullptr;
    /// Where the Storage records' lines go (none: they are checked, then dropped).
    StorageCollector* storage = nullptr;
    KeptRows* kept = nullptr;
};

/// Appends the rows of `b` to `into`, interning b's strings into into's pools (a restart's
/// Batch records, merged in the file's order). A dimension absent on one side is absent (id 0)
/// for those rows, as Engine::append treats it. Each column grows to twice its rows when it must
/// grow, so merging N rows copies each a few times, whatever the number of batches.
void merge_rows(Batch& into, Batch&& b);

/// A ledger entry as written in Entries and Snapshot records.
void put_entry(Out& o, const LedgerEntry& e);
/// A HeadPrefixes payload for the entries that have starts (empty when none has).
std::string encode_prefixes(const std::vector<const LedgerEntry*>& entries);
/// The rows of a batch (Batch and Snapshot records), as format `version` stores them.
void put_rows(Sink& o, const Batch& b, std::uint32_t version);
/// The rows of every kept record as one batch's (format kNarrowFormat or later): the rows, pools
/// and ids that merging them in order makes (each dimension's pool interned in record order, a
/// dimension a record lacks is id 0 in its rows), each record's number columns in its own chunks.
void put_kept_rows(Sink& o, const KeptRows& k);
/// A Batch record's payload, appended to `o`: the spans (paths and identities from `jobs`), then
/// the rows.
void put_batch(Sink& o, const Batch& b, const std::vector<Span>& spans, const std::vector<PlannedJob>& jobs,
               std::uint32_t version);
/// A RequestIds record's payload: records without an id, then the keys.
void put_request_ids(Sink& o, std::uint64_t no_id, const std::vector<RequestKey>& keys);
/// A Storage record's payload: the failed count, the text, then each line.
void put_storage(Sink& o, const StorageLines& lines);
/// Reads a Storage record's payload whole; false when malformed (a reference past the text,
/// an operation or class that is none).
bool read_storage(std::string_view payload, StorageLines& out);

/// A Pending record's payload: the batch's description, then its spans and counters (as a
/// Batch record's payload of no rows).
std::string encode_pending(const PendingBatch& p, const Batch& counters, const std::vector<Span>& spans,
                           const std::vector<PlannedJob>& jobs, std::uint32_t version);
/// A Resolved record's payload.
std::string encode_resolved(std::uint64_t batch_id, bool landed);

/// A Pending record no Resolved record followed (yet): the batch and its Batch payload.
struct Unresolved {
    PendingBatch batch;
    std::string payload;
};

struct Decoded {
    std::size_t good = 0;  ///< bytes of whole, valid records (from the file's start)
    std::uint64_t snapshot_bytes = 0, log_bytes = 0, log_records = 0;
    std::uint64_t small_bytes = 0;       ///< of log_bytes, in writes under kBulkWriteBytes
    std::uint64_t log_entries = 0;       ///< ledger entries in the log's Entries records
    std::vector<Unresolved> unresolved;  ///< in the order written
};

/// Applies a Pending batch's Batch payload that landed: its spans to the ledger, its counters
/// to `rows`. False when malformed.
bool apply_landed(std::string_view payload, const RowsTarget& rows, Ledger& ledger, std::uint32_t version);

/// Decodes the records after the header of a file of format `version`: rows to `rows`, ledger
/// data into `ledger`, dedupe keys into `ids`. Stops at the first torn, corrupt or undecodable
/// record (a RequestIds record counts only with the Batch or Snapshot after it).
Decoded decode_records(std::string_view data, const RowsTarget& rows, Ledger& ledger, RequestIdSet& ids,
                       std::uint32_t version);

}  // namespace state_records
}  // namespace s3top
