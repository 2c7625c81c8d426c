// The metric column table (kMetricColumns): what each writer prints, in which order, and where
// each value comes from. The golden reports pin the bytes; this pins the table.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/report/metric_columns.hpp"

namespace s3top {
namespace {

std::string keys(MetricWriter w) {
    std::string out;
    for (const auto& c : metric_columns(w)) out += (out.empty() ? "" : ",") + std::string(c.key);
    return out;
}

/// `narrow`: the headings of a grid panel (its narrow ones where given).
std::string headings(MetricWriter w, bool narrow = false) {
    std::string out;
    for (const auto& c : metric_columns(w))
        out += (out.empty() ? "" : "|") + std::string(narrow && !c.narrow.empty() ? c.narrow : c.heading);
    return out;
}

TEST(MetricColumns, KeysAndHeadingsAreUnique) {
    std::set<std::string_view> k, h;
    for (const auto& c : kMetricColumns) {
        EXPECT_TRUE(k.insert(c.key).second) << c.key;
        EXPECT_TRUE(h.insert(c.heading).second) << c.heading;
        EXPECT_NE(c.writers, 0) << c.key << " is printed by no writer";
    }
}

TEST(MetricColumns, EachWriterPrintsItsColumnsInTableOrder) {
    EXPECT_EQ(keys(kWriteCsv),
              "requests,bytes_sent,bytes_uploaded,errors_4xx,errors_5xx,get_class,put_class,distinct_clients,"
              "total_time_ms,p50_ms,p95_ms");
    EXPECT_EQ(keys(kWriteJson),
              "requests,bytes_sent,bytes_uploaded,errors_4xx,errors_5xx,get_class,put_class,distinct_clients,"
              "total_time_ms,p50_ms,p95_ms");
    EXPECT_EQ(headings(kWriteTable), "Requests|Bytes sent|Uploaded|4xx|5xx|Clients|p50 ms|p95 ms|% sent");
    EXPECT_EQ(headings(kWriteHtml), "Requests|Bytes sent|Uploaded|4xx|5xx|GET-class|PUT-class|Clients|p50 ms|p95 ms");
    // The share is of bytes sent in every writer, and its heading says so (#20 item 1).
    EXPECT_EQ(headings(kWritePanel, true), "Reqs|Sent|%sent");
    EXPECT_EQ(headings(kWritePanelExpanded), "Requests|Bytes sent|Uploaded|4xx|5xx|% sent");
}

TEST(MetricColumns, ValuesComeFromTheirSource) {
    Metrics m;
    m.add(100, 7, 404, 1, 12);
    const MetricSource group{m, 3, 12, 40};
    const MetricSource totals{m, 5, {}, {}, true};
    for (const auto& c : kMetricColumns) {
        const auto v = metric_value(c, group);
        switch (c.figure) {
            case MetricFigure::Sum: EXPECT_EQ(v, m.*c.sum) << c.key; break;
            case MetricFigure::Clients: EXPECT_EQ(v, 3u); break;
            case MetricFigure::P50: EXPECT_EQ(v, 12u); break;
            case MetricFigure::P95: EXPECT_EQ(v, 40u); break;
            case MetricFigure::Share: EXPECT_FALSE(v); break;
        }
        if (!c.in_totals) {
            EXPECT_FALSE(metric_value(c, totals)) << c.key;
        }
    }
    EXPECT_EQ(metric_value(kMetricColumns[7], totals), 5u);          // distinct_clients
    EXPECT_FALSE(metric_value(kMetricColumns[9], MetricSource{m}));  // p50 of a group without timed requests
}

}  // namespace
}  // namespace s3top
