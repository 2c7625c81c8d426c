#include "core/clickhouse/report_query.hpp"

#include <gtest/gtest.h>

#include <cstring>

using namespace s3top;
using namespace s3top::clickhouse;

namespace {

Filter filter_of(std::string_view text) {
    auto f = parse_filter(text);
    EXPECT_TRUE(f.has_value()) << text;
    return f.value_or(Filter{});
}

/// Distinct values as ClickHouse would answer them, per expression.
DistinctValues values_of(std::vector<std::string> org, std::vector<std::string> key = {}) {
    return [org, key](std::string_view expr) -> std::expected<std::vector<std::string>, std::string> {
        if (expr == "org") return org;
        if (expr == "key") return key;
        return std::unexpected(std::string("unexpected expression ") + std::string(expr));
    };
}

/// A RowBinary answer built by hand.
struct Answer {
    std::string bytes;
    template <class T>
    Answer& n(T v) {
        char b[sizeof(T)];
        std::memcpy(b, &v, sizeof(T));
        bytes.append(b, sizeof(T));
        return *this;
    }
    Answer& s(std::string_view v) {
        bytes.push_back(static_cast<char>(v.size()));  // below 128: one varint byte
        bytes.append(v);
        return *this;
    }
};

}  // namespace

TEST(ClickHouseReportQuery, StringLiteralsEscapeEveryByteThatCouldEndOrBendThem) {
    EXPECT_EQ(sql_string("acme-17"), "'acme-17'");
    EXPECT_EQ(sql_string(std::string("a'b\\c\n\xff\0z", 9)), "'a\\x27b\\x5Cc\\x0A\\xFF\\x00z'");
}

TEST(ClickHouseReportQuery, AnEmptyFilterAndATimeRange) {
    EXPECT_EQ(where_sql(Filter{}, values_of({})).value(), "1");
    EXPECT_EQ(where_sql(filter_of("from=2024-03-01 to=2024-03-02"), values_of({})).value(),
              "(toUInt32(time) >= 1709251200) AND (toUInt32(time) < 1709337600)");
}

TEST(ClickHouseReportQuery, StringTermsAreDecidedLocallyOnEachValueAndTheShorterListIsSent) {
    const auto orgs = values_of({"", "acme-1", "acme-2", "globex"});
    EXPECT_EQ(where_sql(filter_of("org=acme-1"), orgs).value(), "(org IN ('acme-1'))");
    EXPECT_EQ(where_sql(filter_of("org!=acme-1"), orgs).value(), "(org NOT IN ('acme-1'))");
    EXPECT_EQ(where_sql(filter_of("org~ACME"), orgs).value(), "(org IN ('acme-1', 'acme-2'))");
    EXPECT_EQ(where_sql(filter_of("org=-"), orgs).value(), "(org IN (''))");
    EXPECT_EQ(where_sql(filter_of("org=initech"), orgs).value(), "(0)");
    EXPECT_EQ(where_sql(filter_of("org~/./"), orgs).value(), "(org NOT IN (''))");
}

TEST(ClickHouseReportQuery, AKeyShownDecodedMatchesAsShownOrAsLogged) {
    const auto keys = values_of({}, {"my%20file.pdf", "my%2520file.pdf", "other.pdf"});
    EXPECT_EQ(where_sql(filter_of("key=\"my file.pdf\""), keys).value(), "(key IN ('my%20file.pdf'))");
    EXPECT_EQ(where_sql(filter_of("key=my%20file.pdf"), keys).value(), "(key NOT IN ('other.pdf'))");
}

TEST(ClickHouseReportQuery, NumberTermsAreDecidedOnEachKey) {
    EXPECT_EQ(where_sql(filter_of("status=503,404"), values_of({})).value(), "(status IN (404, 503))");
    EXPECT_EQ(where_sql(filter_of("class=5xx"), values_of({})).value(), "(intDiv(status, 100) IN (5))");
    EXPECT_EQ(where_sql(filter_of("tier=put"), values_of({})).value(), "(tier IN (1))");
}

TEST(ClickHouseReportQuery, ATimeDimensionTermAndAFailedLookupAreRefusedInOneLine) {
    const auto e = where_sql(filter_of("hour=2024-03-01T10"), values_of({}));
    ASSERT_FALSE(e.has_value());
    EXPECT_NE(e.error().find("hour"), std::string::npos) << e.error();
    const DistinctValues down = [](std::string_view) -> std::expected<std::vector<std::string>, std::string> {
        return std::unexpected(std::string("ClickHouse at h:1 cannot be reached"));
    };
    EXPECT_EQ(where_sql(filter_of("org=a"), down).error(), "ClickHouse at h:1 cannot be reached");
}

