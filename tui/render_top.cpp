// The header (source, filter, totals) and the time chart.
#include <algorithm>
#include <array>
#include <cmath>

#include "core/report/units.hpp"
#include "core/util/civil_time.hpp"
#include "tui/format.hpp"
#include "tui/render.hpp"
#include "core/report/terminal_text.hpp"

namespace s3top::tui {
namespace {

std::string speed_text(double speed) {
    if (speed >= 10 || speed == std::floor(speed))
        return std::to_string(static_cast<long long>(std::llround(speed))) + "x";
    const std::string s = std::to_string(speed);
    return s.substr(0, s.find('.') + 3) + "x";
}

/// "rejected N" (red when any), "unread N" when inputs were left out, and the key that shows
/// them: what the user clicks or presses to see the problems.
void problem_fields(std::uint64_t rejected, const UiState& ui, std::vector<draw::Field>& counts) {
    const Style dim{Role::Dim}, bad{Role::Bad, true};
    counts.push_back({{"rejected ", dim}, {format_count(rejected, ui.exact), rejected ? bad : Style{}}});
    if (ui.source.unread) counts.push_back({{"unread ", dim}, {std::to_string(ui.source.unread), bad}});
    if (rejected || ui.source.unread)
        counts.back().push_back({" (" + key_label(ui.keys.key(Command::Problems)) + ")", Style{Role::Hotkey}});
}

void source_line(const Snapshot& snap, const UiState& ui, Canvas& c, Rect r) {
    draw::Line line(c, r.x, r.y, r.x + r.w);
    line.add(" s3top ", Style{Role::Focus, true, true}).gap(1);
    const SourceStatus& s = ui.source;
    switch (s.mode) {
        case SourceStatus::Mode::Loading: line.add("loading", Style{Role::Warn, true}); break;
        case SourceStatus::Mode::Loaded: line.add("loaded", Style{Role::Dim}); break;
        case SourceStatus::Mode::Follow: line.add("following", Style{Role::Good, true}); break;
        case SourceStatus::Mode::Replay: {
            // "replay ▶ 60x", "replay 60x paused", "replay done"; speed 0 is "max".
            const std::string speed = s.speed > 0 ? speed_text(s.speed) : std::string("max");
            line.add("replay ", Style{Role::Good, true});
            if (s.done) {
                line.add("done", Style{Role::Dim, true});
            } else if (s.paused) {
                line.add(speed + " paused", Style{Role::Warn, true});
            } else {
                line.add(std::string(c.glyph("▶ ", "> ")) + speed, Style{Role::Good, true});
            }
            if (s.clock) line.add(" at ", Style{Role::Dim}).add(format_iso8601(s.clock));
            break;
        }
    }
    line.gap(2);
    const bool exact = ui.exact;
    const Style dim{Role::Dim}, normal{};
    // With --dedupe request-id, records delivered twice are dropped as rejections: shown apart
    // (`dup N`), so `rejected` is only lines that are wrong.
    const std::uint64_t dups = s.dedupe ? snap.lines.of(RejectReason::DuplicateRequestId) : 0;
    const std::uint64_t rejected = snap.lines.rejected_total() - dups;
    // Counts show whole or not at all; rejected comes before dup and files so it is the last to go.
    std::vector<draw::Field> counts = {
        {{"lines ", dim}, {format_count(snap.lines.read, exact), normal}},
        {{"parsed ", dim}, {format_count(snap.lines.parsed, exact), normal}},
    };
    problem_fields(rejected, ui, counts);
    if (s.dedupe) counts.push_back({{"dup ", dim}, {format_count(dups, exact), normal}});
    // Blank and header lines, a file that is no log: no records, so never "rejected".
    if (const auto ignored = snap.lines.ignored_total())
        counts.push_back({{"ignored ", dim}, {format_count(ignored, exact), normal}});
    counts.push_back({{std::to_string(s.files), normal}, {s.files == 1 ? " file" : " files", dim}});
    draw::fields(c, line, counts);
    if (!s.note.empty() && line.remaining() > 2) {
        line.gap(2);
        c.put_fit(line.x(), r.y, s.note, line.remaining(), Style{Role::Dim});
    }
}

void filter_line(const Snapshot& snap, const UiState& ui, Canvas& c, Rect r) {
    draw::Line line(c, r.x, r.y, r.x + r.w);
    line.add(" Filter ", Style{Role::Title, true});
    // The snapshot's filter is what the numbers show; the UI's may be newer (refresh pending).
    const Filter& f = ui.filter;
    if (f.empty()) {
        const std::string how = "(Enter drills into a row, " + key_label(ui.keys.key(Command::Filter)) +
                                " types a filter, " + key_label(ui.keys.key(Command::OrgPicker)) + " picks an org)";
        line.add("none", Style{Role::Dim}).gap(2).add(how, Style{Role::Dim});
        return;
    }
    const bool pending = !(f == snap.view.filter);
    const int room = line.remaining() - (pending ? 12 : 0);
    const int used = c.put_fit(line.x(), r.y, f.to_string(), room, Style{Role::Warn, true});
    line.gap(used);
    if (pending) line.gap(2).add(c.glyph("updating…", "updating..."), Style{Role::Dim});
}

void totals_line(const Snapshot& snap, const UiState& ui, Canvas& c, Rect r) {
    draw::Line line(c, r.x, r.y, r.x + r.w);
    const Metrics& t = snap.totals;
    const bool x = ui.exact;
    const Style label{Role::Dim}, value{Role::Normal, true};
    line.gap(1);
    std::vector<draw::Field> totals;
    // A sum that stopped at 2^64-1 is a lower bound: say so first, where it cannot be dropped.
    if (t.overflow) totals.push_back({{"OVERFLOW: sums passed 2^64-1, not exact", Style{Role::Bad, true}}});
    totals.push_back({{"Requests ", label}, {format_count(t.requests, x), value}});
    totals.push_back({{"Sent ", label}, {bound(t, t.bytes_sent, format_bytes(t.bytes_sent, x)), value}});
    totals.push_back({{"Uploaded ", label}, {bound(t, t.bytes_in, format_bytes(t.bytes_in, x)), value}});
    totals.push_back(
        {{"4xx ", label}, {format_count(t.errors_4xx, x), Style{t.errors_4xx ? Role::Warn : Role::Normal, true}}});
    totals.push_back(
        {{"5xx ", label}, {format_count(t.errors_5xx, x), Style{t.errors_5xx ? Role::Bad : Role::Normal, true}}});
    totals.push_back({{"Clients ", label}, {format_count(snap.distinct_clients, x), value}});
    // What `bill` would charge for it (requests and transfer), and the months that covers.
    if (ui.costs && ui.costs->filter == snap.view.filter && ui.costs->to > ui.costs->from) {
        const OrgCosts& k = *ui.costs;
        totals.push_back({{"Cost ", label},
                          {format_money(k.total) + " " + k.currency, value},
                          {" " + bucket_label(Dim::Day, k.from) + ".." + bucket_label(Dim::Day, k.to - 1), label}});
    }
    draw::fields(c, line, totals);
}

std::uint64_t metric_of(const SeriesPoint& p, ChartMetric m) {
    return m == ChartMetric::BytesSent ? p.bytes_sent : p.requests;
}

std::string format_metric(std::uint64_t v, ChartMetric m, bool exact) {
    return m == ChartMetric::BytesSent ? format_bytes(v, exact) : format_count(v, exact);
}

}  // namespace

void render_header(const Snapshot& snap, const UiState& ui, Canvas& c, Rect r) {
    source_line(snap, ui, c, Rect{r.x, r.y, r.w, 1});
    filter_line(snap, ui, c, Rect{r.x, r.y + 1, r.w, 1});
    totals_line(snap, ui, c, Rect{r.x, r.y + 2, r.w, 1});
}

void render_chart(const Snapshot& snap, const UiState& ui, Canvas& c, Rect r) {
    if (r.h < 3) return;
    const ChartMetric metric = ui.chart;
    const Dim res = snap.view.resolution;
    const int rows = r.h - 2;
    const auto& series = snap.series;

    // The gutter fits the widest label any column could need (the grand total), so it does not
    // change width, and with it the folding, as values move.
    std::uint64_t grand = 0;
    for (const auto& p : series) grand += metric_of(p, metric);
    const int gutter = std::max(display_width(format_metric(grand, metric, ui.exact)), ui.exact ? 1 : 8) + 1;
    // Buckets per column: the whole range always shows; long ranges fold buckets together.
    const auto plot_cols = static_cast<std::size_t>(std::max(1, r.w - gutter));
    const std::size_t group = series.empty() ? 1 : (series.size() + plot_cols - 1) / plot_cols;
    std::vector<std::uint64_t> values(series.empty() ? 0 : (series.size() + group - 1) / group, 0);
    for (std::size_t i = 0; i < series.size(); ++i) values[i / group] += metric_of(series[i], metric);
    const std::uint64_t peak = values.empty() ? 0 : *std::max_element(values.begin(), values.end());

    // Title line: what, at which resolution, the peak, the range; optional parts only when they fit.
    draw::Line title(c, r.x, r.y, r.x + r.w);
    title.add(c.glyph("▌", "|"), Style{Role::Chart}).add(chart_title(metric, res), Style{Role::Title, true});
    auto optional = [&](const std::vector<std::pair<std::string, Style>>& parts) {
        int w = 2;
        for (const auto& [t, st] : parts) w += display_width(t);
        if (w > title.remaining()) return;
        title.gap(2);
        for (const auto& [t, st] : parts) title.add(t, st);
    };
    const Style dim{Role::Dim};
    if (group > 1) optional({{std::to_string(group) + " " + std::string(resolution_name(res)) + "s per column", dim}});
    if (!series.empty()) {
        optional({{"peak ", dim}, {format_metric(peak, metric, ui.exact), Style{Role::Normal, true}}});
        optional({{bucket_label(res, series.front().start), dim},
                  {std::string(c.glyph(" → ", " -> ")), dim},
                  {bucket_label(res, series.back().start) + " UTC", dim}});
    }
    if (values.empty() || peak == 0) {
        const std::string_view msg = snap.totals.requests ? "nothing to chart" : "no requests match";
        c.put(r.x + std::max(0, (r.w - static_cast<int>(msg.size())) / 2), r.y + 1 + rows / 2, msg, dim);
        return;
    }

    // Y axis labels in the gutter.
    c.put_fit(r.x, r.y + 1, format_metric(peak, metric, ui.exact), gutter - 1, dim, true);
    c.put_fit(r.x, r.y + rows, "0", gutter - 1, dim, true);

    const int plot_x = r.x + gutter, plot_w = r.w - gutter;
    const int colw = std::max(1, plot_w / static_cast<int>(values.size()));
    const int barw = colw >= 3 ? colw - 1 : colw;  // a gap between wide bars
    static constexpr std::array<std::string_view, 8> kBlocks = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    const Style bar{Role::Chart};
    const long levels = static_cast<long>(rows) * 8;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const int x = plot_x + static_cast<int>(i) * colw;
        if (x + barw > r.x + r.w) break;
        long level =
            std::lround(static_cast<double>(values[i]) / static_cast<double>(peak) * static_cast<double>(levels));
        if (level == 0 && values[i] > 0) level = 1;  // any traffic shows
        for (int row = 0; row < rows; ++row) {
            const long in_cell = std::min(8L, level - static_cast<long>(row) * 8);
            if (in_cell <= 0) break;
            std::string_view g;
            if (c.unicode()) {
                g = kBlocks[static_cast<std::size_t>(in_cell - 1)];
            } else {
                g = in_cell == 8 ? "#" : in_cell >= 4 ? ":" : ".";
            }
            for (int k = 0; k < barw; ++k) c.put(x + k, r.y + rows - row, g, bar);
        }
    }

    // Time axis: first and last bucket, and the middle one when there is room.
    const int axis_y = r.y + r.h - 1;
    const std::string first = bucket_label(res, series.front().start);
    const std::string last = bucket_label(res, series.back().start);
    c.put(plot_x, axis_y, first, dim);
    const int used_w = std::min(plot_w, static_cast<int>(values.size()) * colw);
    const int last_x = std::max(plot_x + display_width(first) + 2, plot_x + used_w - display_width(last));
    if (values.size() > 1 && last_x + display_width(last) <= r.x + r.w) c.put(last_x, axis_y, last, dim);
    const std::size_t mid = values.size() / 2;
    const int mid_x = plot_x + static_cast<int>(mid) * colw;
    const std::string mid_label = bucket_label(res, series[mid * group].start);
    if (values.size() > 2 && mid_x > plot_x + display_width(first) + 2 && mid_x + display_width(mid_label) + 2 < last_x)
        c.put(mid_x, axis_y, mid_label, dim);
}

}  // namespace s3top::tui
