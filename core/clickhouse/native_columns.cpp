#include "core/clickhouse/native_columns.hpp"

#include <algorithm>
#include <bit>
#include <new>
#include <cstring>
#include <limits>
#include <utility>

#include "core/agg/metrics.hpp"
#include "core/clickhouse/row_binary.hpp"
#include "core/clickhouse/schema.hpp"

#include <sys/mman.h>

namespace s3top::clickhouse {
namespace {

constexpr std::uint64_t kLineMask = (std::uint64_t{1} << 40) - 1;
constexpr std::int64_t kMaxDateTime = std::numeric_limits<std::uint32_t>::max();
// A String stream keeps this much room past its values, so a short value is copied as this
// many bytes at once.
constexpr std::size_t kSlack = 16;

/// How a record column is kept in HostColumns and goes out in a Native block.
struct Plan {
    enum class Kind : std::uint8_t { Fixed, NullableFixed, String, Interned, BatchId } kind = Kind::Fixed;
    Field field = Field::Dim;
    Dim dim = Dim::Count_;
    std::uint8_t width = 0;    ///< Fixed, NullableFixed, BatchId: the bytes of a value
    std::uint32_t stream = 0;  ///< the first of its streams (a Nullable's null map, then its values)
    std::string head;          ///< its name and type, as a block has them before its values
};

const std::vector<Plan>& plans() {
    static const std::vector<Plan> out = [] {
        std::vector<Plan> p;
        std::uint32_t stream = 0;
        for (const Column& c : record_columns()) {
            Plan plan;
            plan.field = c.field;
            plan.dim = c.dim;
            plan.stream = stream++;
            put_string(plan.head, c.name);
            put_string(plan.head, c.type);
            const std::size_t width = row_binary_width(c.field);
            plan.width = static_cast<std::uint8_t>(width);
            if (row_interned(c)) {
                plan.kind = Plan::Kind::Interned;
            } else if (width == 0) {
                plan.kind = Plan::Kind::String;
            } else if (c.field == Field::BatchId) {
                plan.kind = Plan::Kind::BatchId;
            } else if (row_binary_nullable(c.field)) {
                plan.kind = Plan::Kind::NullableFixed;
                ++stream;
            }
            p.push_back(std::move(plan));
        }
        return p;
    }();
    return out;
}

std::size_t stream_count() {
    const Plan& last = plans().back();
    return last.stream + (last.kind == Plan::Kind::NullableFixed ? 2 : 1);
}

template <class T>
inline void put(ByteRun& s, T v) {
    std::memcpy(s.extend(sizeof v), &v, sizeof v);
}

/// `s` as Native (and RowBinary) keep a String: its LEB128 length, then its bytes.
inline void put_native_string(ByteRun& s, std::string_view v) {
    char* to = s.extend(varint_size(v.size()) + v.size());
    std::uint64_t len = v.size();
    for (; len >= 0x80; len >>= 7) *to++ = static_cast<char>((len & 0x7f) | 0x80);
    *to++ = static_cast<char>(len);
    if (!v.empty()) std::memcpy(to, v.data(), v.size());  // "" may be a view of no bytes
}

/// Sorts `keys` (distinct) in place, least significant 11 bits first, over their low `bits`
/// bits: a pass whose digit all keys share is skipped.
void radix_sort(std::vector<std::uint64_t>& keys, unsigned bits) {
    constexpr unsigned kDigit = 11;
    constexpr std::size_t kBuckets = std::size_t{1} << kDigit;
    std::vector<std::uint64_t> other(keys.size());
    std::vector<std::size_t> count(kBuckets);
    for (unsigned shift = 0; shift < bits; shift += kDigit) {
        std::fill(count.begin(), count.end(), 0);
        for (const std::uint64_t k : keys) ++count[(k >> shift) & (kBuckets - 1)];
        if (count[(keys.front() >> shift) & (kBuckets - 1)] == keys.size()) continue;
        std::size_t at = 0;
        for (std::size_t& c : count) at += std::exchange(c, at);
        for (const std::uint64_t k : keys) other[count[(k >> shift) & (kBuckets - 1)]++] = k;
        keys.swap(other);
    }
}

}  // namespace

std::vector<std::uint32_t> table_order(const HostColumns& h, std::span<const std::uint64_t> rank,
                                       unsigned max_key_bits) {
    const std::size_t n = h.rows();
    std::vector<std::uint32_t> order(n);
    if (n == 0) return order;
    const auto t0 = static_cast<std::uint64_t>(h.min_time);
    const auto rank_bits = static_cast<unsigned>(std::bit_width(rank.size() - 1));
    const auto time_bits = static_cast<unsigned>(std::bit_width(static_cast<std::uint64_t>(h.max_time) - t0));
    const auto row_bits = static_cast<unsigned>(std::bit_width(n - 1));
    if (rank_bits + time_bits + row_bits <=
        std::min(max_key_bits, 63u)) {  // the usual case: one key a row, radix-sorted
        std::vector<std::uint64_t> keys(n);
        for (std::size_t r = 0; r < n; ++r) {
            const std::uint64_t k = h.keys[r];
            keys[r] = rank[k >> 32] << (time_bits + row_bits) | ((k & 0xffffffffu) - t0) << row_bits | r;
        }
        radix_sort(keys, rank_bits + time_bits + row_bits);
        const std::uint64_t row_mask = (std::uint64_t{1} << row_bits) - 1;
        for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::uint32_t>(keys[i] & row_mask);
        return order;
    }
    struct Key {
        std::uint64_t key;
        std::uint32_t row;
    };
    std::vector<Key> keys(n);
    for (std::size_t r = 0; r < n; ++r) {
        const std::uint64_t k = h.keys[r];
        keys[r] = {rank[k >> 32] << 32 | (k & 0xffffffffu), static_cast<std::uint32_t>(r)};
    }
    std::sort(keys.begin(), keys.end(),
              [](const Key& a, const Key& b) { return a.key != b.key ? a.key < b.key : a.row < b.row; });
    for (std::size_t i = 0; i < n; ++i) order[i] = keys[i].row;
    return order;
}

void* map_run(void* at, std::size_t old_bytes, std::size_t bytes) {
    void* const p = at ? mremap(at, old_bytes, bytes, MREMAP_MAYMOVE)
                       : mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return p;
}

void unmap_run(void* at, std::size_t bytes) { munmap(at, bytes); }

void HostColumns::clear() {
    for (ByteRun& s : streams) s.clear();
    for (auto& s : starts) s.clear();
    for (auto& w : wraps) w.clear();
    keys.clear();
    std::fill(string_bytes.begin(), string_bytes.end(), 0);
    min_time = std::numeric_limits<std::int64_t>::max();
    max_time = std::numeric_limits<std::int64_t>::min();
}

std::vector<HostColumns> ColumnBuffers::get(std::size_t hosts) {
    std::vector<HostColumns> set;
    {
        std::lock_guard l(mutex_);
        if (!spare_.empty()) {
            set = std::move(spare_.back());
            spare_.pop_back();
        }
    }
    set.resize(hosts);
    for (HostColumns& h : set) {
        h.streams.resize(stream_count());
        h.starts.resize(stream_count());
        h.wraps.resize(stream_count());
        h.string_bytes.resize(plans().size());
        h.clear();
    }
    return set;
}

void ColumnBuffers::put(std::vector<HostColumns> set) {
    std::lock_guard l(mutex_);
    spare_.push_back(std::move(set));
}

std::vector<ByteRun> ColumnBuffers::get_blocks() {
    std::lock_guard l(mutex_);
    if (spare_blocks_.empty()) return {};
    std::vector<ByteRun> blocks = std::move(spare_blocks_.back());
    spare_blocks_.pop_back();
    return blocks;
}

void ColumnBuffers::put_blocks(std::vector<ByteRun> blocks) {
    std::lock_guard l(mutex_);
    spare_blocks_.push_back(std::move(blocks));
}

EncodedColumns::~EncodedColumns() {
    if (buffers_) buffers_->put(std::move(set_));
}

NativeColumnsEncoder::NativeColumnsEncoder(std::size_t hosts,
                                           std::function<std::uint32_t(std::string_view path)> host_of,
                                           std::shared_ptr<ColumnBuffers> buffers)
    : hosts_(std::max<std::size_t>(hosts, 1)), host_of_(std::move(host_of)), buffers_(std::move(buffers)) {}

void NativeColumnsEncoder::add(const NumberRow& n, const std::array<std::string_view, kStringDimCount>& values,
                               std::string_view path, std::uint64_t origin) {
    if (!has_set_) {  // the columns of a batch sent before, their memory already faulted in
        set_ = buffers_->get(hosts_);
        has_set_ = true;
    }
    if (path.data() != last_path_.data() || path.size() != last_path_.size()) {
        last_path_ = path;
        last_host_ = host_of_ ? std::min<std::uint32_t>(host_of_(path), static_cast<std::uint32_t>(hosts_ - 1)) : 0;
        last_file_ = files_.intern(path);  // id 0 is "": a path-less input is files[0], ''
    }
    const std::int64_t t = std::clamp<std::int64_t>(n.time, 0, kMaxDateTime);
    times_clamped_ += t != n.time;
    HostColumns& h = set_[last_host_];
    const std::vector<Plan>& plan = plans();
    for (std::size_t c = 0; c < plan.size(); ++c) {
        const Plan& p = plan[c];
        ByteRun& s = h.streams[p.stream];
        switch (p.field) {
            case Field::Time: put(s, static_cast<std::uint32_t>(t)); break;
            case Field::Dim: {
                const std::string_view v = values[index(p.dim)];
                if (p.kind == Plan::Kind::Interned) {
                    put(s, values_.intern(v));
                    h.string_bytes[c] += varint_size(v.size()) + v.size();  // as the Native body has it
                } else {
                    h.note_start(p.stream, static_cast<std::uint32_t>(h.rows()), s.size());
                    put_native_string(s, v);
                }
                break;
            }
            case Field::Status: put(s, n.status); break;
            case Field::Tier: put(s, n.tier); break;
            case Field::BytesSent: put(s, n.bytes_sent); break;
            case Field::BytesIn: put(s, n.bytes_in); break;
            case Field::TotalTime: {  // its null map, then a value for every row (0 when NULL)
                const bool null = n.total_time_ms == kNoTotalTime;
                put(s, static_cast<std::uint8_t>(null));
                put(h.streams[p.stream + 1], null ? std::uint32_t{0} : n.total_time_ms);
                break;
            }
            case Field::FileNumber: put(s, last_file_); break;
            case Field::SourceLine: put(s, origin & kLineMask); break;
            case Field::BatchId: break;  // the same for every row: written as the part is sent
        }
    }
    const std::uint64_t org = orgs_.intern(values[index(Dim::Org)]);
    h.keys.push_back(org << 32 | static_cast<std::uint32_t>(t));
    h.min_time = std::min(h.min_time, t);
    h.max_time = std::max(h.max_time, t);
}

std::unique_ptr<EncodedRecords> NativeColumnsEncoder::take() {
    if (!has_set_) set_ = buffers_->get(hosts_);
    // The table's order: org as ClickHouse compares strings (bytes, unsigned, a prefix first),
    // then time. Orgs are few: each is ranked once and the rows sorted by (rank, time).
    std::vector<std::uint32_t> by_name(orgs_.size());
    for (std::uint32_t i = 0; i < by_name.size(); ++i) by_name[i] = i;
    std::sort(by_name.begin(), by_name.end(),
              [&](std::uint32_t a, std::uint32_t b) { return orgs_.view(a) < orgs_.view(b); });
    std::vector<std::uint64_t> rank(by_name.size());
    for (std::uint32_t r = 0; r < by_name.size(); ++r) rank[by_name[r]] = r;
    for (HostColumns& h : set_)
        for (std::size_t s = 0; s < h.starts.size(); ++s) {
            if (h.starts[s].empty()) continue;
            h.note_start(s, static_cast<std::uint32_t>(h.rows()), h.streams[s].size());  // the last row's end
            h.streams[s].reserve_more(kSlack);  // a short value is read as kSlack bytes at once
        }
    auto out = std::make_unique<EncodedColumns>(std::move(set_), buffers_);
    set_ = std::vector<HostColumns>();
    has_set_ = false;
    out->batch_id = new_batch_id();
    out->values = std::move(values_);
    values_ = StringPool();
    out->times_clamped = times_clamped_;
    out->files.reserve(files_.size() - 1);
    for (std::uint32_t i = 1; i < files_.size(); ++i) out->files.emplace_back(files_.view(i));
    for (std::uint32_t host = 0; host < out->hosts().size(); ++host) {
        const HostColumns& h = out->hosts()[host];
        if (h.rows() == 0) continue;
        EncodedColumns::Part& part = out->parts.emplace_back();
        part.host = host;
        part.rows = h.rows();
        part.min_time = h.min_time;
        part.max_time = h.max_time;
        part.order = table_order(h, rank);
        part.columns = &h;
        out->rows += part.rows;
    }
    orgs_.clear();
    files_.clear();
    last_path_ = {};  // numbered anew in the next batch
    times_clamped_ = 0;
    return out;
}

NativeColumnsWriter::NativeColumnsWriter(const EncodedColumns& batch, std::size_t part, std::uint64_t block_rows)
    : batch_(batch), part_(batch.parts.at(part)), block_rows_(std::max<std::uint64_t>(block_rows, 1)) {
    const auto& plan = plans();
    const HostColumns& h = *part_.columns;
    // Each block: its counts, then each column's head and values.
    std::uint64_t heads = 0;
    for (const Plan& p : plan) heads += p.head.size();
    for (std::uint64_t at = 0; at < part_.rows; at += block_rows_) {
        const std::uint64_t n = std::min(block_rows_, part_.rows - at);
        size_ += varint_size(plan.size()) + varint_size(n) + heads;
    }
    for (std::size_t c = 0; c < plan.size(); ++c) {
        const Plan& p = plan[c];
        switch (p.kind) {
            case Plan::Kind::String: size_ += h.streams[p.stream].size(); break;
            case Plan::Kind::Interned: size_ += h.string_bytes[c]; break;
            case Plan::Kind::NullableFixed: size_ += part_.rows * (1 + p.width); break;
            default: size_ += part_.rows * p.width; break;
        }
    }
    if (batch_.buffers()) out_ = batch_.buffers()->get_blocks();
    out_.resize(stream_count());
}

NativeColumnsWriter::~NativeColumnsWriter() {
    if (batch_.buffers()) batch_.buffers()->put_blocks(std::move(out_));
}

std::string_view NativeColumnsWriter::next() {
    while (given_ == pieces_.size()) {
        if (!next_block()) return {};
    }
    return pieces_[given_++];
}

bool NativeColumnsWriter::next_block() {
    if (done_ == part_.rows) return false;
    const auto& plan = plans();
    const std::uint64_t n = std::min(block_rows_, part_.rows - done_);
    gather(std::span(part_.order).subspan(done_, n));
    done_ += n;
    block_size_.clear();
    put_varint(block_size_, plan.size());
    put_varint(block_size_, n);
    pieces_.clear();
    given_ = 0;
    pieces_.push_back(block_size_);
    for (const Plan& p : plan) {
        pieces_.push_back(p.head);
        const ByteRun& s = out_[p.stream];
        pieces_.emplace_back(s.data(), s.size());
        if (p.kind == Plan::Kind::NullableFixed)
            pieces_.emplace_back(out_[p.stream + 1].data(), out_[p.stream + 1].size());
    }
    return true;
}

namespace {

// A part's rows in the table's order are scattered over its host's columns (an org's rows
// among the others'): each column's value a few rows on is asked for ahead, so that many
// loads wait for memory at once, not one after another (a String's start first, then its bytes).
constexpr std::size_t kAhead = 16;

/// Copies each row's value of `width` bytes (1, 2, 4 or 8) from `from` in `rows`' order.
template <std::size_t W>
void gather_fixed(char* to, const char* from, std::span<const std::uint32_t> rows) {
    const std::size_t n = rows.size();
    for (std::size_t i = 0; i < n; ++i) {
        if (i + kAhead < n) __builtin_prefetch(from + std::size_t{rows[i + kAhead]} * W);
        std::memcpy(to, from + std::size_t{rows[i]} * W, W);
        to += W;
    }
}

void gather_fixed(char* to, const char* from, std::size_t width, std::span<const std::uint32_t> rows) {
    switch (width) {
        case 1: gather_fixed<1>(to, from, rows); break;
        case 2: gather_fixed<2>(to, from, rows); break;
        case 4: gather_fixed<4>(to, from, rows); break;
        default: gather_fixed<8>(to, from, rows); break;
    }
}

}  // namespace

void NativeColumnsWriter::gather(std::span<const std::uint32_t> rows) {
    const HostColumns& h = *part_.columns;
    const StoredViews values = batch_.values.views();
    for (const Plan& p : plans()) {
        ByteRun& out = out_[p.stream];
        out.clear();
        const ByteRun& in = h.streams[p.stream];
        switch (p.kind) {
            case Plan::Kind::Fixed: gather_fixed(out.extend(rows.size() * p.width), in.data(), p.width, rows); break;
            case Plan::Kind::NullableFixed: {
                gather_fixed(out.extend(rows.size()), in.data(), 1, rows);
                ByteRun& value = out_[p.stream + 1];
                value.clear();
                gather_fixed(value.extend(rows.size() * p.width), h.streams[p.stream + 1].data(), p.width, rows);
                break;
            }
            case Plan::Kind::BatchId: {
                char* to = out.extend(rows.size() * sizeof batch_.batch_id);
                for (std::size_t i = 0; i < rows.size(); ++i, to += sizeof batch_.batch_id)
                    std::memcpy(to, &batch_.batch_id, sizeof batch_.batch_id);
                break;
            }
            case Plan::Kind::String: {
                const Run<std::uint32_t>& starts = h.starts[p.stream];
                const std::size_t n = rows.size();
                for (std::size_t i = 0; i < n; ++i) {
                    if (i + 2 * kAhead < n) __builtin_prefetch(starts.data() + rows[i + 2 * kAhead]);
                    // The low 32 bits of the start: a hint, wrong only past 4 GiB of a column.
                    if (i + kAhead < n) __builtin_prefetch(in.data() + starts[rows[i + kAhead]]);
                    const std::uint32_t r = rows[i];
                    const std::uint64_t from = h.start(p.stream, r), bytes = h.start(p.stream, r + 1) - from;
                    out.reserve_more(bytes + kSlack);
                    char* const to = out.extend(bytes);
                    if (bytes <=
                        kSlack)  // most values are short: one fixed copy (the bytes past it are overwritten next)
                        std::memcpy(to, in.data() + from, kSlack);
                    else
                        std::memcpy(to, in.data() + from, bytes);
                }
                break;
            }
            case Plan::Kind::Interned:
                for (std::size_t i = 0; i < rows.size(); ++i) {
                    if (i + kAhead < rows.size())
                        __builtin_prefetch(in.data() + std::size_t{rows[i + kAhead]} * sizeof(std::uint32_t));
                    std::uint32_t id = 0;
                    std::memcpy(&id, in.data() + std::size_t{rows[i]} * sizeof id, sizeof id);
                    put_native_string(out, values[id]);
                }
                break;
        }
    }
}

}  // namespace s3top::clickhouse
