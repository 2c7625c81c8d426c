#include <gtest/gtest.h>

#include <cstring>
#include <functional>

#include "core/agg/batch.hpp"
#include "support/reference_encoder.hpp"
#include "core/clickhouse/row_binary.hpp"
#include "core/clickhouse/schema.hpp"
#include "core/ingest/loader.hpp"
#include "core/parse/record.hpp"

using namespace s3top;
using namespace s3top::clickhouse;

namespace {

std::uint64_t read_varint(std::string_view body, std::size_t& at) {
    std::uint64_t n = 0;
    for (int shift = 0;; shift += 7) {
        const auto b = static_cast<unsigned char>(body.at(at++));
        n |= std::uint64_t{b & 0x7fu} << shift;
        if (!(b & 0x80)) return n;
    }
}

std::string_view read_string(std::string_view body, std::size_t& at) {
    const std::uint64_t n = read_varint(body, at);
    const std::string_view s = body.substr(at, n);
    at += n;
    return s;
}

/// The rows of a Native body (every block), written back as RowBinary rows: each column must
/// be the table's, by name and type, in its order.
std::string rows_of(std::string_view body, std::size_t& blocks) {
    const auto& columns = record_columns();
    std::string rows;
    blocks = 0;
    for (std::size_t at = 0; at < body.size(); ++blocks) {
        EXPECT_EQ(read_varint(body, at), columns.size());
        const std::uint64_t n = read_varint(body, at);
        std::vector<std::vector<std::string>> values(n);  // by row, then column
        for (const Column& c : columns) {
            EXPECT_EQ(read_string(body, at), c.name);
            EXPECT_EQ(read_string(body, at), c.type);
            const std::size_t width = row_binary_width(c.field);
            if (width == 0) {
                for (auto& row : values) {
                    const std::size_t from = at;
                    read_string(body, at);
                    row.emplace_back(body.substr(from, at - from));
                }
            } else if (row_binary_nullable(c.field)) {  // the null map, then a value for each row
                const std::size_t map = at;
                at += n;
                for (std::uint64_t r = 0; r < n; ++r) {
                    const bool null = body.at(map + r) != 0;
                    values[r].push_back(null ? std::string(1, '\1') : '\0' + std::string(body.substr(at, width)));
                    at += width;
                }
            } else {
                for (auto& row : values) {
                    row.emplace_back(body.substr(at, width));
                    at += width;
                }
            }
        }
        for (const auto& row : values)
            for (const std::string& v : row) rows += v;
    }
    return rows;
}

std::string whole(NativeWriter& w) {
    std::string body;
    for (std::string_view p = w.next(); !p.empty(); p = w.next()) body += p;
    return body;
}

}  // namespace

// Inserts go as Native blocks: the servers take columns as they keep them instead of parsing
// each row. The body holds the encoder's rows, in its order, column by column, block by block.
TEST(ClickHouseNative, ABodyHoldsTheEncodersRowsColumnByColumnInBlocks) {
    EXPECT_TRUE(insert_statement("logs", "t").ends_with(") FORMAT Native"));
    DimMask keep;
    keep.set();
    BatchBuilder builder(OrgSource{}, keep);
    builder.set_encoder(std::make_unique<RowBinaryEncoder>(1, nullptr));
    const std::string long_key(300, 'k');  // a length of two bytes
    const std::vector<std::string> queries{"org=b", "org=a", "org=b", "org=", "org=a"};
    for (std::size_t i = 0; i < queries.size(); ++i) {
        Record r;
        r.time = 1709251200 + static_cast<std::int64_t>(i * 7 % 5);
        r.query = queries[i];
        r.key = i == 2 ? std::string_view(long_key) : std::string_view("k");
        r.user_agent = i == 1 ? "curl/8" : "";
        r.status = static_cast<std::uint16_t>(200 + i);
        r.bytes_sent = 1000 * i;
        r.has_total_time = i % 2 == 0;
        r.total_time_ms = static_cast<std::uint32_t>(10 + i);
        builder.add(r, i < 3 ? "logs/a" : "logs/b", 0, origin_key(0, i + 1));
    }
    const Batch b = builder.take();
    const auto& e = dynamic_cast<const EncodedRows&>(*b.encoded);
    ASSERT_EQ(e.parts.size(), 1u);
    const EncodedRows::Part& part = e.parts[0];
    const std::string want = part.body();
    for (const std::uint64_t block_rows : {std::uint64_t{2}, std::uint64_t{5}, NativeWriter::kBlockRows}) {
        NativeWriter w(part.pieces, part.rows, part.string_bytes, part.values, block_rows);
        const std::string body = whole(w);
        EXPECT_FALSE(w.failed());
        EXPECT_EQ(body.size(), w.size()) << block_rows;  // the Content-Length it is sent with
        std::size_t blocks = 0;
        EXPECT_EQ(rows_of(body, blocks), want) << block_rows;
        EXPECT_EQ(blocks, (part.rows + block_rows - 1) / block_rows);
        // Compressed as it is made: the same stream as from the whole body.
        NativeWriter again(part.pieces, part.rows, part.string_bytes, part.values, block_rows);
        EXPECT_EQ(gzip_compress([&] { return again.next(); }, again.size()), gzip_compress(body));
    }
}

