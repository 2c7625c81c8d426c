#include "core/report/metric_columns.hpp"

namespace s3top {

std::vector<MetricColumn> metric_columns(MetricWriter writer) {
    std::vector<MetricColumn> out;
    for (const auto& col : kMetricColumns) {
        if (col.writers & writer) out.push_back(col);
    }
    return out;
}

std::optional<std::uint64_t> metric_value(const MetricColumn& col, const MetricSource& src) {
    if (src.totals && !col.in_totals) return std::nullopt;
    switch (col.figure) {
        case MetricFigure::Sum: return src.metrics.*col.sum;
        case MetricFigure::Clients: return src.clients;
        case MetricFigure::P50: return src.p50;
        case MetricFigure::P95: return src.p95;
        case MetricFigure::Share: return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace s3top
