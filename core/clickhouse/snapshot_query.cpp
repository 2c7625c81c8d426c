#include "core/clickhouse/snapshot_query.hpp"

#include <fmt/format.h>

#include <map>
#include <unordered_map>

#include "core/agg/keyer.hpp"
#include "core/agg/panel_order.hpp"
#include "core/clickhouse/answer_reader.hpp"
#include "core/clickhouse/report_query.hpp"

namespace s3top::clickhouse {

namespace {

/// Whether only the groups up to the limit-th by the panel's metrics are asked for.
bool cut_short(const PanelSpec& spec) { return spec.limit > 0 && spec.sort != SortBy::Key; }

/// Time buckets the chart's series is asked in: seconds per bucket (months are folded here
/// from days: their length varies).
std::int64_t series_step(Dim resolution) {
    switch (resolution) {
        case Dim::Minute: return 60;
        case Dim::Hour: return 3600;
        default: return 86400;
    }
}

}  // namespace

std::string panel_groups_sql(const PanelSpec& spec, std::string_view table, std::string_view where) {
    return fmt::format("SELECT toUInt64(count()) FROM (SELECT 1 FROM {} WHERE {} GROUP BY {}) FORMAT RowBinary", table,
                       where, dim_expr(spec.dim));
}

std::optional<std::string> panel_cut_sql(const PanelSpec& spec, std::string_view table, std::string_view where) {
    if (!cut_short(spec)) return std::nullopt;
    return cut_sql(spec.sort, spec.reverse, spec.limit, dim_expr(spec.dim), table, where);
}

std::string panel_rows_sql(const PanelSpec& spec, std::string_view table, std::string_view where,
                           const std::optional<PanelCut>& cut) {
    const std::string having = cut && cut_short(spec) ? having_sql(spec.sort, spec.reverse, *cut) : "";
    return fmt::format("SELECT {}, {} FROM {} WHERE {} GROUP BY {}{} FORMAT RowBinary",
                       source_select(source_dims({spec.dim})), metrics_select(), table, where, dim_expr(spec.dim),
                       having);
}

std::expected<PanelData, std::string> fold_panel(const PanelSpec& spec, std::string_view rows_answer,
                                                 std::string_view groups_answer) {
    const DimMask sources = source_dims({spec.dim});
    Columns c;
    Pools pools;
    std::vector<Metrics> metrics;
    AnswerReader r(rows_answer);
    while (!r.done()) {
        read_source_row(r, sources, c, pools);
        metrics.push_back(read_metrics(r));
    }
    if (!r.ok()) return std::unexpected(garbled("panel"));
    AnswerReader g(groups_answer);
    PanelData pd;
    pd.spec = spec;
    pd.groups = g.number<std::uint64_t>();
    if (!g.ok() || !g.done()) return std::unexpected(garbled("panel's groups"));

    Keyer keyer(spec.dim);
    keyer.prepare(pools);
    // One group per key, as the engine keeps it (the SQL groups alike; merged should it not).
    std::unordered_map<std::int64_t, Metrics> by_key;
    for (std::size_t row = 0; row < c.size(); ++row) by_key[keyer.key(c, row)].merge(metrics[row]);
    std::vector<PanelItem> items;
    std::vector<std::string> built;
    built.reserve(by_key.size());
    for (const auto& [k, m] : by_key) {
        std::string_view label;
        if (!keyer.label_view(k, pools, label)) label = built.emplace_back(keyer.label(k, pools));
        items.push_back({k, &m, label});
    }
    const std::size_t keep = spec.limit == 0 ? items.size() : std::min(spec.limit, items.size());
    order_panel(spec, keyer, pools, items, keep);
    pd.rows.reserve(keep);
    for (std::size_t i = 0; i < keep; ++i) pd.rows.push_back(PanelRow{std::string(items[i].label), *items[i].m});
    return pd;
}

std::string totals_sql(std::string_view table, std::string_view where) {
    return fmt::format(
        "SELECT {}, toUInt64(uniqExactIf(remote_ip, remote_ip != '')), toUInt32(min(time)), toUInt32(max(time)) "
        "FROM {} WHERE {} FORMAT RowBinary",
        metrics_select(), table, where);
}

std::string series_sql(Dim resolution, std::string_view table, std::string_view where) {
    const std::int64_t step = series_step(resolution);
    return fmt::format(
        "SELECT toUInt32(intDiv(toUInt32(time), {0}) * {0}) AS s3top_bucket, toUInt64(count()), {1}, {2} FROM {3} "
        "WHERE {4} GROUP BY s3top_bucket FORMAT RowBinary",
        step, halves("bytes_sent"), halves("bytes_in"), table, where);
}

std::string records_sql(std::string_view table) {
    return fmt::format("SELECT toUInt64(count()) FROM {} FORMAT RowBinary", table);
}

std::expected<Snapshot, std::string> fold_snapshot(const ViewSpec& view, SnapshotAnswers answers) {
    Snapshot s;
    s.view = view;
    {
        AnswerReader r(answers.totals);
        s.totals = read_metrics(r);
        s.distinct_clients = r.number<std::uint64_t>();
        const auto first = r.number<std::uint32_t>(), last = r.number<std::uint32_t>();
        if (!r.ok() || !r.done()) return std::unexpected(garbled("totals"));
        if (s.totals.requests) {
            s.min_time = first;
            s.max_time = last;
        }
    }
    {
        AnswerReader r(answers.records);
        s.records = r.number<std::uint64_t>();
        if (!r.ok() || !r.done()) return std::unexpected(garbled("records"));
    }
    std::int64_t newest = 0;
    if (auto l = fold_lines(answers.lines, answers.reasons, s.lines, newest); !l) return std::unexpected(l.error());
    std::map<std::int64_t, SeriesPoint> buckets;
    AnswerReader r(answers.series);
    while (!r.done()) {
        const std::int64_t start = r.number<std::uint32_t>();
        SeriesPoint& p = buckets[bucket_start(view.resolution, start)];
        p.requests += r.number<std::uint64_t>();
        bool overflow = false;  // flagged in the totals, as the engine's chart does
        add_saturating(p.bytes_sent, read_saturated(r, overflow));
        add_saturating(p.bytes_in, read_saturated(r, overflow));
    }
    if (!r.ok()) return std::unexpected(garbled("chart"));
    if (s.totals.requests) {
        const Dim res = view.resolution;
        for (std::int64_t b = bucket_start(res, s.min_time); b <= s.max_time; b = next_bucket(res, b)) {
            SeriesPoint p;
            if (const auto it = buckets.find(b); it != buckets.end()) p = it->second;
            p.start = b;
            s.series.push_back(p);
        }
    }
    s.panels = std::move(answers.panels);
    return s;
}

}  // namespace s3top::clickhouse
