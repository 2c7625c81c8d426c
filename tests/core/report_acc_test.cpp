// The report's fold (ReportAccumulator) against a plain recount: per group requests, distinct
// clients and p50/p95, over batches folded as a streaming report folds them (pools growing
// between batches), in every way the fold keeps them: client bitmaps, the (group, client) hash,
// bitmaps outgrown mid-stream, latency rows, the latency hash, and a row's 8-bit counters
// carried into the hash.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/agg/filter.hpp"
#include "core/agg/report_acc.hpp"

namespace s3top {
namespace {

struct Expected {
    std::uint64_t requests = 0, bytes_sent = 0;
    std::set<std::string> clients;
    std::vector<std::uint32_t> buckets;  ///< latency_bucket() of each timed request
};

/// The nearest-rank percentile as the report defines it, from every request's bucket.
std::uint32_t percentile(std::vector<std::uint32_t> buckets, std::uint64_t pct) {
    if (buckets.empty()) return 0;
    std::sort(buckets.begin(), buckets.end());
    const std::uint64_t rank = (buckets.size() * pct + 99) / 100;
    return latency_bucket_value(buckets[rank - 1]);
}

constexpr std::uint16_t kStatuses[] = {200, 404, 503};

struct Shape {
    std::size_t groups;
    std::size_t clients_first;      ///< clients in the first batch
    std::size_t clients_per_batch;  ///< new clients each later batch
    std::size_t batches;
    std::size_t rows_per_batch;
    double skew;  ///< group = groups * u^skew: > 1 makes a few groups big
    /// Grouped by org and status class, and 5xx rows filtered out: the fold's group_of() and
    /// filter paths, rather than the org's ids read with the numbers.
    bool by_class_without_5xx = false;
};

/// Folds random rows of `shape` batch by batch, and checks every group and the totals against
/// a recount of the same rows.
void fold_and_recount(const Shape& shape, std::uint32_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    Pools pools;
    ReportSpec spec;
    if (shape.by_class_without_5xx) {
        spec.by = {DimSpec{Dim::Org, 0}, DimSpec{Dim::StatusClass, 0}};
        spec.filter = *parse_filter("status=2xx,4xx");
    }
    ReportAccumulator acc(spec);
    std::map<std::vector<std::string>, Expected> expected;
    std::int64_t min_time = INT64_MAX, max_time = INT64_MIN;
    std::set<std::string> all_clients;
    std::size_t clients = 0;
    for (std::size_t batch = 0; batch < shape.batches; ++batch) {
        const std::size_t before = clients;
        clients += batch == 0 ? shape.clients_first : shape.clients_per_batch;
        Columns c;
        for (std::size_t r = 0; r < shape.rows_per_batch; ++r) {
            const auto g = static_cast<std::size_t>(static_cast<double>(shape.groups) * std::pow(u(rng), shape.skew));
            const std::string org = g == 0 ? "" : "org-" + std::to_string(g);
            // Half the rows from this batch's new clients, when it has any: the bitmaps grow.
            const std::size_t from = before > 0 && u(rng) < 0.5 ? before : 0;
            const std::size_t client = from + rng() % (clients - from);
            const std::string ip = client == 0
                                       ? ""
                                       : "10." + std::to_string(client >> 16) + "." +
                                             std::to_string((client >> 8) & 255) + "." + std::to_string(client & 255);
            const double v = u(rng);
            const std::uint32_t ms = v < 0.05   ? kNoTotalTime
                                     : v < 0.7  ? static_cast<std::uint32_t>(rng() % 300)
                                     : v < 0.99 ? static_cast<std::uint32_t>(rng() % 200'000)
                                                : static_cast<std::uint32_t>(rng() % kNoTotalTime);
            NumberRow n;
            n.time = 1'700'000'000 + static_cast<std::int64_t>(rng() % 10'000'000);
            n.bytes_sent = rng() % 100'000;
            n.status = shape.by_class_without_5xx ? kStatuses[rng() % 3] : 200;
            n.total_time_ms = ms;
            c.push_numbers(n);
            c.ids[index(Dim::Org)].push_back(pools[index(Dim::Org)].intern(org));
            c.ids[index(Dim::RemoteIp)].push_back(pools[index(Dim::RemoteIp)].intern(ip));
            if (n.status >= 500) continue;
            min_time = std::min(min_time, n.time);
            max_time = std::max(max_time, n.time);
            std::vector<std::string> key{org};
            if (shape.by_class_without_5xx) key.push_back(std::to_string(n.status / 100) + "xx");
            Expected& e = expected[key];
            ++e.requests;
            e.bytes_sent += n.bytes_sent;
            if (!ip.empty()) {
                e.clients.insert(ip);
                all_clients.insert(ip);
            }
            if (ms != kNoTotalTime) e.buckets.push_back(latency_bucket(ms));
        }
        acc.fold(c, pools, 0, c.size());
    }
    const ReportResult r = acc.finish(pools);
    ASSERT_EQ(r.groups.size(), expected.size());
    EXPECT_EQ(r.distinct_clients, all_clients.size());
    EXPECT_EQ(r.min_time, min_time);
    EXPECT_EQ(r.max_time, max_time);
    std::uint64_t requests = 0;
    for (const ReportGroup& g : r.groups) {
        const auto it = expected.find(g.key);
        ASSERT_NE(it, expected.end()) << g.key[0];
        const Expected& e = it->second;
        EXPECT_EQ(g.metrics.requests, e.requests) << g.key[0];
        EXPECT_EQ(g.metrics.bytes_sent, e.bytes_sent) << g.key[0];
        EXPECT_EQ(g.distinct_clients, e.clients.size()) << g.key[0];
        EXPECT_EQ(g.timed_requests, e.buckets.size()) << g.key[0];
        EXPECT_EQ(g.p50_ms, percentile(e.buckets, 50)) << g.key[0];
        EXPECT_EQ(g.p95_ms, percentile(e.buckets, 95)) << g.key[0];
        requests += g.metrics.requests;
    }
    EXPECT_EQ(r.totals.requests, requests);
}

TEST(ReportFold, LatencyBucketsAreAllBelowTheirCount) {
    EXPECT_EQ(latency_bucket(0xFFFFFFFFu), kLatencyBuckets - 1);
    EXPECT_EQ(latency_bucket(0xFFFFFFFEu), kLatencyBuckets - 1);
    EXPECT_LT(latency_bucket(0x80000000u), kLatencyBuckets - 1);
}

// ~40 groups and a few thousand clients (the benchmark's shape): client bitmaps, and every
// group past kLatencyRowAfter timed requests counts in a latency row.
TEST(ReportFold, FewGroupsCountInBitmapsAndLatencyRowsExactly) {
    fold_and_recount({.groups = 40,
                      .clients_first = 3000,
                      .clients_per_batch = 50,
                      .batches = 6,
                      .rows_per_batch = 20'000,
                      .skew = 2.0},
                     1);
}

// The clients grow past what the bitmaps may hold (100 groups x 150,000 clients > 1 MiB of
// bits): mid-stream every group's bits move into the hash set, and clients met again later are
// not counted twice.
TEST(ReportFold, ClientsOutgrowingTheBitmapsAreCountedOnceAfterTheMove) {
    fold_and_recount({.groups = 100,
                      .clients_first = 1000,
                      .clients_per_batch = 30'000,
                      .batches = 6,
                      .rows_per_batch = 25'000,
                      .skew = 1.0},
                     2);
}

// More groups than bitmaps and latency rows may take (600 groups of ~500 requests, 20,000
// clients: bitmaps for ~400 of them): the first groups in bitmaps, the rest in the hash set;
// the first kMaxLatencyRows groups in latency rows, the rest in the hash.
TEST(ReportFold, ManyGroupsBeyondTheBitmapsAndRowsAreExact) {
    fold_and_recount({.groups = 600,
                      .clients_first = 20'000,
                      .clients_per_batch = 100,
                      .batches = 5,
                      .rows_per_batch = 60'000,
                      .skew = 1.0},
                     3);
}

// Two dimensions and a filter: groups found row by row (group_of), only the rows that pass in
// each 512-row chunk read, and the time range of those rows alone.
TEST(ReportFold, FilteredRowsOfTwoDimensionsAreExact) {
    fold_and_recount({.groups = 40,
                      .clients_first = 3000,
                      .clients_per_batch = 50,
                      .batches = 4,
                      .rows_per_batch = 20'001,
                      .skew = 2.0,
                      .by_class_without_5xx = true},
                     4);
}

// The totals are the groups' sums merged at the end: they saturate at 2^64-1 and say so
// exactly when adding the rows one by one does, whether one group passes it, or only their
// sum, or none.
TEST(ReportFold, TotalsSaturateAsTheRowsSumDoes) {
    constexpr std::uint64_t kHalf = std::uint64_t{1} << 63;
    // Rows' bytes sent for org-0, org-1, org-2, each list in turn, one row a value.
    const std::vector<std::vector<std::vector<std::uint64_t>>> cases = {
        {{kHalf - 1}, {kHalf - 1}, {5}},     // only the sum passes
        {{kHalf - 1}, {kHalf / 2}, {7}},     // none passes, nor does the sum
        {{kHalf, kHalf}, {3}, {1}},          // org-0 passes alone
        {{kHalf - 10}, {kHalf - 10}, {19}},  // the sum is 2^64-1 exactly: no pass
        {{kHalf - 10}, {kHalf - 10}, {21}},  // only the sum passes, by the last group
    };
    for (std::size_t k = 0; k < cases.size(); ++k) {
        Pools pools;
        ReportAccumulator acc(ReportSpec{});
        Metrics rows;  // the rows added one by one
        std::map<std::string, Metrics> groups;
        Columns c;
        for (std::size_t g = 0; g < 3; ++g) {
            const std::string org = "org-" + std::to_string(g);
            for (const std::uint64_t v : cases[k][g]) {
                for (int copy = 0; copy < 300; ++copy) {  // rows of 0 bytes around each value
                    NumberRow n;
                    n.time = 1'700'000'000;
                    n.bytes_sent = copy == 150 ? v : 0;
                    n.status = 200;
                    n.total_time_ms = 3;
                    c.push_numbers(n);
                    c.ids[index(Dim::Org)].push_back(pools[index(Dim::Org)].intern(org));
                    rows.add(n.bytes_sent, n.bytes_in, n.status, n.tier, n.total_time_ms);
                    groups[org].add(n.bytes_sent, n.bytes_in, n.status, n.tier, n.total_time_ms);
                }
            }
        }
        acc.fold(c, pools, 0, 400);  // in three folds, as batches come
        acc.fold(c, pools, 400, c.size() - 1);
        acc.fold(c, pools, c.size() - 1, c.size());
        const ReportResult r = acc.finish(pools);
        EXPECT_EQ(r.totals, rows) << "case " << k;
        ASSERT_EQ(r.groups.size(), groups.size());
        for (const ReportGroup& g : r.groups) EXPECT_EQ(g.metrics, groups[g.key[0]]) << g.key[0] << " case " << k;
    }
}

// A latency row keeps 8 bits a counter: past 255 requests in one bucket the rest is carried
// into the hash, 256 at a time. Counts from a database (fold_timed) carry many at once.
TEST(ReportFold, ALatencyRowsCountersCarryIntoTheHash) {
    Pools pools;
    ReportAccumulator acc(ReportSpec{});
    const std::uint32_t org = pools[index(Dim::Org)].intern("big");
    Columns c;
    // 70,000 requests at 5 ms and 69,000 at 900 ms: p50 is 5 ms only while the 5 ms count is
    // exact (a counter wrapped without its carry leaves 112 there).
    for (std::size_t i = 0; i < 139'000; ++i) {
        NumberRow n;
        n.time = 1'700'000'000;
        n.total_time_ms = i < 70'000 ? 5 : 900;
        c.push_numbers(n);
        c.ids[index(Dim::Org)].push_back(org);
    }
    acc.fold(c, pools, 0, c.size());
    ReportResult r = acc.finish(pools);
    ASSERT_EQ(r.groups.size(), 1u);
    EXPECT_EQ(r.groups[0].timed_requests, 139'000u);
    EXPECT_EQ(r.groups[0].p50_ms, 5u);
    EXPECT_EQ(r.groups[0].p95_ms, latency_bucket_value(latency_bucket(900)));

    // 2^40 + 3 more at 900 ms from a database's GROUP BY: p50 moves to 900 ms.
    Columns keys;
    keys.push_numbers(NumberRow{});
    keys.ids[index(Dim::Org)].push_back(org);
    const std::uint32_t bucket = latency_bucket(900);
    const std::uint64_t count = (std::uint64_t{1} << 40) + 3;
    acc.fold_timed(keys, pools, std::span(&bucket, 1), std::span(&count, 1));
    r = acc.finish(pools);
    EXPECT_EQ(r.groups[0].timed_requests, 139'000u + count);
    EXPECT_EQ(r.groups[0].p50_ms, latency_bucket_value(bucket));
    // And a bucket no latency_bucket() gives (a database's own) is kept, not dropped.
    const std::uint32_t odd = kLatencyBuckets + 7;
    const std::uint64_t many = std::uint64_t{1} << 50;
    acc.fold_timed(keys, pools, std::span(&odd, 1), std::span(&many, 1));
    r = acc.finish(pools);
    EXPECT_EQ(r.groups[0].timed_requests, 139'000u + count + many);
    EXPECT_EQ(r.groups[0].p50_ms, latency_bucket_value(odd));
}

}  // namespace
}  // namespace s3top
