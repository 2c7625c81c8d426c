#include "support/reference_encoder.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/agg/metrics.hpp"

namespace s3top::clickhouse {
namespace {

constexpr std::uint64_t kLineMask = (std::uint64_t{1} << 40) - 1;
constexpr std::int64_t kMaxDateTime = std::numeric_limits<std::uint32_t>::max();

}  // namespace

std::string RowBuffers::get() {
    {
        std::lock_guard l(mutex_);
        if (!spare_.empty()) {
            std::string b = std::move(spare_.back());
            spare_.pop_back();
            return b;
        }
    }
    // Room for the whole batch at once: a buffer doubling as it fills copies its rows each time
    // (huge pages were tried: faulting them in cost s3top more CPU than 4 KiB pages).
    std::string b;
    b.reserve(reserve_);
    return b;
}

void RowBuffers::put(std::string buffer) {
    buffer.clear();
    std::lock_guard l(mutex_);
    spare_.push_back(std::move(buffer));
}

std::string EncodedRows::Part::body() const {
    std::string out;
    out.reserve(bytes);
    const std::vector<Column>& columns = record_columns();
    for (const std::string_view piece : pieces) {
        for (std::size_t at = 0; at < piece.size();) {
            for (const Column& c : columns) {
                const std::size_t from = at;
                if (row_interned(c)) {
                    std::uint32_t id = 0;
                    if (piece.size() - at < sizeof id) return {};
                    std::memcpy(&id, piece.data() + at, sizeof id);
                    at += sizeof id;
                    if (id >= values.size()) return {};
                    put_string(out, values[id]);
                    continue;
                }
                std::size_t width = row_binary_width(c.field);
                if (width == 0) {  // a String: its LEB128 length, then its bytes
                    std::uint64_t len = 0;
                    for (int shift = 0;; shift += 7) {
                        if (at == piece.size() || shift > 63) return {};
                        const auto b = static_cast<unsigned char>(piece[at++]);
                        len |= std::uint64_t{b & 0x7fu} << shift;
                        if (!(b & 0x80)) break;
                    }
                    width = len;
                } else if (row_binary_nullable(c.field)) {
                    if (at == piece.size()) return {};
                    if (piece[at++] != 0) width = 0;  // NULL: the flag alone
                }
                if (piece.size() - at < width) return {};
                at += width;
                out.append(piece.substr(from, at - from));
            }
        }
    }
    return out;
}

EncodedRows::~EncodedRows() {
    if (buffers_) buffers_->put(std::move(rows_));
}

RowBinaryEncoder::RowBinaryEncoder(std::size_t hosts, std::function<std::uint32_t(std::string_view path)> host_of,
                                   std::shared_ptr<RowBuffers> buffers)
    : hosts_(std::max<std::size_t>(hosts, 1)),
      host_of_(std::move(host_of)),
      buffers_(std::move(buffers)),
      columns_(record_columns().size()),
      string_bytes_(hosts_ * columns_, 0) {
    for (const Column& c : record_columns()) interned_.push_back(row_interned(c));
}

void RowBinaryEncoder::add(const NumberRow& n, const std::array<std::string_view, kStringDimCount>& values,
                           std::string_view path, std::uint64_t origin) {
    if (!has_buffer_) {  // the buffer of a batch sent before, its memory already faulted in
        rows_ = buffers_->get();
        has_buffer_ = true;
    }
    if (path.data() != last_path_.data() || path.size() != last_path_.size()) {
        last_path_ = path;
        last_host_ = host_of_ ? std::min<std::uint32_t>(host_of_(path), static_cast<std::uint32_t>(hosts_ - 1)) : 0;
        last_file_ = files_.intern(path);  // id 0 is "": a path-less input is files[0], ''
    }
    const std::int64_t t = std::clamp<std::int64_t>(n.time, 0, kMaxDateTime);
    times_clamped_ += t != n.time;
    const std::size_t at = rows_.size();
    std::uint64_t* const string_bytes = string_bytes_.data() + std::size_t{last_host_} * columns_;
    const std::vector<Column>& columns = record_columns();
    for (std::size_t c = 0; c < columns_; ++c) {
        const Column& col = columns[c];
        switch (col.field) {
            case Field::Time: put_number(rows_, static_cast<std::uint32_t>(t)); break;
            case Field::Dim: {
                const std::string_view v = values[index(col.dim)];
                if (interned_[c]) {
                    put_number(rows_, values_.intern(v));
                    string_bytes[c] += varint_size(v.size()) + v.size();  // as the Native body has it
                    break;
                }
                const std::size_t before = rows_.size();
                put_string(rows_, v);
                string_bytes[c] += rows_.size() - before;
                break;
            }
            case Field::Status: put_number(rows_, n.status); break;
            case Field::Tier: put_number(rows_, n.tier); break;
            case Field::BytesSent: put_number(rows_, n.bytes_sent); break;
            case Field::BytesIn: put_number(rows_, n.bytes_in); break;
            case Field::TotalTime:
                if (n.total_time_ms == kNoTotalTime) {
                    rows_.push_back(1);  // NULL
                } else {
                    rows_.push_back(0);
                    put_number(rows_, n.total_time_ms);
                }
                break;
            case Field::FileNumber: put_number(rows_, last_file_); break;
            case Field::SourceLine: put_number(rows_, origin & kLineMask); break;
            case Field::BatchId: put_number(rows_, std::uint64_t{0}); break;  // written by take()
        }
    }
    const std::uint64_t org = orgs_.intern(values[index(Dim::Org)]);
    index_.push_back(
        Row{org << 32 | static_cast<std::uint32_t>(t), at, static_cast<std::uint32_t>(rows_.size() - at), last_host_});
}

std::unique_ptr<EncodedRecords> RowBinaryEncoder::take() {
    // The batch id is each row's last 8 bytes (record_columns() ends with it).
    const std::uint64_t id = new_batch_id();
    for (const Row& row : index_) std::memcpy(rows_.data() + row.at + row.size - sizeof id, &id, sizeof id);
    // The table's order: org as ClickHouse compares strings (bytes, unsigned, a prefix first),
    // then time. Orgs are few: each is ranked once and the rows sorted by (rank, time).
    std::vector<std::uint32_t> by_name(orgs_.size());
    for (std::uint32_t i = 0; i < by_name.size(); ++i) by_name[i] = i;
    std::sort(by_name.begin(), by_name.end(),
              [&](std::uint32_t a, std::uint32_t b) { return orgs_.view(a) < orgs_.view(b); });
    std::vector<std::uint64_t> rank(by_name.size());
    for (std::uint32_t r = 0; r < by_name.size(); ++r) rank[by_name[r]] = r;
    for (Row& row : index_) row.order = rank[row.order >> 32] << 32 | (row.order & 0xffffffffu);
    // Equal (org, time) rows keep their order: the body is the same for the same records.
    std::stable_sort(index_.begin(), index_.end(),
                     [](const Row& a, const Row& b) { return a.host != b.host ? a.host < b.host : a.order < b.order; });
    auto out = std::make_unique<EncodedRows>(std::move(rows_), buffers_);
    rows_ = std::string();
    has_buffer_ = false;
    out->batch_id = id;
    out->values = std::move(values_);
    values_ = StringPool();
    out->rows = index_.size();
    out->times_clamped = times_clamped_;
    out->files.reserve(files_.size() - 1);
    for (std::uint32_t i = 1; i < files_.size(); ++i) out->files.emplace_back(files_.view(i));
    const char* const base = out->rows_data();
    for (std::size_t i = 0; i < index_.size();) {
        EncodedRows::Part& part = out->parts.emplace_back();
        part.host = index_[i].host;
        part.values = out->values.views();
        part.string_bytes.assign(string_bytes_.begin() + std::ptrdiff_t(part.host * columns_),
                                 string_bytes_.begin() + std::ptrdiff_t((part.host + 1) * columns_));
        part.min_time = std::numeric_limits<std::int64_t>::max();
        part.max_time = std::numeric_limits<std::int64_t>::min();
        for (; i < index_.size() && index_[i].host == part.host; ++i) {
            const Row& row = index_[i];
            const auto t = static_cast<std::int64_t>(row.order & 0xffffffffu);
            part.min_time = std::min(part.min_time, t);
            part.max_time = std::max(part.max_time, t);
            // A row right after the previous one in the buffer extends its piece.
            const std::string_view piece(base + row.at, row.size);
            if (!part.pieces.empty() && part.pieces.back().data() + part.pieces.back().size() == piece.data())
                part.pieces.back() = std::string_view(part.pieces.back().data(), part.pieces.back().size() + row.size);
            else
                part.pieces.push_back(piece);
            part.bytes += row.size;
            ++part.rows;
        }
    }
    index_.clear();
    std::fill(string_bytes_.begin(), string_bytes_.end(), 0);
    orgs_.clear();
    files_.clear();
    last_path_ = {};  // numbered anew in the next batch
    times_clamped_ = 0;
    return out;
}
namespace {

/// How a record column goes from an encoder's row (EncodedRows) to its Native streams.
struct Plan {
    enum class Kind : std::uint8_t { Fixed, String, NullableFixed, Interned } kind = Kind::Fixed;
    std::uint8_t width = 0;    ///< Fixed, NullableFixed: the bytes of a value
    std::uint32_t stream = 0;  ///< the first of its streams
    std::string head;          ///< its name and type, as a block has them before its values
};

const std::vector<Plan>& plans() {
    static const std::vector<Plan> out = [] {
        std::vector<Plan> p;
        std::uint32_t stream = 0;
        for (const Column& c : record_columns()) {
            Plan plan;
            plan.stream = stream++;
            put_string(plan.head, c.name);
            put_string(plan.head, c.type);
            const std::size_t width = row_binary_width(c.field);
            if (row_interned(c)) {
                plan.kind = Plan::Kind::Interned;
            } else if (width == 0) {
                plan.kind = Plan::Kind::String;
            } else {
                plan.width = static_cast<std::uint8_t>(width);
                if (row_binary_nullable(c.field)) {
                    plan.kind = Plan::Kind::NullableFixed;
                    ++stream;  // its values after its null map
                }
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

/// Copies a value of `width` bytes (1, 2, 4 or 8) and moves both past it.
inline void copy_fixed(char*& to, const char*& from, std::size_t width) {
    switch (width) {
        case 1: *to = *from; break;
        case 2: std::memcpy(to, from, 2); break;
        case 4: std::memcpy(to, from, 4); break;
        default: std::memcpy(to, from, 8); break;
    }
    to += width;
    from += width;
}

// The rows come in the table's order, scattered over the batch's buffer: the piece a few on
// is asked for ahead, so it is in the cache when its turn comes.
constexpr std::size_t kAhead = 4;         // pieces
constexpr std::size_t kAheadBytes = 384;  // about a row of S3 logs
// A String stream keeps this much room past its values, so a short value is copied as this
// many bytes at once (the bytes past it are overwritten by the next value).
constexpr std::size_t kSlack = 16;

}  // namespace

NativeWriter::NativeWriter(std::span<const std::string_view> rows, std::uint64_t count,
                           std::span<const std::uint64_t> string_bytes, StoredViews values, std::uint64_t block_rows)
    : rows_(rows), values_(values), count_(count), block_rows_(std::max<std::uint64_t>(block_rows, 1)) {
    const auto& plan = plans();
    if (string_bytes.size() != plan.size()) {
        failed_ = true;
        return;
    }
    // Each block: its counts, then each column's head and values.
    std::uint64_t heads = 0;
    for (const Plan& p : plan) heads += p.head.size();
    for (std::uint64_t at = 0; at < count_; at += block_rows_) {
        const std::uint64_t n = std::min(block_rows_, count_ - at);
        size_ += varint_size(plan.size()) + varint_size(n) + heads;
    }
    for (std::size_t c = 0; c < plan.size(); ++c) {
        const Plan& p = plan[c];
        size_ += p.kind == Plan::Kind::String || p.kind == Plan::Kind::Interned ? string_bytes[c]
                 : p.kind == Plan::Kind::Fixed                                  ? count_ * p.width
                                                                                : count_ * (1 + p.width);
    }
    streams_.resize(stream_count());
}

std::string_view NativeWriter::next() {
    while (given_ == pieces_.size()) {
        if (failed_ || !next_block()) return {};
    }
    return pieces_[given_++];
}

bool NativeWriter::next_block() {
    if (done_ == count_) return false;
    const auto& plan = plans();
    const std::uint64_t n = std::min(block_rows_, count_ - done_);
    for (const Plan& p : plan) {  // room for the fixed columns; a String's grows as it fills
        const std::size_t fixed = p.kind == Plan::Kind::String || p.kind == Plan::Kind::Interned ? 0 : n * p.width;
        Stream& values = streams_[p.stream + (p.kind == Plan::Kind::NullableFixed ? 1 : 0)];
        if (p.kind == Plan::Kind::NullableFixed && streams_[p.stream].capacity < n) {
            streams_[p.stream].data = std::make_unique_for_overwrite<char[]>(n);
            streams_[p.stream].capacity = n;
        }
        if (values.capacity < fixed) {
            values.data = std::make_unique_for_overwrite<char[]>(fixed);
            values.capacity = fixed;
        }
    }
    if (!fill(n)) {
        failed_ = true;
        return false;
    }
    done_ += n;
    block_size_.clear();
    put_varint(block_size_, plan.size());
    put_varint(block_size_, n);
    pieces_.clear();
    given_ = 0;
    pieces_.push_back(block_size_);
    for (const Plan& p : plan) {
        pieces_.push_back(p.head);
        const Stream& s = streams_[p.stream];
        pieces_.emplace_back(s.data.get(), s.size);
        if (p.kind == Plan::Kind::NullableFixed) {
            const Stream& v = streams_[p.stream + 1];
            pieces_.emplace_back(v.data.get(), v.size);
        }
    }
    return true;
}

bool NativeWriter::fill(std::uint64_t rows) {
    const auto& plan = plans();
    // Where each stream is written next, and its end (a String's grows: see room()).
    std::vector<char*> at(streams_.size()), end(streams_.size());
    for (std::size_t i = 0; i < streams_.size(); ++i) {
        at[i] = streams_[i].data.get();
        end[i] = at[i] + streams_[i].capacity;
    }
    // Room for `bytes` more (and kSlack) in String stream `i`: grown by half again, kept for
    // the next blocks.
    const auto room = [&](std::size_t i, std::size_t bytes) {
        Stream& s = streams_[i];
        const auto used = static_cast<std::size_t>(at[i] - s.data.get());
        const std::size_t want = std::max(used + bytes + kSlack, s.capacity + s.capacity / 2 + 4096);
        auto bigger = std::make_unique_for_overwrite<char[]>(want);
        if (used) std::memcpy(bigger.get(), s.data.get(), used);
        s.data = std::move(bigger);
        s.capacity = want;
        at[i] = s.data.get() + used;
        end[i] = s.data.get() + want;
    };
    for (std::uint64_t n = 0; n < rows;) {
        if (piece_ == rows_.size()) return false;
        if (offset_ == 0 && piece_ + kAhead < rows_.size()) {
            const char* ahead = rows_[piece_ + kAhead].data();
            for (std::size_t line = 0; line < kAheadBytes; line += 64) __builtin_prefetch(ahead + line);
        }
        const std::string_view piece = rows_[piece_];
        const char* p = piece.data() + offset_;
        const char* const stop = piece.data() + piece.size();
        for (; n < rows && p < stop; ++n) {
            for (const Plan& c : plan) {
                char*& to = at[c.stream];
                if (c.kind == Plan::Kind::String) {
                    // Native keeps a String as RowBinary does: its LEB128 length, then its bytes.
                    std::uint64_t len = 0;
                    const char* q = p;
                    for (int shift = 0;; shift += 7) {
                        if (q == stop || shift > 63) return false;
                        const auto b = static_cast<unsigned char>(*q++);
                        len |= std::uint64_t{b & 0x7fu} << shift;
                        if (!(b & 0x80)) break;
                    }
                    if (len > static_cast<std::uint64_t>(stop - q)) return false;
                    const auto bytes = static_cast<std::size_t>(q - p) + len;
                    if (static_cast<std::size_t>(end[c.stream] - to) < bytes + kSlack) room(c.stream, bytes);
                    if (bytes <= kSlack && static_cast<std::size_t>(stop - p) >= kSlack)
                        std::memcpy(to, p, kSlack);  // most values are short: one fixed copy
                    else
                        std::memcpy(to, p, bytes);
                    to += bytes;
                    p += bytes;
                } else if (c.kind == Plan::Kind::Interned) {  // its value's id: the value goes as a String
                    std::uint32_t id = 0;
                    if (static_cast<std::size_t>(stop - p) < sizeof id) return false;
                    std::memcpy(&id, p, sizeof id);
                    p += sizeof id;
                    if (id >= values_.size()) return false;
                    const std::string_view v = values_[id];
                    const std::size_t bytes = varint_size(v.size()) + v.size();
                    if (static_cast<std::size_t>(end[c.stream] - to) < bytes + kSlack) room(c.stream, bytes);
                    std::uint64_t len = v.size();
                    for (; len >= 0x80; len >>= 7) *to++ = static_cast<char>((len & 0x7f) | 0x80);
                    *to++ = static_cast<char>(len);
                    if (!v.empty()) std::memcpy(to, v.data(), v.size());  // "" is a view of no bytes
                    to += v.size();
                } else if (c.kind == Plan::Kind::Fixed) {
                    if (static_cast<std::size_t>(stop - p) < c.width) return false;
                    copy_fixed(to, p, c.width);
                } else {  // a null flag, then the value unless NULL (Native: a value either way)
                    if (p == stop) return false;
                    const bool null = *p != 0;
                    *to++ = *p++;
                    char*& value = at[c.stream + 1];
                    if (null) {
                        std::memset(value, 0, c.width);
                        value += c.width;
                    } else {
                        if (static_cast<std::size_t>(stop - p) < c.width) return false;
                        copy_fixed(value, p, c.width);
                    }
                }
            }
        }
        offset_ = static_cast<std::size_t>(p - piece.data());
        if (p == stop) {
            ++piece_;
            offset_ = 0;
        }
    }
    for (std::size_t i = 0; i < streams_.size(); ++i)
        streams_[i].size = static_cast<std::size_t>(at[i] - streams_[i].data.get());
    return true;
}

}  // namespace s3top::clickhouse
