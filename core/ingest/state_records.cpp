#include "core/ingest/state_records.hpp"

#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>
#include <thread>
#include <type_traits>

#include "core/agg/engine.hpp"
#include "core/ingest/request_ids.hpp"
#include "core/storage/storage_collector.hpp"
#include "core/util/thread_name.hpp"

namespace s3top::state_records {

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

bool write_all(int fd, std::span<const std::string_view> parts) {
    std::vector<iovec> iov;
    iov.reserve(parts.size());
    for (std::string_view p : parts) {
        if (!p.empty()) iov.push_back({const_cast<char*>(p.data()), p.size()});
    }
    std::size_t first = 0;
    while (first < iov.size()) {
        const ssize_t w =
            ::writev(fd, iov.data() + first, static_cast<int>(std::min<std::size_t>(iov.size() - first, IOV_MAX)));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        auto left = static_cast<std::size_t>(w);
        while (first < iov.size() && left >= iov[first].iov_len) left -= iov[first++].iov_len;
        if (left > 0) {
            iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + left;
            iov[first].iov_len -= left;
        }
    }
    return true;
}

void put_entry(Out& o, const LedgerEntry& e) {
    o.str(e.path);
    o.num(e.stat.dev);
    o.num(e.stat.ino);
    o.num(e.stat.size);
    o.num(e.stat.mtime_ns);
    o.num(e.stat.ctime_ns);
    o.num(static_cast<std::uint8_t>(e.gzip | (e.hashed << 1) | (e.edges << 2) | (e.failed << 3)));
    o.num(e.offset);
    o.num(e.next_line);
    o.num(e.head_hash);
    o.num(e.tail_hash);
    for (const std::uint64_t a : e.hash.acc) o.num(a);
    o.num(e.hash.len);
    for (const std::uint64_t w : e.hash.pending) o.num(w);
    o.num(static_cast<std::uint32_t>(e.gaps.size()));
    for (const auto& [b, en] : e.gaps) {
        o.num(b);
        o.num(en);
    }
    o.str(e.error);
}

/// A HeadPrefixes payload: count, then per entry with starts its path, their number and each
/// start's length (u16) and hash.
std::string encode_prefixes(const std::vector<const LedgerEntry*>& entries) {
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

/// The rows of a batch: line counters, columns, and per kept dimension its string pool (lengths,
/// then bytes) and id column.
namespace {

/// What put_rows writes before the columns.
void put_rows_head(Sink& o, const LineCounters& counters, std::int64_t newest_source_mtime, std::uint64_t n) {
    o.num(counters.read);
    o.num(counters.parsed);
    o.num(counters.bytes);
    o.num(static_cast<std::uint32_t>(counters.unparsed.size()));
    for (auto r : counters.unparsed) o.num(r);
    o.num(newest_source_mtime);
    o.num(n);
}

/// A present dimension's pool: its size, the lengths of ids 1.., their total, the bytes.
void put_pool(Sink& o, const StringPool& pool, std::vector<std::uint32_t>& lengths) {
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
        o.flush_when_full();
    }
}

}  // namespace

void put_rows(Sink& o, const Batch& b, std::uint32_t version) {
    const std::size_t n = b.columns.size();
    put_rows_head(o, b.counters, b.newest_source_mtime, n);
    for_each_number_column(b.columns, [&](const auto& c) { put_column(o, c, version); });
    o.num(static_cast<std::uint32_t>(kStringDimCount));
    std::vector<std::uint32_t> lengths;
    for (std::size_t d = 0; d < kStringDimCount; ++d) {
        const bool present = b.columns.ids[d].size() == n && n > 0;
        o.num(static_cast<std::uint8_t>(present));
        if (!present) continue;
        put_pool(o, b.pools[d], lengths);
        put_column(o, b.columns.ids[d], version);
    }
}

void put_kept_rows(Sink& o, const KeptRows& k) {
    std::uint64_t n = 0;
    for (const StoredRows& r : k.records) n += r.n;
    put_rows_head(o, k.counters, k.newest_source_mtime, n);
    // The number columns as stored: each record's chunks in turn (a format 7 record's column is
    // one chunk at full width).
    for_each_number_column_accessor([&](auto get) {
        std::size_t chunks = 0;
        for (const StoredRows& r : k.records) chunks += get(r).chunks.size();
        o.num(static_cast<std::uint32_t>(chunks));
        for (const StoredRows& r : k.records) {
            for (const StoredChunk& c : get(r).chunks) {
                o.num(c.rows);
                o.num(c.base);
                o.num(static_cast<std::uint8_t>(c.width));
                o.big_bytes(c.bytes);
            }
        }
    });
    o.num(static_cast<std::uint32_t>(kStringDimCount));
    std::vector<std::uint32_t> lengths, ids;
    std::vector<std::vector<std::uint32_t>> remaps(k.records.size());
    for (std::size_t d = 0; d < kStringDimCount; ++d) {
        const bool present = n > 0 && std::any_of(k.records.begin(), k.records.end(),
                                                  [d](const StoredRows& r) { return !r.ids[d].empty(); });
        o.num(static_cast<std::uint8_t>(present));
        if (!present) continue;
        StringPool pool;
        for (std::size_t i = 0; i < k.records.size(); ++i) {
            if (!k.records[i].ids[d].empty()) pool.intern_all(k.records[i].pools[d], remaps[i]);
        }
        put_pool(o, pool, lengths);
        std::size_t chunks = 0;
        for (const StoredRows& r : k.records) chunks += (static_cast<std::size_t>(r.n) + kChunkRows - 1) / kChunkRows;
        o.num(static_cast<std::uint32_t>(chunks));
        for (std::size_t i = 0; i < k.records.size(); ++i) {
            const StoredRows& r = k.records[i];
            for (std::size_t at = 0; at < r.n; at += kChunkRows) {
                ids.resize(std::min<std::size_t>(kChunkRows, static_cast<std::size_t>(r.n) - at));
                if (r.ids[d].empty()) {
                    std::fill(ids.begin(), ids.end(), 0);  // not in this record: absent
                } else {
                    expand(r.ids[d], at, ids.size(), ids.data());
                    const std::vector<std::uint32_t>& to = remaps[i];
                    for (std::uint32_t& id : ids) id = to[id];
                }
                put_chunk(o, ids.data(), ids.size());
            }
        }
    }
}

void put_batch(Sink& o, const Batch& b, const std::vector<Span>& spans, const std::vector<PlannedJob>& jobs,
               std::uint32_t version) {
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
    put_rows(o, b, version);
}

std::string encode_pending(const PendingBatch& p, const Batch& counters, const std::vector<Span>& spans,
                           const std::vector<PlannedJob>& jobs, std::uint32_t version) {
    Sink o;
    o.num(p.id);
    o.num(static_cast<std::uint32_t>(p.parts.size()));
    for (const PendingBatch::Part& part : p.parts) {
        o.num(part.host);
        o.num(part.rows);
        o.num(part.min_time);
        o.num(part.max_time);
    }
    put_batch(o, counters, spans, jobs, version);
    return std::move(o.s);
}

std::string encode_resolved(std::uint64_t batch_id, bool landed) {
    Out o;
    o.num(batch_id);
    o.num(static_cast<std::uint8_t>(landed));
    return std::move(o.s);
}

/// A RequestIds record: records without an id, then the keys (16 bytes each).
void put_request_ids(Sink& o, std::uint64_t no_id, const std::vector<RequestKey>& keys) {
    o.num(no_id);
    o.num(static_cast<std::uint64_t>(keys.size()));
    o.big_array(keys);
}

void put_storage(Sink& o, const StorageLines& lines) {
    o.num(lines.failed);
    o.num(static_cast<std::uint64_t>(lines.text.size()));
    o.s.append(lines.text);
    o.num(static_cast<std::uint64_t>(lines.lines.size()));
    for (const StorageLine& l : lines.lines) {
        o.num(l.time);
        o.num(l.size);
        o.num(l.at);
        o.num(l.part);
        o.num(static_cast<std::uint8_t>(l.op));
        o.num(static_cast<std::uint8_t>(l.to));
        o.num(static_cast<std::uint8_t>(l.has_size));
        for (const TextRef& r : {l.bucket, l.key, l.org, l.upload, l.version, l.path}) {
            o.num(r.offset);
            o.num(r.size);
        }
        o.flush_when_full();
    }
}

namespace {

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
    /// A format 8 column of `n` values of T (read_chunks).
    template <class T>
    bool chunks(std::uint64_t n, StoredColumn& c) {
        return read_chunks<T>(d_, pos_, n, c);
    }
    bool done() const { return pos_ == d_.size(); }
    std::size_t left() const { return d_.size() - pos_; }

private:
    std::string_view d_;
    std::size_t pos_ = 0;
};

bool get_entry(In& in, LedgerEntry& e) {
    std::string_view path, error;
    std::uint8_t flags = 0;
    std::uint32_t ngaps = 0;
    if (!in.str(path) || !in.num(e.stat.dev) || !in.num(e.stat.ino) || !in.num(e.stat.size) ||
        !in.num(e.stat.mtime_ns) || !in.num(e.stat.ctime_ns) || !in.num(flags) || !in.num(e.offset) ||
        !in.num(e.next_line) || !in.num(e.head_hash) || !in.num(e.tail_hash))
        return false;
    for (std::uint64_t& a : e.hash.acc)
        if (!in.num(a)) return false;
    if (!in.num(e.hash.len)) return false;
    for (std::uint64_t& w : e.hash.pending)
        if (!in.num(w)) return false;
    if (!in.num(ngaps)) return false;
    e.path = std::string(path);
    e.gzip = flags & 1;
    e.hashed = flags & 2;
    e.edges = flags & 4;
    e.failed = flags & 8;
    for (std::uint32_t i = 0; i < ngaps; ++i) {
        std::uint64_t b = 0, en = 0;
        if (!in.num(b) || !in.num(en)) return false;
        e.gaps.emplace_back(b, en);
    }
    if (!in.str(error)) return false;
    e.error = std::string(error);
    return true;
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

template <class T>
T load(const char* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

/// Reads a column of `n` values of T as format `version` stores it. False when malformed.
template <class T>
bool read_column(In& in, std::uint64_t n, std::uint32_t version, StoredColumn& c) {
    c.chunks.clear();
    if (version >= kNarrowFormat) return in.chunks<T>(n, c);
    std::string_view v;
    if (!in.column<T>(n, v)) return false;
    if (n > 0) c.chunks.push_back({n, 0, sizeof(T), v});
    return true;
}

/// Reads what put_rows wrote in format `version`. False when malformed: sizes past the
/// payload, a pool string empty or twice, an id past its pool. Everything is checked before a
/// row is used.
bool read_rows(In& in, StoredRows& r, std::uint32_t version) {
    std::uint32_t nreasons = 0;
    // Reasons are only ever added at the end: a file written before one was added has fewer.
    if (!in.num(r.counters.read) || !in.num(r.counters.parsed) || !in.num(r.counters.bytes) || !in.num(nreasons) ||
        nreasons > r.counters.unparsed.size())
        return false;
    for (std::uint32_t i = 0; i < nreasons; ++i) {
        if (!in.num(r.counters.unparsed[i])) return false;
    }
    std::uint32_t ndims = 0;
    if (!in.num(r.newest_source_mtime) || !in.num(r.n)) return false;
    // Each column: n values of its type in Columns.
    bool columns_ok = true;
    const Columns types;
    for_each_number_column(types, r, [&](const auto& type, StoredColumn& c) {
        using T = typename std::remove_cvref_t<decltype(type)>::value_type;
        columns_ok = columns_ok && read_column<T>(in, r.n, version, c);
    });
    if (!columns_ok || !in.num(ndims) || ndims != kStringDimCount) return false;
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
        if (at != total || !read_column<std::uint32_t>(in, r.n, version, r.ids[d]) || r.n == 0) return false;
        if (max_id(r.ids[d]) >= npool) return false;
    }
    return true;
}

/// A thread's buffer of full-width values (a slice's: kChunkRows at most).
template <class T>
std::vector<T>& scratch() {
    thread_local std::vector<T> v;
    return v;
}

/// `to` becomes rows [begin, begin + n) of `from`: straight from the mapping when they are one
/// chunk at full width (format 7), else through the thread's scratch buffer.
template <class T, bool kPatched>
void assign_rows(const StoredColumn& from, std::size_t begin, std::size_t n, NarrowColumn<T, kPatched>& to) {
    if (from.chunks.size() == 1 && from.chunks[0].width == sizeof(T) && from.chunks[0].base == 0) {
        to.assign_raw(from.chunks[0].bytes.data() + begin * sizeof(T), n, prefault);
        return;
    }
    std::vector<T>& wide = scratch<T>();
    wide.resize(n);
    expand(from, begin, n, wide.data());
    to.assign_raw(reinterpret_cast<const char*>(wide.data()), n, prefault);
}

/// Rows [begin, end) of `r` into `c`, whose buffers are reused when big enough. Ids go
/// through `remap` when it is given (intern_pools: empty for a dimension not kept, which then
/// gets no column; a kept one not stored gets id 0, absent), else as stored.
void copy_rows(const StoredRows& r, std::size_t begin, std::size_t end, Columns& c,
               const std::array<std::vector<std::uint32_t>, kStringDimCount>* remap = nullptr) {
    const std::size_t n = end - begin;
    for_each_number_column(r, c, [&](const StoredColumn& from, auto& to) { assign_rows(from, begin, n, to); });
    for (std::size_t d = 0; d < kStringDimCount; ++d) {
        IdColumn& col = c.ids[d];
        const std::vector<std::uint32_t>* to = remap ? &(*remap)[d] : nullptr;
        if (r.ids[d].empty() || (to && to->empty())) {
            // Not stored: absent (id 0) when kept, no column when not (or without a remap).
            if (to && !to->empty()) {
                col.assign(n, 0);
            } else {
                col.clear();
            }
            continue;
        }
        if (!to) {
            assign_rows(r.ids[d], begin, n, col);
            continue;
        }
        std::vector<std::uint32_t>& ids = scratch<std::uint32_t>();
        ids.resize(n);
        expand(r.ids[d], begin, n, ids.data());
        col.clear();
        col.reserve(n);
        for (const std::uint32_t id : ids) col.push_back((*to)[id]);
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

}  // namespace

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
    auto& c = into.columns;
    // Each column grows to twice its rows when it must (NarrowColumn::append, push_back): a
    // restart's rows are copied a few times in all, whatever the number of batches.
    for_each_number_column(c, b.columns, [](auto& dst, const auto& src) { dst.append(src); });
    std::vector<std::uint32_t> remap;
    for (std::size_t d = 0; d < kStringDimCount; ++d) {
        auto& dst = c.ids[d];
        const auto& src = b.columns.ids[d];
        if (src.size() != n) {
            if (!dst.empty()) dst.resize(old + n, 0);
            continue;
        }
        dst.resize(old, 0);                           // absent in the rows before: id 0
        into.pools[d].intern_all(b.pools[d], remap);  // as the engine merges a batch: hashed first, fetched ahead
        for (auto id : src) dst.push_back(remap[id]);
    }
}

namespace {

void deliver(StoredRows&& r, const RowsTarget& to) {
    if (to.kept) {
        to.kept->counters.merge(r.counters);
        to.kept->newest_source_mtime = std::max(to.kept->newest_source_mtime, r.newest_source_mtime);
        if (r.n > 0) to.kept->records.push_back(std::move(r));
        return;
    }
    if (to.stream) {
        stream_rows(std::move(r), *to.stream);
        return;
    }
    Batch b;
    b.counters = r.counters;
    b.newest_source_mtime = r.newest_source_mtime;
    const auto n = static_cast<std::size_t>(r.n);
    if (n <= kChunkRows) {
        copy_rows(r, 0, n, b.columns);
    } else {  // a slice at a time: the scratch buffers stay a slice's size
        Columns slice;
        for (std::size_t begin = 0; begin < n; begin += kChunkRows) {
            copy_rows(r, begin, std::min(n, begin + kChunkRows), slice);
            auto add = [](auto& dst, const auto& src) {
                if (dst.empty()) {
                    dst = src;
                } else {
                    dst.append(src);
                }
            };
            for_each_number_column(b.columns, slice, add);
            for (std::size_t d = 0; d < kStringDimCount; ++d) add(b.columns.ids[d], slice.ids[d]);
        }
    }
    b.pools = std::move(r.pools);
    merge_rows(*to.rows, std::move(b));
}

/// A Batch record: its spans go to the ledger, its rows to `rows`.
bool decode_batch(std::string_view payload, const RowsTarget& rows, Ledger& ledger, std::uint32_t version) {
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
        if (!in.str(s.path) || !in.num(s.dev) || !in.num(s.ino) || !in.num(s.gzip) || !in.num(s.begin) ||
            !in.num(s.end) || !in.num(s.end_line))
            return false;
    }
    StoredRows r;
    if (!read_rows(in, r, version) || !in.done()) return false;
    deliver(std::move(r), rows);
    for (const auto& s : spans)
        ledger.add_committed_span(std::string(s.path), s.dev, s.ino, s.gzip, s.begin, s.end, s.end_line);
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
bool decode_snapshot(std::string_view payload, const RowsTarget& rows, Ledger& ledger, std::uint32_t version) {
    In in(payload);
    StoredRows r;
    std::vector<LedgerEntry> entries;
    // All read and checked before anything is used: a record counts whole or not at all (rows
    // folded into a streaming engine cannot be taken back).
    if (!read_rows(in, r, version) || !read_entries(in, entries) || !in.done()) return false;
    // The rows and the ledger entries share nothing: the fold of 10 M rows and the indexing of
    // 100,000 entries run side by side.
    std::jthread fold([&r, &rows] {
        name_this_thread("s3top-snap-rows");
        deliver(std::move(r), rows);
    });
    put_entries(std::move(entries), ledger);
    return true;
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

}  // namespace

bool read_storage(std::string_view payload, StorageLines& out) {
    constexpr std::size_t kLineBytes = 8 + 8 + 8 + 2 + 3 + 6 * 8;
    In in(payload);
    std::uint64_t text = 0, n = 0;
    std::string_view bytes;
    if (!in.num(out.failed) || !in.num(text) || text > UINT32_MAX || !in.bytes(text, bytes) || !in.num(n) ||
        n != in.left() / kLineBytes || in.left() % kLineBytes != 0)
        return false;
    out.text.assign(bytes);
    out.lines.resize(static_cast<std::size_t>(n));
    for (StorageLine& l : out.lines) {
        std::uint8_t op = 0, to = 0, has_size = 0;
        (void)(in.num(l.time) && in.num(l.size) && in.num(l.at) && in.num(l.part) && in.num(op) && in.num(to) &&
               in.num(has_size));
        if (op > static_cast<std::uint8_t>(StorageOp::Transition) || to >= kStorageClassCount || has_size > 1)
            return false;
        l.op = static_cast<StorageOp>(op);
        l.to = static_cast<StorageClass>(to);
        l.has_size = has_size != 0;
        for (TextRef* r : {&l.bucket, &l.key, &l.org, &l.upload, &l.version, &l.path}) {
            (void)(in.num(r->offset) && in.num(r->size));
            if (r->offset > text || r->size > text - r->offset) return false;
        }
    }
    return in.done();
}

bool apply_landed(std::string_view payload, const RowsTarget& rows, Ledger& ledger, std::uint32_t version) {
    return decode_batch(payload, rows, ledger, version);
}

namespace {

constexpr std::size_t kPendingPartBytes = 4 + 8 + 8 + 8;

bool read_pending(std::string_view payload, Unresolved& u) {
    In in(payload);
    PendingBatch& p = u.batch;
    std::uint32_t nparts = 0;
    if (!in.num(p.id) || !in.num(nparts) || nparts > in.left() / kPendingPartBytes) return false;
    p.parts.resize(nparts);
    for (PendingBatch::Part& part : p.parts) {
        if (!in.num(part.host) || !in.num(part.rows) || !in.num(part.min_time) || !in.num(part.max_time)) return false;
    }
    u.payload = std::string(payload.substr(8 + 4 + nparts * kPendingPartBytes));
    return true;
}

/// A Resolved record: the Pending batch it names counts when it landed, and is forgotten.
bool resolve_pending(std::string_view payload, std::vector<Unresolved>& pending, const RowsTarget& rows, Ledger& ledger,
                     std::uint32_t version) {
    In in(payload);
    std::uint64_t id = 0;
    std::uint8_t landed = 0;
    if (!in.num(id) || !in.num(landed) || !in.done() || landed > 1) return false;
    const auto it =
        std::find_if(pending.begin(), pending.end(), [id](const Unresolved& u) { return u.batch.id == id; });
    if (it == pending.end()) return false;  // not what we write
    if (landed && !decode_batch(it->payload, rows, ledger, version)) return false;
    pending.erase(it);
    return true;
}

}  // namespace

Decoded decode_records(std::string_view data, const RowsTarget& rows, Ledger& ledger, RequestIdSet& ids,
                       std::uint32_t version) {
    Decoded out;
    out.good = kHeaderBytes;
    std::size_t pos = out.good;
    std::string_view pending_ids;  // a RequestIds payload waiting for its record
    std::uint64_t pending_bytes = 0;
    StorageLines pending_storage;  // a Storage record's lines waiting for theirs
    bool has_storage = false;
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
        if (h.type == kStorage) {
            if (has_storage || !read_storage(payload, pending_storage)) break;
            has_storage = true;
            pending_bytes += bytes;
            pos += static_cast<std::size_t>(bytes);
            continue;
        }
        if (pending_bytes > 0 && h.type != kBatch && h.type != kSnapshot) break;  // not what we write
        bool ok = false;
        if (h.type == kBatch) {
            ok = decode_batch(payload, rows, ledger, version);
        } else if (h.type == kEntries) {
            In in(payload);
            std::vector<LedgerEntry> entries;
            ok = read_entries(in, entries) && in.done();
            out.log_entries += ok ? entries.size() : 0;
            if (ok) put_entries(std::move(entries), ledger);
        } else if (h.type == kSnapshot) {
            ok = decode_snapshot(payload, rows, ledger, version);
        } else if (h.type == kHeadPrefixes) {  // belongs to the Entries or Snapshot before it
            ok = (last_type == kEntries || last_type == kSnapshot) && decode_prefixes(payload, ledger);
        } else if (h.type == kPending) {
            Unresolved u;
            ok = read_pending(payload, u);
            if (ok) out.unresolved.push_back(std::move(u));
        } else if (h.type == kResolved) {
            ok = resolve_pending(payload, out.unresolved, rows, ledger, version);
        }
        if (!ok) break;  // checksummed but undecodable: treat as the end
        if (!pending_ids.empty()) apply_request_ids(pending_ids, ids);
        if (has_storage && rows.storage) rows.storage->add(pending_storage);
        if (h.type == kSnapshot || (h.type == kHeadPrefixes && last_type == kSnapshot)) {
            out.snapshot_bytes += bytes + pending_bytes;
        } else {
            out.log_bytes += bytes + pending_bytes;
            if (h.type != kHeadPrefixes) ++out.log_records;  // part of its Entries record's write
            if (bytes + pending_bytes < kBulkWriteBytes) out.small_bytes += bytes + pending_bytes;
        }
        last_type = h.type;
        pending_bytes = 0;
        pending_ids = {};
        if (has_storage) pending_storage.clear();
        has_storage = false;
        pos += static_cast<std::size_t>(bytes);
        out.good = pos;
    }
    return out;
}

}  // namespace s3top::state_records
