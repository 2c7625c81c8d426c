// The header (source, filter, totals) and the time chart.
#include <algorithm>
#include <array>
#include <cmath>
#include <span>

#include "core/report/units.hpp"
#include "core/util/civil_time.hpp"
#include "tui/format.hpp"
#include "tui/render.hpp"
#include "tui/stored_panel.hpp"
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
        case SourceStatus::Mode::Poll: line.add("polling", Style{Role::Good, true}); break;
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
    if (s.mode != SourceStatus::Mode::Poll)
        counts.push_back({{std::to_string(s.files), normal}, {s.files == 1 ? " file" : " files", dim}});
    if (s.copies) counts.push_back({{"copies skipped ", dim}, {format_count(s.copies, exact), normal}});
    draw::fields(c, line, counts);
    if (!s.error.empty() && line.remaining() > 2) {  // first: it is what the numbers cannot say
        line.gap(2);
        line.gap(c.put_fit(line.x(), r.y, s.error, line.remaining(), Style{Role::Bad, true}));
    }
    std::string note = source_note(s);
    if (display_width(note) > line.remaining() - 2) note = source_note(s, true);  // the time, not the paths
    if (!note.empty() && line.remaining() > 2) {
        line.gap(2);
        const bool waiting = s.mode == SourceStatus::Mode::Follow && s.files == 0 && !s.watching.empty();
        c.put_fit(line.x(), r.y, note, line.remaining(), waiting ? Style{Role::Warn, true} : Style{Role::Dim});
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
    if (pending) {
        line.gap(2).add(c.glyph("updating…", "updating..."), Style{Role::Dim});
    } else if (ui.costs && ui.costs->filter == f && ui.costs->storage && ui.costs->stored_narrowed) {
        // The Stored column, the Stored panel and the chart keep the terms storage knows.
        line.gap(2).add("(stored: its org, bucket and key terms only)", Style{Role::Dim});
    }
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
    if (ui.costs && ui.costs->filter == snap.view.filter && !ui.costs->error.empty()) {
        totals.push_back({{"Cost ", label}, {"not known: " + ui.costs->error, Style{Role::Bad, true}}});
    } else if (ui.costs && ui.costs->filter == snap.view.filter && ui.costs->to > ui.costs->from) {
        const OrgCosts& k = *ui.costs;
        // A cost of other records than those shown (asked of an earlier snapshot: the load goes
        // on, or the answer for these is on its way) is dimmed and says so.
        const bool stale = k.records != snap.records;
        draw::Field cost{{"Cost ", label},
                         {format_money(k.total) + " " + k.currency, stale ? label : value},
                         {" " + bucket_label(Dim::Day, k.from) + ".." + bucket_label(Dim::Day, k.to - 1), label}};
        if (stale) cost.emplace_back(c.glyph(" updating…", " updating..."), Style{Role::Warn});
        totals.push_back(std::move(cost));
    }
    draw::fields(c, line, totals);
}

/// The steps a column may span at each resolution, so that it is a round span of time.
std::span<const int> fold_ladder(Dim res) {
    static constexpr int kMinute[] = {1, 2, 5, 10, 15, 20, 30};
    static constexpr int kHour[] = {1, 2, 3, 4, 6, 12};
    static constexpr int kDay[] = {1, 2, 7, 14};
    static constexpr int kMonth[] = {1, 2, 3, 4, 6, 12, 24, 60, 120};
    switch (res) {
        case Dim::Minute: return kMinute;
        case Dim::Hour: return kHour;
        case Dim::Day: return kDay;
        default: return kMonth;
    }
}

/// The bucket's number counted from a round origin: minutes and hours since the epoch, days
/// since a Monday (1970-01-05), months since year 0; columns of `group` start where it
/// divides this.
std::int64_t bucket_number(Dim res, std::int64_t start) {
    switch (res) {
        case Dim::Minute: return floor_div(start, 60);
        case Dim::Hour: return floor_div(start, 3600);
        case Dim::Day: return floor_div(start, 86400) + 3;
        default: {
            const CivilDate d = civil_from_days(floor_div(start, 86400));
            return static_cast<std::int64_t>(d.year) * 12 + static_cast<std::int64_t>(d.month) - 1;
        }
    }
}

