#include "core/ingest/state_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "core/ingest/request_ids.hpp"
#include "core/ingest/state_records.hpp"
#include "core/parse/parsing_rules.hpp"
#include "core/storage/storage_collector.hpp"
#include "core/util/stream_hash.hpp"

namespace s3top {

using namespace state_records;

namespace {

std::string file_header(std::uint64_t fingerprint, std::uint32_t version = StateStore::kVersion) {
    Out o;
    o.s.append(kMagic, 8);
    o.num(version);
    o.num(kParsingRulesVersion);
    o.num(fingerprint);
    return std::move(o.s);
}

/// A read-only view of a whole file (mapped; empty when the file is). Every page is mapped at
/// once: it is all read, and a page fault costs 12-25 us in a VM.
class MappedFile {
public:
    bool map(int fd, std::size_t size) {
        if (size == 0) return true;
        void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (p == MAP_FAILED) return false;
        p_ = p;
        size_ = size;
        return true;
    }
    ~MappedFile() { unmap(); }
    void unmap() {
        if (p_) ::munmap(p_, size_);
        p_ = nullptr;
        size_ = 0;
    }
    std::string_view data() const { return {static_cast<const char*>(p_), size_}; }

private:
    void* p_ = nullptr;
    std::size_t size_ = 0;
};

bool file_size(int fd, std::uint64_t& size) {
    struct stat st{};
    if (::fstat(fd, &st) != 0) return false;
    size = static_cast<std::uint64_t>(st.st_size);
    return true;
}

void sync_dir(const std::filesystem::path& file) {
    const auto dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    (void)::fsync(fd);
    ::close(fd);
}

std::filesystem::path temp_path(const std::filesystem::path& file) {
    return std::filesystem::path(file.string() + ".compact");
}

/// Opens and locks `file`. When another s3top compacted it between our open and lock (renamed
/// a new file over it), the lock is on a file no longer there: open again.
std::expected<int, IoError> open_locked(const std::filesystem::path& file) {
    for (int attempt = 0; attempt < 8; ++attempt) {
        const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) return std::unexpected(IoError::from_errno(IoError::Code::Open, file.string(), errno));
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            ::close(fd);
            return std::unexpected(IoError{IoError::Code::Busy, file.string(), 0, "in use by another s3top"});
        }
        struct stat held{}, now{};
        if (::fstat(fd, &held) == 0 && ::stat(file.c_str(), &now) == 0 && held.st_dev == now.st_dev &&
            held.st_ino == now.st_ino)
            return fd;
        ::close(fd);
    }
    return std::unexpected(IoError{IoError::Code::Changed, file.string(), 0, "keeps being replaced"});
}

/// What a state file's header says. Every version's starts with the magic and the version; the
/// rest (parsing rules, settings' fingerprint) is read for the versions read as they are.
struct StoredHeader {
    bool ok = false;  ///< the magic, and this version's whole header when it is this version
    std::uint32_t version = 0, rules = 0;
    std::uint64_t fingerprint = 0;
};

StoredHeader read_header(std::string_view data) {
    StoredHeader h;
    const bool versioned = data.size() >= 12 && std::memcmp(data.data(), kMagic, 8) == 0;
    if (versioned) std::memcpy(&h.version, data.data() + 8, 4);
    const bool readable = h.version >= StateStore::kOldestRead && h.version <= StateStore::kVersion;
    h.ok = versioned && (!readable || data.size() >= kHeaderBytes);
    if (h.ok && readable) {
        std::memcpy(&h.rules, data.data() + 12, 4);
        std::memcpy(&h.fingerprint, data.data() + 16, 8);
    }
    return h;
}

