#include "core/billing/statement.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/agg/snapshot.hpp"
#include "core/billing/money.hpp"
#include "core/util/civil_time.hpp"

namespace s3top {
namespace {

/// ^(glob|glob)$ as an ECMAScript regex.
std::string globs_to_regex(const std::vector<std::string>& globs) {
    std::string re = "^(";
    for (std::size_t i = 0; i < globs.size(); ++i) {
        if (i) re += '|';
        for (const char c : globs[i]) {
            if (c == '*') {
                re += ".*";
            } else {
                if (std::string_view("\\^$.|?+()[]{}").find(c) != std::string_view::npos) re += '\\';
                re += c;
            }
        }
    }
    return re + ")$";
}

FilterTerm regex_term(Dim d, const std::vector<std::string>& globs, bool negate) {
    FilterTerm t;
    t.dim = DimSpec{d, 0};
    t.op = negate ? FilterTerm::Op::NotRegex : FilterTerm::Op::Regex;
    t.values = {globs_to_regex(globs)};
    return t;
}

FilterTerm class_term(std::vector<std::string> classes, bool negate) {
    FilterTerm t;
    t.dim = DimSpec{Dim::StatusClass, 0};
    t.op = negate ? FilterTerm::Op::NotEq : FilterTerm::Op::Eq;
    t.values = std::move(classes);
    return t;
}

Metrics minus_time(Metrics m) {
    m.total_time_ms = 0;  // not a billed quantity; kept out of the reconciliation
    return m;
}

std::string key_text(const std::vector<std::string>& key) {
    std::string s;
    for (std::size_t i = 0; i < key.size(); ++i) s += (i ? " / " : "") + (key[i].empty() ? std::string("-") : key[i]);
    return s;
}

}  // namespace

std::vector<BillingPeriod> periods_between(std::int64_t from, std::int64_t to) {
    std::vector<BillingPeriod> out;
    for (std::int64_t m = bucket_start(Dim::Month, from); m < to; m = next_bucket(Dim::Month, m)) {
        BillingPeriod p;
        p.from = std::max(m, from);
        p.to = std::min(next_bucket(Dim::Month, m), to);
        if (p.from == m && p.to == next_bucket(Dim::Month, m)) {
            p.label = bucket_label(Dim::Month, m);
        } else {
            auto short_time = [](std::int64_t t) {
                std::string s = format_iso8601(t);  // 2024-03-05T00:00:00Z
                if (s.ends_with(":00Z")) s = s.substr(0, s.size() - 4) + "Z";
                return s;
            };
            p.label = short_time(p.from) + "/" + short_time(p.to);
        }
        out.push_back(std::move(p));
    }
    return out;
}

void Charges::add(const Charges& o) {
    egress += o.egress;
    storage += o.storage;
    ingress += o.ingress;
    get_requests += o.get_requests;
    put_requests += o.put_requests;
    markup += o.markup;
    fee += o.fee;
    total += o.total;
    amount += o.amount;
}

std::string_view storage_exclusion_name(StorageExclusion r) {
    switch (r) {
        case StorageExclusion::UnpricedClass: return "unpriced_class";
        case StorageExclusion::Filtered: return "filtered";
        case StorageExclusion::NotGrouped: return "not_grouped";
        case StorageExclusion::NotFiltered: return "filter_not_storage";
    }
    return "?";
}

namespace {

/// Whether storage can group as the statement does.
bool storage_groups_like(const std::vector<DimSpec>& by) {
    return std::all_of(by.begin(), by.end(), [](const DimSpec& d) { return storage_dim_of(d).has_value(); });
}

}  // namespace

StorageSpec storage_spec_for(const BillingSpec& spec) {
    StorageSpec s;
    s.from = spec.periods.empty() ? 0 : spec.periods.front().from;
    s.to = spec.periods.empty() ? 0 : spec.periods.back().to;
    s.by.clear();
    if (storage_groups_like(spec.by))
        for (const DimSpec& d : spec.by) s.by.push_back(*storage_dim_of(d));
    s.by.push_back(StorageDimSpec{StorageDim::Class, 0});  // the last: priced per class
    for (std::size_t c = 0; c < kStorageClassCount; ++c)
        if (const auto& p = spec.prices.storage[c]) s.minimums[c] = StorageMinimum{p->min_days, p->min_billable_bytes};
    if (storage_filter_problem(spec.filter).empty()) s.filter = spec.filter;
    return s;
}

std::string_view exclusion_reason_name(ExclusionReason r) {
    switch (r) {
        case ExclusionReason::AwsRequester: return "aws_requester";
        case ExclusionReason::AwsOperation: return "aws_operation";
        case ExclusionReason::Error4xx: return "error_4xx";
        case ExclusionReason::Error5xx: return "error_5xx";
    }
    return "?";
}

bool Statement::reconciled() const {
    return std::all_of(periods.begin(), periods.end(), [](const PeriodSummary& p) { return p.reconciled; });
}

bool Statement::overflow() const {
    return std::any_of(periods.begin(), periods.end(), [](const PeriodSummary& p) { return p.overflow; });
}

std::string rounding_rule(const PriceTable& t) {
    return fmt::format(
        "Money is exact: integer micro-{0} (1e-6), prices in nano-{0}; each charge (egress, uploads, GET-class, "
        "PUT-class, storage per class, markup) is computed from exact usage and rounded half up to the micro-{0} once; "
        "a line's amount "
        "is its total rounded half up to the cent; period totals are sums of line amounts. Egress tiers apply to "
        "{1}{2}; "
        "1 GB = {3} bytes.",
        t.currency,
        t.egress_scope == TierScope::Total ? "the period's total billable egress of all groups"
                                           : "each group's egress separately",
        t.egress_scope == TierScope::Total
            ? ", whose charge is shared in proportion to bytes sent (largest remainder, ties to the first in key order)"
            : "",
        t.gb_bytes);
}

std::string late_note(const PeriodSummary& p, std::int64_t grace_seconds) {
    if (!p.provisional) return "";
    return fmt::format(
        "provisional: the period ends {} and the newest log file or record seen is from {}; S3 may deliver records "
        "up to {}h late, so this period may still receive records",
        format_iso8601(p.period.to), p.newest_evidence ? format_iso8601(p.newest_evidence) : std::string("(unknown)"),
        grace_seconds / 3600);
}

namespace {

/// "2024-03-05" or "2024-03-05..2024-03-09" for each run of consecutive days, at most `most`.
std::string day_runs(const std::vector<std::int64_t>& days, std::size_t most) {
    std::string out;
    std::size_t runs = 0;
    for (std::size_t i = 0; i < days.size();) {
        std::size_t j = i;
        while (j + 1 < days.size() && days[j + 1] == days[j] + 86400) ++j;
        if (runs++ == most) return out + ", ...";
        out += (out.empty() ? "" : ", ") + format_iso8601(days[i]).substr(0, 10);
        if (j > i) out += ".." + format_iso8601(days[j]).substr(0, 10);
        i = j + 1;
    }
    return out;
}

/// The warnings of one period (PeriodSummary::warnings): no records; the days of the period
/// with none (logs late, missing or not synced); billable usage with no org past a share.
std::vector<std::string> period_warnings(const ReportSource& source, const BillingSpec& spec, const Filter& base,
                                         const PeriodSummary& sum, const ReportResult& bill) {
    std::vector<std::string> out;
    if (sum.all.requests == 0) {
        out.push_back("no records in this period: nothing to bill, or the logs are not there yet");
        return out;
    }
    ReportSpec by_day;
    by_day.by = {DimSpec{Dim::Day, 0}};
    by_day.filter = base;
    by_day.distinct_clients = by_day.percentiles = false;
    std::set<std::int64_t> seen;
    for (const auto& g : source.report(by_day).groups) {
        if (const auto t = parse_iso8601(g.key.front())) seen.insert(*t);
    }
    std::vector<std::int64_t> missing;
    const std::int64_t first_day = sum.period.from - ((sum.period.from % 86400) + 86400) % 86400;
    for (std::int64_t d = first_day; d < sum.period.to; d += 86400)
        if (!seen.contains(d)) missing.push_back(d);
    if (!missing.empty()) {
        const std::size_t days = static_cast<std::size_t>((sum.period.to - first_day + 86399) / 86400);
        out.push_back(
            fmt::format("records on {} of {} days; none on {}", days - missing.size(), days, day_runs(missing, 5)));
    }
    // API action names (CloudTrail's; S3 access logs name operations REST.*, S3.*, BATCH.* and
    // price their GET-class ones by the fallback on purpose) that no rule knows: never priced
    // as GET-class in silence.
    ReportSpec by_operation;
    by_operation.by = {DimSpec{Dim::Operation, 0}};
    by_operation.filter = base;
    by_operation.distinct_clients = by_operation.percentiles = false;
    std::vector<OperationCount> ops;
    for (const auto& g : source.report(by_operation).groups) ops.push_back({g.key.front(), g.metrics.requests});
    const TierMap& tiers = source.tiers;
    if (const auto unruled = unruled_operations(tiers, ops); !unruled.empty())
        out.push_back(unruled_note(tiers.fallback, unruled, "priced"));
    const auto org = std::find_if(spec.by.begin(), spec.by.end(), [](const DimSpec& d) { return d.dim == Dim::Org; });
    if (org != spec.by.end() && sum.billable.requests > 0) {
        const std::size_t k = static_cast<std::size_t>(org - spec.by.begin());
        Metrics none;
        for (const auto& g : bill.groups)
            if (g.key[k] == "-" || g.key[k].empty()) none.merge(g.metrics);
        const double req = static_cast<double>(none.requests) / static_cast<double>(sum.billable.requests);
        const double bytes = sum.billable.bytes_sent
                                 ? static_cast<double>(none.bytes_sent) / static_cast<double>(sum.billable.bytes_sent)
                                 : 0.0;
        if (req >= kNoOrgWarnShare || bytes >= kNoOrgWarnShare)
            out.push_back(
                fmt::format("{:.1f}% of the billable requests and {:.1f}% of the bytes sent have no org (-): "
                            "no one is billed for them (check --org-from)",
                            req * 100, bytes * 100));
    }
    return out;
}

/// Each line's charges from the price table, and their sum into `sum.charges`. With the
/// "total" tier scope the period's one tiered egress charge is shared by bytes sent (largest
/// remainder, so the shares add up exactly).
void charge_lines(const PriceTable& prices, PeriodSummary& sum, std::vector<StatementLine>& lines) {
    if (prices.egress_scope == TierScope::Total && !lines.empty()) {
        // One tiered charge for the period, shared by bytes (largest remainder).
        const std::int64_t total = egress_charge_micros(prices, sum.billable.bytes_sent);
        const Int128 denom = sum.billable.bytes_sent;
        std::int64_t given = 0;
        std::vector<std::pair<Int128, std::size_t>> rem;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (denom == 0) break;
            const Int128 num = Int128{total} * lines[i].usage.bytes_sent;
            lines[i].charges.egress = static_cast<std::int64_t>(num / denom);
            given += lines[i].charges.egress;
            rem.emplace_back(num % denom, i);
        }
        std::stable_sort(rem.begin(), rem.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        for (std::size_t k = 0; given < total && k < rem.size(); ++k, ++given) ++lines[rem[k].second].charges.egress;
    } else {
        for (auto& l : lines) l.charges.egress = egress_charge_micros(prices, l.usage.bytes_sent);
    }
    for (auto& l : lines) {
        Charges& c = l.charges;
        c.ingress = ingress_charge_micros(prices, l.usage.bytes_in);
        c.get_requests = request_charge_micros(prices.get_nanos_per_1000, l.usage.get_class);
        c.put_requests = request_charge_micros(prices.put_nanos_per_1000, l.usage.put_class);
        std::int64_t markup_ppm = prices.markup_ppm;
        c.fee = prices.fee_micros;
        if (const auto it = prices.groups.find(key_text(l.key)); it != prices.groups.end()) {
            if (it->second.markup_ppm) markup_ppm = *it->second.markup_ppm;
            if (it->second.fee_micros) c.fee = *it->second.fee_micros;
        }
        const std::int64_t usage = c.egress + c.ingress + c.get_requests + c.put_requests + c.storage;
        c.markup = div_round_half_up(Int128{usage} * markup_ppm, Int128{1'000'000});
        c.total = usage + c.markup + c.fee;
        c.amount = round_to_cents(c.total);
        sum.charges.add(c);
    }
}

/// The storage of period `pi` (the month piece of spec.storage it falls in): its lines, what is
/// not billed, and the reconciliation's sums into `sum`. `lines` gets each key's storage charge
/// (Charges::storage), a line of its own for keys with storage and no requests.
void storage_of_period(const BillingSpec& spec, std::size_t pi, Statement& st, PeriodSummary& sum,
                       std::vector<StatementLine>& lines) {
    const StorageResult& r = *spec.storage;
    const BillingPeriod& period = spec.periods[pi];
    std::size_t m = 0;
    while (m < r.months.size() && !(period.from >= r.months[m].first && period.from < r.months[m].second)) ++m;
    if (m == r.months.size()) return;
    const Int128 month_seconds = r.months[m].second - r.months[m].first;
    auto usage_of = [&](const StorageGroup& g) {
        return StorageUsage{m < g.month_byte_seconds.size() ? g.month_byte_seconds[m] : 0,
                            m < g.month_billed.size() ? g.month_billed[m] : 0};
    };
    sum.storage_all = usage_of(r.all);
    const bool grouped = r.by.size() == spec.by.size() + 1;
    const bool filtered_ok = storage_filter_problem(spec.filter).empty();
    auto exclude = [&](StorageExclusion why, std::string what, StorageUsage u) {
        if (u == StorageUsage{}) return;
        sum.storage_excluded.add(u);
        for (auto& e : st.storage_excluded) {
            if (e.period == pi && e.reason == why && e.what == what) {
                e.usage.add(u);
                return;
            }
        }
        st.storage_excluded.push_back(StorageExcludedLine{pi, why, std::move(what), u});
    };
    exclude(StorageExclusion::Filtered, "", usage_of(r.filtered));
    std::map<std::string, std::int64_t> by_key;  // key_text -> storage micros
    std::map<std::string, std::vector<std::string>> keys;
    std::vector<StorageChargeLine> out;
    for (const StorageGroup& g : r.groups) {
        const StorageUsage u = usage_of(g);
        if (u == StorageUsage{}) continue;
        const std::string& class_name = g.key.back();
        const auto cls = parse_storage_class(class_name);
        if (!grouped || !filtered_ok) {
            exclude(grouped ? StorageExclusion::NotFiltered : StorageExclusion::NotGrouped, "", u);
            continue;
        }
        const auto& price = cls ? spec.prices.storage[static_cast<std::size_t>(*cls)] : std::nullopt;
        if (!price) {
            exclude(StorageExclusion::UnpricedClass, class_name, u);
            continue;
        }
        StorageChargeLine l;
        l.period = pi;
        l.key.assign(g.key.begin(), g.key.end() - 1);
        l.cls = *cls;
        l.usage = u;
        const Int128 gb_seconds = Int128{static_cast<std::int64_t>(spec.prices.gb_bytes)} * month_seconds;
        l.gb_month_nanos = static_cast<std::int64_t>(div_round_half_up(u.billed * kNanosPerUnit, gb_seconds));
        l.charge =
            static_cast<std::int64_t>(div_round_half_up(u.billed * price->nanos_per_gb_month, gb_seconds * 1000));
        sum.storage_billable.add(u);
        by_key[key_text(l.key)] += l.charge;
        keys.emplace(key_text(l.key), l.key);
        out.push_back(std::move(l));
    }
    std::stable_sort(out.begin(), out.end(), [](const StorageChargeLine& a, const StorageChargeLine& b) {
        if (a.charge != b.charge) return a.charge > b.charge;
        return a.key != b.key ? a.key < b.key : a.cls < b.cls;
    });
    st.storage_lines.insert(st.storage_lines.end(), out.begin(), out.end());
    for (StatementLine& l : lines) {
        if (const auto it = by_key.find(key_text(l.key)); it != by_key.end()) {
            l.charges.storage = it->second;
            by_key.erase(it);
        }
    }
    for (const auto& [k, micros] : by_key) {  // stored, but no billable request in the period
        StatementLine l{pi, keys[k], Metrics{}, {}};
        l.charges.storage = micros;
        lines.push_back(std::move(l));
    }
}

}  // namespace

Statement compute_statement(const Engine& engine, const BillingSpec& spec) {
    return compute_statement(
        ReportSource{[&engine](const ReportSpec& r) { return engine.report(r); }, engine.config().tiers}, spec);
}

std::expected<Statement, std::string> compute_statement(const FallibleReportSource& source, const BillingSpec& spec) {
    std::string error;
    const ReportSource once{[&](const ReportSpec& r) -> ReportResult {
                                if (!error.empty()) return {};
                                auto result = source.report(r);
                                if (result) return *std::move(result);
                                error = result.error();
                                return {};
                            },
                            source.tiers};
    Statement st = compute_statement(once, spec);
    if (!error.empty()) return std::unexpected(std::move(error));
    return st;
}

Statement compute_statement(const ReportSource& source, const BillingSpec& spec) {
    Statement st;
    st.by = spec.by;
    st.filter = spec.filter;
    st.exclude = spec.exclude;
    st.prices = spec.prices;
    const PriceTable& prices = spec.prices;
    if (spec.storage) {
        st.storage = true;
        st.storage_caveats = spec.storage->caveats;
        if (spec.storage->by.size() != spec.by.size() + 1)
            st.storage_caveats.push_back(
                "storage is grouped by org, bucket or prefix:N only: with this --by it is not billed (see "
                "'not_grouped')");
        if (const std::string why = storage_filter_problem(spec.filter); !why.empty())
            st.storage_caveats.push_back("storage is not billed with this filter (see 'filter_not_storage'): " + why);
    }

    // Newest evidence of what S3 has delivered: file times and record times.
    ReportSpec probe;
    probe.by = {DimSpec{Dim::Tier, 0}};  // few groups, for a source that makes the whole report
    probe.distinct_clients = false;
    probe.percentiles = false;
    probe.reach_only = true;
    const ReportResult everything = source.report(probe);
    st.lines = everything.lines;
    const std::int64_t newest = std::max({spec.newest_source_mtime, everything.newest_source_mtime,
                                          everything.totals.requests ? everything.max_time : std::int64_t{0}});

    const bool has_req = !spec.exclude.requesters.empty();
    const bool has_op = !spec.exclude.operations.empty();
    auto run = [&](const Filter& f) {
        ReportSpec r;
        r.by = spec.by;
        r.filter = f;
        r.sort = SortBy::Key;
        r.distinct_clients = false;
        r.percentiles = false;
        return source.report(r);
    };

    for (std::size_t pi = 0; pi < spec.periods.size(); ++pi) {
        const BillingPeriod& period = spec.periods[pi];
        Filter base = spec.filter;
        Filter range;
        range.from = period.from;
        range.to = period.to;
        base = combine(base, range);
        Filter not_aws = base;
        if (has_req) not_aws.terms.push_back(regex_term(Dim::Requester, spec.exclude.requesters, true));
        if (has_op) not_aws.terms.push_back(regex_term(Dim::Operation, spec.exclude.operations, true));

        PeriodSummary sum;
        sum.period = period;
        if (!spec.lines_only) sum.all = minus_time(run(base).totals);

        // Excluded usage, by disjoint reasons.
        auto exclude = [&](ExclusionReason reason, const Filter& f) {
            if (spec.lines_only) return;
            const ReportResult r = run(f);
            sum.excluded.merge(minus_time(r.totals));
            for (const auto& g : r.groups)
                st.excluded.push_back(ExcludedLine{pi, reason, g.key, minus_time(g.metrics)});
        };
        if (has_req) {
            Filter f = base;
            f.terms.push_back(regex_term(Dim::Requester, spec.exclude.requesters, false));
            exclude(ExclusionReason::AwsRequester, f);
        }
        if (has_op) {
            Filter f = base;
            if (has_req) f.terms.push_back(regex_term(Dim::Requester, spec.exclude.requesters, true));
            f.terms.push_back(regex_term(Dim::Operation, spec.exclude.operations, false));
            exclude(ExclusionReason::AwsOperation, f);
        }
        Filter billable = not_aws;
        if (spec.exclude.errors) {
            Filter f4 = not_aws, f5 = not_aws;
            f4.terms.push_back(class_term({"4xx"}, false));
            f5.terms.push_back(class_term({"5xx"}, false));
            exclude(ExclusionReason::Error4xx, f4);
            exclude(ExclusionReason::Error5xx, f5);
            billable.terms.push_back(class_term({"4xx", "5xx"}, true));
        }
        const ReportResult bill = run(billable);
        sum.billable = minus_time(bill.totals);
        Metrics check = sum.billable;
        check.merge(sum.excluded);
        sum.reconciled = check == sum.all;
        sum.overflow = sum.all.overflow || sum.billable.overflow || sum.excluded.overflow;
        sum.groups = bill.groups.size();
        sum.newest_evidence = newest;
        sum.provisional = newest < period.to + spec.late_grace_seconds;
        if (!spec.lines_only) sum.warnings = period_warnings(source, spec, base, sum, bill);

        // Charges per line.
        std::vector<StatementLine> lines;
        for (const auto& g : bill.groups) lines.push_back(StatementLine{pi, g.key, minus_time(g.metrics), {}});
        if (spec.storage) {
            storage_of_period(spec, pi, st, sum, lines);
            StorageUsage check_storage = sum.storage_billable;
            check_storage.add(sum.storage_excluded);
            sum.reconciled = sum.reconciled && check_storage == sum.storage_all;
        }
        charge_lines(prices, sum, lines);
        std::stable_sort(lines.begin(), lines.end(), [](const StatementLine& a, const StatementLine& b) {
            if (a.charges.amount != b.charges.amount) return a.charges.amount > b.charges.amount;
            return a.key < b.key;
        });
        st.lines_billed.insert(st.lines_billed.end(), lines.begin(), lines.end());
        st.periods.push_back(std::move(sum));
    }
    return st;
}

}  // namespace s3top
