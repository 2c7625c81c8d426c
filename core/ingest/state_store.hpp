#pragma once
// The state file: an append-only log of checksummed records, so a restart reopens a month of
// logs without reading them again, and a crash (even kill -9) loses at most the record being
// written. Two kinds of record:
//   Batch:  the records of some lines (the engine's columns and the batch's string pools) with
//           the spans of input they came from, one write, so totals and offsets commit together;
//   Entries: ledger entries (file identity, content hashes, offset), written after the
//           batches they describe.
// Loading replays both: batches into the engine, spans and entries into the ledger. A torn
// or corrupt tail is cut off (and reported); a file of another version or config is rebuilt.
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "core/agg/engine.hpp"
#include "core/ingest/ledger.hpp"

namespace s3top {

class StateStore {
public:
    static constexpr std::uint32_t kVersion = 1;

    StateStore() = default;
    ~StateStore();
    StateStore(const StateStore&) = delete;
    StateStore& operator=(const StateStore&) = delete;

    /// Opens (creating folders) `file` for the config named by `fingerprint`, loads what it
    /// holds into `engine` and `ledger`. Problems (a torn tail cut off, a corrupt or foreign
    /// file rebuilt) go to `notes`. Returns false (with `error`) when the state cannot be used
    /// at all: not writable, or locked by another s3top.
    bool open(const std::filesystem::path& file, std::uint64_t fingerprint, Engine& engine, Ledger& ledger,
              std::vector<std::string>& notes, std::string& error);

    /// Appends a batch with the spans it holds (paths and identities of `jobs`). Thread-safe.
    bool append_batch(const Batch& batch, const std::vector<Span>& spans, const std::vector<PlannedJob>& jobs,
                      std::string& error);
    /// Appends ledger entries. Thread-safe.
    bool append_entries(const std::vector<LedgerEntry>& entries, std::string& error);
    /// Flushes to disk (fdatasync).
    void sync();
    bool is_open() const { return fd_ >= 0; }
    std::uint64_t size() const { return size_; }

private:
    bool write_record(std::uint8_t type, const std::string& payload, std::string& error);
    int fd_ = -1;
    std::uint64_t size_ = 0;
    /// The first failed write (a full disk): nothing is appended after it, so the file stays a
    /// prefix of what was ingested. (A later, smaller record that fit — ledger entries saying a
    /// file was read to its end — would claim lines whose batch is not there.)
    std::string failed_;
    std::mutex mutex_;
};

}  // namespace s3top