/// Why what a file holds cannot be used (empty: it can), and what rebuilding it means. `former`:
/// its fingerprint is the settings' former one, which is taken.
std::pair<std::string, std::string> unusable_because(const StoredHeader& h, bool empty, std::uint64_t fingerprint,
                                                     bool former) {
    if (!empty && !h.ok) return {"not a state file or corrupt header", "rebuilt"};
    if (!h.ok) return {};
    const std::string again = "rebuilt: the logs are read again";
    if (h.version < StateStore::kOldestRead || h.version > StateStore::kVersion)
        return {"state format " + std::to_string(h.version) + " of another s3top version (this one writes " +
                    std::to_string(StateStore::kVersion) + ")",
                again};
    if (h.rules != kParsingRulesVersion)
        return {"records parsed by the rules of version " + std::to_string(h.rules) +
                    " (this s3top parses by version " + std::to_string(kParsingRulesVersion) + ")",
                again};
    if (h.fingerprint != fingerprint && !former) return {"written for other settings", "rebuilt"};
    return {};
}

/// Writes at `at` (where `fd` is) a record of `type` whose payload `put` writes, hashed as it
/// goes, its header filled in once the payload's length and sum are known: the bytes written
/// (header and payload), or 0 when a write failed (errno says why).
std::uint64_t write_leading_record(int fd, std::uint64_t at, std::uint8_t type, const std::function<void(Sink&)>& put) {
    char record_header[kRecordHeaderBytes] = {};
    if (!write_all(fd, record_header, sizeof record_header)) return 0;
    StreamHash hash;
    Sink o(fd, &hash);
    put(o);
    o.flush();
    if (!o.ok()) return 0;
    RecordHeader h;
    h.type = type;
    h.len = o.written();
    h.sum = hash.digest();
    h.to(record_header);
    if (::pwrite(fd, record_header, sizeof record_header, static_cast<off_t>(at)) !=
        static_cast<ssize_t>(sizeof record_header))
        return 0;
    return sizeof record_header + o.written();
}

/// Asks `resolver` what became of each batch a crash left between its insert and the answer,
/// and applies the landed ones' spans and counters to `target` and `ledger`: (batch id, landed)
/// each, or the first question that failed (Read) or a landed batch that is corrupt (Format).
std::expected<std::vector<std::pair<std::uint64_t, bool>>, IoError> resolve_pending(
    const PendingResolver& resolver, const std::vector<Unresolved>& unresolved, const RowsTarget& target,
    Ledger& ledger, std::uint32_t version, const std::filesystem::path& file) {
    std::vector<std::pair<std::uint64_t, bool>> resolved;
    for (const Unresolved& u : unresolved) {
        const auto landed = resolver(u.batch);
        if (!landed)
            return std::unexpected(IoError{IoError::Code::Read, file.string(), 0,
                                           fmt::format("batch {:016x}: {}", u.batch.id, landed.error())});
        if (*landed && !apply_landed(u.payload, target, ledger, version))
            return std::unexpected(IoError{IoError::Code::Format, file.string(), 0, "a pending batch is corrupt"});
        resolved.emplace_back(u.batch.id, *landed);
    }
    return resolved;
}

}  // namespace

StateStore::~StateStore() {
    if (fd_ >= 0) ::close(fd_);  // also releases the lock
}

