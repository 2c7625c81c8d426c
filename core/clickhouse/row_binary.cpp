#include "core/clickhouse/row_binary.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/agg/metrics.hpp"
#include "core/clickhouse/schema.hpp"
#include <mutex>
#include <random>

namespace s3top::clickhouse {

void put_varint(std::string& out, std::uint64_t n) {
    do {
        const auto byte = static_cast<std::uint8_t>(n & 0x7f);
        n >>= 7;
        out.push_back(static_cast<char>(n ? byte | 0x80 : byte));
    } while (n);
}

void put_string(std::string& out, std::string_view s) {
    put_varint(out, s.size());
    out.append(s);
}

std::size_t varint_size(std::uint64_t n) {
    std::size_t s = 1;
    while (n >>= 7) ++s;
    return s;
}

// As add() writes them.
std::size_t row_binary_width(Field f) {
    switch (f) {
        case Field::Time: return sizeof(std::uint32_t);
        case Field::Dim: return 0;
        case Field::Status: return sizeof(NumberRow::status);
        case Field::Tier: return sizeof(NumberRow::tier);
        case Field::BytesSent: return sizeof(NumberRow::bytes_sent);
        case Field::BytesIn: return sizeof(NumberRow::bytes_in);
        case Field::TotalTime: return sizeof(NumberRow::total_time_ms);
        case Field::FileNumber: return sizeof(std::uint32_t);
        case Field::SourceLine: return sizeof(std::uint64_t);
        case Field::BatchId: return sizeof(std::uint64_t);
    }
    return 0;
}

bool row_binary_nullable(Field f) { return f == Field::TotalTime; }

bool row_interned(const Column& c) {
    if (c.field != Field::Dim) return false;
    switch (c.dim) {
        case Dim::UserAgent:
        case Dim::Requester:
        case Dim::HostHeader:
        case Dim::Operation:
        case Dim::Bucket: return true;
        default: return false;
    }
}

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

namespace {

constexpr std::uint64_t kLineMask = (std::uint64_t{1} << 40) - 1;
constexpr std::int64_t kMaxDateTime = std::numeric_limits<std::uint32_t>::max();
// gzip's first room for a body: about what log rows compress to at level 1 (a fifth to a
// quarter here), at least this many bytes; it grows by half when that is not enough.
constexpr std::size_t kGzipRatio = 4;
constexpr std::size_t kGzipRoom = std::size_t{64} << 10;

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

std::string insert_statement(std::string_view database, std::string_view table) {
    std::string cols;
    for (const Column& c : record_columns()) cols += fmt::format("{}{}", cols.empty() ? "" : ", ", c.name);
    return fmt::format("INSERT INTO {}.{} ({}) FORMAT Native", database, table, cols);
}

std::string gzip_compress(const std::function<std::string_view()>& next, std::uint64_t size, int level) {
    z_stream z{};
    // 15 + 16: a gzip header and trailer, as Content-Encoding: gzip wants.
    if (deflateInit2(&z, std::clamp(level, 1, 9), Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
    // The output grows as it comes, from about what log rows compress to: a whole
    // deflateBound(size), zero-filled up front, touched as many fresh pages as the rows
    // themselves for each insert and held them while it was sent.
    std::string out;
    const auto grow = [&](std::size_t more) {
        const std::size_t used = z.total_out;
        more = std::min<std::size_t>(std::max(more, used / 2), std::numeric_limits<uInt>::max());
        // deflate writes the new room before anything reads it: not zero-filled.
        out.resize_and_overwrite(used + more, [](char*, std::size_t n) { return n; });
        z.next_out = reinterpret_cast<Bytef*>(out.data() + used);
        z.avail_out = static_cast<uInt>(more);
    };
    grow(std::max<std::size_t>(size / kGzipRatio, kGzipRoom));
    int rc = Z_OK;
    for (std::string_view piece = next(); !piece.empty() && rc == Z_OK; piece = next()) {
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(piece.data()));
        z.avail_in = static_cast<uInt>(piece.size());
        while (rc == Z_OK && z.avail_in != 0) {
            rc = deflate(&z, Z_NO_FLUSH);
            if (rc == Z_BUF_ERROR) rc = Z_OK;  // no progress possible: more room below
            if (z.avail_out == 0) grow(kGzipRoom);
        }
        if (rc == Z_OK && z.total_in > size) rc = Z_BUF_ERROR;  // more than `size` came
    }
    while (rc == Z_OK) {
        rc = deflate(&z, Z_FINISH);
        if (rc == Z_OK || rc == Z_BUF_ERROR) {  // out of room before the end
            rc = Z_OK;
            grow(kGzipRoom);
        }
    }
    out.resize(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END) return {};
    return out;
}

std::string gzip_compress(std::span<const std::string_view> pieces, int level) {
    std::uint64_t size = 0;
    for (const std::string_view p : pieces) size += p.size();
    std::size_t i = 0;
    // Empty pieces would read as the end: skipped.
    const std::function<std::string_view()> next = [&] {
        while (i < pieces.size() && pieces[i].empty()) ++i;
        return i < pieces.size() ? pieces[i++] : std::string_view();
    };
    return gzip_compress(next, size, level);
}

std::string gzip_compress(std::string_view data, int level) { return gzip_compress({&data, 1}, level); }

}  // namespace s3top::clickhouse
