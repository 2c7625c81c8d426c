// Sums past 2^64-1: log values are written by strangers, and a few lines each claiming
// 18446744073709551615 bytes must never wrap a total (or an invoice) back to a small number.
// Every accumulator saturates at 2^64-1 and raises Metrics::overflow; every output marks it.
#include <gtest/gtest.h>

#include <limits>

#include "core/agg/engine.hpp"
#include "core/agg/report_acc.hpp"
#include "core/billing/statement.hpp"
#include "core/billing/statement_writer.hpp"
#include "core/config/config.hpp"
#include "core/parse/s3_access_log.hpp"
#include "core/report/html.hpp"
#include "core/report/report_writer.hpp"
#include "core/util/civil_time.hpp"

namespace s3top {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
constexpr std::string_view kMaxText = "18446744073709551615";

std::string s3_line(std::string_view org, std::uint64_t sent, std::uint64_t object_size = 0,
                    std::string_view op = "REST.GET.OBJECT") {
    return "owner bkt [15/Mar/2024:10:00:00 +0000] 10.0.0.1 arn:aws:iam::1:user/u REQ " + std::string(op) +
           " k \"GET /bkt/k?org=" + std::string(org) + " HTTP/1.1\" 200 - " + std::to_string(sent) + " " +
           std::to_string(object_size) + " 1 1 \"-\" \"ua\" -";
}

/// An engine holding `lines`, each appended as its own batch (so merges happen in the engine).
std::unique_ptr<Engine> engine_of(const std::vector<std::string>& lines, EngineConfig cfg = {}) {
    auto e = std::make_unique<Engine>(cfg);
    BatchBuilder b(e->config().org, e->config().keep);
    for (const auto& l : lines) {
        auto r = parse_s3_access_log(l);
        EXPECT_TRUE(r) << l;
        if (!r) continue;
        b.add(*r);
        e->append(b.take());
    }
    return e;
}

/// Three lines of 2^64-1 bytes for "evil", two good lines for "good".
std::vector<std::string> hostile_lines() {
    return {s3_line("good", 100), s3_line("evil", kMax), s3_line("evil", kMax), s3_line("good", 23),
            s3_line("evil", kMax, kMax, "REST.PUT.OBJECT")};
}

TEST(Overflow, MetricsSaturateAndFlagInsteadOfWrapping) {
    Metrics m;
    m.add(kMax - 1, 0, 200, 0, 5);
    EXPECT_FALSE(m.overflow);
    m.add(1, 0, 200, 0, 5);
    EXPECT_FALSE(m.overflow) << "exactly 2^64-1 is still exact";
    EXPECT_EQ(m.bytes_sent, kMax);
    m.add(1, 0, 200, 0, 5);
    EXPECT_TRUE(m.overflow);
    EXPECT_EQ(m.bytes_sent, kMax) << "saturated, not wrapped to 0";
    EXPECT_TRUE(m.saturated(m.bytes_sent));
    EXPECT_FALSE(m.saturated(m.bytes_in));
    EXPECT_EQ(m.requests, 3u);

    Metrics a, b;
    a.add(kMax / 2 + 1, 7, 200, 0, kNoTotalTime);
    b.add(kMax / 2 + 1, 8, 200, 0, kNoTotalTime);
    EXPECT_FALSE(a.overflow || b.overflow);
    a.merge(b);
    EXPECT_TRUE(a.overflow);
    EXPECT_EQ(a.bytes_sent, kMax);
    EXPECT_EQ(a.bytes_in, 15u) << "the other fields stay exact";
    EXPECT_EQ(a.requests, 2u);
    Metrics c;
    c.merge(a);
    EXPECT_TRUE(c.overflow) << "a flag survives merging into a clean partial";
}

TEST(Overflow, ReportTotalsAndGroupsAreFlaggedAndTheGoodGroupStaysExact) {
    for (const bool streaming : {false, true}) {
        EngineConfig cfg;
        if (streaming) cfg.stream = ReportSpec{};
        const auto e = engine_of(hostile_lines(), cfg);
        const ReportResult r = e->report(ReportSpec{});
        EXPECT_EQ(r.lines.parsed, 5u);
        EXPECT_EQ(r.totals.requests, 5u);
        EXPECT_TRUE(r.totals.overflow);
        EXPECT_EQ(r.totals.bytes_sent, kMax);
        ASSERT_EQ(r.groups.size(), 2u);
        const ReportGroup& evil = r.groups[0].key[0] == "evil" ? r.groups[0] : r.groups[1];
        const ReportGroup& good = r.groups[0].key[0] == "good" ? r.groups[0] : r.groups[1];
        EXPECT_TRUE(evil.metrics.overflow);
        EXPECT_EQ(evil.metrics.bytes_sent, kMax);
        EXPECT_EQ(evil.metrics.bytes_in, kMax) << "one upload of 2^64-1 is exact";
        EXPECT_FALSE(good.metrics.overflow);
        EXPECT_EQ(good.metrics.bytes_sent, 123u);

        const std::string json = report_json(r);
        EXPECT_NE(json.find(std::string("\"bytes_sent\":") + std::string(kMaxText)), std::string::npos) << json;
        EXPECT_NE(json.find("\"overflow\":true"), std::string::npos) << json;
        // The totals and the evil group carry the flag, the good group does not.
        std::size_t flags = 0;
        for (std::size_t at = json.find("\"overflow\":true"); at != std::string::npos;
             at = json.find("\"overflow\":true", at + 1))
            ++flags;
        EXPECT_EQ(flags, 2u) << json;

        const std::string csv = report_csv(r);
        EXPECT_NE(csv.find(">" + std::string(kMaxText)), std::string::npos) << csv;
        EXPECT_NE(csv.find("good,2,123,"), std::string::npos) << csv;

        for (const bool human : {true, false}) {
            const std::string table = report_table(r, TableOptions{human, 48});
            EXPECT_NE(table.find("OVERFLOW"), std::string::npos) << table;
            EXPECT_NE(table.find(human ? ">16.0 EiB" : ">18,446,744,073,709,551,615"), std::string::npos) << table;
        }
    }
}

TEST(Overflow, ASingleMaximalValueIsExactAndUnflagged) {
    const auto e = engine_of({s3_line("a", kMax), s3_line("b", 1)});
    const ReportResult r = e->report(ReportSpec{});
    EXPECT_TRUE(r.totals.overflow) << "2^64-1 + 1 passes the limit";
    const auto one = engine_of({s3_line("a", kMax)});
    const ReportResult r1 = one->report(ReportSpec{});
    EXPECT_FALSE(r1.totals.overflow);
    EXPECT_EQ(r1.totals.bytes_sent, kMax);
    EXPECT_EQ(report_json(r1).find("overflow"), std::string::npos);
    EXPECT_EQ(report_table(r1, TableOptions{false, 48}).find("OVERFLOW"), std::string::npos);
}

TEST(Overflow, DashboardSnapshotTotalsPanelsAndChartSaturate) {
    const auto e = engine_of(hostile_lines());
    ViewSpec vs;
    vs.panels = {PanelSpec{DimSpec{Dim::Org, 0}, 10, SortBy::Bytes}};
    vs.resolution = Dim::Hour;
    View v(vs);
    const Snapshot s = e->refresh(v, 1);
    EXPECT_TRUE(s.totals.overflow);
    EXPECT_EQ(s.totals.bytes_sent, kMax);
    ASSERT_EQ(s.panels.size(), 1u);
    ASSERT_EQ(s.panels[0].rows.size(), 2u);
    EXPECT_EQ(s.panels[0].rows[0].label, "evil") << "ranked by its saturated bytes, not a wrapped small number";
    EXPECT_TRUE(s.panels[0].rows[0].metrics.overflow);
    EXPECT_FALSE(s.panels[0].rows[1].metrics.overflow);
    ASSERT_EQ(s.series.size(), 1u);
    EXPECT_EQ(s.series[0].bytes_sent, kMax) << "the chart bucket saturates too";

    const std::string page = report_html(e->report(ReportSpec{}), s);
    EXPECT_NE(page.find("OVERFLOW"), std::string::npos);
    EXPECT_NE(page.find("&gt;16.0 EiB"), std::string::npos);
}

// The dashboard refreshes its view as batches come (folding only the new rows), and a
// streaming report folds each batch as it is merged: a group whose sum passes the limit within
// one refresh or batch, after rows that were exact, still saturates and is flagged, while a
// group that stays at or under 2^64-1 stays exact and unflagged beside it.
TEST(Overflow, AGroupPassingTheLimitInALaterRefreshOrBatchSaturatesAndTheOthersStayExact) {
    Engine e{EngineConfig{}};
    EngineConfig streaming;
    streaming.stream = ReportSpec{};
    Engine stream{streaming};
    ViewSpec vs;
    vs.panels = {PanelSpec{DimSpec{Dim::Org, 0}, 10, SortBy::Bytes}};
    View v(vs);
    const auto append = [&](const std::vector<std::string>& lines) {
        for (Engine* to : {&e, &stream}) {
            BatchBuilder b(to->config().org, to->config().keep);
            for (const auto& l : lines) b.add(*parse_s3_access_log(l));
            to->append(b.take());
        }
    };
    const auto group = [](const Snapshot& s, std::string_view org) {
        for (const PanelRow& r : s.panels[0].rows)
            if (r.label == org) return r.metrics;
        ADD_FAILURE() << "no group " << org;
        return Metrics{};
    };
    const auto reported = [&](std::string_view org) {
        const ReportResult r = stream.report(ReportSpec{});
        for (const ReportGroup& g : r.groups)
            if (g.key[0] == org) return g.metrics;
        ADD_FAILURE() << "no group " << org;
        return Metrics{};
    };

    append({s3_line("good", 100), s3_line("edge", kMax - 200)});
    Snapshot s = e.refresh(v, 1);
    EXPECT_FALSE(s.totals.overflow);
    EXPECT_EQ(s.totals.bytes_sent, kMax - 100);

    // One refresh (and one batch) holds the rows that take the totals and "evil" past the limit.
    append({s3_line("evil", kMax), s3_line("edge", 200), s3_line("evil", 5)});
    s = e.refresh(v, 2);
    EXPECT_TRUE(s.totals.overflow);
    EXPECT_EQ(s.totals.bytes_sent, kMax);
    for (const Metrics& evil : {group(s, "evil"), reported("evil")}) {
        EXPECT_TRUE(evil.overflow);
        EXPECT_EQ(evil.bytes_sent, kMax) << "saturated, not wrapped to 4";
        EXPECT_EQ(evil.requests, 2u);
    }
    for (const Metrics& edge : {group(s, "edge"), reported("edge")}) {
        EXPECT_FALSE(edge.overflow) << "exactly 2^64-1 is exact";
        EXPECT_EQ(edge.bytes_sent, kMax);
    }
    for (const Metrics& good : {group(s, "good"), reported("good")}) {
        EXPECT_FALSE(good.overflow);
        EXPECT_EQ(good.bytes_sent, 100u);
    }

    // Rows after the totals overflowed are still added to every group, saturating.
    append({s3_line("good", 23), s3_line("edge", 1)});
    s = e.refresh(v, 3);
    for (const Metrics& good : {group(s, "good"), reported("good")}) {
        EXPECT_FALSE(good.overflow);
        EXPECT_EQ(good.bytes_sent, 123u);
        EXPECT_EQ(good.requests, 2u);
    }
    for (const Metrics& edge : {group(s, "edge"), reported("edge")}) {
        EXPECT_TRUE(edge.overflow);
        EXPECT_EQ(edge.bytes_sent, kMax);
    }
}

TEST(Overflow, AStatementWithSaturatedUsageIsMarkedNotBillable) {
    const auto e = engine_of(hostile_lines());
    BillingSpec spec;
    const auto from = *parse_iso8601("2024-03");
    spec.periods = periods_between(from, next_bucket(Dim::Month, from));
    auto prices = parse_price_table(builtin_price_table_text(), "built-in");
    ASSERT_TRUE(prices) << prices.error().to_string();
    spec.prices = *prices;
    const Statement st = compute_statement(*e, spec);
    EXPECT_TRUE(st.overflow());
    ASSERT_EQ(st.periods.size(), 1u);
    EXPECT_TRUE(st.periods[0].overflow);
    EXPECT_NE(statement_json(st, 0).find("\"overflow\":true"), std::string::npos);
    EXPECT_NE(statement_table(st, 0).find("NOT BILLABLE"), std::string::npos);
    EXPECT_NE(statement_csv(st).find(">" + std::string(kMaxText)), std::string::npos);
    EXPECT_NE(statement_html(st, 0).find("not billable"), std::string::npos);

    // Without the hostile lines the same statement is clean.
    const auto clean = engine_of({s3_line("good", 100), s3_line("good", 23)});
    const Statement ok = compute_statement(*clean, spec);
    EXPECT_FALSE(ok.overflow());
    EXPECT_EQ(statement_json(ok, 0).find("overflow"), std::string::npos);
}

}  // namespace
}  // namespace s3top
