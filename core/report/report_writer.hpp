#pragma once
// The headless report in its three forms. Writers append to a string; the app writes it.
#include <string>

#include "core/agg/engine.hpp"
#include "core/report/metric_columns.hpp"

namespace s3top {

struct TableOptions {
    bool human = true;  ///< KiB/MiB and k/M; false: exact integers
    /// Keys are cut in the middle to this many cells (wider where two would look alike);
    /// SIZE_MAX: never cut (a file).
    std::size_t max_key_width = 48;
};

/// A group's metric values and figures (see kMetricColumns).
MetricSource group_source(const ReportGroup& g);
/// The report's totals and distinct clients.
MetricSource totals_source(const ReportResult& r);

/// Aligned text table; every log-derived string made terminal-safe.
std::string report_table(const ReportResult& r, const TableOptions& opt);
/// RFC 4180 CSV with a header row; exact integers; formula-prefixed cells neutralised.
std::string report_csv(const ReportResult& r);
/// One JSON object (see README "JSON report"); exact integers; valid UTF-8.
std::string report_json(const ReportResult& r);

}  // namespace s3top