// Rows that do not read as the table's (cannot come from the encoder) end the body short and
// say so: never a block of other columns.
TEST(ClickHouseNative, RowsThatDoNotReadAsTheTablesEndTheBodyShort) {
    DimMask keep;
    keep.set();
    BatchBuilder builder(OrgSource{}, keep);
    builder.set_encoder(std::make_unique<RowBinaryEncoder>(1, nullptr));
    for (int i = 0; i < 3; ++i) {
        Record r;
        r.time = 1709251200 + i;
        builder.add(r, "logs/a", 0, origin_key(0, static_cast<std::uint64_t>(i + 1)));
    }
    const Batch b = builder.take();
    const auto& part = dynamic_cast<const EncodedRows&>(*b.encoded).parts.at(0);
    std::string rows;
    for (const std::string_view p : part.pieces) rows += p;
    const std::vector<std::string_view> cut{std::string_view(rows).substr(0, rows.size() - 3)};
    NativeWriter w(cut, part.rows, part.string_bytes, part.values, 2);
    const std::string body = whole(w);
    EXPECT_TRUE(w.failed());
    EXPECT_LT(body.size(), w.size());
    NativeWriter more(part.pieces, part.rows + 1, part.string_bytes, part.values);  // a row fewer than said
    whole(more);
    EXPECT_TRUE(more.failed());
    NativeWriter unnamed(part.pieces, part.rows, part.string_bytes, {});  // ids of values it does not have
    whole(unnamed);
    EXPECT_TRUE(unnamed.failed());
}

// A long value the logs repeat (a user agent, a requester's ARN, a host) is kept once per batch
// and each row holds its id: the rows an ingest holds (three batches' buffers, faulted in
// fresh) take less memory than the values. The Native body writes the value out for every row.
TEST(ClickHouseNative, ARepeatedLongValueIsKeptOncePerBatchAndWrittenOutForEveryRow) {
    DimMask keep;
    keep.set();
    BatchBuilder builder(OrgSource{}, keep);
    builder.set_encoder(std::make_unique<RowBinaryEncoder>(1, nullptr));
    const std::string agent(300, 'u'), requester = "arn:aws:iam::123456789012:user/" + std::string(60, 'r');
    constexpr std::size_t kRows = 100;
    for (std::size_t i = 0; i < kRows; ++i) {
        Record r;
        r.time = 1709251200 + static_cast<std::int64_t>(i);
        r.user_agent = i % 2 ? std::string_view(agent) : std::string_view("curl/8");
        r.requester = requester;
        builder.add(r, "logs/a", 0, origin_key(0, i + 1));
    }
    const Batch b = builder.take();
    const auto& part = dynamic_cast<const EncodedRows&>(*b.encoded).parts.at(0);
    ASSERT_EQ(part.rows, kRows);
    EXPECT_LT(part.bytes, kRows * 100) << "each row holds its values' ids, not the values";
    const std::string rows = part.body();
    std::size_t agents = 0;
    for (std::size_t at = rows.find(agent); at != std::string::npos; at = rows.find(agent, at + agent.size())) ++agents;
    EXPECT_EQ(agents, kRows / 2);
    NativeWriter w(part.pieces, part.rows, part.string_bytes, part.values);
    const std::string body = whole(w);
    EXPECT_FALSE(w.failed());
    EXPECT_EQ(body.size(), w.size());
    std::size_t blocks = 0;
    EXPECT_EQ(rows_of(body, blocks), rows);
}