IoStatus StateStore::open(const std::filesystem::path& file, std::uint64_t fingerprint, Engine& engine, Ledger& ledger,
                          std::vector<std::string>& notes) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    path_ = file;
    fingerprint_ = fingerprint;
    const auto locked = open_locked(file);
    if (!locked) return std::unexpected(locked.error());
    fd_ = *locked;
    auto fail = [&](IoError::Code code) -> IoStatus {
        IoError e = IoError::from_errno(code, file.string(), errno);
        ::close(fd_);
        fd_ = -1;
        return std::unexpected(std::move(e));
    };
    // A compaction killed before its rename leaves its temp file; we hold the lock, so no one
    // is writing it.
    std::filesystem::remove(temp_path(file), ec);
    std::uint64_t file_bytes = 0;
    MappedFile map;
    if (!file_size(fd_, file_bytes) || !map.map(fd_, static_cast<std::size_t>(file_bytes)))
        return fail(IoError::Code::Read);
    const std::string_view data = map.data();
    // A streaming engine (report) folds the stored rows as they are decoded; one that keeps
    // records gets them all as one batch at the end.
    const bool stream = engine.config().stream.has_value();
    Batch rows;
    RequestIdSet unused_ids;  // a state without dedupe still carries the keys it holds
    RequestIdSet& ids = ids_ ? *ids_ : unused_ids;
    // Storage lines go to the engine's collector; without one they are still kept through a
    // compaction (written from this one).
    StorageCollector unused_storage;
    StorageCollector* storage = engine.config().storage ? engine.config().storage.get() : &unused_storage;
    const RowsTarget target = stream ? RowsTarget{nullptr, &engine, storage} : RowsTarget{&rows, nullptr, storage};
    state_records::Decoded dec;  // good == 0: nothing kept
    const StoredHeader header = read_header(data);
    const std::uint64_t fp = header.fingerprint;
    const bool former = formerly_ && fp == *formerly_;
    const auto [unusable, rebuilt] = unusable_because(header, data.empty(), fingerprint, former);
    if (!unusable.empty() && !rebuild_allowed_) {
        ::close(fd_);
        fd_ = -1;
        return std::unexpected(IoError{IoError::Code::Format, file.string(), 0,
                                       unusable + "; not rebuilt: what it says was sent would be sent again"});
    }
    if (!unusable.empty()) {
        notes.push_back(file.string() + ": " + unusable + "; " + rebuilt);
    } else if (header.ok) {
        version_ = header.version;
        dec = decode_records(data, target, ledger, ids, version_);
        if (dec.good < data.size())
            notes.push_back(file.string() + ": " + std::to_string(data.size() - dec.good) +
                            " bytes of an unfinished or corrupt record discarded (their lines are read again)");
    }
    // Batches a crash left between their insert and its answer: landed or not, as the database
    // says (asked before anything is written, so a failure leaves the file as it was).
    std::vector<std::pair<std::uint64_t, bool>> resolved;
    if (resolver_) {
        auto answers = resolve_pending(resolver_, dec.unresolved, target, ledger, version_, file);
        if (!answers) {
            ::close(fd_);
            fd_ = -1;
            return std::unexpected(std::move(answers.error()));
        }
        resolved = std::move(*answers);
        dec.unresolved.clear();
    }
    unresolved_ = dec.unresolved.size();
    map.unmap();
    ledger.settle();
    if (!cut_to_good(dec.good, file_bytes, former && fp != fingerprint)) return fail(IoError::Code::Write);
    snapshot_bytes_ = dec.snapshot_bytes;
    log_bytes_ = dec.log_bytes;
    log_records_ = dec.log_records;
    small_bytes_ = dec.small_bytes;
    log_entries_ = dec.log_entries;
    for (const auto& [id, landed] : resolved) {
        if (const IoStatus w = append_resolved(id, landed); !w) {
            ::close(fd_);
            fd_ = -1;
            return w;
        }
    }
    if (needs_compaction()) {
        // Streaming kept no rows: compact() reads them back from the file.
        if (const IoStatus done = stream
                                      ? compact()
                                      : write_snapshot([&rows](Sink& o) { state_records::put_rows(o, rows, kVersion); },
                                                       ledger, ids, *storage);
            !done)
            notes.push_back(done.error().describe() + " (the state file stays as it was)");
    }
    if (!stream) engine.append(std::move(rows));
    if (fd_ < 0) return std::unexpected(IoError{IoError::Code::Write, file.string(), 0, "closed"});
    return {};
}

bool StateStore::cut_to_good(std::size_t good, std::uint64_t file_bytes, bool new_fingerprint) {
    if (good < file_bytes || file_bytes == 0) {
        if (good == 0) {
            version_ = kVersion;
            const std::string h = file_header(fingerprint_);
            if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, h.data(), h.size(), 0) != static_cast<ssize_t>(h.size()))
                return false;
            good = h.size();
        } else if (::ftruncate(fd_, static_cast<off_t>(good)) != 0) {
            return false;
        }
    }
    // Written under the settings' former fingerprint: its header says the current one from now on.
    if (new_fingerprint && good >= kHeaderBytes) {
        const std::string h = file_header(fingerprint_, version_);
        if (::pwrite(fd_, h.data(), h.size(), 0) != static_cast<ssize_t>(h.size())) return false;
    }
    if (::lseek(fd_, static_cast<off_t>(good), SEEK_SET) < 0) return false;
    size_ = good;
    synced_size_ = good == file_bytes ? good : 0;  // cut or new: not on disk yet
    return true;
}

