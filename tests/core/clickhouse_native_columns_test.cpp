#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "core/agg/batch.hpp"
#include "support/reference_encoder.hpp"
#include "core/clickhouse/native_columns.hpp"
#include "core/clickhouse/row_binary.hpp"
#include "core/ingest/loader.hpp"
#include "core/parse/record.hpp"

using namespace s3top;
using namespace s3top::clickhouse;

namespace {

template <class Writer>
std::string whole(Writer& writer) {
    std::string body;
    for (std::string_view p = writer.next(); !p.empty(); p = writer.next()) body += p;
    return body;
}

std::string id_bytes(std::uint64_t id) {
    std::string b(sizeof id, '\0');
    std::memcpy(b.data(), &id, sizeof id);
    return b;
}

/// `body` with every `from` replaced by `to` (same size); how many there were in `n`.
std::string replaced(std::string body, const std::string& from, const std::string& to, std::size_t& n) {
    n = 0;
    for (std::size_t at = body.find(from); at != std::string::npos; at = body.find(from, at + to.size()), ++n)
        body.replace(at, from.size(), to);
    return body;
}

/// A value of `n` bytes, every byte value in turn (NUL, 0x80-0xff, newlines, quotes ...).
std::string hostile(std::size_t n, unsigned seed) {
    std::string v(n, '\0');
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<char>((i * 131 + seed * 7) & 0xff);
    return v;
}

/// The same records through both encoders (two hosts, by path), in builders keeping every
/// dimension: the old one's rows (RowBinaryEncoder + NativeWriter) are the reference.
struct BothWays {
    Batch rows, columns;
    explicit BothWays(const std::function<void(BatchBuilder&)>& feed) {
        DimMask keep;
        keep.set();
        BatchBuilder a(OrgSource{}, keep), b(OrgSource{}, keep);
        const auto host = [](std::string_view path) { return path.ends_with("1") ? 1u : 0u; };
        a.set_encoder(std::make_unique<RowBinaryEncoder>(2, host));
        b.set_encoder(std::make_unique<NativeColumnsEncoder>(2, host));
        feed(a);
        feed(b);
        rows = a.take();
        columns = b.take();
    }
    const EncodedRows& old() const { return dynamic_cast<const EncodedRows&>(*rows.encoded); }
    const EncodedColumns& now() const { return dynamic_cast<const EncodedColumns&>(*columns.encoded); }
};

/// Every part's Native body from both, for these block sizes: byte for byte the same, but for
/// the batch id (each draws its own), which is in every row.
void expect_same_bodies(const BothWays& both) {
    const EncodedRows& old = both.old();
    const EncodedColumns& now = both.now();
    ASSERT_EQ(now.parts.size(), old.parts.size());
    EXPECT_EQ(now.rows, old.rows);
    EXPECT_EQ(now.records(), old.records());
    EXPECT_EQ(now.times_clamped, old.times_clamped);
    EXPECT_EQ(now.files, old.files);
    for (std::size_t i = 0; i < old.parts.size(); ++i) {
        const EncodedRows::Part& o = old.parts[i];
        const EncodedColumns::Part& n = now.parts[i];
        EXPECT_EQ(n.host, o.host);
        EXPECT_EQ(n.rows, o.rows);
        EXPECT_EQ(n.min_time, o.min_time);
        EXPECT_EQ(n.max_time, o.max_time);
        for (const std::uint64_t block_rows : {std::uint64_t{1}, std::uint64_t{3}, NativeWriter::kBlockRows}) {
            NativeWriter ow(o.pieces, o.rows, o.string_bytes, o.values, block_rows);
            const std::string want = whole(ow);
            ASSERT_FALSE(ow.failed());
            NativeColumnsWriter nw(now, i, block_rows);
            std::size_t ids = 0;
            const std::string got = replaced(whole(nw), id_bytes(now.batch_id), id_bytes(old.batch_id), ids);
            EXPECT_EQ(ids, n.rows) << "the batch id once a row";
            EXPECT_EQ(nw.size(), got.size()) << "the Content-Length it is sent with";
            EXPECT_EQ(got.size(), want.size());
            EXPECT_TRUE(got == want) << "part " << i << ", blocks of " << block_rows << " rows";
        }
    }
}

}  // namespace

