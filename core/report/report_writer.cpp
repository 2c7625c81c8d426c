#include "core/report/report_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "core/report/escape.hpp"
#include "core/report/line_counts.hpp"
#include "core/report/metric_columns.hpp"
#include "core/report/terminal_text.hpp"
#include "core/report/text_table.hpp"
#include "core/report/units.hpp"
#include "core/report/unread_writer.hpp"
#include "core/util/civil_time.hpp"

namespace s3top {
namespace {

std::string shown(const std::string& v) { return v.empty() ? std::string("-") : v; }

/// Key column `i` of every group, cut in the middle to at most `most` cells, but wider where
/// two different values would look alike cut: two rows never read as the same key.
std::vector<std::string> key_cells(const ReportResult& r, std::size_t i, std::size_t most) {
    std::vector<std::string> cells;
    for (std::size_t width = most;; width *= 2) {
        cells.clear();
        std::unordered_map<std::string, const std::string*> seen;
        bool alike = false;
        for (const auto& g : r.groups) {
            const std::string& raw = g.key[i];
            cells.push_back(truncate_middle(shown(raw), static_cast<int>(std::min<std::size_t>(width, 1 << 20))));
            const auto [at, fresh] = seen.emplace(cells.back(), &raw);
            if (!fresh && *at->second != raw) alike = true;
        }
        if (!alike || width >= (1u << 20)) return cells;
    }
}

}  // namespace

MetricSource group_source(const ReportGroup& g) {
    MetricSource src{g.metrics, g.distinct_clients};
    if (g.timed_requests) {
        src.p50 = g.p50_ms;
        src.p95 = g.p95_ms;
    }
    return src;
}

MetricSource totals_source(const ReportResult& r) { return MetricSource{r.totals, r.distinct_clients, {}, {}, true}; }

std::string report_table(const ReportResult& r, const TableOptions& opt) {
    const auto columns = metric_columns(kWriteTable);
    // A value as the table shows it: human units unless exact, a saturated sum marked.
    auto text = [&](const MetricColumn& col, const Metrics& m, std::uint64_t v) {
        std::string t;
        switch (col.unit) {
            case MetricUnit::Count: t = opt.human ? human_count(v) : grouped(v); break;
            case MetricUnit::Bytes: t = opt.human ? human_bytes(v) : grouped(v); break;
            case MetricUnit::Millis: t = grouped(v); break;  // "18,559": read at a glance
            case MetricUnit::Percent: t = std::to_string(v); break;
        }
        return col.saturates ? bound(m, v, std::move(t)) : t;
    };
    std::vector<std::string> headers;
    for (const auto& d : r.by) headers.push_back(dim_title(d));
    for (const auto& col : columns) headers.emplace_back(col.heading);
    const std::size_t nkeys = r.by.size();
    std::vector<std::vector<std::string>> rows;
    rows.push_back(std::move(headers));
    std::vector<std::vector<std::string>> keys;
    for (std::size_t i = 0; i < nkeys; ++i) keys.push_back(key_cells(r, i, opt.max_key_width));
    for (std::size_t gi = 0; gi < r.groups.size(); ++gi) {
        const ReportGroup& g = r.groups[gi];
        std::vector<std::string> row;
        for (std::size_t i = 0; i < nkeys; ++i) row.push_back(std::move(keys[i][gi]));
        const MetricSource src = group_source(g);
        for (const auto& col : columns) {
            if (col.figure == MetricFigure::Share) {
                const double share = r.totals.bytes_sent ? 100.0 * static_cast<double>(g.metrics.bytes_sent) /
                                                               static_cast<double>(r.totals.bytes_sent)
                                                         : 0.0;
                row.push_back(fmt::format("{:.1f}%", share));
            } else {
                const auto v = metric_value(col, src);
                row.push_back(v ? text(col, g.metrics, *v) : "-");
            }
        }
        rows.push_back(std::move(row));
    }
    std::vector<std::string> total_row(nkeys, "");
    if (nkeys) total_row[0] = "TOTAL";
    const MetricSource totals = totals_source(r);
    for (const auto& col : columns) {
        const auto v = metric_value(col, totals);
        total_row.push_back(col.figure == MetricFigure::Share ? "100.0%" : v ? text(col, r.totals, *v) : "");
    }
    rows.push_back(std::move(total_row));
    std::string out = text_table(rows, nkeys, true, true);
    const std::string duplicates =
        r.no_request_id ? fmt::format(" (duplicate records {}; no request id {})",
                                      grouped(r.lines.of(RejectReason::DuplicateRequestId)), grouped(*r.no_request_id))
                        : "";
    out += fmt::format("{} groups{}; {}", grouped(r.total_groups),
                       r.groups.size() < r.total_groups ? fmt::format(" (top {} shown)", r.groups.size()) : "",
                       lines_text(r.lines, duplicates));
    if (r.totals.requests) out += fmt::format("; {} .. {}", format_iso8601(r.min_time), format_iso8601(r.max_time));
    if (!r.filter.empty()) out += "; filter: " + terminal_safe(r.filter.to_string());
    out += "\n";
    if (r.totals.overflow) out += std::string(overflow_note()) + "\n";
    if (!r.unruled_operations.empty())
        out += "Warning: " + terminal_safe(unruled_note(r.unruled_tier, r.unruled_operations, "counted")) + "\n";
    out += unread_table(r.unread);
    return out;
}

std::string report_csv(const ReportResult& r) {
    std::string out;
    const auto columns = metric_columns(kWriteCsv);
    for (const auto& d : r.by) out += csv_cell(dim_name(d)) + ",";
    for (std::size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + std::string(columns[i].key);
    out += "\r\n";
    for (const auto& g : r.groups) {
        for (const auto& k : g.key) out += csv_cell(shown(k)) + ",";
        const MetricSource src = group_source(g);
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const auto v = metric_value(columns[i], src);
            if (i) out += ",";
            if (v) out += columns[i].saturates ? bound(g.metrics, *v, std::to_string(*v)) : std::to_string(*v);
        }
        out += "\r\n";
    }
    out += unread_csv(r.unread);
    if (r.no_request_id) out += csv_line_counters(r.lines.of(RejectReason::DuplicateRequestId), *r.no_request_id);
    return out;
}

namespace {
/// The JSON members of `src`: its sums, the overflow flag, then its other figures (null when
/// a group has none; left out of the totals).
void metrics_json(std::string& out, const MetricSource& src) {
    const auto columns = metric_columns(kWriteJson);
    bool first = true;
    for (const auto& col : columns) {
        if (col.figure != MetricFigure::Sum) continue;
        out += fmt::format("{}\"{}\":{}", first ? "" : ",", col.key, *metric_value(col, src));
        first = false;
    }
    if (src.metrics.overflow) out += ",\"overflow\":true";  // the fields at 2^64-1 are lower bounds
    for (const auto& col : columns) {
        if (col.figure == MetricFigure::Sum || (src.totals && !col.in_totals)) continue;
        const auto v = metric_value(col, src);
        out += fmt::format(",\"{}\":{}", col.key, v ? std::to_string(*v) : "null");
    }
}
}  // namespace

std::string report_json(const ReportResult& r) {
    std::string out = "{";
    if (r.generated_at) out += fmt::format("\"generated_at\":\"{}\",", format_iso8601(r.generated_at));
    out += "\"lines\":{" + lines_json(r.lines);
    if (r.no_request_id)  // --dedupe request-id: duplicates are also in rejected_by_reason
        out += fmt::format(",\"duplicate_records\":{},\"no_request_id\":{}",
                           r.lines.of(RejectReason::DuplicateRequestId), *r.no_request_id);
    out += "}," + unread_json(r.unread);
    if (!r.unruled_operations.empty()) {  // API action names no [request_tiers] rule knows
        out += ",\"unruled_operations\":[";
        for (std::size_t i = 0; i < r.unruled_operations.size(); ++i) {
            out += fmt::format("{}{{\"operation\":{},\"requests\":{}}}", i ? "," : "",
                               json_quote(r.unruled_operations[i].operation), r.unruled_operations[i].requests);
        }
        out += fmt::format("],\"unruled_tier\":{}", json_quote(tier_name(r.unruled_tier)));
    }
    out += ",\"totals\":{";
    metrics_json(out, totals_source(r));
    out += "}";
    out += ",\"by\":[";
    for (std::size_t i = 0; i < r.by.size(); ++i) out += (i ? "," : "") + json_quote(dim_name(r.by[i]));
    out += "],\"filter\":" + json_quote(r.filter.to_string());
    if (r.totals.requests) {
        out += ",\"time\":{\"first\":" + json_quote(format_iso8601(r.min_time)) +
               ",\"last\":" + json_quote(format_iso8601(r.max_time)) + "}";
    } else {
        out += ",\"time\":null";
    }
    out += fmt::format(",\"total_groups\":{},\"groups\":[", r.total_groups);
    for (std::size_t gi = 0; gi < r.groups.size(); ++gi) {
        const auto& g = r.groups[gi];
        out += gi ? ",{" : "{";
        out += "\"key\":";
        if (g.key.size() == 1) {
            out += json_quote(shown(g.key[0]));
        } else {
            out += "[";
            for (std::size_t k = 0; k < g.key.size(); ++k) out += (k ? "," : "") + json_quote(shown(g.key[k]));
            out += "]";
        }
        out += ",";
        metrics_json(out, group_source(g));
        out += "}";
    }
    out += "]}\n";
    return out;
}

}  // namespace s3top
