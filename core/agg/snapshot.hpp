#pragma once
// Immutable results the engine hands to the dashboard and to reports. Labels are raw log
// strings: whoever draws or writes them escapes them.
#include <cstdint>
#include <string>
#include <vector>

#include "core/agg/batch.hpp"
#include "core/agg/dimension.hpp"
#include "core/agg/filter.hpp"
#include "core/agg/metrics.hpp"

namespace s3top {

/// One ranked panel: a dimension, how many rows to keep, the order.
struct PanelSpec {
    DimSpec dim;
    std::size_t limit = 100;  ///< 0 = every group
    SortBy sort = SortBy::Bytes;
    /// The other way round: smallest first for bytes and requests, Z to A by name. Ties still
    /// go by value ascending.
    bool reverse = false;
    friend bool operator==(const PanelSpec&, const PanelSpec&) = default;
};

/// What the dashboard looks at: a filter, its panels, the chart's resolution.
struct ViewSpec {
    Filter filter;
    std::vector<PanelSpec> panels;
    Dim resolution = Dim::Hour;  ///< Minute, Hour, Day or Month
    friend bool operator==(const ViewSpec&, const ViewSpec&) = default;
};

struct PanelRow {
    std::string label;  ///< the value; empty = absent (shown "-")
    Metrics metrics;
};

struct PanelData {
    PanelSpec spec;
    /// Sorted per spec.sort and spec.reverse, at most spec.limit; ties by value in its natural
    /// order (compare_values), then by the value as logged, so equal input draws one order.
    std::vector<PanelRow> rows;
    std::uint64_t groups = 0;  ///< distinct values in all (before the limit)
};

struct SeriesPoint {
    std::int64_t start = 0;  ///< bucket start, UTC epoch seconds
    std::uint64_t requests = 0;
    std::uint64_t bytes_sent = 0;
    std::uint64_t bytes_in = 0;
};

struct Snapshot {
    std::uint64_t generation = 0;  ///< grows with every new snapshot of a view
    ViewSpec view;
    LineCounters lines;         ///< every line read so far (unfiltered)
    std::uint64_t records = 0;  ///< records in the engine (unfiltered)
    Metrics totals;             ///< of the records that pass the filter
    std::uint64_t distinct_clients = 0;
    std::int64_t min_time = 0, max_time = 0;  ///< of the filtered records (0 when none)
    std::vector<SeriesPoint> series;          ///< contiguous buckets min..max at view.resolution
    std::vector<PanelData> panels;            ///< in view.panels order
};

/// Start of the bucket holding `t` at a time resolution (Minute/Hour/Day/Month).
std::int64_t bucket_start(Dim resolution, std::int64_t t);
/// Start of the bucket after the one starting at `start`.
std::int64_t next_bucket(Dim resolution, std::int64_t start);
/// "2024-03-01T04:05", "2024-03-01T04", "2024-03-01", "2024-03".
std::string bucket_label(Dim resolution, std::int64_t start);

}  // namespace s3top
