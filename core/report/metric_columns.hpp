#pragma once
// The metric columns the writers print (text table, CSV, JSON, HTML, the dashboard's panels),
// as one table: per column its name, headings, unit, whether it is a sum of log values (a lower
// bound once it stops at 2^64-1), where its value comes from and which writers show it. Each
// writer walks the table in its order and formats a value by its unit its own way (human or
// exact text, an HTML cell, a JSON number).
//
// Adding a metric column: its row in kMetricColumns (and, for a new sum, its Metrics field).
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/agg/metrics.hpp"

namespace s3top {

enum class MetricUnit : std::uint8_t { Count, Bytes, Millis, Percent };

/// Where a column's value comes from besides a Metrics sum.
enum class MetricFigure : std::uint8_t {
    Sum,      ///< a field of Metrics (MetricColumn::sum)
    Clients,  ///< distinct client IPs of the group (or of everything, for totals)
    P50,      ///< median total time of the group's timed requests
    P95,
    Share,  ///< the group's part of the bytes sent (the dashboard's is of requests when none were sent, and says so)
};

/// The writers, as bits of MetricColumn::writers.
enum MetricWriter : std::uint16_t {
    kWriteTable = 1 << 0,          ///< report_table
    kWriteCsv = 1 << 1,            ///< report_csv
    kWriteJson = 1 << 2,           ///< report_json
    kWriteHtml = 1 << 3,           ///< report_html: totals, groups and panels
    kWritePanel = 1 << 4,          ///< the dashboard's panels
    kWritePanelExpanded = 1 << 5,  ///< the dashboard's panel when expanded
};

struct MetricColumn {
    std::string_view key;      ///< CSV header and JSON member ("bytes_uploaded")
    std::string_view heading;  ///< text table, HTML and expanded panel heading ("Uploaded")
    std::string_view narrow;   ///< the dashboard panel's heading, when shorter than heading
    MetricUnit unit;
    MetricFigure figure = MetricFigure::Sum;
    std::uint64_t Metrics::* sum = nullptr;  ///< MetricFigure::Sum: the field
    /// A sum of values from the logs: marked as a lower bound when Metrics::overflow says it
    /// stopped at 2^64-1 (counts of requests cannot get there).
    bool saturates = false;
    /// Has a value for the totals of a report (a percentile of all requests is not computed).
    bool in_totals = true;
    std::uint16_t writers = 0;
};

/// Every metric column, in the order writers print them.
inline constexpr std::array kMetricColumns = {
    MetricColumn{.key = "requests",
                 .heading = "Requests",
                 .narrow = "Reqs",
                 .unit = MetricUnit::Count,
                 .sum = &Metrics::requests,
                 .writers = kWriteTable | kWriteCsv | kWriteJson | kWriteHtml | kWritePanel | kWritePanelExpanded},
    MetricColumn{.key = "bytes_sent",
                 .heading = "Bytes sent",
                 .narrow = "Sent",
                 .unit = MetricUnit::Bytes,
                 .sum = &Metrics::bytes_sent,
                 .saturates = true,
                 .writers = kWriteTable | kWriteCsv | kWriteJson | kWriteHtml | kWritePanel | kWritePanelExpanded},
    MetricColumn{.key = "bytes_uploaded",
                 .heading = "Uploaded",
                 .narrow = "",
                 .unit = MetricUnit::Bytes,
                 .sum = &Metrics::bytes_in,
                 .saturates = true,
                 .writers = kWriteTable | kWriteCsv | kWriteJson | kWriteHtml | kWritePanelExpanded},
    MetricColumn{.key = "errors_4xx",
                 .heading = "4xx",
                 .narrow = "",
                 .unit = MetricUnit::Count,
                 .sum = &Metrics::errors_4xx,
                 .writers = kWriteTable | kWriteCsv | kWriteJson | kWriteHtml | kWritePanelExpanded},
    MetricColumn{.key = "errors_5xx",
                 .heading = "5xx",
                 .narrow = "",
                 .unit = MetricUnit::Count,
                 .sum = &Metrics::errors_5xx,
                 .writers = kWriteTable | kWriteCsv | kWriteJson | kWriteHtml | kWritePanelExpanded},
    MetricColumn{.key = "get_class",
                 .heading = "GET-class",
                 .narrow = "",
                 .unit = MetricUnit::Count,
                 .sum = &Metrics::get_class,
                 .writers = kWriteCsv | kWriteJson | kWriteHtml},
    MetricColumn{.key = "put_class",
                 .heading = "PUT-class",
                 .narrow = "",
                 .unit = MetricUnit::Count,
                 .sum = &Metrics::put_class,
                 .writers = kWriteCsv | kWriteJson | kWriteHtml},
    MetricColumn{.key = "distinct_clients",
                 .heading = "Clients",
                 .narrow = "",
                 .unit = MetricUnit::Count,
                 .figure = MetricFigure::Clients,
                 .writers = kWriteTable | kWriteCsv | kWriteJson | kWriteHtml},
    MetricColumn{.key = "total_time_ms",
                 .heading = "Total ms",
                 .narrow = "",
                 .unit = MetricUnit::Millis,
                 .sum = &Metrics::total_time_ms,
                 .saturates = true,
                 .writers = kWriteCsv | kWriteJson},
    MetricColumn{.key = "p50_ms",
                 .heading = "p50 ms",
                 .narrow = "",
                 .unit = MetricUnit::Millis,
                 .figure = MetricFigure::P50,
                 .in_totals = false,
                 .writers = kWriteTable | kWriteCsv | kWriteJson | kWriteHtml},
    MetricColumn{.key = "p95_ms",
                 .heading = "p95 ms",
                 .narrow = "",
                 .unit = MetricUnit::Millis,
                 .figure = MetricFigure::P95,
                 .in_totals = false,
                 .writers = kWriteTable | kWriteCsv | kWriteJson | kWriteHtml},
    MetricColumn{.key = "share",
                 .heading = "% sent",
                 .narrow = "%sent",
                 .unit = MetricUnit::Percent,
                 .figure = MetricFigure::Share,
                 .writers = kWriteTable | kWritePanel | kWritePanelExpanded},
};

consteval bool metric_table_is_consistent() {
    for (const auto& c : kMetricColumns) {
        if ((c.figure == MetricFigure::Sum) != (c.sum != nullptr)) return false;
        // A panel row has its Metrics only: the dashboard shows sums and shares.
        const bool panel = c.writers & (kWritePanel | kWritePanelExpanded);
        if (panel && c.figure != MetricFigure::Sum && c.figure != MetricFigure::Share) return false;
    }
    return true;
}
static_assert(metric_table_is_consistent(), "a sum names its Metrics field; panels show sums and shares only");

/// The columns `writer` prints, in order.
std::vector<MetricColumn> metric_columns(MetricWriter writer);

/// What a column's value is read from: a group's metrics and figures, or the totals'.
struct MetricSource {
    const Metrics& metrics;
    std::uint64_t clients = 0;
    std::optional<std::uint32_t> p50 = {}, p95 = {};  ///< nullopt: no timed request
    bool totals = false;
};

/// The value of `col` for `src`; nullopt when it has none (a percentile without timed
/// requests or of the totals; a share, which each writer computes).
std::optional<std::uint64_t> metric_value(const MetricColumn& col, const MetricSource& src);

}  // namespace s3top