bool StateStore::needs_compaction() const {
    constexpr std::uint64_t kMaxRecords = 4096;
    // A snapshot cannot hold a batch whose fate is not known.
    return log_records_ > 0 && unresolved_ == 0 &&
           (log_records_ >= kMaxRecords || log_entries_ >= compact_min_entries_ ||
            (small_bytes_ >= compact_min_bytes_ && log_bytes_ * 2 >= snapshot_bytes_));
}

IoStatus StateStore::compact() {
    std::lock_guard l(mutex_);
    if (fd_ < 0) return std::unexpected(IoError{IoError::Code::Write, path_.string(), 0, "not open"});
    if (failed_) return std::unexpected(*failed_);  // the disk is full: a second copy would not fit either
    Ledger ledger;
    RequestIdSet ids;
    StorageCollector storage;
    // The log's rows stay where they are in the mapping and are written from there, each
    // column's records in turn: nothing is copied into a merged batch first (at 2 M lines that
    // was 0.25 s and most of a first run's page faults).
    MappedFile map;
    if (!map.map(fd_, static_cast<std::size_t>(size_)))
        return std::unexpected(IoError::from_errno(IoError::Code::Read, path_.string(), errno));
    state_records::KeptRows kept;
    const state_records::Decoded dec =
        decode_records(map.data(), RowsTarget{nullptr, nullptr, &storage, &kept}, ledger, ids, version_);
    if (dec.good != size_)
        return std::unexpected(
            IoError{IoError::Code::Format, path_.string(), 0, "cannot be read back whole; not compacted"});
    if (!dec.unresolved.empty())
        return std::unexpected(IoError{IoError::Code::Format, path_.string(), 0,
                                       "a batch sent to the database is not resolved yet; not compacted"});
    ledger.settle();
    return write_snapshot([&kept](Sink& o) { put_kept_rows(o, kept); }, ledger, ids, storage);
}

IoStatus StateStore::write_snapshot(const std::function<void(state_records::Sink&)>& put_rows, const Ledger& ledger,
                                    const RequestIdSet& ids, const StorageCollector& storage) {
    const std::filesystem::path tmp = temp_path(path_);
    int fd = -1;
    auto fail = [&](const char* what) -> IoStatus {
        IoError e{IoError::Code::Write, tmp.string(), errno, std::string(what) + ": " + std::strerror(errno)};
        if (fd >= 0) ::close(fd);
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        return std::unexpected(std::move(e));
    };
    // Simulated kill -9 (tests): every descriptor closes, files stay as they are.
    auto crash = [&]() -> IoStatus {
        if (fd >= 0) ::close(fd);
        ::close(fd_);
        fd_ = -1;
        return std::unexpected(
            IoError{IoError::Code::Write, path_.string(), 0, "compaction stopped (simulated crash)"});
    };
    fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return fail("cannot create");
    // Locked before it is renamed into place: the file at the state path is always locked by
    // the process using it.
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) return fail("cannot lock");
    const std::string header = file_header(fingerprint_);
    if (!write_all(fd, header.data(), header.size())) return fail("cannot write");
    // The dedupe keys first: a RequestIds record counts with the Snapshot after it.
    std::uint64_t ids_record = 0;
    if (ids.size() > 0 || ids.no_id() > 0) {
        std::vector<RequestKey> keys;
        keys.reserve(ids.size());
        ids.for_each([&](const RequestKey& k) { keys.push_back(k); });
        ids_record = write_leading_record(fd, header.size(), kRequestIds,
                                          [&](Sink& o) { put_request_ids(o, ids.no_id(), keys); });
        if (ids_record == 0) return fail("cannot write");
    }
    // Then the storage lines, which also count with the Snapshot after them.
    std::uint64_t storage_record = 0;
    if (!storage.empty()) {
        storage_record = write_leading_record(fd, header.size() + ids_record, kStorage,
                                              [&](Sink& o) { put_storage(o, storage.lines()); });
        if (storage_record == 0) return fail("cannot write");
    }
    std::vector<const LedgerEntry*> entries;
    ledger.for_each([&](const LedgerEntry& e) { entries.push_back(&e); });
    std::sort(entries.begin(), entries.end(), [](const auto* a, const auto* b) { return a->path < b->path; });
    const std::uint64_t snapshot_record =
        write_leading_record(fd, header.size() + ids_record + storage_record, kSnapshot, [&](Sink& o) {
            put_rows(o);
            o.num(static_cast<std::uint32_t>(entries.size()));
            for (const auto* e : entries) {
                put_entry(o, *e);
                o.flush_when_full();
            }
        });
    if (snapshot_record == 0) return fail("cannot write");
    // The entries' line-end starts, after the Snapshot (a few MB at 100,000 files).
    std::uint64_t prefixes_record = 0;
    if (const std::string starts = encode_prefixes(entries); !starts.empty()) {
        char record_header[kRecordHeaderBytes] = {};
        RecordHeader ph;
        ph.type = kHeadPrefixes;
        ph.len = starts.size();
        ph.sum = StreamHash::of(starts);
        ph.to(record_header);
        if (!write_all(fd, record_header, sizeof record_header) || !write_all(fd, starts.data(), starts.size()))
            return fail("cannot write");
        prefixes_record = kRecordHeaderBytes + starts.size();
    }
    if (crash_at_ == CrashPoint::TempWritten) return crash();
    if (::fdatasync(fd) != 0) return fail("cannot sync");
    if (crash_at_ == CrashPoint::TempSynced) return crash();
    if (::rename(tmp.c_str(), path_.c_str()) != 0) return fail("cannot rename");
    sync_dir(path_);
    if (crash_at_ == CrashPoint::Renamed) return crash();
    ::close(fd_);  // the old file, and its lock
    fd_ = fd;
    version_ = kVersion;
    const std::uint64_t record = ids_record + storage_record + snapshot_record + prefixes_record;
    size_ = synced_size_ = header.size() + record;
    snapshot_bytes_ = record;
    log_bytes_ = log_records_ = small_bytes_ = log_entries_ = 0;
    if (::lseek(fd_, static_cast<off_t>(size_), SEEK_SET) < 0)
        return std::unexpected(IoError::from_errno(IoError::Code::Write, path_.string(), errno));
    return {};
}