/// Buckets of `res` from the one holding `from` to the one holding `to`.
std::size_t bucket_count(Dim res, std::int64_t from, std::int64_t to) {
    if (to < from) return 0;
    return static_cast<std::size_t>(bucket_number(res, bucket_start(res, to)) -
                                    bucket_number(res, bucket_start(res, from))) +
           1;
}

/// A round ceiling for the chart's scale (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power
/// of `base`), so it moves only now and then as values grow (replay, follow).
std::uint64_t nice_ceiling(std::uint64_t v, std::uint64_t base) {
    if (v <= 1) return v;
    static constexpr std::array<double, 10> kSteps = {1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8};
    long double unit = 1;
    while (unit * static_cast<long double>(base) <= static_cast<long double>(v)) unit *= static_cast<long double>(base);
    for (long double decade = 1; decade <= static_cast<long double>(base) * 10; decade *= 10) {
        for (const double s : kSteps) {
            const long double c = unit * decade * s;
            if (c >= static_cast<long double>(v)) {
                return c >= 1.8e19L ? v : static_cast<std::uint64_t>(std::ceil(c));
            }
        }
    }
    return v;
}

std::uint64_t metric_of(const SeriesPoint& p, ChartMetric m) {
    return m == ChartMetric::BytesSent ? p.bytes_sent : p.requests;
}

std::string format_metric(std::uint64_t v, ChartMetric m, bool exact) {
    return m == ChartMetric::Requests ? format_count(v, exact) : format_bytes(v, exact);
}

/// The bytes stored at the end of each bucket of the snapshot's series (StoredShown::stored's
/// samples), when the costs answer for these buckets; nullopt while they do not. A bucket past
/// the answer's (the range grew since it was asked) has none yet.
std::optional<std::vector<std::uint64_t>> stored_samples(const Snapshot& snap, const UiState& ui) {
    const StoredShown* s = stored_shown(snap, ui);
    if (!s || snap.series.empty() || s->ask.resolution != snap.view.resolution ||
        s->ask.first != snap.series.front().start)
        return std::nullopt;
    std::vector<std::uint64_t> out;
    for (std::size_t i = 0; i < snap.series.size() && i < s->stored.samples.size(); ++i) {
        const Int128 v = s->stored.samples[i];
        out.push_back(v > static_cast<Int128>(~0ULL) ? ~0ULL : static_cast<std::uint64_t>(v));
    }
    return out;
}

/// Each column's value: the sum of its buckets, or for bytes stored what was stored at the end
/// of its last bucket that has a sample.
std::vector<std::uint64_t> column_values(const Snapshot& snap, const UiState& ui, const ChartFold& fold,
                                         const std::vector<std::uint64_t>* stored) {
    std::vector<std::uint64_t> values(fold.columns, 0);
    const auto& series = snap.series;
    // Bytes stored without the costs' answer yet: no figures at all ("updating…"), not the
    // series' other numbers under the stored title.
    const std::size_t n = stored                                 ? std::min(stored->size(), series.size())
                          : ui.chart == ChartMetric::StoredBytes ? 0
                                                                 : series.size();
    for (std::size_t i = 0; i < n; ++i) {
        std::uint64_t& v = values[(i + fold.lead) / static_cast<std::size_t>(fold.group)];
        if (stored)
            v = (*stored)[i];
        else
            add_saturating(v, metric_of(series[i], ui.chart));
    }
    return values;
}

}  // namespace

void render_header(const Snapshot& snap, const UiState& ui, Canvas& c, Rect r) {
    source_line(snap, ui, c, Rect{r.x, r.y, r.w, 1});
    filter_line(snap, ui, c, Rect{r.x, r.y + 1, r.w, 1});
    totals_line(snap, ui, c, Rect{r.x, r.y + 2, r.w, 1});
}

