// A restart merges a state file's Batch records into one batch (state_records::merge_rows): the
// rows in the file's order, each batch's strings interned into the merged pools, and each column
// grown so that its rows are copied a few times in all, not once for every batch after them (a
// dashboard's restart over 10 M rows took 8 s with columns grown a batch at a time, 3.2 s after).
#include <gtest/gtest.h>

#include <string>

#include "core/agg/batch.hpp"
#include "core/ingest/state_records.hpp"
#include "core/parse/s3_access_log.hpp"

namespace s3top {
namespace {

std::string line(int i) {
    return "b19c5acf04bde8335e181211ba6f7ff3 bucket [01/Mar/2024:10:" + std::to_string(10 + i % 50) +
           ":00 +0000] 10.0." + std::to_string(i % 7) + "." + std::to_string(i % 250) +
           " - 235C7E3C30A0693F REST.GET.OBJECT k" + std::to_string(i % 13) + " \"GET /bucket/k?org=org" +
           std::to_string(i % 5) + " HTTP/1.1\" 200 - " + std::to_string(100 + i) + " 1000 " + std::to_string(i % 300) +
           " 20 \"-\" \"curl\" -";
}

// Rows [from, from + n) as one batch of its own, with pools of its own (as a Batch record decodes).
Batch batch_of(int from, int n) {
    BatchBuilder builder(OrgSource{}, DimMask{}.set());
    for (int i = from; i < from + n; ++i) {
        const std::string text = line(i);  // the record views it
        const ParseResult r = parse_s3_access_log(text);
        EXPECT_TRUE(r.has_value()) << text;
        if (r) builder.add(*r);
    }
    return builder.take();
}

TEST(MergeRows, ARestartsBatchesAreCopiedAFewTimesNotOnceForEveryBatchAfterThem) {
    constexpr int kBatches = 64, kRows = 500;
    const std::size_t ip = index(Dim::RemoteIp);
    Batch all;
    int number_regrows = 0, id_regrows = 0;
    for (int k = 0; k < kBatches; ++k) {
        const std::size_t bytes_before = all.columns.bytes_sent.capacity();
        const std::size_t ips_before = all.columns.ids[ip].capacity();
        state_records::merge_rows(all, batch_of(k * kRows, kRows));
        number_regrows += all.columns.bytes_sent.capacity() != bytes_before;
        id_regrows += all.columns.ids[ip].capacity() != ips_before;
    }
    ASSERT_EQ(all.columns.size(), std::size_t{kBatches * kRows});
    // Taking the first batch whole, then doubling from its rows to 64 batches': 7 changes; grown
    // by a batch or two at a time they were 33 (numbers) and 64 (ids).
    EXPECT_LE(number_regrows, 8);
    EXPECT_LE(id_regrows, 8);

    // The rows are the batches' in order, their ids the merged pools' for the same strings.
    for (int i = 0; i < kBatches * kRows; i += 997) {
        const std::string text = line(i);
        const ParseResult r = parse_s3_access_log(text);
        ASSERT_TRUE(r.has_value());
        const auto row = static_cast<std::size_t>(i);
        EXPECT_EQ(all.columns.bytes_sent[row], r->bytes_sent) << "row " << i;
        EXPECT_EQ(all.pools[ip].view(all.columns.ids[ip][row]), r->remote_ip) << "row " << i;
        EXPECT_EQ(all.pools[index(Dim::Org)].view(all.columns.ids[index(Dim::Org)][row]), "org" + std::to_string(i % 5))
            << "row " << i;
    }
}

}  // namespace
}  // namespace s3top