// Every column kind (DateTime, the Strings inline and the row_interned ones, UInt8/16/64, the
// Nullable time, file number, line, batch id) on quirky records: empty values, a NULL time,
// times before 1970 and past 2106 (clamped), orgs that order as bytes (a prefix first, bytes
// past 0x7f after ASCII), equal (org, time) rows kept in their order, two hosts, three files.
TEST(NativeColumns, TheBodyIsTheOldEncodersByteForByteOnQuirkyRecords) {
    const std::vector<std::string> queries{"org=b", "org=a", "org=ab", "", "org=%C3%A9", "org=a", "org=b"};
    const std::string long_agent(300, 'u');
    BothWays both([&](BatchBuilder& builder) {
        for (std::size_t i = 0; i < 40; ++i) {
            Record r;
            r.time = i == 5   ? -100
                     : i == 6 ? (std::int64_t{1} << 33)
                              : 1709251200 + static_cast<std::int64_t>(i * 7 % 5);
            r.query = queries[i % queries.size()];
            r.key = i % 3 == 0 ? std::string_view() : std::string_view("k/x y");
            r.user_agent = i % 4 == 1 ? std::string_view(long_agent) : std::string_view(i % 2 ? "" : "curl/8");
            r.requester = i % 5 ? "arn:aws:iam::1:user/u" : "";
            r.bucket = "bkt";
            r.operation = i % 2 ? "REST.GET.OBJECT" : "REST.PUT.OBJECT";
            r.method = i % 2 ? "GET" : "PUT";
            r.remote_ip = i % 7 ? "10.0.0.1" : "::1";
            r.error_code = i % 6 ? "" : "NoSuchKey";
            r.referrer = i % 9 ? "" : "https://x/";
            r.host_header = "s3.example.com";
            r.auth_type = "AuthHeader";
            r.tls_version = i % 2 ? "TLSv1.2" : "";
            r.status = static_cast<std::uint16_t>(200 + i % 5);
            r.bytes_sent = i == 3 ? ~std::uint64_t{0} : 1000 * i;
            r.bytes_in = i * 3;
            r.has_total_time = i % 2 == 0;
            r.total_time_ms = static_cast<std::uint32_t>(i == 8 ? 0xfffffffe : 10 + i);
            const std::string_view path = i < 15 ? "logs/a1" : i < 30 ? "logs/b0" : "logs/c1";
            builder.add(r, path, 0, origin_key(0, (i < 20 ? i : (std::uint64_t{1} << 39) + i) + 1));
        }
    });
    EXPECT_EQ(both.now().parts.size(), 2u);
    EXPECT_EQ(both.now().times_clamped, 2u);
    expect_same_bodies(both);
}

// Hostile values: every byte value (NUL, 0x80-0xff, newline, quote), lengths around LEB128's
// steps (127/128, 16383/16384) and the 16-byte short copy's edge (15, 16, 17), in the inline
// Strings and the interned ones, alone and repeated.
TEST(NativeColumns, TheBodyIsTheOldEncodersByteForByteOnHostileValues) {
    const std::vector<std::size_t> lengths{0, 1, 15, 16, 17, 127, 128, 129, 16383, 16384, 20000};
    std::vector<std::string> values;
    for (std::size_t i = 0; i < lengths.size(); ++i) values.push_back(hostile(lengths[i], static_cast<unsigned>(i)));
    BothWays both([&](BatchBuilder& builder) {
        for (std::size_t i = 0; i < 3 * values.size(); ++i) {
            const auto v = [&](std::size_t k) -> std::string_view { return values[(i + k) % values.size()]; };
            Record r;
            r.time = 1709251200 + static_cast<std::int64_t>(i % 4);
            r.query = i % 2 ? "org=x" : "org=y";
            r.key = v(0);
            r.user_agent = v(1);
            r.requester = v(2);
            r.bucket = v(3);
            r.operation = v(4);
            r.host_header = v(5);
            r.remote_ip = v(6);
            r.referrer = v(7);
            r.error_code = v(8);
            r.auth_type = v(9);
            r.tls_version = v(10);
            r.method = v(0);
            r.has_total_time = i % 3 == 0;
            r.total_time_ms = static_cast<std::uint32_t>(i);
            builder.add(r, i % 2 ? "h1" : "h0", 0, origin_key(0, i + 1));
        }
    });
    expect_same_bodies(both);
}

