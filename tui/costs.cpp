#include "tui/costs.hpp"

#include "core/agg/engine.hpp"
#include "core/billing/money.hpp"
#include "core/billing/statement.hpp"
#include "core/report/units.hpp"

namespace s3top::tui {

OrgCosts compute_org_costs(const Engine& engine, const BillingSpec& base, const Filter& filter, std::int64_t min_time,
                           std::int64_t max_time) {
    OrgCosts out;
    out.filter = filter;
    out.currency = base.prices.currency;
    if (max_time < min_time) return out;
    BillingSpec spec = base;
    spec.by = {DimSpec{Dim::Org, 0}};
    spec.filter = filter;
    spec.periods = periods_between(min_time, max_time + 1);
    spec.storage = nullptr;  // #16: the dashboard's storage goes here
    if (spec.periods.empty()) return out;
    out.from = spec.periods.front().from;
    out.to = spec.periods.back().to;
    const Statement st = compute_statement(engine, spec);
    for (const StatementLine& l : st.lines_billed) {
        std::string org = l.key.empty() ? std::string() : l.key.front();
        if (org == "-") org.clear();
        out.by_org[org] += l.charges.amount;
        out.total += l.charges.amount;
    }
    for (const PeriodSummary& p : st.periods) out.provisional |= p.provisional;
    return out;
}

std::string format_money(std::int64_t micros) {
    const bool negative = micros < 0;
    const std::string plain = format_scaled_decimal(negative ? -micros : micros, 6, 2);  // "1234.56"
    const auto dot = plain.find('.');
    std::string out = grouped(std::stoull(plain.substr(0, dot))) + plain.substr(dot);
    return negative ? "-" + out : out;
}

}  // namespace s3top::tui
