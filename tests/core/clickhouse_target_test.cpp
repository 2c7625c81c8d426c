#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <fstream>
#include <map>

#include "core/agg/batch.hpp"
#include "core/clickhouse/ingest_sink.hpp"
#include "core/clickhouse/row_binary.hpp"
#include "support/reference_encoder.hpp"
#include "core/clickhouse/schema.hpp"
#include "core/clickhouse/target.hpp"
#include "core/config/config.hpp"
#include "core/ingest/loader.hpp"
#include "core/parse/record.hpp"

using namespace s3top;
using namespace s3top::clickhouse;

namespace {

std::expected<Target, std::string> parse(std::string_view url, std::map<std::string, std::string> env = {}) {
    return parse_target(url, [env](const char* n) -> const char* {
        const auto it = env.find(n);
        return it == env.end() ? nullptr : it->second.c_str();
    });
}

}  // namespace

TEST(ClickHouseTarget, ReadsHostsDatabaseTableAndCredentials) {
    auto t = parse("clickhouse://ingest:p%40ss@ch1:8123,10.0.0.2:9123/logs?table=recs");
    ASSERT_TRUE(t) << t.error();
    ASSERT_EQ(t->hosts.size(), 2u);
    EXPECT_EQ(t->hosts[0].name, "ch1");
    EXPECT_EQ(t->hosts[1].port, 9123);
    EXPECT_EQ(t->database, "logs");
    EXPECT_EQ(t->table, "recs");
    EXPECT_EQ(t->user, "ingest");
    EXPECT_EQ(t->password, "p@ss");
    EXPECT_EQ(t->describe(), "clickhouse://ch1:8123,10.0.0.2:9123/logs?table=recs");
    EXPECT_EQ(t->base_url(1), "http://10.0.0.2:9123/");
}

TEST(ClickHouseTarget, InsertsAreGzippedUnlessEveryHostIsThisMachineOrTheUrlSays) {
    EXPECT_TRUE(parse("clickhouse://ch1:8123,127.0.0.1:8124/logs")->gzip);
    EXPECT_FALSE(parse("clickhouse://127.0.0.1:8123,127.0.0.2:8124/logs")->gzip);
    EXPECT_FALSE(parse("clickhouse://localhost:8123/logs")->gzip);
    EXPECT_TRUE(parse("clickhouse://localhost:8123/logs?compress=gzip")->gzip);
    EXPECT_FALSE(parse("clickhouse://ch1:8123/logs?table=t&compress=none")->gzip);
    auto bad = parse("clickhouse://ch1:8123/logs?compress=lz4");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), "--to: compress 'lz4' is neither gzip nor none");
}

// The config file's [clickhouse] user and password come last: the URL, then the environment.
TEST(ClickHouseTarget, TheConfigGivesWhatNeitherTheUrlNorTheEnvironmentDoes) {
    const auto getenv_of = [](std::map<std::string, std::string> env) {
        return [env](const char* n) -> const char* {
            const auto it = env.find(n);
            return it == env.end() ? nullptr : it->second.c_str();
        };
    };
    const Credentials config{"cfg-user", "cfg-pw"};
    auto t = parse_target("clickhouse://ch1/db", getenv_of({}), config);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->user, "cfg-user");
    EXPECT_EQ(t->password, "cfg-pw");
    EXPECT_EQ(t->describe().find("cfg-pw"), std::string::npos);
    t = parse_target("clickhouse://ch1/db", getenv_of({{"S3TOP_CLICKHOUSE_PASSWORD", "env-pw"}}), config);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->user, "cfg-user");
    EXPECT_EQ(t->password, "env-pw");
    t = parse_target("clickhouse://me:mine@ch1/db", getenv_of({{"S3TOP_CLICKHOUSE_USER", "env-user"}}), config);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->user, "me");
    EXPECT_EQ(t->password, "mine");
    t = parse_target("clickhouse://ch1/db", getenv_of({}), Credentials{std::nullopt, "only-pw"});
    ASSERT_TRUE(t);
    EXPECT_EQ(t->user, "default");
    EXPECT_EQ(t->password, "only-pw");
}

