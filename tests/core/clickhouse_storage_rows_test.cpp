#include "core/clickhouse/storage_rows.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/clickhouse/row_binary.hpp"
#include "core/clickhouse/schema.hpp"

using namespace s3top;
using namespace s3top::clickhouse;

namespace {

StorageLine line(StorageLines& ls, std::int64_t time, std::string_view key, StorageOp op,
                 StorageClass to = StorageClass::Standard) {
    StorageLine l;
    l.time = time;
    l.op = op;
    l.to = to;
    l.bucket = ls.keep("media");
    l.key = ls.keep(key);
    l.org = ls.keep("acme");
    l.path = ls.keep("/logs/2024-03-01-00-00-00-A");
    l.at = static_cast<std::uint64_t>(time) * 10;
    return l;
}

/// The fields storage applies, as text: what must come back from the table as it went in.
std::string describe(const StorageLines& ls, const StorageLine& l) {
    return fmt::format("{} {} {} {} {} {} {} {} {} {} {} {} {}", l.time, l.at, ls.view(l.path), ls.view(l.org),
                       ls.view(l.bucket), ls.view(l.key), static_cast<int>(l.op), static_cast<int>(l.to), l.has_size,
                       l.size, ls.view(l.version), ls.view(l.upload), l.part);
}

}  // namespace

TEST(ClickHouseStorageRows, WhatIngestSendsComesBackAsTheSameLines) {
    StorageLines in;
    StorageLine put = line(in, 100, "a.mp4", StorageOp::Put);
    put.has_size = true;
    put.size = 5'000'000'000;
    put.version = in.keep("3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY");
    in.lines.push_back(put);
    StorageLine part = line(in, 101, "big.bin", StorageOp::PutPart);
    part.upload = in.keep("VXBsb2FkIElE");
    part.part = 10000;
    part.has_size = true;
    part.size = 0;  // a size of 0 is a size: not NULL
    in.lines.push_back(part);
    in.lines.push_back(line(in, 102, "a.mp4", StorageOp::Delete));                            // no size logged: NULL
    in.lines.push_back(line(in, -5, "old", StorageOp::Transition, StorageClass::GlacierIr));  // before 1970
    StorageLine no_path = line(in, 103, "k'ey\\n", StorageOp::Complete);
    no_path.path = {};
    in.lines.push_back(no_path);
    // A SELECT of the table's columns answers the bytes that were inserted into them.
    const std::string rows = encode_storage_rows(in, 77);
    StorageLines out;
    out.failed = 3;
    auto page = read_storage_page(rows, out);
    ASSERT_TRUE(page) << page.error();
    EXPECT_EQ(page->rows, in.lines.size());
    ASSERT_EQ(out.lines.size(), in.lines.size());
    for (std::size_t i = 0; i < in.lines.size(); ++i)
        EXPECT_EQ(describe(out, out.lines[i]), describe(in, in.lines[i])) << i;
    EXPECT_EQ(out.failed, 3u) << "reading adds lines, it counts no failed request";
    EXPECT_EQ(page->last.time, 103);
    EXPECT_EQ(page->last.file, "");
    EXPECT_EQ(page->last.offset, 1030u);
    EXPECT_EQ(page->last.batch, 77u);
}

TEST(ClickHouseStorageRows, EveryChangeOfKStorageOpsIsWrittenAndReadBack) {
    for (const StorageOpInfo& info : kStorageOps) {
        StorageLines in;
        in.lines.push_back(line(in, 1, "k", info.op, info.to));
        StorageLines out;
        auto page = read_storage_page(encode_storage_rows(in, 1), out);
        ASSERT_TRUE(page) << info.operation << ": " << page.error();
        ASSERT_EQ(out.lines.size(), 1u);
        EXPECT_EQ(out.lines[0].op, info.op) << info.operation;
        EXPECT_EQ(out.lines[0].to, info.to) << info.operation;
    }
}

TEST(ClickHouseStorageRows, AnAnswerCutShortOrNamingAnUnknownChangeIsAnError) {
    StorageLines in;
    in.lines.push_back(line(in, 1, "k", StorageOp::Put));
    const std::string rows = encode_storage_rows(in, 1);
    StorageLines out;
    auto cut = read_storage_page(std::string_view(rows).substr(0, rows.size() - 1), out);
    ASSERT_FALSE(cut);
    EXPECT_NE(cut.error().find("storage events query does not parse"), std::string::npos) << cut.error();
    std::string unknown = rows;  // the same length: only the change's name differs
    unknown.replace(unknown.find("REST.PUT.OBJECT"), 15, "REST.GET.OBJECT");
    auto refused = read_storage_page(unknown, out);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error(), "the storage table names a change this s3top does not know: 'REST.GET.OBJECT'");
}

