#include "core/clickhouse/row_binary.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/agg/metrics.hpp"
#include "core/clickhouse/schema.hpp"
#include "core/ingest/loader.hpp"

namespace s3top::clickhouse {

void put_string(std::string& out, std::string_view s) {
    std::uint64_t n = s.size();
    do {  // LEB128 length
        const auto byte = static_cast<std::uint8_t>(n & 0x7f);
        n >>= 7;
        out.push_back(static_cast<char>(n ? byte | 0x80 : byte));
    } while (n);
    out.append(s);
}

namespace {

constexpr std::uint64_t kLineMask = (std::uint64_t{1} << 40) - 1;

}  // namespace

EncodedRows encode_row_binary(const Batch& b, const std::function<std::string_view(std::uint32_t file)>& path_of,
                              std::uint64_t batch_id, const std::function<bool(std::uint32_t file)>& take) {
    const Columns& c = b.columns;
    const auto& columns = record_columns();
    EncodedRows out;
    out.bytes.reserve(c.size() * 200);
    out.min_time = std::numeric_limits<std::int64_t>::max();
    out.max_time = std::numeric_limits<std::int64_t>::min();
    constexpr std::int64_t kMaxDateTime = std::numeric_limits<std::uint32_t>::max();
    for (std::size_t r = 0; r < c.size(); ++r) {
        const std::uint64_t origin = r < b.origin.size() ? b.origin[r] : 0;
        if (take && !take(static_cast<std::uint32_t>(origin >> 40))) continue;
        ++out.rows;
        for (const Column& col : columns) {
            switch (col.field) {
                case Field::Time: {
                    const std::int64_t t = std::clamp<std::int64_t>(c.time[r], 0, kMaxDateTime);
                    out.times_clamped += t != c.time[r];
                    out.min_time = std::min(out.min_time, t);
                    out.max_time = std::max(out.max_time, t);
                    put_number(out.bytes, static_cast<std::uint32_t>(t));
                    break;
                }
                case Field::Dim: {
                    const auto& ids = c.ids[index(col.dim)];
                    put_string(out.bytes, ids.empty() ? std::string_view() : b.pools[index(col.dim)].view(ids[r]));
                    break;
                }
                case Field::Status: put_number(out.bytes, c.status[r]); break;
                case Field::Tier: put_number(out.bytes, c.tier[r]); break;
                case Field::BytesSent: put_number(out.bytes, c.bytes_sent[r]); break;
                case Field::BytesIn: put_number(out.bytes, c.bytes_in[r]); break;
                case Field::TotalTime:
                    if (c.total_time_ms[r] == kNoTotalTime) {
                        out.bytes.push_back(1);  // NULL
                    } else {
                        out.bytes.push_back(0);
                        put_number(out.bytes, c.total_time_ms[r]);
                    }
                    break;
                case Field::SourceFile: put_string(out.bytes, path_of(static_cast<std::uint32_t>(origin >> 40))); break;
                case Field::SourceLine: put_number(out.bytes, origin & kLineMask); break;
                case Field::BatchId: put_number(out.bytes, batch_id); break;
            }
        }
    }
    if (out.rows == 0) out.min_time = out.max_time = 0;
    return out;
}

std::string insert_statement(std::string_view database, std::string_view table) {
    std::string cols;
    for (const Column& c : record_columns()) cols += fmt::format("{}{}", cols.empty() ? "" : ", ", c.name);
    return fmt::format("INSERT INTO {}.{} ({}) FORMAT RowBinary", database, table, cols);
}

std::string gzip_compress(std::string_view data, int level) {
    z_stream z{};
    // 15 + 16: a gzip header and trailer, as Content-Encoding: gzip wants.
    if (deflateInit2(&z, std::clamp(level, 1, 9), Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
    std::string out;
    out.resize(deflateBound(&z, static_cast<uLong>(data.size())));
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return rc == Z_STREAM_END ? out : std::string();
}

}  // namespace s3top::clickhouse