TEST(ClickHouseTarget, TheConfigsClickhouseSectionHoldsTheUserAndPassword) {
    auto c =
        apply_config_text(builtin_config(), "[clickhouse]\nuser = \"ingest\"\npassword = \"p@ss\"\n", "my.conf", ".");
    ASSERT_TRUE(c) << c.error().to_string();
    EXPECT_EQ(c->clickhouse_user, "ingest");
    EXPECT_EQ(c->clickhouse_password, "p@ss");
    EXPECT_FALSE(builtin_config().clickhouse_password);
    auto typo = apply_config_text(builtin_config(), "[clickhouse]\npasword = \"p@ss\"\n", "my.conf", ".");
    ASSERT_FALSE(typo);
    EXPECT_NE(typo.error().to_string().find("clickhouse.pasword"), std::string::npos) << typo.error().to_string();
}

TEST(ClickHouseTarget, TheEnvironmentGivesWhatTheUrlDoesNot) {
    const std::map<std::string, std::string> env{{"S3TOP_CLICKHOUSE_USER", "u"}, {"S3TOP_CLICKHOUSE_PASSWORD", "pw"}};
    auto t = parse("clickhouse://ch1/db", env);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->user, "u");
    EXPECT_EQ(t->password, "pw");
    EXPECT_EQ(t->table, "s3top_records");
    EXPECT_EQ(t->hosts[0].port, 8123);
    auto given = parse("clickhouse://me:mine@ch1/db", env);
    ASSERT_TRUE(given);
    EXPECT_EQ(given->user, "me");
    EXPECT_EQ(given->password, "mine");
}

TEST(ClickHouseTarget, ErrorsNeverShowThePassword) {
    for (const char* bad :
         {"clickhouse://u:sec/ret@ch1/db", "clickhouse://u:secret@ch1:99999/db", "clickhouse://u:secret@ch1/d-b",
          "clickhouse://u:secret@ch1/db?table=a;b", "clickhouse://u:secret@ch1/db?secret=1"}) {
        auto t = parse(bad);
        ASSERT_FALSE(t) << bad;
        EXPECT_EQ(t.error().find("sec"), std::string::npos) << t.error();
    }
    EXPECT_FALSE(parse("http://ch1/db"));
    EXPECT_FALSE(parse("clickhouse:///db"));
    EXPECT_FALSE(parse("clickhouse://ch1"));
    auto t = parse("clickhouse://ch1:x/db");
    ASSERT_FALSE(t);
    EXPECT_NE(t.error().find("'x' is not a port"), std::string::npos) << t.error();
}