IoStatus StateStore::write_record(std::uint8_t type, std::string_view payload) {
    return write_records({{type, payload}});
}

IoStatus StateStore::write_records(std::initializer_list<std::pair<std::uint8_t, std::string_view>> records) {
    // One writev: records that belong together (dedupe keys and their batch) reach the file
    // together, and a torn write tears the last of them (see decode_records). The payloads are
    // not copied into one buffer first.
    std::vector<std::array<char, kRecordHeaderBytes>> heads(records.size());
    std::vector<std::string_view> parts;
    parts.reserve(2 * records.size());
    std::size_t bytes = 0;
    for (const auto& [type, payload] : records) {
        RecordHeader rh;
        rh.type = type;
        rh.len = payload.size();
        rh.sum = StreamHash::of(payload);
        char* h = heads[parts.size() / 2].data();
        rh.to(h);
        parts.emplace_back(h, kRecordHeaderBytes);
        parts.push_back(payload);
        bytes += kRecordHeaderBytes + payload.size();
    }
    std::unique_lock l(mutex_);
    if (fd_ < 0) return {};
    if (failed_) return std::unexpected(*failed_);
    const std::uint64_t at = size_;
    if (!write_all(fd_, parts)) {
        failed_ = IoError{IoError::Code::Write, path_.string(), errno,
                          std::string(std::strerror(errno)) +
                              " (not written to again in this run; what it lacks is read again next time)"};
        // Cut back to the last whole record so the file stays readable.
        if (::ftruncate(fd_, static_cast<off_t>(size_)) == 0) (void)::lseek(fd_, static_cast<off_t>(size_), SEEK_SET);
        return std::unexpected(*failed_);
    }
    size_ += bytes;
    log_bytes_ += bytes;
    ++log_records_;
    if (bytes < kBulkWriteBytes) {
        small_bytes_ += bytes;
        return {};
    }
    // A bulk load's batch (~3 MB): its writeback starts now, beside the load, so the sync at the
    // load's end waits for the last few batches, not for all of them (a first run's 87 MB: 33 ms
    // of its wall time). Only a start: durability still comes from that sync, never from this.
    const int fd = fd_;
    l.unlock();
    (void)::sync_file_range(fd, static_cast<off_t>(at), static_cast<off_t>(bytes), SYNC_FILE_RANGE_WRITE);
    return {};
}

