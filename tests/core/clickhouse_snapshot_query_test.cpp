#include "core/clickhouse/snapshot_query.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "core/clickhouse/report_query.hpp"
#include "core/util/civil_time.hpp"

using namespace s3top;
using namespace s3top::clickhouse;

namespace {

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
    /// A metrics_select() row: requests, bytes sent and in (no errors; all GET class).
    Answer& metrics(std::uint64_t requests, std::uint64_t sent, std::uint64_t in = 0) {
        n<std::uint64_t>(requests).n<std::uint64_t>(sent >> 32).n<std::uint64_t>(sent & 0xFFFFFFFFu);
        n<std::uint64_t>(in >> 32).n<std::uint64_t>(in & 0xFFFFFFFFu);
        return n<std::uint64_t>(0).n<std::uint64_t>(0).n<std::uint64_t>(requests).n<std::uint64_t>(0).n<std::uint64_t>(
            0);
    }
    /// A panel row of a stored string dimension: its value, status, tier, first time; metrics.
    Answer& group(std::string_view value, std::uint64_t requests, std::uint64_t sent, std::uint64_t in = 0) {
        s(value).n<std::uint16_t>(200).n<std::uint8_t>(0).n<std::uint32_t>(1709251200);
        return metrics(requests, sent, in);
    }
};

std::string count_of(std::uint64_t n) { return Answer{}.n(n).bytes; }

std::vector<std::string> labels(const PanelData& p) {
    std::vector<std::string> out;
    for (const auto& r : p.rows) out.push_back(r.label);
    return out;
}

}  // namespace

TEST(ClickHouseSnapshotQuery, APanelAsksForItsLimitThGroupThenForTheGroupsThatRankAsHigh) {
    const PanelSpec bytes{DimSpec{Dim::Org}, 500, SortBy::Bytes, false};
    const std::string cut = panel_cut_sql(bytes, "db.t", "1").value();
    EXPECT_NE(cut.find("GROUP BY org) ORDER BY s3top_first DESC, s3top_second DESC LIMIT 499, 1"), std::string::npos)
        << cut;
    const std::string rows = panel_rows_sql(bytes, "db.t", "1", PanelCut{1000, 7});
    EXPECT_NE(rows.find("GROUP BY org HAVING "), std::string::npos) << rows;
    EXPECT_NE(rows.find(" > 1000 OR ("), std::string::npos) << rows;
    EXPECT_NE(rows.find("toUInt64(count()) >= 7)"), std::string::npos) << rows;
    // Reversed: the smallest first, so the cut is the limit-th from the bottom.
    const PanelSpec reversed{DimSpec{Dim::Org}, 10, SortBy::Requests, true};
    EXPECT_NE(panel_cut_sql(reversed, "db.t", "1")->find("ORDER BY s3top_first ASC, s3top_second ASC LIMIT 9, 1"),
              std::string::npos);
    const std::string low = panel_rows_sql(reversed, "db.t", "1", PanelCut{3, 50});
    EXPECT_NE(low.find("HAVING toUInt64(count()) < 3 OR (toUInt64(count()) = 3 AND "), std::string::npos) << low;
    EXPECT_NE(low.find(" <= 50)"), std::string::npos) << low;
    // Every group: no limit, or ordered by the values (their order is the local one).
    EXPECT_FALSE(panel_cut_sql(PanelSpec{DimSpec{Dim::Org}, 0, SortBy::Bytes, false}, "db.t", "1"));
    EXPECT_FALSE(panel_cut_sql(PanelSpec{DimSpec{Dim::Org}, 5, SortBy::Key, false}, "db.t", "1"));
    EXPECT_EQ(panel_rows_sql(bytes, "db.t", "1", std::nullopt).find("HAVING"), std::string::npos);
    // Fewer groups than the limit: no row, every group is asked for.
    EXPECT_FALSE(read_cut("").value());
    EXPECT_EQ(read_cut(Answer{}.n<std::uint64_t>(5).n<std::uint64_t>(6).bytes).value()->second, 6u);
    EXPECT_FALSE(read_cut(Answer{}.n<std::uint64_t>(5).bytes).has_value());  // cut short
}

TEST(ClickHouseSnapshotQuery, TheSaturatedSumStopsWhereMetricsStop) {
    const std::string s = saturated_sum("bytes_sent");
    EXPECT_NE(s.find("toUInt64(18446744073709551615)"), std::string::npos) << s;
    EXPECT_NE(s.find(">= 4294967296"), std::string::npos) << s;
}

TEST(ClickHouseSnapshotQuery, APanelFoldsInTheEnginesOrderCutToItsLimit) {
    // Ties on bytes go to requests, then to the value; the groups tied with the limit-th all
    // come back (HAVING) and the local order picks among them.
    const std::string rows = Answer{}
                                 .group("globex", 2, 100)
                                 .group("acme", 2, 100)
                                 .group("initech", 9, 500)
                                 .group("", 3, 100)
                                 .group("umbrella", 1, 100)
                                 .bytes;
    const PanelSpec spec{DimSpec{Dim::Org}, 3, SortBy::Bytes, false};
    const PanelData p = fold_panel(spec, rows, count_of(40)).value();
    EXPECT_EQ(labels(p), (std::vector<std::string>{"initech", "", "acme"}));
    EXPECT_EQ(p.groups, 40u);
    EXPECT_EQ(p.rows[0].metrics.bytes_sent, 500u);
    EXPECT_EQ(p.rows[0].metrics.requests, 9u);
    PanelSpec reversed = spec;
    reversed.reverse = true;
    EXPECT_EQ(labels(fold_panel(reversed, rows, count_of(5)).value()),
              (std::vector<std::string>{"umbrella", "acme", "globex"}));
}

