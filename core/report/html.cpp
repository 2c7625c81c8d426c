#include "core/report/html.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/report/escape.hpp"
#include "core/report/html_assets.hpp"
#include "core/report/units.hpp"
#include "core/util/civil_time.hpp"

namespace s3top::html {

Cell Cell::number(std::uint64_t v, std::string shown) { return Cell{std::move(shown), std::to_string(v)}; }
Cell Cell::signed_number(std::int64_t v, std::string shown) { return Cell{std::move(shown), std::to_string(v)}; }

std::string page(std::string_view title, std::string_view body) {
    std::string out;
    out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    out += fmt::format(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src '{}'; script-src '{}'; "
        "img-src data:; base-uri 'none'; form-action 'none'\">\n",
        kStyleHash, kScriptHash);
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out += "<meta name=\"referrer\" content=\"no-referrer\">\n";
    out += "<title>" + html_escape(title) + "</title>\n<style>";
    out += kStyle;
    out += "</style>\n</head>\n<body>\n";
    out += body;
    out += "<script>";
    out += kScript;
    out += "</script>\n</body>\n</html>\n";
    return out;
}

std::string table(std::string_view id, const std::vector<std::string>& headers, const std::vector<bool>& numeric,
                  const std::vector<std::vector<Cell>>& rows, const std::vector<Cell>& footer) {
    auto cell = [&](const Cell& c, std::size_t i, const char* tag) {
        const bool num = i < numeric.size() && numeric[i];
        std::string s = fmt::format("<{} class=\"{}\"", tag, num ? "n" : "k");
        if (c.sort) s += " data-v=\"" + html_escape(*c.sort) + "\"";
        return s + ">" + html_escape(c.text) + "</" + tag + ">";
    };
    std::string out = "<table class=\"sortable\" id=\"" + html_escape(id) + "\">\n<thead><tr>";
    for (std::size_t i = 0; i < headers.size(); ++i)
        out += fmt::format("<th class=\"{}\" scope=\"col\">{}</th>", i < numeric.size() && numeric[i] ? "n" : "k",
                           html_escape(headers[i]));
    out += "</tr></thead>\n<tbody>\n";
    for (const auto& row : rows) {
        out += "<tr>";
        for (std::size_t i = 0; i < row.size(); ++i) out += cell(row[i], i, "td");
        out += "</tr>\n";
    }
    out += "</tbody>\n";
    if (!footer.empty()) {
        out += "<tfoot><tr>";
        for (std::size_t i = 0; i < footer.size(); ++i) out += cell(footer[i], i, "td");
        out += "</tr></tfoot>\n";
    }
    return out + "</table>\n";
}

std::string time_chart_svg(const std::vector<SeriesPoint>& series, Dim resolution) {
    constexpr int kW = 960, kH = 200, kPad = 24;
    if (series.empty()) return "<p class=\"meta\">No requests in range.</p>\n";
    std::uint64_t max = 1;
    for (const auto& p : series) max = std::max(max, p.bytes_sent);
    const double bw = static_cast<double>(kW - 2 * kPad) / static_cast<double>(series.size());
    std::string out = fmt::format(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" role=\"img\" "
        "aria-label=\"Bytes sent per {}\">\n",
        kW, kH + 2 * kPad, html_escape(dim_name(DimSpec{resolution, 0})));
    out += fmt::format("<text x=\"{}\" y=\"16\" font-size=\"12\" fill=\"#555\">bytes sent per {} (max {})</text>\n", kPad,
                       html_escape(dim_name(DimSpec{resolution, 0})), html_escape(human_bytes(max)));
    for (std::size_t i = 0; i < series.size(); ++i) {
        const auto& p = series[i];
        const double h = static_cast<double>(kH) * static_cast<double>(p.bytes_sent) / static_cast<double>(max);
        out += fmt::format(
            "<rect x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{:.2f}\" fill=\"#3b7dd8\"><title>{}: {} sent, {} "
            "requests</title></rect>\n",
            kPad + bw * static_cast<double>(i), kPad + kH - h, std::max(bw - 1.0, 0.5), h,
            html_escape(bucket_label(resolution, p.start)), html_escape(human_bytes(p.bytes_sent)),
            html_escape(grouped(p.requests)));
    }
    out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#555\">{}</text>\n", kPad, kH + 2 * kPad - 4,
                       html_escape(bucket_label(resolution, series.front().start)));
    out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#555\" text-anchor=\"end\">{}</text>\n", kW - kPad,
                       kH + 2 * kPad - 4, html_escape(bucket_label(resolution, series.back().start)));
    return out + "</svg>\n";
}

std::string totals(const std::vector<std::pair<std::string, std::string>>& items) {
    std::string out = "<dl class=\"totals\">";
    for (const auto& [k, v] : items) out += "<div><dt>" + html_escape(k) + "</dt><dd>" + html_escape(v) + "</dd></div>";
    return out + "</dl>\n";
}

}  // namespace s3top::html

