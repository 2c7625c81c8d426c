#include "core/clickhouse/report_query.hpp"

#include <fmt/format.h>

#include "core/agg/compiled_filter.hpp"
#include "core/agg/report_acc.hpp"
#include "core/clickhouse/answer_reader.hpp"
#include "core/parse/parse_error.hpp"

namespace s3top::clickhouse {

namespace {

/// A filter term's values are listed in the SQL; past this many it is refused (a term like
/// key!=x over millions of keys would make a statement of hundreds of megabytes).
constexpr std::size_t kMaxListedValues = 100000;

std::string column_of(Dim d) { return std::string(dim_info(d).clickhouse.column); }

std::string group_by(const ReportSpec& spec) {
    std::string s;
    for (const DimSpec& d : spec.by) s += (s.empty() ? "" : ", ") + dim_expr(d);
    return s;
}

/// latency_bucket() in SQL: exact below 128 ms, then 64 buckets per power of two.
std::string bucket_sql(std::string_view t) {
    std::string s = fmt::format("multiIf({0} < 128, toUInt32({0})", t);
    for (unsigned e = 7; e < 31; ++e) {
        s += fmt::format(", {} < {}, toUInt32({} + bitAnd(bitShiftRight({}, {}), 63))", t, std::uint64_t{1} << (e + 1),
                         128 + (e - 7) * 64, t, e - 6);
    }
    return s + fmt::format(", toUInt32({} + bitAnd(bitShiftRight({}, 25), 63)))", 128 + 24 * 64, t);
}

/// The term's verdict on each candidate row of `c` (one per value), by the local filter code.
std::vector<bool> verdicts(const FilterTerm& term, const Columns& c, const Pools& pools) {
    Filter one;
    one.terms.push_back(term);
    CompiledFilter f(one);
    f.prepare(pools);
    std::vector<bool> v(c.size());
    for (std::size_t row = 0; row < c.size(); ++row) v[row] = f.matches(c, row);
    return v;
}

/// `expr IN (...)` of the values that pass, or `expr NOT IN (...)` of those that do not,
/// whichever is shorter.
template <class Literal>
std::string in_list(const std::string& expr, const std::vector<bool>& pass, const Literal& literal) {
    std::size_t passing = 0;
    for (const bool p : pass) passing += p ? 1 : 0;
    const bool listed = passing <= pass.size() - passing;
    if (listed && passing == 0) return "0";
    if (!listed && passing == pass.size()) return "1";
    std::string s = expr + (listed ? " IN (" : " NOT IN (");
    bool first = true;
    for (std::size_t i = 0; i < pass.size(); ++i) {
        if (pass[i] != listed) continue;
        s += (first ? "" : ", ") + literal(i);
        first = false;
    }
    return s + ")";
}

std::expected<std::string, std::string> term_sql(const FilterTerm& term, const DistinctValues& distinct) {
    const DimInfo& info = dim_info(term.dim.dim);
    const std::string expr = dim_expr(term.dim);
    Columns c;
    Pools pools;
    switch (info.kind) {
        case DimKind::Time:
            return std::unexpected(fmt::format("the filter term on {} cannot be sent to ClickHouse (use from= and to=)",
                                               dim_name(term.dim)));
        case DimKind::Number: {
            for (std::uint16_t k = 0; k < info.dense_size; ++k) {
                NumberRow n;
                if (info.number == NumberColumn::Status)
                    n.status = static_cast<std::uint16_t>(k * info.divisor);
                else
                    n.tier = static_cast<std::uint8_t>(k);
                c.push_numbers(n);
            }
            return in_list(expr, verdicts(term, c, pools), [](std::size_t k) { return std::to_string(k); });
        }
        case DimKind::Stored:
        case DimKind::KeyPrefix: {
            auto values = distinct(expr);
            if (!values) return std::unexpected(values.error());
            if (values->size() > kMaxListedValues)
                return std::unexpected(
                    fmt::format("the filter term on {} cannot be sent to ClickHouse: it has {} distinct values, "
                                "more than {}",
                                dim_name(term.dim), values->size(), kMaxListedValues));
            // A key prefix's value is its own prefix: it is decided as a key would be.
            const auto column = static_cast<std::size_t>(info.kind == DimKind::KeyPrefix ? info.from : info.dim);
            for (const std::string& v : *values) {
                c.ids[column].push_back(pools[column].intern(v));
                c.push_numbers({});
            }
            const auto& vals = *values;
            return in_list(expr, verdicts(term, c, pools), [&vals](std::size_t i) { return sql_string(vals[i]); });
        }
    }
    return std::string("1");
}

/// hi * 2^32 + lo, stopped at 2^64-1 as add_saturating() stops (true when it stopped).
bool join_halves(std::uint64_t hi, std::uint64_t lo, std::uint64_t& out) {
    // hi < 2^64 is the sum of the high halves, lo of the low ones (each below 2^32 per row).
    out = 0;
    const bool high = hi >> 32 != 0 || add_saturating(out, hi << 32);
    return add_saturating(out, lo) || high ? (out = ~std::uint64_t{0}, true) : false;
}

}  // namespace

DimMask source_dims(const std::vector<DimSpec>& by) {
    DimMask m;
    for (const DimSpec& d : by) m |= columns_needed(d);
    return m;
}

std::string source_select(const DimMask& sources) {
    std::string s;
    for (std::size_t d = 0; d < kStringDimCount; ++d) {
        if (sources.test(d)) s += fmt::format("any({}), ", column_of(static_cast<Dim>(d)));
    }
    return s + "any(status), any(tier), toUInt32(min(time))";
}

void read_source_row(AnswerReader& r, const DimMask& sources, Columns& c, Pools& pools) {
    for (std::size_t d = 0; d < kStringDimCount; ++d) {
        if (sources.test(d)) c.ids[d].push_back(pools[d].intern(r.string()));
    }
    NumberRow n;
    n.status = r.number<std::uint16_t>();
    n.tier = r.number<std::uint8_t>();
    n.time = r.number<std::uint32_t>();
    c.push_numbers(n);
}

std::string halves(std::string_view column) {
    return fmt::format("toUInt64(sum(bitShiftRight({0}, 32))), toUInt64(sum(bitAnd({0}, 4294967295)))", column);
}

std::string saturated_sum(std::string_view column) {
    // The halves' sums h and l (each far from 2^64); h << 32 + l, or 2^64-1 when that wraps.
    const std::string h = fmt::format("toUInt64(sum(bitShiftRight({}, 32)))", column);
    const std::string l = fmt::format("toUInt64(sum(bitAnd({}, 4294967295)))", column);
    const std::string joined = fmt::format("bitShiftLeft({}, 32) + {}", h, l);
    return fmt::format("if({0} >= 4294967296 OR {1} < {2}, toUInt64(18446744073709551615), {1})", h, joined, l);
}

std::string metrics_select() {
    return fmt::format(
        "count(), {}, {}, toUInt64(countIf(status >= 400 AND status < 500)), "
        "toUInt64(countIf(status >= 500 AND status < 600)), toUInt64(countIf(tier = 0)), "
        "toUInt64(countIf(tier = 1)), toUInt64(sum(toUInt64(ifNull(total_time_ms, 0))))",
        halves("bytes_sent"), halves("bytes_in"));
}

Metrics read_metrics(AnswerReader& r) {
    Metrics m;
    m.requests = r.number<std::uint64_t>();
    const auto sent_hi = r.number<std::uint64_t>(), sent_lo = r.number<std::uint64_t>();
    const auto in_hi = r.number<std::uint64_t>(), in_lo = r.number<std::uint64_t>();
    m.overflow = join_halves(sent_hi, sent_lo, m.bytes_sent) | join_halves(in_hi, in_lo, m.bytes_in);
    m.errors_4xx = r.number<std::uint64_t>();
    m.errors_5xx = r.number<std::uint64_t>();
    m.get_class = r.number<std::uint64_t>();
    m.put_class = r.number<std::uint64_t>();
    m.total_time_ms = r.number<std::uint64_t>();
    return m;
}

std::uint64_t read_saturated(AnswerReader& r, bool& overflow) {
    const auto hi = r.number<std::uint64_t>(), lo = r.number<std::uint64_t>();
    std::uint64_t v = 0;
    overflow |= join_halves(hi, lo, v);
    return v;
}

std::string garbled(std::string_view what) {
    return fmt::format("ClickHouse's answer to the {} query does not parse (cut short, or not RowBinary)", what);
}

std::string sql_string(std::string_view s) {
    std::string out = "'";
    for (const char ch : s) {
        const auto b = static_cast<unsigned char>(ch);
        if (b < 0x20 || b >= 0x7F || ch == '\'' || ch == '\\')
            out += fmt::format("\\x{:02X}", b);
        else
            out += ch;
    }
    return out + "'";
}

std::string dim_expr(const DimSpec& d) {
    const ClickHouseDim& ch = dim_info(d.dim).clickhouse;
    if (ch.expr.empty()) return std::string(ch.column);
    std::string e(ch.expr);
    if (const auto at = e.find("{depth}"); at != std::string::npos) e.replace(at, 7, std::to_string(d.depth));
    return e;
}

std::expected<std::string, std::string> where_sql(const Filter& filter, const DistinctValues& distinct) {
    std::vector<std::string> parts;
    // DateTime holds 0 .. 2^32-1 (ingest writes times outside it at its nearest end).
    constexpr std::int64_t kLast = 0xFFFFFFFFLL;
    if (filter.from && *filter.from > 0)
        parts.push_back(*filter.from > kLast ? "0" : fmt::format("toUInt32(time) >= {}", *filter.from));
    if (filter.to && *filter.to <= kLast)
        parts.push_back(*filter.to <= 0 ? "0" : fmt::format("toUInt32(time) < {}", *filter.to));
    for (const FilterTerm& t : filter.terms) {
        auto sql = term_sql(t, distinct);
        if (!sql) return std::unexpected(sql.error());
        parts.push_back(std::move(*sql));
    }
    if (parts.empty()) return std::string("1");
    std::string s;
    for (const auto& p : parts) s += (s.empty() ? "(" : " AND (") + p + ")";
    return s;
}

std::string lines_sql(std::string_view lines_table) {
    return fmt::format(
        "SELECT toUInt64(sum(lines_read)), toUInt64(sum(lines_parsed)), toUInt64(sum(bytes_read)), "
        "toInt64(max(newest_source_mtime)) FROM {} FORMAT RowBinary",
        lines_table);
}

std::string reasons_sql(std::string_view lines_table) {
    return fmt::format(
        "SELECT reason, toUInt64(sum(n)) FROM {} ARRAY JOIN reasons AS reason, reason_lines AS n GROUP BY reason "
        "FORMAT RowBinary",
        lines_table);
}

namespace {

/// A group's order's pair of sort metrics, as SQL over a group.
std::pair<std::string, std::string> sort_pair(SortBy sort) {
    std::string bytes = saturated_sum("bytes_sent"), requests = "toUInt64(count())";
    if (sort == SortBy::Requests) return {requests, bytes};
    return {bytes, requests};
}

/// Whether a report keeps only its top N groups by an order of metrics (--top N).
bool top_only(const ReportSpec& spec) { return spec.top > 0 && spec.sort != SortBy::Key; }

}  // namespace

std::string cut_sql(SortBy sort, bool reverse, std::size_t limit, std::string_view keys, std::string_view table,
                    std::string_view where) {
    const auto [first, second] = sort_pair(sort);
    const char* dir = reverse ? "ASC" : "DESC";
    return fmt::format(
        "SELECT s3top_first, s3top_second FROM (SELECT {} AS s3top_first, {} AS s3top_second FROM {} WHERE {} "
        "GROUP BY {}) ORDER BY s3top_first {}, s3top_second {} LIMIT {}, 1 FORMAT RowBinary",
        first, second, table, where, keys, dir, dir, limit - 1);
}

std::expected<std::optional<PanelCut>, std::string> read_cut(std::string_view answer) {
    if (answer.empty()) return std::nullopt;
    AnswerReader r(answer);
    PanelCut cut;
    cut.first = r.number<std::uint64_t>();
    cut.second = r.number<std::uint64_t>();
    if (!r.ok() || !r.done()) return std::unexpected(garbled("top groups' cut"));
    return cut;
}

std::string having_sql(SortBy sort, bool reverse, const PanelCut& cut) {
    const auto [first, second] = sort_pair(sort);
    const char* beyond = reverse ? "<" : ">";
    const char* at_least = reverse ? "<=" : ">=";
    return fmt::format(" HAVING {0} {2} {3} OR ({0} = {3} AND {1} {4} {5})", first, second, beyond, cut.first, at_least,
                       cut.second);
}

std::optional<std::string> report_cut_sql(const ReportSpec& spec, std::string_view table, std::string_view where) {
    if (!top_only(spec)) return std::nullopt;
    return cut_sql(spec.sort, false, spec.top, group_by(spec), table, where);
}

ReportSql report_sql(const ReportSpec& spec, std::string_view table, std::string_view lines_table,
                     std::string_view where, const std::optional<PanelCut>& cut) {
    const DimMask sources = source_dims(spec.by);
    const std::string keys = group_by(spec);
    const std::string clients =
        spec.distinct_clients ? "toUInt64(uniqExactIf(remote_ip, remote_ip != ''))" : "toUInt64(0)";
    // With a cut, the top groups only; their latency buckets are those of the same groups (GLOBAL:
    // the subquery runs once, here, when the table is a Distributed one).
    const bool top = cut && top_only(spec);
    const std::string having = top ? having_sql(spec.sort, false, *cut) : "";
    ReportSql q;
    q.groups = fmt::format("SELECT {}, {}, {} FROM {} WHERE {} GROUP BY {}{} FORMAT RowBinary", source_select(sources),
                           metrics_select(), clients, table, where, keys, having);
    if (spec.percentiles) {
        const std::string only =
            top ? fmt::format(" AND ({0}) GLOBAL IN (SELECT {0} FROM {1} WHERE {2} GROUP BY {0}{3})", keys, table,
                              where, having)
                : "";
        q.timed = fmt::format(
            "SELECT {}, {} AS s3top_bucket, count() FROM {} WHERE ({}) AND total_time_ms IS NOT NULL{} "
            "GROUP BY {}, s3top_bucket FORMAT RowBinary",
            source_select(sources), bucket_sql("assumeNotNull(total_time_ms)"), table, where, only, keys);
    }
    if (top)
        q.group_count =
            fmt::format("SELECT toUInt64(count()) FROM (SELECT 1 FROM {} WHERE {} GROUP BY {}) FORMAT RowBinary", table,
                        where, keys);
    // With the top groups only, the totals are the whole set's, not theirs merged.
    q.overall =
        fmt::format("SELECT {}{}, toUInt32(min(time)), toUInt32(max(time)), count() FROM {} WHERE {} FORMAT RowBinary",
                    top ? metrics_select() + ", " : "", clients, table, where);
    q.operations = fmt::format("SELECT operation, count() FROM {} GROUP BY operation FORMAT RowBinary", table);
    q.lines = lines_sql(lines_table);
    q.reasons = reasons_sql(lines_table);
    return q;
}

std::expected<ReportResult, std::string> fold_report(const ReportSpec& spec, const TierMap& tiers,
                                                     const ReportAnswers& answers) {
    const DimMask sources = source_dims(spec.by);
    ReportAccumulator acc(spec);
    Pools pools;
    {
        AnswerReader r(answers.groups);
        Columns c;
        std::vector<Metrics> metrics;
        std::vector<std::uint64_t> clients;
        while (!r.done()) {
            read_source_row(r, sources, c, pools);
            metrics.push_back(read_metrics(r));
            clients.push_back(r.number<std::uint64_t>());
        }
        if (!r.ok()) return std::unexpected(garbled("groups"));
        acc.fold_groups(c, pools, metrics, clients);
    }
    if (spec.percentiles) {
        AnswerReader r(answers.timed);
        Columns c;
        std::vector<std::uint32_t> buckets;
        std::vector<std::uint64_t> counts;
        while (!r.done()) {
            read_source_row(r, sources, c, pools);
            buckets.push_back(r.number<std::uint32_t>());
            counts.push_back(r.number<std::uint64_t>());
        }
        if (!r.ok()) return std::unexpected(garbled("latency"));
        acc.fold_timed(c, pools, buckets, counts);
    }
    {
        const bool top = !answers.group_count.empty();
        AnswerReader r(answers.overall);
        const std::optional<Metrics> totals = top ? std::optional(read_metrics(r)) : std::nullopt;
        const auto clients = r.number<std::uint64_t>();
        const auto first = r.number<std::uint32_t>(), last = r.number<std::uint32_t>();
        const auto rows = r.number<std::uint64_t>();
        if (!r.ok() || !r.done()) return std::unexpected(garbled("totals"));
        acc.set_overall(clients, rows ? first : 0, rows ? last : 0, totals);
        if (top) {
            AnswerReader g(answers.group_count);
            acc.set_group_count(g.number<std::uint64_t>());
            if (!g.ok() || !g.done()) return std::unexpected(garbled("groups' count"));
        }
    }
    ReportResult out = acc.finish(pools);
    std::vector<OperationCount> ops;
    AnswerReader r(answers.operations);
    while (!r.done()) {
        std::string name(r.string());
        const auto n = r.number<std::uint64_t>();
        if (n) ops.push_back({std::move(name), n});
    }
    if (!r.ok()) return std::unexpected(garbled("operations"));
    out.unruled_operations = unruled_operations(tiers, ops);
    out.unruled_tier = tiers.fallback;
    if (auto l = fold_lines(answers.lines, answers.reasons, out.lines, out.newest_source_mtime); !l)
        return std::unexpected(l.error());
    return out;
}

std::expected<void, std::string> fold_lines(std::string_view lines_answer, std::string_view reasons_answer,
                                            LineCounters& lines_out, std::int64_t& newest) {
    AnswerReader lines(lines_answer);
    lines_out.read = lines.number<std::uint64_t>();
    lines_out.parsed = lines.number<std::uint64_t>();
    lines_out.bytes = lines.number<std::uint64_t>();
    newest = lines.number<std::int64_t>();
    if (!lines.ok() || !lines.done()) return std::unexpected(garbled("lines"));
    AnswerReader reasons(reasons_answer);
    while (!reasons.done()) {
        const std::string_view name = reasons.string();
        const auto n = reasons.number<std::uint64_t>();
        if (!reasons.ok()) break;
        std::size_t i = 0;
        while (i < kRejectReasonCount && reject_reason_name(static_cast<RejectReason>(i)) != name) ++i;
        if (i == kRejectReasonCount)
            return std::unexpected(
                fmt::format("the lines table names a reason this s3top does not know: {}", sql_string(name)));
        lines_out.unparsed[i] += n;
    }
    if (!reasons.ok()) return std::unexpected(garbled("reasons"));
    return {};
}

std::expected<std::vector<std::string>, std::string> read_strings(std::string_view answer) {
    std::vector<std::string> values;
    AnswerReader r(answer);
    while (!r.done()) values.emplace_back(r.string());
    if (!r.ok()) return std::unexpected(garbled("filter values"));
    return values;
}

}  // namespace s3top::clickhouse
