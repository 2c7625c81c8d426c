#include "core/report/report_writer.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/report/escape.hpp"
#include "core/report/text_table.hpp"
#include "core/report/units.hpp"
#include "core/util/civil_time.hpp"

namespace s3top {
namespace {

std::string shown(const std::string& v) { return v.empty() ? std::string("-") : v; }

}  // namespace

std::string report_table(const ReportResult& r, const TableOptions& opt) {
    auto bytes = [&](std::uint64_t v) { return opt.human ? human_bytes(v) : grouped(v); };
    auto count = [&](std::uint64_t v) { return opt.human ? human_count(v) : grouped(v); };
    std::vector<std::string> headers;
    for (const auto& d : r.by) headers.push_back(dim_title(d));
    for (const char* h : {"Requests", "Bytes sent", "Uploaded", "4xx", "5xx", "Clients", "p50 ms", "p95 ms", "Share"})
        headers.emplace_back(h);
    const std::size_t nkeys = r.by.size();
    std::vector<std::vector<std::string>> rows;
    for (const auto& g : r.groups) {
        std::vector<std::string> row;
        for (const auto& k : g.key) row.push_back(truncate_to_width(shown(k), static_cast<int>(opt.max_key_width)));
        const double share = r.totals.bytes_sent ? 100.0 * static_cast<double>(g.metrics.bytes_sent) /
                                                       static_cast<double>(r.totals.bytes_sent)
                                                 : 0.0;
        row.push_back(count(g.metrics.requests));
        row.push_back(bound(g.metrics, g.metrics.bytes_sent, bytes(g.metrics.bytes_sent)));
        row.push_back(bound(g.metrics, g.metrics.bytes_in, bytes(g.metrics.bytes_in)));
        row.push_back(count(g.metrics.errors_4xx));
        row.push_back(count(g.metrics.errors_5xx));
        row.push_back(count(g.distinct_clients));
        row.push_back(g.timed_requests ? std::to_string(g.p50_ms) : "-");
        row.push_back(g.timed_requests ? std::to_string(g.p95_ms) : "-");
        row.push_back(fmt::format("{:.1f}%", share));
        rows.push_back(std::move(row));
    }
    std::vector<std::string> total_row(nkeys, "");
    if (nkeys) total_row[0] = "TOTAL";
    for (auto v : {count(r.totals.requests), bound(r.totals, r.totals.bytes_sent, bytes(r.totals.bytes_sent)),
                   bound(r.totals, r.totals.bytes_in, bytes(r.totals.bytes_in)),
                   count(r.totals.errors_4xx), count(r.totals.errors_5xx), count(r.distinct_clients)})
        total_row.push_back(v);
    total_row.insert(total_row.end(), {"", "", "100.0%"});

    rows.insert(rows.begin(), std::move(headers));
    rows.push_back(std::move(total_row));
    std::string out = text_table(rows, nkeys, true, true);
    out += fmt::format("{} groups{}; lines read {}, parsed {}, rejected {}", grouped(r.total_groups),
                       r.groups.size() < r.total_groups ? fmt::format(" (top {} shown)", r.groups.size()) : "",
                       grouped(r.lines.read), grouped(r.lines.parsed), grouped(r.lines.rejected_total()));
    if (r.no_request_id)
        out += fmt::format(" (duplicate records {}); no request id {}",
                           grouped(r.lines.rejected[static_cast<std::size_t>(RejectReason::DuplicateRequestId)]),
                           grouped(*r.no_request_id));
    if (r.totals.requests)
        out += fmt::format("; {} .. {}", format_iso8601(r.min_time), format_iso8601(r.max_time));
    if (!r.filter.empty()) out += "; filter: " + terminal_safe(r.filter.to_string());
    out += "\n";
    if (r.totals.overflow) out += std::string(overflow_note()) + "\n";
    return out;
}

std::string report_csv(const ReportResult& r) {
    std::string out;
    for (const auto& d : r.by) out += csv_cell(dim_name(d)) + ",";
    out += "requests,bytes_sent,bytes_uploaded,errors_4xx,errors_5xx,get_class,put_class,distinct_clients,total_time_ms,"
           "p50_ms,p95_ms\r\n";
    for (const auto& g : r.groups) {
        for (const auto& k : g.key) out += csv_cell(shown(k)) + ",";
        const Metrics& m = g.metrics;
        auto exact = [&](std::uint64_t v) { return bound(m, v, std::to_string(v)); };
        out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\r\n", m.requests, exact(m.bytes_sent), exact(m.bytes_in),
                           m.errors_4xx, m.errors_5xx, m.get_class, m.put_class, g.distinct_clients,
                           exact(m.total_time_ms),
                           g.timed_requests ? std::to_string(g.p50_ms) : "", g.timed_requests ? std::to_string(g.p95_ms) : "");
    }
    if (r.no_request_id)
        out += csv_line_counters(r.lines.rejected[static_cast<std::size_t>(RejectReason::DuplicateRequestId)],
                                 *r.no_request_id);
    return out;
}

namespace {
void metrics_json(std::string& out, const Metrics& m) {
    out += fmt::format(
        "\"requests\":{},\"bytes_sent\":{},\"bytes_uploaded\":{},\"errors_4xx\":{},\"errors_5xx\":{},"
        "\"get_class\":{},\"put_class\":{},\"total_time_ms\":{}",
        m.requests, m.bytes_sent, m.bytes_in, m.errors_4xx, m.errors_5xx, m.get_class, m.put_class, m.total_time_ms);
    if (m.overflow) out += ",\"overflow\":true";  // the fields at 2^64-1 are lower bounds
}
}  // namespace

std::string report_json(const ReportResult& r) {
    std::string out = "{";
    out += fmt::format("\"lines\":{{\"read\":{},\"parsed\":{},\"rejected\":{},\"bytes\":{},\"rejected_by_reason\":{{",
                       r.lines.read, r.lines.parsed, r.lines.rejected_total(), r.lines.bytes);
    bool first = true;
    for (std::size_t i = 0; i < kRejectReasonCount; ++i) {
        if (!r.lines.rejected[i]) continue;
        if (!first) out += ",";
        first = false;
        out += fmt::format("\"{}\":{}", reject_reason_name(static_cast<RejectReason>(i)), r.lines.rejected[i]);
    }
    out += "}";
    if (r.no_request_id)  // --dedupe request-id: duplicates are also in rejected_by_reason
        out += fmt::format(",\"duplicate_records\":{},\"no_request_id\":{}",
                           r.lines.rejected[static_cast<std::size_t>(RejectReason::DuplicateRequestId)], *r.no_request_id);
    out += "},\"totals\":{";
    metrics_json(out, r.totals);
    out += fmt::format(",\"distinct_clients\":{}}}", r.distinct_clients);
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
        metrics_json(out, g.metrics);
        out += fmt::format(",\"distinct_clients\":{}", g.distinct_clients);
        if (g.timed_requests) {
            out += fmt::format(",\"p50_ms\":{},\"p95_ms\":{}", g.p50_ms, g.p95_ms);
        } else {
            out += ",\"p50_ms\":null,\"p95_ms\":null";
        }
        out += "}";
    }
    out += "]}\n";
    return out;
}

}  // namespace s3top