TEST(ClickHouseReportQuery, AnswersFoldIntoTheGroupsALocalRunWouldPrint) {
    ReportSpec spec;  // by org
    Answer groups;
    // Per group: any(org), any(status), any(tier), min(time), then the metrics and clients.
    groups.s("acme").n<std::uint16_t>(200).n<std::uint8_t>(0).n<std::uint32_t>(1709251200);
    groups.n<std::uint64_t>(3).n<std::uint64_t>(1).n<std::uint64_t>(5).n<std::uint64_t>(0).n<std::uint64_t>(7);
    groups.n<std::uint64_t>(1).n<std::uint64_t>(0).n<std::uint64_t>(2).n<std::uint64_t>(1).n<std::uint64_t>(30);
    groups.n<std::uint64_t>(2);
    // A group whose bytes sent passed 2^64: the high halves alone sum past it.
    groups.s("big").n<std::uint16_t>(200).n<std::uint8_t>(0).n<std::uint32_t>(1709251200);
    groups.n<std::uint64_t>(2).n<std::uint64_t>(std::uint64_t{1} << 32).n<std::uint64_t>(0).n<std::uint64_t>(0);
    groups.n<std::uint64_t>(0).n<std::uint64_t>(0).n<std::uint64_t>(0).n<std::uint64_t>(2).n<std::uint64_t>(0);
    groups.n<std::uint64_t>(0).n<std::uint64_t>(1);
    Answer timed;
    timed.s("acme").n<std::uint16_t>(200).n<std::uint8_t>(0).n<std::uint32_t>(1709251200);
    timed.n<std::uint32_t>(10).n<std::uint64_t>(2);
    timed.s("acme").n<std::uint16_t>(200).n<std::uint8_t>(0).n<std::uint32_t>(1709251200);
    timed.n<std::uint32_t>(20).n<std::uint64_t>(1);
    Answer overall;
    overall.n<std::uint64_t>(3).n<std::uint32_t>(1709251200).n<std::uint32_t>(1709251260).n<std::uint64_t>(5);
    Answer ops;
    ops.s("REST.GET.OBJECT").n<std::uint64_t>(5);
    Answer lines;
    lines.n<std::uint64_t>(9).n<std::uint64_t>(5).n<std::uint64_t>(900).n<std::int64_t>(1709337600);
    Answer reasons;
    reasons.s("bad_timestamp").n<std::uint64_t>(3).s("empty_line").n<std::uint64_t>(1);
    const auto r = fold_report(spec, TierMap::defaults(),
                               {groups.bytes, timed.bytes, overall.bytes, ops.bytes, lines.bytes, reasons.bytes, ""});
    ASSERT_TRUE(r.has_value()) << r.error();
    ASSERT_EQ(r->groups.size(), 2u);
    const ReportGroup& big = r->groups[0];
    EXPECT_EQ(big.key, std::vector<std::string>{"big"});
    EXPECT_TRUE(big.metrics.overflow);
    EXPECT_EQ(big.metrics.bytes_sent, ~std::uint64_t{0});
    const ReportGroup& acme = r->groups[1];
    EXPECT_EQ(acme.metrics.requests, 3u);
    EXPECT_EQ(acme.metrics.bytes_sent, (std::uint64_t{1} << 32) + 5);
    EXPECT_EQ(acme.metrics.bytes_in, 7u);
    EXPECT_EQ(acme.metrics.errors_4xx, 1u);
    EXPECT_EQ(acme.metrics.total_time_ms, 30u);
    EXPECT_EQ(acme.distinct_clients, 2u);
    EXPECT_EQ(acme.p50_ms, 10u);
    EXPECT_EQ(acme.p95_ms, 20u);
    EXPECT_EQ(r->totals.requests, 5u);
    EXPECT_TRUE(r->totals.overflow);
    EXPECT_EQ(r->distinct_clients, 3u);
    EXPECT_EQ(r->max_time, 1709251260);
    EXPECT_TRUE(r->unruled_operations.empty());
    EXPECT_EQ(r->lines.read, 9u);
    EXPECT_EQ(r->lines.bytes, 900u);
    EXPECT_EQ(r->newest_source_mtime, 1709337600);
    EXPECT_EQ(r->lines.of(RejectReason::BadTimestamp), 3u);
    EXPECT_EQ(r->lines.rejected_total(), 3u);
    EXPECT_EQ(r->lines.ignored_total(), 1u);
}