TEST(ClickHouseStorageRows, PagesFollowEachOtherInTheOrderStorageAppliesThem) {
    EXPECT_EQ(storage_page_sql("logs.t_storage_all", std::nullopt, 1000),
              "SELECT batch_id, time, source_file, source_offset, org, bucket, key, change, object_size, version_id, "
              "upload_id, part_number FROM logs.t_storage_all ORDER BY time, source_file, source_offset, batch_id "
              "LIMIT 1000 FORMAT RowBinary");
    const std::string next = storage_page_sql("t", StorageRowKey{-3, "/l/it's", 12, 9}, 5);
    EXPECT_NE(next.find(" FROM t WHERE time > -3 OR (time = -3 AND (source_file > '/l/it\\x27s' OR (source_file = "
                        "'/l/it\\x27s' AND (source_offset > 12 OR (source_offset = 12 AND batch_id > 9))))) ORDER BY"),
              std::string::npos)
        << next;
    // The insert names the same columns in the same order as the SELECT reads them.
    EXPECT_EQ(storage_insert_statement("logs", "t_storage"),
              "INSERT INTO logs.t_storage (batch_id, time, source_file, source_offset, org, bucket, key, change, "
              "object_size, version_id, upload_id, part_number) FORMAT RowBinary");
}

TEST(ClickHouseStorageRows, EachBatchSaysWhetherItSentItsEventsAndItsFailedRequests) {
    EXPECT_EQ(storage_batches_sql("logs.t_lines_all"),
              "SELECT batch_id, toUInt8(isNull(storage_failed)), toUInt64(ifNull(storage_failed, 0)) FROM "
              "logs.t_lines_all FORMAT RowBinary");
    std::string answer;
    put_number(answer, std::uint64_t{7});
    answer.push_back(1);
    put_number(answer, std::uint64_t{0});
    put_number(answer, std::uint64_t{9});
    answer.push_back(0);
    put_number(answer, std::uint64_t{41});
    auto batches = read_storage_batches(answer);
    ASSERT_TRUE(batches);
    ASSERT_EQ(batches->size(), 2u);
    EXPECT_EQ((*batches)[0].id, 7u);
    EXPECT_TRUE((*batches)[0].without);
    EXPECT_EQ((*batches)[1].id, 9u);
    EXPECT_FALSE((*batches)[1].without);
    EXPECT_EQ((*batches)[1].failed, 41u);
    EXPECT_FALSE(read_storage_batches(answer + "x"));
    EXPECT_FALSE(read_storage_batches(answer.substr(0, 12)));
}

TEST(ClickHouseStorageRows, APageMayBeOfSomeBatchesOnly) {
    const std::string first = storage_page_sql("t", std::nullopt, 5, {3, 12});
    EXPECT_NE(first.find(" FROM t WHERE batch_id IN (3, 12) ORDER BY"), std::string::npos) << first;
    const std::string next = storage_page_sql("t", StorageRowKey{-3, "f", 12, 9}, 5, {3});
    EXPECT_NE(next.find(" FROM t WHERE batch_id IN (3) AND (time > -3 OR (time = -3 AND"), std::string::npos) << next;
}

// A batch's storage rows are written into room of their size, counted first: a string doubling
// as it filled copied the rows and faulted in fresh pages for both copies, for every batch.
TEST(ClickHouseStorageRows, ABatchsRowsAreWrittenIntoRoomOfTheirSize) {
    StorageLines in;
    const std::string long_key(700, 'k');  // rows of ~800 bytes: past any guess per line
    for (int i = 0; i < 1000; ++i) {
        StorageLine put = line(in, 100 + i, long_key, i % 3 ? StorageOp::Put : StorageOp::Delete);
        put.has_size = i % 2 == 0;
        put.version = in.keep(i % 5 ? "" : "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY");
        in.lines.push_back(put);
    }
    const std::string rows = encode_storage_rows(in, 77);
    EXPECT_GT(rows.size(), 1000u * 700);
    EXPECT_EQ(rows.capacity(), rows.size());
    StorageLines out;
    ASSERT_TRUE(read_storage_page(rows, out));
    EXPECT_EQ(out.lines.size(), 1000u);
}