TEST(ClickHouseRowBinary, ARowIsEveryColumnInTableOrder) {
    DimMask keep;
    keep.set();
    BatchBuilder builder(OrgSource{}, keep);
    builder.set_encoder(std::make_unique<RowBinaryEncoder>(2, [](std::string_view) { return 1u; }));
    Record r;
    r.time = 1709251200;
    r.bucket = "bkt";
    r.remote_ip = "10.0.0.1";
    r.operation = "REST.GET.OBJECT";
    r.key = "k";
    r.query = "org=acme";
    r.status = 200;
    r.bytes_sent = 300;
    builder.add(r, "logs/a", 0, origin_key(1, 17));
    const Batch b = builder.take();
    EXPECT_EQ(builder.size(), 0u);  // no column was filled
    const auto* e = dynamic_cast<const EncodedRows*>(b.encoded.get());
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(b.records(), 1u);
    EXPECT_NE(e->batch_id, 0u);
    ASSERT_EQ(e->parts.size(), 1u);
    EXPECT_EQ(e->parts[0].host, 1u);
    EXPECT_EQ(e->parts[0].rows, 1u);
    EXPECT_EQ(e->parts[0].min_time, 1709251200);
    std::string want;
    auto u32 = [&](std::uint32_t v) { want.append(reinterpret_cast<const char*>(&v), 4); };
    auto u64 = [&](std::uint64_t v) { want.append(reinterpret_cast<const char*>(&v), 8); };
    auto str = [&](std::string_view s) {
        want.push_back(static_cast<char>(s.size()));
        want.append(s);
    };
    for (const Column& c : record_columns()) {
        switch (c.field) {
            case Field::Time: u32(1709251200); break;
            case Field::Dim:
                str(c.dim == Dim::Org         ? "acme"
                    : c.dim == Dim::Bucket    ? "bkt"
                    : c.dim == Dim::RemoteIp  ? "10.0.0.1"
                    : c.dim == Dim::Operation ? "REST.GET.OBJECT"
                    : c.dim == Dim::Key       ? "k"
                                              : "");
                break;
            case Field::Status: want.append("\xc8\x00", 2); break;
            case Field::Tier: want.push_back(0); break;
            case Field::BytesSent: u64(300); break;
            case Field::BytesIn: u64(0); break;
            case Field::TotalTime: want.push_back(1); break;  // absent: NULL
            case Field::FileNumber: u32(1); break;            // files[1]: the path, once, for the lines row
            case Field::SourceLine: u64(17); break;
            case Field::BatchId: u64(e->batch_id); break;
        }
    }
    EXPECT_EQ(e->parts[0].body(), want);
    EXPECT_EQ(e->files, std::vector<std::string>{"logs/a"});
    std::size_t held = 0;  // the rows as the encoder keeps them (ids for the repeated values)
    for (const std::string_view p : e->parts[0].pieces) held += p.size();
    EXPECT_EQ(e->parts[0].bytes, held);
    EXPECT_EQ(insert_statement("logs", "t").rfind("INSERT INTO logs.t (time, org, ", 0), 0u);
    EXPECT_FALSE(gzip_compress(e->parts[0].body()).empty());
    // Compressed from pieces, the same stream as from the joined bytes.
    const std::vector<std::string_view> pieces{std::string_view(want).substr(0, 7), std::string_view(want).substr(7)};
    EXPECT_EQ(gzip_compress(pieces), gzip_compress(want));
    // The encoder starts anew: a batch of no records has no parts.
    const Batch none = builder.take();
    ASSERT_NE(none.encoded, nullptr);
    EXPECT_EQ(none.records(), 0u);
    const auto* none_rows = dynamic_cast<const EncodedRows*>(none.encoded.get());
    ASSERT_NE(none_rows, nullptr);
    EXPECT_TRUE(none_rows->parts.empty());
}

// The server sorts each insert by the table's key (org, time) unless it comes sorted: a fifth of
// its CPU. Each host's rows come by org (bytes, a prefix first), then time; ties keep their order.
TEST(ClickHouseRowBinary, EachHostsRowsComeInTheTablesOrderWithTheBatchId) {
    DimMask keep;
    keep.set();
    BatchBuilder builder(OrgSource{}, keep);
    builder.set_encoder(
        std::make_unique<RowBinaryEncoder>(2, [](std::string_view path) { return path.starts_with("b") ? 1u : 0u; }));
    struct In {
        const char* org;
        std::int64_t time;
        const char* path;
        std::uint64_t line;
    };
    const std::vector<In> in{{"zeta", 50, "a", 1}, {"acme", 90, "a", 2}, {"acme", 10, "b", 1}, {"acme2", 5, "a", 3},
                             {"acme", 30, "a", 4}, {"", 70, "a", 5},     {"acme", 30, "a", 6}, {"\xff", 1, "b", 2},
                             {"Zed", 99, "b", 3},  {"acme", -5, "a", 7}};
    for (const In& i : in) {
        const std::string query = std::string("org=") + i.org;  // the record views it
        Record r;
        r.time = i.time;
        r.query = query;
        builder.add(r, i.path, 0, origin_key(0, i.line));
    }
    const Batch b = builder.take();
    const auto& e = dynamic_cast<const EncodedRows&>(*b.encoded);
    EXPECT_EQ(e.rows, in.size());
    EXPECT_EQ(e.times_clamped, 1u);  // -5: written as 0
    ASSERT_EQ(e.parts.size(), 2u);
    // Each row's org (after its time) and line (its last-but-one column), read back.
    const auto read = [](const std::string& body) {
        std::vector<std::pair<std::string, std::uint64_t>> rows;
        std::size_t row = 0;
        for (std::size_t at = 0; at < body.size(); ++row) {
            std::string org;
            std::uint64_t line = 0;
            for (const Column& c : record_columns()) {
                switch (c.field) {
                    case Field::Time: at += 4; break;
                    case Field::Dim: {
                        const std::size_t n = static_cast<unsigned char>(body[at++]);
                        if (c.dim == Dim::Org) org = body.substr(at, n);
                        at += n;
                        break;
                    }
                    case Field::Status: at += 2; break;
                    case Field::Tier: at += 1; break;
                    case Field::BytesSent:
                    case Field::BytesIn:
                    case Field::BatchId: at += 8; break;
                    case Field::TotalTime: at += body[at] ? 1 : 5; break;
                    case Field::FileNumber: at += 4; break;
                    case Field::SourceLine: std::memcpy(&line, body.data() + at, 8), at += 8; break;
                }
            }
            rows.emplace_back(org, line);
        }
        return rows;
    };
    using Rows = std::vector<std::pair<std::string, std::uint64_t>>;
    EXPECT_EQ(e.parts[0].host, 0u);
    EXPECT_EQ(read(e.parts[0].body()),
              (Rows{{"", 5}, {"acme", 7}, {"acme", 4}, {"acme", 6}, {"acme", 2}, {"acme2", 3}, {"zeta", 1}}));
    EXPECT_EQ(e.parts[0].rows, 7u);
    EXPECT_EQ(e.parts[0].min_time, 0);
    EXPECT_EQ(e.parts[0].max_time, 90);
    EXPECT_EQ(e.parts[1].host, 1u);
    EXPECT_EQ(read(e.parts[1].body()), (Rows{{"Zed", 3}, {"acme", 1}, {"\xff", 2}}));
    // Every row ends with the batch id.
    std::uint64_t id = 0;
    const std::string body = e.parts[1].body();
    std::memcpy(&id, body.data() + body.size() - 8, 8);
    EXPECT_EQ(id, e.batch_id);
}