ChartFold chart_fold(Dim res, std::int64_t first, std::size_t buckets, int width) {
    const auto w = static_cast<std::size_t>(std::max(1, width));
    if (buckets == 0) return {};
    const std::size_t need = (buckets + w - 1) / w;
    for (const int step : fold_ladder(res)) {
        const auto g = static_cast<std::size_t>(step);
        if (g < need) continue;
        const std::int64_t n = bucket_number(res, first);
        const auto lead = static_cast<std::size_t>(((n % step) + step) % step);
        const std::size_t columns = (lead + buckets + g - 1) / g;
        if (columns <= w) return ChartFold{step, lead, columns};
    }
    return ChartFold{static_cast<int>(need), 0, (buckets + need - 1) / need};
}

Dim fitting_resolution(std::int64_t min_time, std::int64_t max_time, int width) {
    const auto w = static_cast<std::size_t>(std::max(1, width));
    for (const Dim res : {Dim::Minute, Dim::Hour, Dim::Day}) {
        const auto top = static_cast<std::size_t>(fold_ladder(res).back());
        // One column spare: the first may start before the range (round starts).
        if (bucket_count(res, min_time, max_time) + top <= w * top) return res;
    }
    return Dim::Month;
}

ChartGeometry chart_geometry(const Snapshot& snap, const UiState& ui, Rect r) {
    ChartGeometry g;
    const ChartMetric metric = ui.chart;
    const auto& series = snap.series;
    // The gutter fits the widest label any column could need (the grand total), so it does not
    // change width, and with it the folding, as values move.
    std::uint64_t grand = 0;
    if (metric == ChartMetric::StoredBytes) {
        if (const auto stored = stored_samples(snap, ui))
            for (const std::uint64_t v : *stored) grand = std::max(grand, v);
    } else {
        for (const auto& p : series) grand += metric_of(p, metric);
    }
    g.gutter = std::max(display_width(format_metric(grand, metric, ui.exact)), ui.exact ? 1 : 8) + 1;
    const int plot_x = r.x + g.gutter, plot_w = std::max(1, r.w - g.gutter);
    // Columns of round spans of time (20 minutes, 6 hours, 2 months ...), the whole range shown.
    g.fold = chart_fold(snap.view.resolution, series.empty() ? 0 : series.front().start, series.size(), plot_w);
    const auto ncols = static_cast<long>(g.fold.columns);
    // The columns share the whole width; during replay each is one cell from the left, so what
    // was drawn stays where it is as the range grows.
    const bool replay = ui.source.mode == SourceStatus::Mode::Replay;
    auto col_x = [&](long i) { return plot_x + static_cast<int>(replay ? i : i * plot_w / ncols); };
    // A column's time: from its first bucket to the next column's (the last: to the end of its own).
    const auto group = static_cast<std::size_t>(g.fold.group);
    auto bucket_at = [&](std::size_t col) {
        const std::size_t first = col * group;
        return first > g.fold.lead ? first - g.fold.lead : 0;
    };
    for (long i = 0; i < ncols; ++i) {
        ChartColumn col;
        col.x = col_x(i);
        col.w = col_x(i + 1) - col.x;
        col.from = series[bucket_at(static_cast<std::size_t>(i))].start;
        const std::size_t next = bucket_at(static_cast<std::size_t>(i + 1));
        col.to = i + 1 < ncols && next < series.size() ? series[next].start
                                                       : next_bucket(snap.view.resolution, series.back().start);
        g.columns.push_back(col);
    }
    return g;
}

std::size_t ChartGeometry::column_at(std::int64_t t) const {
    const auto it = std::upper_bound(columns.begin(), columns.end(), t,
                                     [](std::int64_t v, const ChartColumn& c) { return v < c.from; });
    return it == columns.begin() ? 0 : static_cast<std::size_t>(it - columns.begin()) - 1;
}

std::optional<std::size_t> ChartGeometry::column_under(int x) const {
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (x >= columns[i].x && x < columns[i].x + std::max(1, columns[i].w)) return i;
    }
    return std::nullopt;
}