TEST(ClickHouseSnapshotQuery, KeysAreShownDecodedAndValuesShownAlikeGoByTheirLoggedForm) {
    // "a+b" and "a%2Bb" both show as a+b: the form logged first in byte order ('%' < '+') wins.
    const std::string rows =
        Answer{}.group("a+b", 1, 10, 1).group("a%2Bb", 1, 10, 2).group("my%20file.pdf", 1, 5).bytes;
    const PanelData p = fold_panel(PanelSpec{DimSpec{Dim::Key}, 2, SortBy::Bytes, false}, rows, count_of(3)).value();
    ASSERT_EQ(p.rows.size(), 2u);
    EXPECT_EQ(p.rows[0].label, "a+b");
    EXPECT_EQ(p.rows[0].metrics.bytes_in, 2u);
    EXPECT_EQ(p.rows[1].label, "a+b");
    const PanelData all = fold_panel(PanelSpec{DimSpec{Dim::Key}, 0, SortBy::Bytes, false}, rows, count_of(3)).value();
    EXPECT_EQ(all.rows.back().label, "my file.pdf");
}

TEST(ClickHouseSnapshotQuery, ByteSumsPast2To64StopThereAndAreFlagged) {
    Answer a;
    a.s("acme").n<std::uint16_t>(200).n<std::uint8_t>(0).n<std::uint32_t>(0);
    a.n<std::uint64_t>(3).n<std::uint64_t>(std::uint64_t{1} << 33).n<std::uint64_t>(5);  // (2^33) << 32: past 2^64
    a.n<std::uint64_t>(0).n<std::uint64_t>(0).n<std::uint64_t>(0).n<std::uint64_t>(0).n<std::uint64_t>(3);
    a.n<std::uint64_t>(0).n<std::uint64_t>(0);
    const PanelData p =
        fold_panel(PanelSpec{DimSpec{Dim::Org}, 10, SortBy::Bytes, false}, a.bytes, count_of(1)).value();
    ASSERT_EQ(p.rows.size(), 1u);
    EXPECT_EQ(p.rows[0].metrics.bytes_sent, ~std::uint64_t{0});
    EXPECT_TRUE(p.rows[0].metrics.overflow);
}

TEST(ClickHouseSnapshotQuery, TheChartHasEveryBucketFromFirstToLastAndMonthsAreFoldedFromDays) {
    const std::int64_t mar1 = days_from_civil(2024, 3, 1) * 86400, apr2 = days_from_civil(2024, 4, 2) * 86400;
    Answer totals;
    totals.metrics(6, 600)
        .n<std::uint64_t>(2)
        .n<std::uint32_t>(static_cast<std::uint32_t>(mar1 + 5))
        .n<std::uint32_t>(static_cast<std::uint32_t>(apr2 + 7));
    Answer series;  // days: March 1st, March 20th, April 2nd
    for (const auto& [day, requests] : {std::pair{mar1, 1}, {mar1 + 19 * 86400, 2}, {apr2, 3}}) {
        series.n<std::uint32_t>(static_cast<std::uint32_t>(day)).n<std::uint64_t>(static_cast<std::uint64_t>(requests));
        series.n<std::uint64_t>(0).n<std::uint64_t>(100u * static_cast<std::uint64_t>(requests));
        series.n<std::uint64_t>(0).n<std::uint64_t>(0);
    }
    const std::string lines =
        Answer{}.n<std::uint64_t>(9).n<std::uint64_t>(6).n<std::uint64_t>(900).n<std::int64_t>(0).bytes;
    ViewSpec view;
    view.resolution = Dim::Month;
    const Snapshot s = fold_snapshot(view, {totals.bytes, series.bytes, count_of(11), lines, "", {}}).value();
    ASSERT_EQ(s.series.size(), 2u);
    EXPECT_EQ(s.series[0].start, mar1);
    EXPECT_EQ(s.series[0].requests, 3u);
    EXPECT_EQ(s.series[0].bytes_sent, 300u);
    EXPECT_EQ(s.series[1].requests, 3u);
    EXPECT_EQ(s.min_time, mar1 + 5);
    EXPECT_EQ(s.max_time, apr2 + 7);
    EXPECT_EQ(s.records, 11u);
    EXPECT_EQ(s.distinct_clients, 2u);
    EXPECT_EQ(s.lines.read, 9u);
    EXPECT_EQ(s.totals.bytes_sent, 600u);
    // By day: every day from the first to the last, empty ones too.
    view.resolution = Dim::Day;
    EXPECT_EQ(fold_snapshot(view, {totals.bytes, series.bytes, count_of(11), lines, "", {}})->series.size(), 33u);
    // No record passes the filter: no time range, no chart.
    Answer none;
    none.metrics(0, 0).n<std::uint64_t>(0).n<std::uint32_t>(0).n<std::uint32_t>(0);
    const Snapshot e = fold_snapshot(view, {none.bytes, "", count_of(11), lines, "", {}}).value();
    EXPECT_TRUE(e.series.empty());
    EXPECT_EQ(e.min_time, 0);
}

TEST(ClickHouseSnapshotQuery, AnAnswerCutShortIsAnErrorNotAShortSnapshot) {
    const std::string rows = Answer{}.group("acme", 2, 100).bytes;
    EXPECT_FALSE(fold_panel(PanelSpec{DimSpec{Dim::Org}, 3, SortBy::Bytes, false}, rows.substr(0, rows.size() - 1),
                            count_of(1)));
    EXPECT_FALSE(fold_panel(PanelSpec{DimSpec{Dim::Org}, 3, SortBy::Bytes, false}, rows, ""));
    EXPECT_FALSE(fold_snapshot(ViewSpec{}, {"", "", count_of(1), "", "", {}}));
}