// A row holds its file's number in the batch (from 1, as ClickHouse's arrays: files[n]); the
// batch's files go once to its lines row. A file read again later in the batch keeps its
// number; the next batch numbers its files anew.
TEST(ClickHouseRowBinary, EachRowNamesItsFileByItsNumberInTheBatch) {
    DimMask keep;
    keep.set();
    BatchBuilder builder(OrgSource{}, keep);
    builder.set_encoder(std::make_unique<RowBinaryEncoder>(1, nullptr));
    // Paths as a worker hands them over: views into different strings, a file coming back.
    const std::string a1 = "logs/a", b = "logs/b", a2 = "logs/a", c = "logs/c";
    const auto add = [&](const std::string& path, std::int64_t time) {
        Record r;
        r.time = time;
        builder.add(r, path, 0, origin_key(0, 1));
    };
    add(a1, 1);
    add(b, 2);
    add(a2, 3);
    add(a1, 4);
    // Each row's file number, read back (the rows come by time: one org).
    const auto numbers = [](const EncodedRows& e) {
        std::vector<std::uint32_t> out;
        const std::string body = e.parts.at(0).body();
        for (std::size_t at = 0; at < body.size();) {
            for (const Column& col : record_columns()) {
                switch (col.field) {
                    case Field::Time: at += 4; break;
                    case Field::Dim: at += 1 + static_cast<unsigned char>(body[at]); break;
                    case Field::Status: at += 2; break;
                    case Field::Tier: at += 1; break;
                    case Field::BytesSent:
                    case Field::BytesIn:
                    case Field::SourceLine:
                    case Field::BatchId: at += 8; break;
                    case Field::TotalTime: at += body[at] ? 1 : 5; break;
                    case Field::FileNumber: {
                        std::uint32_t n = 0;
                        std::memcpy(&n, body.data() + at, 4);
                        out.push_back(n);
                        at += 4;
                        break;
                    }
                }
            }
        }
        return out;
    };
    const Batch first = builder.take();
    const auto& e1 = dynamic_cast<const EncodedRows&>(*first.encoded);
    EXPECT_EQ(e1.files, (std::vector<std::string>{"logs/a", "logs/b"}));
    EXPECT_EQ(numbers(e1), (std::vector<std::uint32_t>{1, 2, 1, 1}));
    add(a1, 5);  // the same view as the batch before ended with: numbered in this batch
    add(c, 6);
    const Batch second = builder.take();
    const auto& e2 = dynamic_cast<const EncodedRows&>(*second.encoded);
    EXPECT_EQ(e2.files, (std::vector<std::string>{"logs/a", "logs/c"}));
    EXPECT_EQ(numbers(e2), (std::vector<std::uint32_t>{1, 2}));
}