std::string chart_range_text(Dim res, std::int64_t from, std::int64_t to) {
    return bucket_label(res, from) + " .. " + bucket_label(res, to) + " UTC";
}

using Picked = std::optional<std::pair<std::size_t, std::size_t>>;

/// The bars, one per column, scaled to `top` over the chart's rows; those in the picked range
/// in the focus colour.
void draw_bars(Canvas& c, Rect r, const ChartGeometry& geo, const std::vector<std::uint64_t>& values, std::uint64_t top,
               const Picked& picked) {
    const int rows = r.h - 2;
    const auto ncols = static_cast<int>(values.size());
    static constexpr std::array<std::string_view, 8> kBlocks = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    const long levels = static_cast<long>(rows) * 8;
    for (int i = 0; i < ncols; ++i) {
        const ChartColumn& col = geo.columns[static_cast<std::size_t>(i)];
        const int x = col.x, w = col.w;
        const int barw = w >= 3 ? w - 1 : w;  // a gap between wide bars
        const bool in_pick =
            picked && static_cast<std::size_t>(i) >= picked->first && static_cast<std::size_t>(i) <= picked->second;
        const Style bar{in_pick ? Role::Focus : Role::Chart, in_pick};
        const auto v = values[static_cast<std::size_t>(i)];
        long level = std::lround(static_cast<double>(v) / static_cast<double>(top) * static_cast<double>(levels));
        if (level == 0 && v > 0) level = 1;  // any traffic shows
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
}

/// The time axis under the bars: the picked range's marks and ends, else the first, last and
/// (room allowing) middle columns' starts.
void draw_time_axis(Canvas& c, Rect r, const ChartGeometry& geo, Dim res, int ncols, const Picked& picked,
                    const UiState& ui) {
    const Style dim{Role::Dim};
    const int plot_x = r.x + geo.gutter;
    const int axis_y = r.y + r.h - 1;
    if (picked) {
        // The axis marks the range picked (▔ under its columns, ▲ under the cursor's) and names
        // its start and end.
        const ChartColumn& lo = geo.columns[picked->first];
        const ChartColumn& hi = geo.columns[picked->second];
        for (int x = lo.x; x < hi.x + std::max(1, hi.w); ++x) c.put(x, axis_y, c.glyph("▔", "="), Style{Role::Focus});
        const ChartColumn& at = geo.columns[geo.column_at(*ui.chart_cursor)];
        c.put(at.x, axis_y, c.glyph("▲", "^"), Style{Role::Focus, true});
        const std::string from = bucket_label(res, lo.from);
        const int from_x = std::max(plot_x, lo.x - display_width(from) - 1);
        if (from_x + display_width(from) < lo.x) c.put(from_x, axis_y, from, dim);
        const int to_x = hi.x + std::max(1, hi.w) + 1;
        const std::string to = bucket_label(res, hi.to);
        if (to_x + display_width(to) <= r.x + r.w) c.put(to_x, axis_y, to, dim);
        return;
    }
    // Time axis: the first and last columns' starts, and the middle one's when there is room.
    auto col_x = [&](int i) {
        return i < ncols ? geo.columns[static_cast<std::size_t>(i)].x : geo.columns.back().x + geo.columns.back().w;
    };
    const std::string first = bucket_label(res, geo.columns.front().from);
    const std::string last = bucket_label(res, geo.columns.back().from);
    c.put(plot_x, axis_y, first, dim);
    const int last_x =
        std::max(plot_x + display_width(first) + 2, std::min(col_x(ncols - 1), col_x(ncols) - display_width(last)));
    if (ncols > 1 && last_x + display_width(last) <= r.x + r.w) c.put(last_x, axis_y, last, dim);
    const int mid = ncols / 2;
    const int mid_x = col_x(mid);
    const std::string mid_label = bucket_label(res, geo.columns[static_cast<std::size_t>(mid)].from);
    if (ncols > 2 && mid_x > plot_x + display_width(first) + 2 && mid_x + display_width(mid_label) + 2 < last_x)
        c.put(mid_x, axis_y, mid_label, dim);
}

void render_chart(const Snapshot& snap, const UiState& ui, Canvas& c, Rect r) {
    if (r.h < 3) return;
    const ChartMetric metric = ui.chart;
    const Dim res = snap.view.resolution;
    const int rows = r.h - 2;
    const auto& series = snap.series;
    const ChartGeometry geo = chart_geometry(snap, ui, r);
    const int gutter = geo.gutter;
    const ChartFold& fold = geo.fold;
    const auto stored = metric == ChartMetric::StoredBytes ? stored_samples(snap, ui) : std::nullopt;
    const std::vector<std::uint64_t> values = column_values(snap, ui, fold, stored ? &*stored : nullptr);
    const std::uint64_t peak = values.empty() ? 0 : *std::max_element(values.begin(), values.end());
    // The scale's top is a round value above the peak: it moves now and then, not with every
    // new record (replay, follow).
    const std::uint64_t top = nice_ceiling(peak, metric == ChartMetric::Requests ? 1000 : 1024);
    // The time cursor ([ ]) and the range marked from it: columns lo..hi.
    Picked picked;
    if (ui.chart_cursor && !geo.columns.empty()) {
        const std::size_t at = geo.column_at(*ui.chart_cursor);
        const std::size_t mark = ui.chart_mark ? geo.column_at(*ui.chart_mark) : at;
        picked = std::minmax(at, mark);
    }

    // Title line: what, per how long, the peak, the range; optional parts only when they fit.
    draw::Line title(c, r.x, r.y, r.x + r.w);
    title.add(c.glyph("▌", "|"), Style{Role::Chart})
        .add(chart_title(metric, res, fold.group), Style{Role::Title, true});
    auto optional = [&](const std::vector<std::pair<std::string, Style>>& parts) {
        int w = 2;
        for (const auto& [t, st] : parts) w += display_width(t);
        if (w > title.remaining()) return;
        title.gap(2);
        for (const auto& [t, st] : parts) title.add(t, st);
    };
    const Style dim{Role::Dim};
    if (picked) {
        // What Enter would filter on, in place of the peak and the range.
        const std::string what = ui.chart_mark ? "range " : "at ";
        optional({{what, dim},
                  {chart_range_text(res, geo.columns[picked->first].from, geo.columns[picked->second].to),
                   Style{Role::Focus, true}}});
    } else if (!series.empty()) {
        if (metric != ChartMetric::StoredBytes || stored)  // no peak before the costs answer
            optional({{"peak ", dim}, {format_metric(peak, metric, ui.exact), Style{Role::Normal, true}}});
        optional({{bucket_label(res, series.front().start), dim},
                  {std::string(c.glyph(" → ", " -> ")), dim},
                  {bucket_label(res, series.back().start) + " UTC", dim}});
    }
    if (metric == ChartMetric::StoredBytes && stored) {
        if (const StoredShown* s = stored_shown(snap, ui); s && s->narrowed)
            optional({{"filter: its org, bucket and key terms", dim}});
    }
    if (values.empty() || peak == 0) {
        const std::string_view msg = !snap.totals.requests                ? "no requests match"
                                     : metric != ChartMetric::StoredBytes ? "nothing to chart"
                                     : stored                             ? "nothing stored"
                                                                          : (c.unicode() ? "updating…" : "updating...");
        c.put(r.x + std::max(0, (r.w - static_cast<int>(msg.size())) / 2), r.y + 1 + rows / 2, msg, dim);
        return;
    }

    // Y axis labels in the gutter.
    c.put_fit(r.x, r.y + 1, format_metric(top, metric, ui.exact), gutter - 1, dim, true);
    c.put_fit(r.x, r.y + rows, "0", gutter - 1, dim, true);

    draw_bars(c, r, geo, values, top, picked);
    draw_time_axis(c, r, geo, res, static_cast<int>(values.size()), picked, ui);
}

}  // namespace s3top::tui
