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
#include <thread>
#include <type_traits>

#include "core/ingest/request_ids.hpp"
#include "core/util/stream_hash.hpp"

namespace s3top {
namespace {

constexpr char kMagic[8] = {'S', '3', 'T', 'O', 'P', 'S', 'T', '\n'};
constexpr std::uint32_t kRecordMagic = 0x53335231;  // "S3R1"
constexpr std::uint8_t kBatch = 1, kEntries = 2, kSnapshot = 8;
/// The dedupe keys (--dedupe request-id) of the records of the Batch or Snapshot record that
/// follows it: written in the same write() before it, and applied only once that record
/// decodes, so a torn batch never leaves keys that would reject its own lines when they are
/// read again.
constexpr std::uint8_t kRequestIds = 3;
/// Ledger entries' line-end starts (LedgerEntry::prefixes), by path: after the Entries record
/// they belong to (in the same write()) and after a Snapshot. Entries decoded without theirs
/// (a torn write) keep none: such a file's short start is then counted, as before version 3.
constexpr std::uint8_t kHeadPrefixes = 4;
constexpr std::size_t kHeaderBytes = 8 + 4 + 8;
constexpr std::size_t kRecordHeaderBytes = 4 + 4 + 8 + 8;  // magic, type, length, checksum

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

/// Asks the kernel for the pages of a large fresh buffer in one call (huge pages where it
/// can): a restart fills hundreds of MB of columns, and one page fault per 4 KiB costs more
/// than the copy itself in a VM. Best effort: without it the pages fault in as usual.
void prefault(void* p, std::size_t bytes) {
    constexpr std::size_t kMin = std::size_t{2} << 20;
    if (bytes < kMin) return;
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto begin = (reinterpret_cast<std::uintptr_t>(p) + page - 1) & ~(page - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(page - 1);
    if (end <= begin) return;
#ifdef MADV_HUGEPAGE
    (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14
#endif
    (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
}

class In {
public:
    explicit In(std::string_view d) : d_(d) {}
    template <class T>
    bool num(T& v) {
        if (d_.size() - pos_ < sizeof v) return false;
        std::memcpy(&v, d_.data() + pos_, sizeof v);
        pos_ += sizeof v;
        return true;
    }
    bool str(std::string_view& v) {
        std::uint32_t n = 0;
        if (!num(n) || d_.size() - pos_ < n) return false;
        v = d_.substr(pos_, n);
        pos_ += n;
        return true;
    }
    template <class T>
    bool array(std::vector<T>& v, std::size_t n) {
        if ((d_.size() - pos_) / sizeof(T) < n) return false;
        v.clear();
        v.reserve(n);
        prefault(v.data(), n * sizeof(T));
        v.resize(n);
        if (n > 0) std::memcpy(v.data(), d_.data() + pos_, n * sizeof(T));  // an empty vector's data() may be null
        pos_ += n * sizeof(T);
        return true;
    }
    /// `n` values of T as stored (unaligned), not copied.
    template <class T>
    bool column(std::uint64_t n, std::string_view& v) {
        if ((d_.size() - pos_) / sizeof(T) < n) return false;
        v = d_.substr(pos_, static_cast<std::size_t>(n) * sizeof(T));
        pos_ += static_cast<std::size_t>(n) * sizeof(T);
        return true;
    }
    bool bytes(std::uint64_t n, std::string_view& v) {
        if (d_.size() - pos_ < n) return false;
        v = d_.substr(pos_, static_cast<std::size_t>(n));
        pos_ += static_cast<std::size_t>(n);
        return true;
    }
    bool done() const { return pos_ == d_.size(); }
    std::size_t left() const { return d_.size() - pos_; }

private:
    std::string_view d_;
    std::size_t pos_ = 0;
};

void put_entry(Out& o, const LedgerEntry& e) {
    o.str(e.path);
    o.num(e.stat.dev);
    o.num(e.stat.ino);
    o.num(e.stat.size);
    o.num(e.stat.mtime_ns);
    o.num(static_cast<std::uint8_t>(e.gzip | (e.hashed << 1) | (e.edges << 2)));
    o.num(e.offset);
    o.num(e.next_line);
    o.num(e.head_hash);
    o.num(e.tail_hash);
    o.num(e.hash.h);
    o.num(e.hash.len);
    o.num(e.hash.carry);
    o.num(static_cast<std::uint32_t>(e.gaps.size()));
    for (const auto& [b, en] : e.gaps) {
        o.num(b);
        o.num(en);
    }
    o.str(e.error);
}

bool get_entry(In& in, LedgerEntry& e) {
    std::string_view path, error;
    std::uint8_t flags = 0;
    std::uint32_t ngaps = 0;
    if (!in.str(path) || !in.num(e.stat.dev) || !in.num(e.stat.ino) || !in.num(e.stat.size) || !in.num(e.stat.mtime_ns) ||
        !in.num(flags) || !in.num(e.offset) || !in.num(e.next_line) || !in.num(e.head_hash) || !in.num(e.tail_hash) ||
        !in.num(e.hash.h) || !in.num(e.hash.len) || !in.num(e.hash.carry) || !in.num(ngaps))
        return false;
    e.path = std::string(path);
    e.gzip = flags & 1;
    e.hashed = flags & 2;
    e.edges = flags & 4;
    for (std::uint32_t i = 0; i < ngaps; ++i) {
        std::uint64_t b = 0, en = 0;
        if (!in.num(b) || !in.num(en)) return false;
        e.gaps.emplace_back(b, en);
    }
    if (!in.str(error)) return false;
    e.error = std::string(error);
    return true;
}

/// A HeadPrefixes payload: count, then per entry with starts its path, their number and each
/// start's length (u16) and hash.
template <class Entries>
std::string encode_prefixes(const Entries& entries) {
    Out o;
    std::uint32_t count = 0;
    for (const auto& e : entries) count += !e->prefixes.empty();
    if (count == 0) return {};
    o.num(count);
    for (const auto& e : entries) {
        if (e->prefixes.empty()) continue;
        o.str(e->path);
        o.num(static_cast<std::uint8_t>(e->prefixes.size()));
        for (const HeadPrefix& p : e->prefixes) {
            o.num(p.length);
            o.num(p.digest);
        }
    }
    return std::move(o.s);
}

/// Reads a HeadPrefixes payload whole (false when malformed: nothing is applied), then gives
/// each entry its starts.
bool decode_prefixes(std::string_view payload, Ledger& ledger) {
    In in(payload);
    std::uint32_t count = 0;
    if (!in.num(count)) return false;
    std::vector<std::pair<std::string_view, std::vector<HeadPrefix>>> all;
    all.reserve(std::min<std::size_t>(count, in.left() / 15));  // each at least 4 + 1 + 10 bytes
    for (std::uint32_t i = 0; i < count; ++i) {
        std::string_view path;
        std::uint8_t n = 0;
        if (!in.str(path) || !in.num(n) || n == 0 || n > kMaxHeadPrefixes) return false;
        std::vector<HeadPrefix> v(n);
        for (HeadPrefix& p : v) {
            if (!in.num(p.length) || !in.num(p.digest) || p.length == 0 || p.length > kEdgeBytes) return false;
        }
        all.emplace_back(path, std::move(v));
    }
    if (!in.done()) return false;
    for (auto& [path, v] : all) ledger.set_prefixes(std::string(path), std::move(v));
    return true;
}

bool write_all(int fd, const char* p, std::size_t n) {
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

/// Output of a record's payload: in memory, or (a snapshot, hundreds of MB) streamed to a file
/// with its checksum computed on the way.
class Sink : public Out {
public:
    Sink() = default;
    Sink(int fd, StreamHash* hash) : fd_(fd), hash_(hash) {}
    template <class T>
    void big_array(const std::vector<T>& v) {
        const std::string_view bytes(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
        if (fd_ < 0 || bytes.size() < (1u << 20)) {
            s.append(bytes);
        } else {
            flush();
            put(bytes);
        }
        if (s.size() >= (8u << 20)) flush();
    }
    void flush() {
        if (fd_ < 0 || s.empty()) return;
        put(s);
        s.clear();
    }
    bool ok() const { return ok_; }
    std::uint64_t written() const { return written_; }

private:
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

/// The rows of a batch: line counters, columns, and per kept dimension its string pool (lengths,
/// then bytes) and id column.
void put_rows(Sink& o, const Batch& b) {
    const std::size_t n = b.columns.size();
    o.num(b.counters.read);
    o.num(b.counters.parsed);
    o.num(b.counters.bytes);
    o.num(static_cast<std::uint32_t>(b.counters.rejected.size()));
    for (auto r : b.counters.rejected) o.num(r);
    o.num(b.newest_source_mtime);
    o.num(static_cast<std::uint64_t>(n));
    o.big_array(b.columns.time);
    o.big_array(b.columns.bytes_sent);
    o.big_array(b.columns.bytes_in);
    o.big_array(b.columns.total_time_ms);
    o.big_array(b.columns.status);
    o.big_array(b.columns.tier);
    o.num(static_cast<std::uint32_t>(kStringDimCount));
    std::vector<std::uint32_t> lengths;
    for (std::size_t d = 0; d < kStringDimCount; ++d) {
        const bool present = b.columns.ids[d].size() == n && n > 0;
        o.num(static_cast<std::uint8_t>(present));
        if (!present) continue;
        const StringPool& pool = b.pools[d];
        o.num(static_cast<std::uint32_t>(pool.size()));
        lengths.clear();
        std::uint64_t total = 0;
        for (std::uint32_t id = 1; id < pool.size(); ++id) {
            lengths.push_back(static_cast<std::uint32_t>(pool.view(id).size()));
            total += lengths.back();
        }
        o.big_array(lengths);
        o.num(total);
        for (std::uint32_t id = 1; id < pool.size(); ++id) {
            o.s.append(pool.view(id));
            if (o.s.size() >= (8u << 20)) o.flush();
        }
        o.big_array(b.columns.ids[d]);
    }
}

/// A record's rows as read from the file: counters and string pools decoded, the columns still
/// in place (n values each, as written: not aligned). Column views outlive this only as long as
/// the mapping does.
struct StoredRows {
    LineCounters counters;
    std::int64_t newest_source_mtime = 0;
    std::uint64_t n = 0;
    std::string_view time, bytes_sent, bytes_in, total_time_ms, status, tier;
    std::array<std::string_view, kStringDimCount> ids;  ///< empty: the dimension is not stored
    Pools pools;
};

template <class T>
T load(const char* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

/// Reads what put_rows wrote. False when malformed: sizes past the payload, a pool string empty
/// or twice, an id past its pool. Everything is checked before a row is used.
bool read_rows(In& in, StoredRows& r) {
    std::uint32_t nreasons = 0;
    // Reasons are only ever added at the end: a file written before one was added has fewer.
    if (!in.num(r.counters.read) || !in.num(r.counters.parsed) || !in.num(r.counters.bytes) || !in.num(nreasons) ||
        nreasons > r.counters.rejected.size())
        return false;
    for (std::uint32_t i = 0; i < nreasons; ++i) {
        if (!in.num(r.counters.rejected[i])) return false;
    }
    std::uint32_t ndims = 0;
    if (!in.num(r.newest_source_mtime) || !in.num(r.n) || !in.column<std::int64_t>(r.n, r.time) ||
        !in.column<std::uint64_t>(r.n, r.bytes_sent) || !in.column<std::uint64_t>(r.n, r.bytes_in) ||
        !in.column<std::uint32_t>(r.n, r.total_time_ms) || !in.column<std::uint16_t>(r.n, r.status) ||
        !in.column<std::uint8_t>(r.n, r.tier) || !in.num(ndims) || ndims != kStringDimCount)
        return false;
    std::vector<std::uint32_t> lengths;
    for (std::size_t d = 0; d < kStringDimCount; ++d) {
        std::uint8_t present = 0;
        if (!in.num(present)) return false;
        if (!present) continue;
        std::uint32_t npool = 0;
        std::uint64_t total = 0;
        std::string_view bytes;
        if (!in.num(npool) || npool == 0 || !in.array(lengths, npool - 1) || !in.num(total) || !in.bytes(total, bytes))
            return false;
        std::uint64_t at = 0;
        for (std::uint32_t id = 1; id < npool; ++id) {
            const std::uint32_t len = lengths[id - 1];
            if (len == 0 || bytes.size() - at < len) return false;
            // A string twice would make two ids one: not something we write.
            if (r.pools[d].intern(bytes.substr(at, len)) != id) return false;
            at += len;
        }
        // A present column of no rows is written as absent: reading it so keeps one meaning.
        if (at != total || !in.column<std::uint32_t>(r.n, r.ids[d]) || r.n == 0) return false;
        std::uint32_t max_id = 0;
        for (std::size_t i = 0; i < r.n; ++i) max_id = std::max(max_id, load<std::uint32_t>(r.ids[d].data() + 4 * i));
        if (max_id >= npool) return false;
    }
    return true;
}

/// Rows [begin, end) of `r` into `c`, whose buffers are reused when big enough. Ids go
/// through `remap` when it is given (intern_pools: empty for a dimension not kept, which then
/// gets no column; a kept one not stored gets id 0, absent), else as stored.
void copy_rows(const StoredRows& r, std::size_t begin, std::size_t end, Columns& c,
               const std::array<std::vector<std::uint32_t>, kStringDimCount>* remap = nullptr) {
    const std::size_t n = end - begin;
    auto size = [&](auto& to) {
        using T = typename std::remove_reference_t<decltype(to)>::value_type;
        if (to.capacity() < n) {
            to.clear();
            to.reserve(n);
            prefault(to.data(), n * sizeof(T));
        }
        to.resize(n);
    };
    auto copy = [&](std::string_view from, auto& to) {
        using T = typename std::remove_reference_t<decltype(to)>::value_type;
        size(to);
        if (n > 0) std::memcpy(to.data(), from.data() + begin * sizeof(T), n * sizeof(T));  // empty: data() may be null
    };
    copy(r.time, c.time);
    copy(r.bytes_sent, c.bytes_sent);
    copy(r.bytes_in, c.bytes_in);
    copy(r.total_time_ms, c.total_time_ms);
    copy(r.status, c.status);
    copy(r.tier, c.tier);
    for (std::size_t d = 0; d < kStringDimCount; ++d) {
        auto& ids = c.ids[d];
        if (!remap) {
            if (r.ids[d].empty()) {
                ids.clear();
            } else {
                copy(r.ids[d], ids);
            }
            continue;
        }
        const auto& to = (*remap)[d];
        if (to.empty()) {
            ids.clear();
            continue;
        }
        size(ids);
        if (r.ids[d].empty()) {
            std::fill(ids.begin(), ids.end(), 0u);
            continue;
        }
        const char* from = r.ids[d].data() + begin * 4;
        for (std::size_t i = 0; i < n; ++i) ids[i] = to[load<std::uint32_t>(from + 4 * i)];
    }
}

/// Folds a record's rows into a streaming engine (report) straight from the mapped file, in
/// slices: its strings interned once, then 64k rows at a time copied into one reused buffer
/// (ids mapped) and folded, so the columns are never held whole (at 10 M rows: 390 MB neither
/// allocated nor faulted in).
void stream_rows(StoredRows&& r, Engine& engine) {
    const auto remap = engine.intern_pools(std::move(r.pools));
    Batch lines;  // the record's line counts, without rows
    lines.counters = r.counters;
    lines.newest_source_mtime = r.newest_source_mtime;
    lines.interned = true;
    engine.append(std::move(lines));
    constexpr std::size_t kSlice = std::size_t{1} << 16;
    const auto n = static_cast<std::size_t>(r.n);
    Columns slice;
    for (std::size_t begin = 0; begin < n; begin += kSlice) {
        copy_rows(r, begin, std::min(n, begin + kSlice), slice, &remap);
        engine.append_rows(slice);
    }
}

/// Where decoded rows go: merged into one batch (an engine that keeps records; compaction), or
/// streamed into an engine that folds one report and keeps none.
struct RowsTarget {
    Batch* rows = nullptr;
    Engine* stream = nullptr;
};

void deliver(StoredRows&& r, const RowsTarget& to);

/// Appends the rows of `b` to `into`, interning b's strings into into's pools. A dimension
/// absent on one side is absent (id 0) for those rows, as Engine::append treats it.
void merge_rows(Batch& into, Batch&& b) {
    into.counters.merge(b.counters);
    into.newest_source_mtime = std::max(into.newest_source_mtime, b.newest_source_mtime);
    const std::size_t old = into.columns.size(), n = b.columns.size();
    if (n == 0) return;
    if (old == 0) {
        into.columns = std::move(b.columns);
        into.pools = std::move(b.pools);
        return;
    }
    auto append = [](auto& dst, const auto& src) { dst.insert(dst.end(), src.begin(), src.end()); };
    auto& c = into.columns;
    append(c.time, b.columns.time);
    append(c.bytes_sent, b.columns.bytes_sent);
    append(c.bytes_in, b.columns.bytes_in);
    append(c.total_time_ms, b.columns.total_time_ms);
    append(c.status, b.columns.status);
    append(c.tier, b.columns.tier);
    std::vector<std::uint32_t> remap;
    for (std::size_t d = 0; d < kStringDimCount; ++d) {
        auto& dst = c.ids[d];
        const auto& src = b.columns.ids[d];
        if (src.size() != n) {
            if (!dst.empty()) dst.resize(old + n, 0);
            continue;
        }
        dst.resize(old, 0);  // absent in the rows before: id 0
        const StringPool& local = b.pools[d];
        remap.resize(local.size());
        for (std::uint32_t id = 0; id < local.size(); ++id) remap[id] = into.pools[d].intern(local.view(id));
        dst.reserve(old + n);
        for (auto id : src) dst.push_back(remap[id]);
    }
}

void deliver(StoredRows&& r, const RowsTarget& to) {
    if (to.stream) {
        stream_rows(std::move(r), *to.stream);
        return;
    }
    Batch b;
    b.counters = r.counters;
    b.newest_source_mtime = r.newest_source_mtime;
    copy_rows(r, 0, static_cast<std::size_t>(r.n), b.columns);
    b.pools = std::move(r.pools);
    merge_rows(*to.rows, std::move(b));
}

std::string encode_batch(const Batch& b, const std::vector<Span>& spans, const std::vector<PlannedJob>& jobs) {
    Sink o;
    o.s.reserve(64 + b.columns.size() * 96);
    o.num(static_cast<std::uint32_t>(spans.size()));
    for (const auto& sp : spans) {
        const PlannedJob& pj = jobs[sp.job];
        o.str(pj.job.file.path);
        o.num(pj.stat.dev);
        o.num(pj.stat.ino);
        o.num(static_cast<std::uint8_t>(pj.job.file.gzip));
        o.num(sp.begin);
        o.num(sp.end);
        o.num(sp.first_line + sp.lines);
    }
    put_rows(o, b);
    return std::move(o.s);
}

/// A Batch record: its spans go to the ledger, its rows to `rows`.
bool decode_batch(std::string_view payload, const RowsTarget& rows, Ledger& ledger) {
    In in(payload);
    std::uint32_t nspans = 0;
    // A span takes at least 45 bytes: a count past that is corrupt, not an allocation to try.
    if (!in.num(nspans) || nspans > in.left() / 45) return false;
    struct SpanRec {
        std::string_view path;
        std::uint64_t dev, ino, begin, end, end_line;
        std::uint8_t gzip;
    };
    std::vector<SpanRec> spans(nspans);
    for (auto& s : spans) {
        if (!in.str(s.path) || !in.num(s.dev) || !in.num(s.ino) || !in.num(s.gzip) || !in.num(s.begin) || !in.num(s.end) ||
            !in.num(s.end_line))
            return false;
    }
    StoredRows r;
    if (!read_rows(in, r) || !in.done()) return false;
    deliver(std::move(r), rows);
    for (const auto& s : spans) ledger.add_committed_span(std::string(s.path), s.dev, s.ino, s.gzip, s.begin, s.end, s.end_line);
    return true;
}

/// Reads a count and that many entries. False when malformed (nothing is kept then).
bool read_entries(In& in, std::vector<LedgerEntry>& out) {
    std::uint32_t count = 0;
    if (!in.num(count)) return false;
    out.reserve(std::min<std::size_t>(count, in.left() / 64));
    for (std::uint32_t i = 0; i < count; ++i) {
        LedgerEntry e;
        if (!get_entry(in, e)) return false;
        out.push_back(std::move(e));
    }
    return true;
}

void put_entries(std::vector<LedgerEntry>&& entries, Ledger& ledger) {
    if (entries.size() > 1024) ledger.reserve(ledger.size() + entries.size());
    for (auto& e : entries) ledger.put(std::move(e));
}

/// A Snapshot record: rows, then every ledger entry.
bool decode_snapshot(std::string_view payload, const RowsTarget& rows, Ledger& ledger) {
    In in(payload);
    StoredRows r;
    std::vector<LedgerEntry> entries;
    // All read and checked before anything is used: a record counts whole or not at all (rows
    // folded into a streaming engine cannot be taken back).
    if (!read_rows(in, r) || !read_entries(in, entries) || !in.done()) return false;
    // The rows and the ledger entries share nothing: the fold of 10 M rows and the indexing of
    // 100,000 entries run side by side.
    std::jthread fold([&r, &rows] { deliver(std::move(r), rows); });
    put_entries(std::move(entries), ledger);
    return true;
}

/// A RequestIds record: records without an id, then the keys (16 bytes each).
void put_request_ids(Sink& o, std::uint64_t no_id, const std::vector<RequestKey>& keys) {
    o.num(no_id);
    o.num(static_cast<std::uint64_t>(keys.size()));
    o.big_array(keys);
}

/// Checks a RequestIds payload; its keys are added by apply_request_ids.
bool check_request_ids(std::string_view payload) {
    In in(payload);
    std::uint64_t no_id = 0, n = 0;
    return in.num(no_id) && in.num(n) && in.left() / sizeof(RequestKey) == n && in.left() % sizeof(RequestKey) == 0;
}

void apply_request_ids(std::string_view payload, RequestIdSet& ids) {
    In in(payload);
    std::uint64_t no_id = 0, n = 0;
    (void)in.num(no_id);
    (void)in.num(n);
    ids.add_no_id(no_id);
    for (std::uint64_t i = 0; i < n; ++i) {
        RequestKey k;
        (void)in.num(k.id);
        (void)in.num(k.rest);
        ids.add_stored(k);
    }
}

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

std::string file_header(std::uint64_t fingerprint) {
    Out o;
    o.s.append(kMagic, 8);
    o.num(StateStore::kVersion);
    o.num(fingerprint);
    return std::move(o.s);
}

struct Decoded {
    std::size_t good = 0;  ///< bytes of whole, valid records (from the file's start)
    std::uint64_t snapshot_bytes = 0, log_bytes = 0, log_records = 0;
};

/// Decodes the records after the header: rows to `rows`, ledger data into `ledger`, dedupe
/// keys into `ids`. Stops at the first torn, corrupt or undecodable record (a RequestIds record
/// counts only with the Batch or Snapshot after it).
Decoded decode_records(std::string_view data, const RowsTarget& rows, Ledger& ledger, RequestIdSet& ids) {
    Decoded out;
    out.good = kHeaderBytes;
    std::size_t pos = out.good;
    std::string_view pending_ids;  // a RequestIds payload waiting for its record
    std::uint64_t pending_bytes = 0;
    std::uint32_t last_type = 0;  // of the last record decoded
    while (data.size() - pos >= kRecordHeaderBytes) {
        RecordHeader h;
        const char* p = data.data() + pos;
        h.from(p);
        if (h.magic != kRecordMagic || h.len > data.size() - pos - kRecordHeaderBytes) break;
        const std::string_view payload(p + kRecordHeaderBytes, static_cast<std::size_t>(h.len));
        if (StreamHash::of(payload) != h.sum) break;
        const std::uint64_t bytes = kRecordHeaderBytes + h.len;
        if (h.type == kRequestIds) {
            if (pending_bytes > 0 || !check_request_ids(payload)) break;
            pending_ids = payload;
            pending_bytes = bytes;
            pos += static_cast<std::size_t>(bytes);
            continue;
        }
        if (pending_bytes > 0 && h.type != kBatch && h.type != kSnapshot) break;  // not what we write
        bool ok = false;
        if (h.type == kBatch) {
            ok = decode_batch(payload, rows, ledger);
        } else if (h.type == kEntries) {
            In in(payload);
            std::vector<LedgerEntry> entries;
            ok = read_entries(in, entries) && in.done();
            if (ok) put_entries(std::move(entries), ledger);
        } else if (h.type == kSnapshot) {
            ok = decode_snapshot(payload, rows, ledger);
        } else if (h.type == kHeadPrefixes) {  // belongs to the Entries or Snapshot before it
            ok = (last_type == kEntries || last_type == kSnapshot) && decode_prefixes(payload, ledger);
        }
        if (!ok) break;  // checksummed but undecodable: treat as the end
        if (pending_bytes > 0) apply_request_ids(pending_ids, ids);
        if (h.type == kSnapshot || (h.type == kHeadPrefixes && last_type == kSnapshot)) {
            out.snapshot_bytes += bytes + pending_bytes;
        } else {
            out.log_bytes += bytes + pending_bytes;
            if (h.type != kHeadPrefixes) ++out.log_records;  // part of its Entries record's write
        }
        last_type = h.type;
        pending_bytes = 0;
        pos += static_cast<std::size_t>(bytes);
        out.good = pos;
    }
    return out;
}

/// A read-only view of a whole file (mapped; empty when the file is).
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
    struct stat st {};
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

}  // namespace

namespace {

/// Opens and locks `file`. When another s3top compacted it between our open and lock (renamed
/// a new file over it), the lock is on a file no longer there: open again.
int open_locked(const std::filesystem::path& file, std::string& error) {
    for (int attempt = 0; attempt < 8; ++attempt) {
        const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) {
            error = file.string() + ": " + std::strerror(errno);
            return -1;
        }
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            error = file.string() + ": in use by another s3top";
            ::close(fd);
            return -1;
        }
        struct stat held {}, now {};
        if (::fstat(fd, &held) == 0 && ::stat(file.c_str(), &now) == 0 && held.st_dev == now.st_dev &&
            held.st_ino == now.st_ino)
            return fd;
        ::close(fd);
    }
    error = file.string() + ": keeps being replaced";
    return -1;
}

}  // namespace

StateStore::~StateStore() {
    if (fd_ >= 0) ::close(fd_);  // also releases the lock
}

bool StateStore::open(const std::filesystem::path& file, std::uint64_t fingerprint, Engine& engine, Ledger& ledger,
                      std::vector<std::string>& notes, std::string& error) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    path_ = file;
    fingerprint_ = fingerprint;
    fd_ = open_locked(file, error);
    if (fd_ < 0) return false;
    auto fail = [&] {
        error = file.string() + ": " + std::strerror(errno);
        ::close(fd_);
        fd_ = -1;
        return false;
    };
    // A compaction killed before its rename leaves its temp file; we hold the lock, so no one
    // is writing it.
    std::filesystem::remove(temp_path(file), ec);
    std::uint64_t file_bytes = 0;
    MappedFile map;
    if (!file_size(fd_, file_bytes) || !map.map(fd_, static_cast<std::size_t>(file_bytes))) return fail();
    const std::string_view data = map.data();
    // A streaming engine (report) folds the stored rows as they are decoded; one that keeps
    // records gets them all as one batch at the end.
    const bool stream = engine.config().stream.has_value();
    Batch rows;
    RequestIdSet unused_ids;  // a state without dedupe still carries the keys it holds
    RequestIdSet& ids = ids_ ? *ids_ : unused_ids;
    const RowsTarget target = stream ? RowsTarget{nullptr, &engine} : RowsTarget{&rows, nullptr};
    Decoded dec;  // good == 0: nothing kept
    const bool header_ok = data.size() >= kHeaderBytes && std::memcmp(data.data(), kMagic, 8) == 0;
    std::uint32_t version = 0;
    std::uint64_t fp = 0;
    if (header_ok) {
        std::memcpy(&version, data.data() + 8, 4);
        std::memcpy(&fp, data.data() + 12, 8);
    }
    if (!data.empty() && !header_ok) {
        notes.push_back(file.string() + ": not a state file or corrupt header; rebuilt");
    } else if (header_ok && version != kVersion) {
        notes.push_back(file.string() + ": state format " + std::to_string(version) + " of another s3top version (this one writes " +
                        std::to_string(kVersion) + "); rebuilt: the logs are read again");
    } else if (header_ok && fp != fingerprint) {
        notes.push_back(file.string() + ": written for other settings; rebuilt");
    } else if (header_ok) {
        dec = decode_records(data, target, ledger, ids);
        if (dec.good < data.size())
            notes.push_back(file.string() + ": " + std::to_string(data.size() - dec.good) +
                            " bytes of an unfinished or corrupt record discarded (their lines are read again)");
    }
    map.unmap();
    ledger.settle();
    std::size_t good = dec.good;
    if (good < data.size() || data.empty()) {
        if (good == 0) {
            const std::string h = file_header(fingerprint);
            if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, h.data(), h.size(), 0) != static_cast<ssize_t>(h.size())) return fail();
            good = h.size();
        } else if (::ftruncate(fd_, static_cast<off_t>(good)) != 0) {
            return fail();
        }
    }
    if (::lseek(fd_, static_cast<off_t>(good), SEEK_SET) < 0) return fail();
    size_ = good;
    synced_size_ = good == file_bytes ? good : 0;  // cut or new: not on disk yet
    snapshot_bytes_ = dec.snapshot_bytes;
    log_bytes_ = dec.log_bytes;
    log_records_ = dec.log_records;
    if (needs_compaction()) {
        std::string err;
        // Streaming kept no rows: compact() reads them back from the file.
        if (!(stream ? compact(err) : write_snapshot(rows, ledger, ids, err)))
            notes.push_back(err + " (the state file stays as it was)");
    }
    if (!stream) engine.append(std::move(rows));
    if (fd_ < 0) {
        error = file.string() + ": closed";
        return false;
    }
    return true;
}

bool StateStore::needs_compaction() const {
    constexpr std::uint64_t kMinBytes = 16 << 20, kMaxRecords = 4096;
    return log_records_ > 0 && (log_records_ >= kMaxRecords || (log_bytes_ >= kMinBytes && log_bytes_ * 2 >= snapshot_bytes_));
}

bool StateStore::compact(std::string& error) {
    std::lock_guard l(mutex_);
    if (fd_ < 0) return false;
    if (!failed_.empty()) {  // the disk is full: a second copy would not fit either
        error = failed_;
        return false;
    }
    Batch rows;
    Ledger ledger;
    RequestIdSet ids;
    {
        MappedFile map;
        if (!map.map(fd_, static_cast<std::size_t>(size_))) {
            error = path_.string() + ": " + std::strerror(errno);
            return false;
        }
        const Decoded dec = decode_records(map.data(), RowsTarget{&rows, nullptr}, ledger, ids);
        if (dec.good != size_) {
            error = path_.string() + ": cannot be read back whole; not compacted";
            return false;
        }
    }
    ledger.settle();
    return write_snapshot(rows, ledger, ids, error);
}

bool StateStore::write_snapshot(const Batch& rows, const Ledger& ledger, const RequestIdSet& ids, std::string& error) {
    const std::filesystem::path tmp = temp_path(path_);
    int fd = -1;
    auto fail = [&](const char* what) {
        error = tmp.string() + ": " + what + ": " + std::strerror(errno);
        if (fd >= 0) ::close(fd);
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        return false;
    };
    // Simulated kill -9 (tests): every descriptor closes, files stay as they are.
    auto crash = [&] {
        if (fd >= 0) ::close(fd);
        ::close(fd_);
        fd_ = -1;
        error = "compaction stopped (simulated crash)";
        return false;
    };
    fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return fail("cannot create");
    // Locked before it is renamed into place: the file at the state path is always locked by
    // the process using it.
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) return fail("cannot lock");
    const std::string header = file_header(fingerprint_);
    char record_header[kRecordHeaderBytes] = {};
    if (!write_all(fd, header.data(), header.size())) return fail("cannot write");
    // The dedupe keys first: a RequestIds record counts with the Snapshot after it.
    std::uint64_t ids_record = 0;
    if (ids.size() > 0 || ids.no_id() > 0) {
        std::vector<RequestKey> keys;
        keys.reserve(ids.size());
        ids.for_each([&](const RequestKey& k) { keys.push_back(k); });
        StreamHash ids_hash;
        if (!write_all(fd, record_header, sizeof record_header)) return fail("cannot write");
        Sink o(fd, &ids_hash);
        put_request_ids(o, ids.no_id(), keys);
        o.flush();
        if (!o.ok()) return fail("cannot write");
        RecordHeader h;
        h.type = kRequestIds;
        h.len = o.written();
        h.sum = ids_hash.digest();
        h.to(record_header);
        if (::pwrite(fd, record_header, sizeof record_header, static_cast<off_t>(header.size())) !=
            static_cast<ssize_t>(sizeof record_header))
            return fail("cannot write");
        ids_record = sizeof record_header + o.written();
    }
    const auto snapshot_at = static_cast<off_t>(header.size() + ids_record);
    std::memset(record_header, 0, sizeof record_header);
    if (!write_all(fd, record_header, sizeof record_header)) return fail("cannot write");
    StreamHash hash;
    Sink o(fd, &hash);
    put_rows(o, rows);
    std::vector<const LedgerEntry*> entries;
    ledger.for_each([&](const LedgerEntry& e) { entries.push_back(&e); });
    std::sort(entries.begin(), entries.end(), [](const auto* a, const auto* b) { return a->path < b->path; });
    o.num(static_cast<std::uint32_t>(entries.size()));
    for (const auto* e : entries) {
        put_entry(o, *e);
        if (o.s.size() >= (8u << 20)) o.flush();
    }
    o.flush();
    if (!o.ok()) return fail("cannot write");
    RecordHeader h;
    h.type = kSnapshot;
    h.len = o.written();
    h.sum = hash.digest();
    h.to(record_header);
    if (::pwrite(fd, record_header, sizeof record_header, snapshot_at) != static_cast<ssize_t>(sizeof record_header))
        return fail("cannot write");
    // The entries' line-end starts, after the Snapshot (a few MB at 100,000 files).
    std::uint64_t prefixes_record = 0;
    if (const std::string starts = encode_prefixes(entries); !starts.empty()) {
        RecordHeader ph;
        ph.type = kHeadPrefixes;
        ph.len = starts.size();
        ph.sum = StreamHash::of(starts);
        ph.to(record_header);
        if (!write_all(fd, record_header, sizeof record_header) || !write_all(fd, starts.data(), starts.size()))
            return fail("cannot write");
        prefixes_record = sizeof record_header + starts.size();
    }
    if (crash_at_ == CrashPoint::TempWritten) return crash();
    if (::fdatasync(fd) != 0) return fail("cannot sync");
    if (crash_at_ == CrashPoint::TempSynced) return crash();
    if (::rename(tmp.c_str(), path_.c_str()) != 0) return fail("cannot rename");
    sync_dir(path_);
    if (crash_at_ == CrashPoint::Renamed) return crash();
    ::close(fd_);  // the old file, and its lock
    fd_ = fd;
    const std::uint64_t record = ids_record + sizeof record_header + o.written() + prefixes_record;
    size_ = synced_size_ = header.size() + record;
    snapshot_bytes_ = record;
    log_bytes_ = log_records_ = 0;
    if (::lseek(fd_, static_cast<off_t>(size_), SEEK_SET) < 0) {
        error = path_.string() + ": " + std::strerror(errno);
        return false;
    }
    return true;
}

bool StateStore::write_record(std::uint8_t type, const std::string& payload, std::string& error) {
    return write_records({{type, &payload}}, error);
}

bool StateStore::write_records(std::initializer_list<std::pair<std::uint8_t, const std::string*>> records,
                               std::string& error) {
    // One buffer, one write: records that belong together (dedupe keys and their batch) reach
    // the file together, and a torn write tears the last of them (see decode_records).
    std::string buf;
    std::size_t bytes = 0;
    for (const auto& [type, payload] : records) bytes += kRecordHeaderBytes + payload->size();
    buf.reserve(bytes);
    for (const auto& [type, payload] : records) {
        char h[kRecordHeaderBytes];
        RecordHeader rh;
        rh.type = type;
        rh.len = payload->size();
        rh.sum = StreamHash::of(*payload);
        rh.to(h);
        buf.append(h, sizeof h);
        buf.append(*payload);
    }
    std::lock_guard l(mutex_);
    if (fd_ < 0) return true;
    if (!failed_.empty()) {
        error = failed_;
        return false;
    }
    if (!write_all(fd_, buf.data(), buf.size())) {
        failed_ = error = std::string("state file: ") + std::strerror(errno) +
                          " (not written to again in this run; what it lacks is read again next time)";
        // Cut back to the last whole record so the file stays readable.
        if (::ftruncate(fd_, static_cast<off_t>(size_)) == 0) (void)::lseek(fd_, static_cast<off_t>(size_), SEEK_SET);
        return false;
    }
    size_ += buf.size();
    log_bytes_ += buf.size();
    ++log_records_;
    return true;
}

bool StateStore::append_batch(const Batch& batch, const std::vector<Span>& spans, const std::vector<PlannedJob>& jobs,
                              std::string& error) {
    if (batch.request_keys.empty() && batch.no_request_id == 0) return write_record(kBatch, encode_batch(batch, spans, jobs), error);
    Sink ids;
    put_request_ids(ids, batch.no_request_id, batch.request_keys);
    const std::string rows = encode_batch(batch, spans, jobs);
    return write_records({{kRequestIds, &ids.s}, {kBatch, &rows}}, error);
}

bool StateStore::append_entries(const std::vector<LedgerEntry>& entries, std::string& error) {
    if (entries.empty()) return true;
    Out o;
    o.num(static_cast<std::uint32_t>(entries.size()));
    for (const auto& e : entries) put_entry(o, e);
    std::vector<const LedgerEntry*> all;
    all.reserve(entries.size());
    for (const auto& e : entries) all.push_back(&e);
    const std::string starts = encode_prefixes(all);
    if (starts.empty()) return write_record(kEntries, o.s, error);
    return write_records({{kEntries, &o.s}, {kHeadPrefixes, &starts}}, error);
}

void StateStore::sync() {
    std::lock_guard l(mutex_);
    // Nothing written since the last sync (a restart with nothing new): a busy disk can take
    // a second to say so.
    if (fd_ < 0 || synced_size_ == size_) return;
    if (::fdatasync(fd_) == 0) synced_size_ = size_;
}

}  // namespace s3top