TEST(ClickHouseRowBinary, AFreshRowBufferHasRoomForAWholeBatchSoItsRowsAreNeverCopiedAsItGrows) {
    RowBuffers small(std::size_t{3} << 20);
    const std::string b = small.get();
    EXPECT_GE(b.capacity(), std::size_t{3} << 20);
    // An ingest's batch of S3 lines (rows of about 420 bytes) fits the default room.
    EXPECT_GE(RowBuffers::kReserve, kIngestBatchLines * 420);
    // A buffer put back comes back with its room (and its pages) for the next batch.
    std::string used = small.get();
    used.append(1000, 'x');
    const char* at = used.data();
    small.put(std::move(used));
    const std::string again = small.get();
    EXPECT_EQ(again.data(), at);
    EXPECT_TRUE(again.empty());
}

namespace {

/// The process's "VmRSS" or "VmHWM" (peak) from /proc/self/status, in bytes; 0 when unknown.
std::uint64_t status_bytes(std::string_view field) {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.starts_with(field)) return std::stoull(line.substr(field.size() + 1)) * 1024;
    return 0;
}

}  // namespace

// An insert's gzip body (the default for hosts not on this machine) is compressed into room
// about the size of what it compresses to: a zero-filled deflateBound() of the rows touched as
// many fresh pages as the rows themselves for each insert (at 2 M lines: 165 MB more peak RSS
// and 0.4 s more system time).
TEST(ClickHouseGzip, ABodyIsCompressedInRoomAboutItsCompressedSize) {
    std::string rows;
    for (std::uint64_t i = 0; rows.size() < (std::size_t{32} << 20); ++i)
        rows +=
            "acme-" + std::to_string(i % 97) + " REST.GET.OBJECT photos/2024/" + std::to_string(i * 7919) + ".jpg\n";
    std::size_t at = 0;
    const std::function<std::string_view()> next = [&] {  // pieces of 1 MiB, as a NativeWriter's blocks
        const std::string_view piece = std::string_view(rows).substr(at, std::size_t{1} << 20);
        at += piece.size();
        return piece;
    };
    // The peak RSS from here on (Linux: "5" resets VmHWM to VmRSS).
    const bool peak = static_cast<bool>(std::ofstream("/proc/self/clear_refs") << "5" << std::flush);
    const std::uint64_t before = status_bytes("VmRSS:");
    const std::string body = gzip_compress(next, rows.size());
    const std::uint64_t grew = status_bytes("VmHWM:") - before;
    ASSERT_FALSE(body.empty());
    if (peak && before > 0) {
        EXPECT_LT(grew, rows.size() / 2) << "peak RSS grew by " << grew << " bytes";
    }
    EXPECT_LT(body.capacity(), rows.size() / 3) << body.size() << " bytes";
    z_stream z{};
    ASSERT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
    std::string back(rows.size() + 1, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
    z.avail_in = static_cast<uInt>(body.size());
    z.next_out = reinterpret_cast<Bytef*>(back.data());
    z.avail_out = static_cast<uInt>(back.size());
    EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
    back.resize(z.total_out);
    inflateEnd(&z);
    EXPECT_EQ(back, rows);
    if (!peak) GTEST_SKIP() << "no /proc/self/clear_refs: the peak RSS was not checked";
}

// A body that does not compress grows its room as it comes; more than its size is refused.
TEST(ClickHouseGzip, ABodyThatDoesNotCompressGrowsItsRoomAndMoreThanItsSizeIsRefused) {
    std::string noise(std::size_t{1} << 20, '\0');
    std::uint64_t x = 88172645463325252ULL;
    for (char& c : noise) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        c = static_cast<char>(x);
    }
    EXPECT_GT(gzip_compress(noise).size(), noise.size());
    bool given = false;
    const std::function<std::string_view()> too_much = [&]() -> std::string_view {
        if (given) return {};
        given = true;
        return noise;
    };
    EXPECT_TRUE(gzip_compress(too_much, 100).empty());
}