TEST(ClickHouseReportQuery, AnAnswerCutShortIsAnErrorNotAShortReport) {
    ReportSpec spec;
    Answer groups;
    groups.s("acme").n<std::uint16_t>(200).n<std::uint8_t>(0).n<std::uint32_t>(1709251200).n<std::uint64_t>(3);
    Answer overall;
    overall.n<std::uint64_t>(0).n<std::uint32_t>(0).n<std::uint32_t>(0).n<std::uint64_t>(0);
    const auto r = fold_report(spec, TierMap::defaults(), {groups.bytes, "", overall.bytes, "", "", "", ""});
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().find("groups"), std::string::npos) << r.error();
}

// --top N: the N-th group's metrics are asked first, then only the groups that rank as high (and
// their latency buckets); the totals and the count of groups are the whole set's.
TEST(ClickHouseReportQuery, TopNAsksOnlyForTheGroupsThatRankAsHighAsTheNth) {
    ReportSpec spec;
    spec.by = {DimSpec{Dim::Key, 0}};
    spec.top = 2;
    const std::string cut = report_cut_sql(spec, "db.t", "1").value();
    EXPECT_NE(cut.find("GROUP BY key) ORDER BY s3top_first DESC, s3top_second DESC LIMIT 1, 1"), std::string::npos)
        << cut;
    const ReportSql q = report_sql(spec, "db.t", "db.t_lines", "1", PanelCut{700, 3});
    EXPECT_NE(q.groups.find("GROUP BY key HAVING "), std::string::npos) << q.groups;
    EXPECT_NE(q.groups.find("> 700 OR ("), std::string::npos) << q.groups;
    EXPECT_NE(q.timed.find("AND (key) GLOBAL IN (SELECT key FROM db.t WHERE 1 GROUP BY key HAVING "), std::string::npos)
        << q.timed;
    EXPECT_NE(q.group_count.find("GROUP BY key)"), std::string::npos);
    // Without a cut (fewer groups than N), without --top, or ordered by key: every group.
    EXPECT_EQ(report_sql(spec, "db.t", "db.t_lines", "1").groups.find("HAVING"), std::string::npos);
    EXPECT_TRUE(report_sql(spec, "db.t", "db.t_lines", "1").group_count.empty());
    spec.sort = SortBy::Key;
    EXPECT_FALSE(report_cut_sql(spec, "db.t", "1"));
    spec.sort = SortBy::Requests;
    EXPECT_NE(report_cut_sql(spec, "db.t", "1")->find("SELECT toUInt64(count()) AS s3top_first"), std::string::npos);
    spec.top = 0;
    EXPECT_FALSE(report_cut_sql(spec, "db.t", "1"));

    // Folded: the groups that came back, the whole set's totals and its number of groups.
    spec.top = 1;
    spec.sort = SortBy::Bytes;
    spec.percentiles = false;
    Answer groups;
    for (const char* key : {"a", "b"}) {  // two tied with the cut: the local order picks "a"
        groups.s(key).n<std::uint16_t>(200).n<std::uint8_t>(0).n<std::uint32_t>(1709251200);
        groups.n<std::uint64_t>(3).n<std::uint64_t>(0).n<std::uint64_t>(700).n<std::uint64_t>(0).n<std::uint64_t>(0);
        groups.n<std::uint64_t>(0).n<std::uint64_t>(0).n<std::uint64_t>(3).n<std::uint64_t>(0).n<std::uint64_t>(0);
        groups.n<std::uint64_t>(1);
    }
    Answer overall;  // the whole set's metrics first
    overall.n<std::uint64_t>(10).n<std::uint64_t>(0).n<std::uint64_t>(1500).n<std::uint64_t>(0).n<std::uint64_t>(0);
    overall.n<std::uint64_t>(0).n<std::uint64_t>(0).n<std::uint64_t>(10).n<std::uint64_t>(0).n<std::uint64_t>(0);
    overall.n<std::uint64_t>(4).n<std::uint32_t>(1709251200).n<std::uint32_t>(1709251260).n<std::uint64_t>(10);
    Answer count;
    count.n<std::uint64_t>(5);
    Answer lines;
    lines.n<std::uint64_t>(10).n<std::uint64_t>(10).n<std::uint64_t>(900).n<std::int64_t>(0);
    const auto r =
        fold_report(spec, TierMap::defaults(), {groups.bytes, "", overall.bytes, "", lines.bytes, "", count.bytes});
    ASSERT_TRUE(r.has_value()) << r.error();
    ASSERT_EQ(r->groups.size(), 1u);
    EXPECT_EQ(r->groups[0].key, std::vector<std::string>{"a"});
    EXPECT_EQ(r->total_groups, 5u);
    EXPECT_EQ(r->totals.requests, 10u);
    EXPECT_EQ(r->totals.bytes_sent, 1500u);
    EXPECT_EQ(r->distinct_clients, 4u);
}