// A batch's columns go back when it has been sent, and a writer's block buffers when its part
// has: the next batch writes into the same memory (already faulted in), and holds only its own
// rows.
TEST(NativeColumns, TheNextBatchWritesIntoTheColumnsOfTheLastOne) {
    auto buffers = std::make_shared<ColumnBuffers>();
    NativeColumnsEncoder encoder(1, nullptr, buffers);
    std::array<std::string_view, kStringDimCount> values{};
    const auto add = [&](std::string_view key, std::int64_t t) {
        values[index(Dim::Key)] = key;
        NumberRow n;
        n.time = t;
        encoder.add(n, values, "logs/a", origin_key(0, 1));
    };
    add("first", 1709251200);
    add("second", 1709251100);
    const std::uint64_t* first_keys = nullptr;
    {
        const std::unique_ptr<EncodedRecords> one = encoder.take();
        const auto& e = dynamic_cast<const EncodedColumns&>(*one);
        ASSERT_EQ(e.parts.size(), 1u);
        EXPECT_EQ(e.parts[0].order, (std::vector<std::uint32_t>{1, 0})) << "ordered by time";
        first_keys = e.hosts()[0].keys.data();
        NativeColumnsWriter w(e, 0);
        EXPECT_NE(whole(w).find("second"), std::string::npos);
        EXPECT_EQ(buffers->spare(), 0u);
    }
    EXPECT_EQ(buffers->spare(), 1u) << "put back once sent";
    std::vector<ByteRun> blocks = buffers->get_blocks();  // the writer's, for the next part's blocks
    ASSERT_FALSE(blocks.empty()) << "a writer's block buffers go back";
    EXPECT_NE(blocks[0].data(), nullptr);
    buffers->put_blocks(std::move(blocks));
    add("third", 1709251300);
    EXPECT_EQ(buffers->spare(), 0u) << "taken again by the next batch";
    const std::unique_ptr<EncodedRecords> two = encoder.take();
    const auto& e = dynamic_cast<const EncodedColumns&>(*two);
    ASSERT_EQ(e.parts.size(), 1u);
    EXPECT_EQ(e.parts[0].rows, 1u);
    EXPECT_EQ(e.hosts()[0].keys.data(), first_keys) << "the same memory";
    NativeColumnsWriter w(e, 0);
    const std::string body = whole(w);
    EXPECT_EQ(w.size(), body.size());
    EXPECT_NE(body.find("third"), std::string::npos);
    EXPECT_EQ(body.find("first"), std::string::npos);
    EXPECT_EQ(body.find("second"), std::string::npos);
}

// A String column's row starts keep their low 32 bits: past 4 GiB of one column in a batch the
// rows from which they wrap are noted, so each start reads back whole.
TEST(NativeColumns, RowStartsPastFourGiBReadBackWhole) {
    HostColumns h;
    h.starts.resize(1);
    h.wraps.resize(1);
    const std::uint64_t g = std::uint64_t{1} << 32;
    const std::vector<std::uint64_t> at{0, 10, g - 1, g + 5, g + 6, 3 * g + 1, 3 * g + 2};
    for (std::size_t r = 0; r < at.size(); ++r) h.note_start(0, static_cast<std::uint32_t>(r), at[r]);
    for (std::size_t r = 0; r < at.size(); ++r) EXPECT_EQ(h.start(0, static_cast<std::uint32_t>(r)), at[r]) << r;
}

// The order comes from one radix-sorted key a row when rank, time and row fit in 63 bits, else
// from sorted (key, row) pairs: both give (org rank, time, arrival).
TEST(NativeColumns, BothWaysOfOrderingGiveTheTablesOrder) {
    HostColumns h;
    const std::vector<std::pair<std::uint64_t, std::uint32_t>> rows{{2, 50},          {0, 7}, {1, 0}, {0, 7},
                                                                    {2, 4000000000u}, {1, 0}, {0, 3}, {2, 50}};
    h.min_time = 0;
    h.max_time = 4000000000;
    for (const auto& [org, t] : rows) h.keys.push_back(org << 32 | t);
    const std::vector<std::uint64_t> rank{1, 2, 0};  // org 2 first, then 0, then 1
    const std::vector<std::uint32_t> want{0, 7, 4, 6, 1, 3, 2, 5};
    EXPECT_EQ(table_order(h, rank), want);
    EXPECT_EQ(table_order(h, rank, 8), want);  // too few bits: the pairs
}