namespace s3top {

namespace {
std::string shown(const std::string& v) { return v.empty() ? std::string("-") : v; }

std::vector<html::Cell> metric_cells(const Metrics& m) {
    using html::Cell;
    return {Cell::number(m.requests, grouped(m.requests)),
            Cell::number(m.bytes_sent, bound(m, m.bytes_sent, human_bytes(m.bytes_sent))),
            Cell::number(m.bytes_in, bound(m, m.bytes_in, human_bytes(m.bytes_in))),
            Cell::number(m.errors_4xx, grouped(m.errors_4xx)),
            Cell::number(m.errors_5xx, grouped(m.errors_5xx)), Cell::number(m.get_class, grouped(m.get_class)),
            Cell::number(m.put_class, grouped(m.put_class))};
}
const std::vector<std::string> kMetricHeaders = {"Requests", "Bytes sent", "Uploaded", "4xx", "5xx", "GET-class", "PUT-class"};
}  // namespace

std::string report_html(const ReportResult& r, const Snapshot& s) {
    using html::Cell;
    std::string body = "<h1>s3top usage report</h1>\n<p class=\"meta\">";
    if (r.totals.requests)
        body += html_escape(format_iso8601(r.min_time)) + " .. " + html_escape(format_iso8601(r.max_time)) + " (UTC)";
    if (!r.filter.empty()) body += " · filter: <code>" + html_escape(r.filter.to_string()) + "</code>";
    body += fmt::format(" · lines read {}, parsed {}, rejected {}</p>\n", grouped(r.lines.read), grouped(r.lines.parsed),
                        grouped(r.lines.rejected_total()));
    body += html::totals({{"Requests", grouped(r.totals.requests)},
                          {"Bytes sent", bound(r.totals, r.totals.bytes_sent, human_bytes(r.totals.bytes_sent))},
                          {"Uploaded", bound(r.totals, r.totals.bytes_in, human_bytes(r.totals.bytes_in))},
                          {"4xx", grouped(r.totals.errors_4xx)},
                          {"5xx", grouped(r.totals.errors_5xx)},
                          {"GET-class", grouped(r.totals.get_class)},
                          {"PUT-class", grouped(r.totals.put_class)},
                          {"Clients", grouped(r.distinct_clients)}});
    if (r.totals.overflow) body += "<p class=\"bad\">" + html_escape(overflow_note()) + "</p>\n";
    body += "<h2>Over time</h2>\n" + html::time_chart_svg(s.series, s.view.resolution);

    // The grouped table (the report itself).
    std::vector<std::string> headers;
    std::vector<bool> numeric;
    std::string by_names;
    for (const auto& d : r.by) {
        headers.push_back(dim_title(d));
        numeric.push_back(false);
        by_names += (by_names.empty() ? "" : ", ") + dim_title(d);
    }
    for (const auto& h : kMetricHeaders) {
        headers.push_back(h);
        numeric.push_back(true);
    }
    for (const char* h : {"Clients", "p50 ms", "p95 ms"}) {
        headers.emplace_back(h);
        numeric.push_back(true);
    }
    std::vector<std::vector<Cell>> rows;
    for (const auto& g : r.groups) {
        std::vector<Cell> row;
        for (const auto& k : g.key) row.push_back(Cell::text_of(shown(k)));
        for (auto& c : metric_cells(g.metrics)) row.push_back(std::move(c));
        row.push_back(Cell::number(g.distinct_clients, grouped(g.distinct_clients)));
        row.push_back(g.timed_requests ? Cell::number(g.p50_ms, std::to_string(g.p50_ms)) : Cell{"-", "-1"});
        row.push_back(g.timed_requests ? Cell::number(g.p95_ms, std::to_string(g.p95_ms)) : Cell{"-", "-1"});
        rows.push_back(std::move(row));
    }
    body += "<h2>By " + html_escape(by_names) + "</h2>\n";
    if (r.groups.size() < r.total_groups)
        body += fmt::format("<p class=\"meta\">top {} of {} groups</p>\n", r.groups.size(), r.total_groups);
    body += html::table("groups", headers, numeric, rows);

    // The panels.
    for (std::size_t pi = 0; pi < s.panels.size(); ++pi) {
        const PanelData& p = s.panels[pi];
        std::vector<std::string> ph{dim_title(p.spec.dim)};
        std::vector<bool> pn{false};
        for (const auto& h : kMetricHeaders) {
            ph.push_back(h);
            pn.push_back(true);
        }
        std::vector<std::vector<Cell>> prows;
        for (const auto& row : p.rows) {
            std::vector<Cell> cells{Cell::text_of(shown(row.label))};
            for (auto& c : metric_cells(row.metrics)) cells.push_back(std::move(c));
            prows.push_back(std::move(cells));
        }
        body += "<h2>" + html_escape(dim_title(p.spec.dim)) + "</h2>\n";
        if (p.rows.size() < p.groups)
            body += fmt::format("<p class=\"meta\">top {} of {}</p>\n", p.rows.size(), p.groups);
        body += html::table("panel-" + dim_name(p.spec.dim), ph, pn, prows);
    }
    return html::page("s3top usage report", body);
}

}  // namespace s3top
