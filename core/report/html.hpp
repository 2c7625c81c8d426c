#pragma once
// Self-contained HTML pages: no network, no external assets, a strict Content-Security-Policy
// that lets only s3top's own style and sorting script apply. Every string goes through
// html_escape; data never enters script context (sort keys are integers in data-v).
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/agg/engine.hpp"
#include "core/agg/snapshot.hpp"

namespace s3top::html {

/// A table cell: text (raw; escaped when written) and an optional integer sort key.
struct Cell {
    std::string text;
    std::optional<std::string> sort;  ///< decimal integer, for numeric columns
    std::string detail = {};          ///< a smaller second line (the exact figure under a rounded one)
    std::string title = {};           ///< shown on hover (the exact amount of a rounded one)
    static Cell text_of(std::string s) { return Cell{std::move(s), std::nullopt}; }
    static Cell number(std::uint64_t v, std::string shown);
    static Cell signed_number(std::int64_t v, std::string shown);
};

/// A whole document around `body` (already HTML), titled `title` (raw).
std::string page(std::string_view title, std::string_view body);

/// A sortable table; `numeric[i]` right-aligns column i. `footer` (optional) stays below.
std::string table(std::string_view id, const std::vector<std::string>& headers, const std::vector<bool>& numeric,
                  const std::vector<std::vector<Cell>>& rows, const std::vector<Cell>& footer = {});

/// Horizontal bars of bytes sent per row (at most `n`), labelled, as inline SVG.
std::string bars_svg(const std::vector<PanelRow>& rows, std::size_t n, std::string_view what);

/// Bars of bytes sent per time bucket as inline SVG, with a <title> per bar.
std::string time_chart_svg(const std::vector<SeriesPoint>& series, Dim resolution);

/// A labelled total, with an optional smaller second line.
struct Total {
    std::string label, value, detail = {};
};

/// A definition list of labelled totals.
std::string totals(const std::vector<Total>& items);

/// Keys longer than this may wrap in a table cell; shorter ones never do (no org name broken
/// at its hyphen or one letter a line).
inline constexpr std::size_t kWrapKeyChars = 32;

}  // namespace s3top::html

namespace s3top {

/// One org's view of the page: its snapshot (the report's filter and org=label).
struct HtmlView {
    std::string label;  ///< the org as stored (empty: no org)
    Snapshot snapshot;
};

struct OrgViews {
    std::vector<HtmlView> views;
    std::uint64_t orgs = 0;  ///< distinct orgs under the filter (views holds the top ones)
};

/// Orgs an HTML report carries a view of (its picker lists them, the most bytes first).
inline constexpr std::size_t kHtmlOrgs = 25;

/// A view's snapshot, or why it could not be made (the records are elsewhere: ClickHouse).
using SnapshotOf = std::function<std::expected<Snapshot, std::string>(const ViewSpec&)>;

/// The `n` orgs with the most bytes sent under `base`'s filter, each with its own snapshot of
/// `base`'s panels and chart (for the page's org picker); the first error `snapshot` returns.
std::expected<OrgViews, std::string> org_views(const SnapshotOf& snapshot, const ViewSpec& base, std::size_t n);
/// org_views() of the engine's records.
OrgViews org_views(const Engine& engine, const ViewSpec& base, std::size_t n);

/// The view an HTML report of `spec` draws beside `result`: its filter, a panel of each of
/// `panels` (their top 50 in its order), a chart of at most a few hundred bars over its time
/// range.
ViewSpec html_view_spec(const ReportSpec& spec, const ReportResult& result, const std::vector<DimSpec>& panels);

/// The report as one HTML page: totals, the time chart, the grouped table and the snapshot's
/// panels as bar charts and sortable tables. With `orgs`, a picker shows one org's totals,
/// chart and panels instead of everyone's (all inlined; the page's script switches them).
std::string report_html(const ReportResult& r, const Snapshot& s, const OrgViews& orgs = {});

}  // namespace s3top
