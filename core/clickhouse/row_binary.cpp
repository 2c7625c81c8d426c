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

// gzip's first room for a body: about what log rows compress to at level 1 (a fifth to a
// quarter here), at least this many bytes; it grows by half when that is not enough.
constexpr std::size_t kGzipRatio = 4;
constexpr std::size_t kGzipRoom = std::size_t{64} << 10;

}  // namespace

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
