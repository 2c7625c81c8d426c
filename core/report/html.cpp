#include "core/report/unread_writer.hpp"
#include "core/report/html.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/report/escape.hpp"
#include "core/report/line_counts.hpp"
#include "core/report/html_assets.hpp"
#include "core/report/metric_columns.hpp"
#include "core/report/report_writer.hpp"
#include "core/report/terminal_text.hpp"
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
        std::string s = fmt::format("<{} class=\"{}\"", tag,
                                    num                             ? "n"
                                    : c.text.size() > kWrapKeyChars ? "k long"
                                                                    : "k");
        if (c.sort) s += " data-v=\"" + html_escape(*c.sort) + "\"";
        if (!c.title.empty()) s += " title=\"" + html_escape(c.title) + "\"";
        s += ">" + html_escape(c.text);
        if (!c.detail.empty()) s += "<small>" + html_escape(c.detail) + "</small>";
        return s + "</" + tag + ">";
    };
    std::string out = "<div class=\"wide\"><table class=\"sortable\" id=\"" + html_escape(id) + "\">\n<thead><tr>";
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
    return out + "</table></div>\n";
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
    out += fmt::format("<text x=\"{}\" y=\"16\" font-size=\"12\" fill=\"#555\">bytes sent per {} (max {})</text>\n",
                       kPad, html_escape(dim_name(DimSpec{resolution, 0})), html_escape(human_bytes(max)));
    for (std::size_t i = 0; i < series.size(); ++i) {
        const auto& p = series[i];
        const double h = static_cast<double>(kH) * static_cast<double>(p.bytes_sent) / static_cast<double>(max);
        out += fmt::format(
            "<rect x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{:.2f}\" fill=\"#3b7dd8\"><title>{}: {} sent, "
            "{} "
            "requests</title></rect>\n",
            kPad + bw * static_cast<double>(i), kPad + kH - h, std::max(bw - 1.0, 0.5), h,
            html_escape(bucket_label(resolution, p.start)), html_escape(human_bytes(p.bytes_sent)),
            html_escape(grouped(p.requests)));
    }
    out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#555\">{}</text>\n", kPad, kH + 2 * kPad - 4,
                       html_escape(bucket_label(resolution, series.front().start)));
    out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#555\" text-anchor=\"end\">{}</text>\n",
                       kW - kPad, kH + 2 * kPad - 4, html_escape(bucket_label(resolution, series.back().start)));
    return out + "</svg>\n";
}

std::string bars_svg(const std::vector<PanelRow>& rows, std::size_t n, std::string_view what) {
    constexpr int kW = 480, kRow = 20, kLabel = 200, kValue = 70, kTop = 4;
    const std::size_t shown_rows = std::min(n, rows.size());
    if (shown_rows == 0) return {};
    std::uint64_t max = 1;
    for (std::size_t i = 0; i < shown_rows; ++i) max = std::max(max, rows[i].metrics.bytes_sent);
    const int h = kTop * 2 + kRow * static_cast<int>(shown_rows);
    std::string out = fmt::format(
        "<svg class=\"bars\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" role=\"img\" "
        "aria-label=\"Bytes sent by {}\">\n",
        kW, h, html_escape(what));
    for (std::size_t i = 0; i < shown_rows; ++i) {
        const PanelRow& r = rows[i];
        const std::string label = r.label.empty() ? std::string("-") : r.label;
        // Cut in the middle: two long values that share a start or an end stay apart.
        const std::string cut = truncate_middle(label, 26);
        const double y = kTop + kRow * static_cast<double>(i);
        const double w = static_cast<double>(kW - kLabel - kValue) * static_cast<double>(r.metrics.bytes_sent) /
                         static_cast<double>(max);
        out += fmt::format(
            "<g><title>{}: {} sent, {} requests</title><text x=\"{}\" y=\"{:.1f}\" font-size=\"12\" "
            "text-anchor=\"end\">{}</text><rect x=\"{}\" y=\"{:.1f}\" width=\"{:.2f}\" height=\"{}\" "
            "fill=\"#3b7dd8\"/><text x=\"{:.2f}\" y=\"{:.1f}\" font-size=\"11\">{}</text></g>\n",
            html_escape(label), html_escape(human_bytes(r.metrics.bytes_sent)),
            html_escape(grouped(r.metrics.requests)), kLabel - 6, y + 14, html_escape(cut), kLabel, y + 3,
            std::max(w, 0.5), kRow - 6, kLabel + w + 4, y + 14, html_escape(human_bytes(r.metrics.bytes_sent)));
    }
    return out + "</svg>\n";
}

std::string totals(const std::vector<Total>& items) {
    std::string out = "<dl class=\"totals\">";
    for (const auto& t : items) {
        out += "<div><dt>" + html_escape(t.label) + "</dt><dd>" + html_escape(t.value);
        if (!t.detail.empty()) out += "<small>" + html_escape(t.detail) + "</small>";
        out += "</dd></div>";
    }
    return out + "</dl>\n";
}

}  // namespace s3top::html