IoStatus StateStore::append_batch(const Batch& batch, const std::vector<Span>& spans,
                                  const std::vector<PlannedJob>& jobs) {
    const bool has_ids = !batch.request_keys.empty() || batch.no_request_id > 0;
    const bool has_storage = !batch.storage.lines.empty() || batch.storage.failed > 0;
    // Each worker thread encodes into buffers of its own, reused batch after batch: a fresh
    // buffer per batch was most of a first run's page faults after its compaction's.
    thread_local Sink rows, ids, storage;
    rows.s.clear();
    put_batch(rows, batch, spans, jobs, version_);
    if (!has_ids && !has_storage) return write_record(kBatch, rows.s);
    ids.s.clear();
    storage.s.clear();
    if (has_ids) put_request_ids(ids, batch.no_request_id, batch.request_keys);
    if (has_storage) put_storage(storage, batch.storage);
    if (!has_ids) return write_records({{kStorage, storage.s}, {kBatch, rows.s}});
    if (!has_storage) return write_records({{kRequestIds, ids.s}, {kBatch, rows.s}});
    return write_records({{kRequestIds, ids.s}, {kStorage, storage.s}, {kBatch, rows.s}});
}

IoStatus StateStore::append_pending(const PendingBatch& batch, const Batch& counters, const std::vector<Span>& spans,
                                    const std::vector<PlannedJob>& jobs) {
    if (IoStatus w = write_record(kPending, encode_pending(batch, counters, spans, jobs, version_)); !w) return w;
    // On the disk before the insert is sent: after a power cut the batch is looked up by its
    // id, never read and sent again under another one.
    std::lock_guard l(mutex_);
    if (fd_ < 0) return {};
    ++syncs_;
    if (::fdatasync(fd_) != 0)
        return std::unexpected(
            IoError{IoError::Code::Write, path_.string(), errno,
                    std::string("cannot sync the batch's record before its insert: ") + std::strerror(errno)});
    synced_size_ = size_;
    return {};
}

IoStatus StateStore::append_resolved(std::uint64_t id, bool landed) {
    return write_record(kResolved, encode_resolved(id, landed));
}

void StateStore::refuse_writes(IoError why) {
    std::lock_guard l(mutex_);
    if (!failed_) failed_ = std::move(why);
}

IoStatus StateStore::append_entries(const std::vector<LedgerEntry>& entries) {
    if (entries.empty()) return {};
    Out o;
    o.num(static_cast<std::uint32_t>(entries.size()));
    for (const auto& e : entries) put_entry(o, e);
    std::vector<const LedgerEntry*> all;
    all.reserve(entries.size());
    for (const auto& e : entries) all.push_back(&e);
    const std::string starts = encode_prefixes(all);
    const IoStatus written =
        starts.empty() ? write_record(kEntries, o.s) : write_records({{kEntries, o.s}, {kHeadPrefixes, starts}});
    if (written) {
        std::lock_guard l(mutex_);
        log_entries_ += entries.size();
    }
    return written;
}

bool StateStore::write_format(std::uint32_t version) {
    std::lock_guard l(mutex_);
    if (fd_ < 0 || size_ != kHeaderBytes || version < kOldestRead || version > kVersion) return false;
    const std::string h = file_header(fingerprint_, version);
    if (::pwrite(fd_, h.data(), h.size(), 0) != static_cast<ssize_t>(h.size())) return false;
    version_ = version;
    return true;
}

void StateStore::sync() {
    std::lock_guard l(mutex_);
    // Nothing written since the last sync (a restart with nothing new): a busy disk can take
    // a second to say so.
    if (fd_ < 0 || synced_size_ == size_) return;
    ++syncs_;
    if (::fdatasync(fd_) == 0) synced_size_ = size_;
}

}  // namespace s3top
