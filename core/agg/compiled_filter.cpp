#include "core/agg/compiled_filter.hpp"

namespace s3top {

CompiledFilter::CompiledFilter(const Filter& filter) {
    if (filter.from) from_ = *filter.from;
    if (filter.to) to_ = *filter.to;
    for (const auto& ft : filter.terms) {
        Term t{ft, Keyer(ft.dim), !is_time_dim(ft.dim.dim), {}, nullptr};
        if (ft.op == FilterTerm::Op::Regex || ft.op == FilterTerm::Op::NotRegex) {
            t.re = std::make_shared<std::regex>(ft.values.front(), std::regex::ECMAScript | std::regex::optimize);
        }
        terms_.push_back(std::move(t));
    }
}

bool CompiledFilter::decide(const Term& t, std::string_view value) {
    static const std::regex kNone;
    return term_matches_value(t.term, value, t.re ? *t.re : kNone);
}

bool CompiledFilter::decide_key(const Term& t, std::int64_t key, const Pools& pools) {
    const bool shown = decide(t, t.keyer.label(key, pools));
    if (!t.keyer.decoded()) return shown;
    // A value shown decoded matches as shown or as logged ("my file.pdf" or "my%20file.pdf");
    // a negated term excludes it when either form matches what it excludes.
    const bool raw = decide(t, t.keyer.raw_label(key, pools));
    const auto op = t.term.op;
    const bool negated =
        op == FilterTerm::Op::NotEq || op == FilterTerm::Op::NotContains || op == FilterTerm::Op::NotRegex;
    return negated ? shown && raw : shown || raw;
}

void CompiledFilter::prepare(const Pools& pools) {
    pools_ = &pools;
    for (auto& t : terms_) {
        if (!t.keyed) continue;
        t.keyer.prepare(pools);
        const std::size_t n = t.keyer.dense_size(pools);
        while (t.verdict.size() < n) {
            const auto k = static_cast<std::int64_t>(t.verdict.size());
            t.verdict.push_back(decide_key(t, k, pools) ? 1 : 0);
        }
    }
}

DimMask CompiledFilter::needed() const {
    DimMask m;
    for (const auto& t : terms_) t.keyer.add_needed(m);
    return m;
}

}  // namespace s3top