namespace s3top {

namespace {
std::string shown(const std::string& v) { return v.empty() ? std::string("-") : v; }

/// A value as the HTML report shows it: grouped digits, human bytes, a saturated sum marked.
std::string html_text(const MetricColumn& col, const Metrics& m, std::uint64_t v) {
    std::string t = col.unit == MetricUnit::Bytes                                     ? human_bytes(v)
                    : col.unit == MetricUnit::Count || col.unit == MetricUnit::Millis ? grouped(v)
                                                                                      : std::to_string(v);
    return col.saturates ? bound(m, v, std::move(t)) : t;
}

/// The HTML report's columns; `sums_only` for a panel, whose rows have their Metrics only.
std::vector<MetricColumn> html_columns(bool sums_only) {
    auto columns = metric_columns(kWriteHtml);
    if (sums_only) std::erase_if(columns, [](const MetricColumn& c) { return c.figure != MetricFigure::Sum; });
    return columns;
}

std::vector<html::Cell> metric_cells(const std::vector<MetricColumn>& columns, const MetricSource& src) {
    std::vector<html::Cell> cells;
    for (const auto& col : columns) {
        const auto v = metric_value(col, src);
        cells.push_back(v ? html::Cell::number(*v, html_text(col, src.metrics, *v)) : html::Cell{"-", "-1"});
    }
    return cells;
}
}  // namespace

std::expected<OrgViews, std::string> org_views(const SnapshotOf& snapshot, const ViewSpec& base, std::size_t n) {
    ViewSpec orgs_spec;
    orgs_spec.filter = base.filter;
    orgs_spec.panels = {PanelSpec{DimSpec{Dim::Org, 0}, n, SortBy::Bytes}};
    orgs_spec.resolution = base.resolution;
    auto top = snapshot(orgs_spec);
    if (!top) return std::unexpected(top.error());
    OrgViews out;
    if (top->panels.empty()) return out;
    out.orgs = top->panels.front().groups;
    for (const PanelRow& row : top->panels.front().rows) {
        ViewSpec one = base;
        one.filter.add_eq(DimSpec{Dim::Org, 0}, row.label);
        // The org panel of one org is that org alone.
        std::erase_if(one.panels, [](const PanelSpec& p) { return p.dim.dim == Dim::Org; });
        for (auto& p : one.panels) p.limit = std::min<std::size_t>(p.limit, 20);
        auto view = snapshot(one);
        if (!view) return std::unexpected(view.error());
        out.views.push_back(HtmlView{row.label, std::move(*view)});
    }
    return out;
}

OrgViews org_views(const Engine& engine, const ViewSpec& base, std::size_t n) {
    const SnapshotOf of = [&engine](const ViewSpec& spec) -> std::expected<Snapshot, std::string> {
        View v(spec);
        return engine.refresh(v, 1);
    };
    return *org_views(of, base, n);  // the engine always answers
}

ViewSpec html_view_spec(const ReportSpec& spec, const ReportResult& result, const std::vector<DimSpec>& panels) {
    ViewSpec vs;
    vs.filter = spec.filter;
    for (const DimSpec& d : panels) vs.panels.push_back(PanelSpec{d, 50, spec.sort});
    const std::int64_t span = result.max_time - result.min_time;
    vs.resolution = span <= 6 * 3600      ? Dim::Minute
                    : span <= 14 * 86400  ? Dim::Hour
                    : span <= 400 * 86400 ? Dim::Day
                                          : Dim::Month;
    return vs;
}

namespace {

/// What changes with the org picked: totals, the time chart (and, below the report's own
/// table, the panels). `view` is "all" or the org's index, for the page's script.
std::string view_top(const Snapshot& s, const std::string& view, bool hidden, const std::vector<html::Total>& cards) {
    std::string out = "<div data-view=\"" + view + "\"" + (hidden ? " hidden" : "") + ">\n";
    out += html::totals(cards);
    out += "<h2>Over time</h2>\n" + html::time_chart_svg(s.series, s.view.resolution);
    return out + "</div>\n";
}

std::string view_panels(const Snapshot& s, const std::string& view, bool hidden) {
    using html::Cell;
    const auto panel_columns = html_columns(true);
    std::string out = "<div class=\"panels\" data-view=\"" + view + "\"" + (hidden ? " hidden" : "") + ">\n";
    for (std::size_t pi = 0; pi < s.panels.size(); ++pi) {
        const PanelData& p = s.panels[pi];
        std::vector<std::string> ph{dim_title(p.spec.dim)};
        std::vector<bool> pn{false};
        for (const auto& col : panel_columns) {
            ph.emplace_back(col.heading);
            pn.push_back(true);
        }
        std::vector<std::vector<Cell>> prows;
        for (const auto& row : p.rows) {
            std::vector<Cell> cells{Cell::text_of(shown(row.label))};
            for (auto& c : metric_cells(panel_columns, MetricSource{row.metrics})) cells.push_back(std::move(c));
            prows.push_back(std::move(cells));
        }
        out += "<section class=\"panel\"><h2>" + html_escape(dim_title(p.spec.dim)) + "</h2>\n";
        if (p.rows.size() < p.groups)
            out += fmt::format("<p class=\"meta\">top {} of {}</p>\n", p.rows.size(), grouped(p.groups));
        out += "<div class=\"pbody\">" + html::bars_svg(p.rows, 10, dim_title(p.spec.dim));
        out += html::table("panel-" + view + "-" + dim_name(p.spec.dim), ph, pn, prows);
        out += "</div></section>\n";
    }
    return out + "</div>\n";
}

std::vector<html::Total> sum_cards(const Metrics& m) {
    std::vector<html::Total> items;
    for (const auto& col : html_columns(true)) {
        if (const auto v = metric_value(col, MetricSource{m}))
            items.push_back({std::string(col.heading), html_text(col, m, *v), {}});
    }
    return items;
}

}  // namespace

std::string report_html(const ReportResult& r, const Snapshot& s, const OrgViews& org_views) {
    const std::vector<HtmlView>& orgs = org_views.views;
    using html::Cell;
    std::string body = "<h1>s3top usage report</h1>\n<p class=\"meta\">";
    if (r.totals.requests)
        body += html_escape(format_iso8601(r.min_time)) + " .. " + html_escape(format_iso8601(r.max_time)) + " (UTC)";
    if (!r.filter.empty()) body += " · filter: <code>" + html_escape(r.filter.to_string()) + "</code>";
    body += " · " + html_escape(lines_text(r.lines)) + "</p>\n";
    if (r.totals.overflow) body += "<p class=\"bad\">" + html_escape(overflow_note()) + "</p>\n";
    if (!r.unruled_operations.empty()) {
        body +=
            "<p class=\"bad\">Warning: " + html_escape(unruled_note(r.unruled_tier, r.unruled_operations, "counted")) +
            ".</p>\n";
    }
    body += unread_html(r.unread);
    if (!orgs.empty()) {
        // Disabled until the script runs: without it, the page shows everyone's figures only.
        body +=
            "<p class=\"pick\"><label for=\"view\">Org</label> <select id=\"view\" disabled>"
            "<option value=\"all\" selected>All orgs</option>";
        for (std::size_t i = 0; i < orgs.size(); ++i)
            body += fmt::format("<option value=\"{}\">{}</option>", i,
                                orgs[i].label.empty() ? std::string("- (no org)") : html_escape(orgs[i].label));
        body += "</select>";
        if (org_views.orgs > orgs.size())
            body += fmt::format(" <span class=\"meta\">the {} orgs with the most bytes sent, of {}</span>", orgs.size(),
                                grouped(org_views.orgs));
        body += "</p>\n";
    }
    {
        std::vector<html::Total> items;
        const MetricSource totals = totals_source(r);
        for (const auto& col : html_columns(false)) {
            if (const auto v = metric_value(col, totals))
                items.push_back({std::string(col.heading), html_text(col, r.totals, *v), {}});
        }
        body += view_top(s, "all", false, items);
    }
    for (std::size_t i = 0; i < orgs.size(); ++i)
        body += view_top(orgs[i].snapshot, std::to_string(i), true, sum_cards(orgs[i].snapshot.totals));

    // The grouped table (the report itself).
    std::vector<std::string> headers;
    std::vector<bool> numeric;
    std::string by_names;
    for (const auto& d : r.by) {
        headers.push_back(dim_title(d));
        numeric.push_back(false);
        by_names += (by_names.empty() ? "" : ", ") + dim_title(d);
    }
    const auto group_columns = html_columns(false);
    for (const auto& col : group_columns) {
        headers.emplace_back(col.heading);
        numeric.push_back(true);
    }
    std::vector<std::vector<Cell>> rows;
    for (const auto& g : r.groups) {
        std::vector<Cell> row;
        for (const auto& k : g.key) row.push_back(Cell::text_of(shown(k)));
        for (auto& c : metric_cells(group_columns, group_source(g))) row.push_back(std::move(c));
        rows.push_back(std::move(row));
    }
    body += "<h2>By " + html_escape(by_names) + (orgs.empty() ? "" : " (all orgs)") + "</h2>\n";
    if (r.groups.size() < r.total_groups)
        body += fmt::format("<p class=\"meta\">top {} of {} groups</p>\n", r.groups.size(), r.total_groups);
    body += html::table("groups", headers, numeric, rows);

    body += view_panels(s, "all", false);
    for (std::size_t i = 0; i < orgs.size(); ++i) body += view_panels(orgs[i].snapshot, std::to_string(i), true);
    return html::page("s3top usage report", body);
}

}  // namespace s3top
