#include "core/billing/price_table.hpp"

#include "core/billing/money.hpp"

namespace s3top {

std::int64_t egress_charge_micros(const PriceTable& t, std::uint64_t bytes) {
    // sum(bytes_in_tier * nanos_per_gb) / (gb_bytes * 1000): nano -> micro and per GB at once.
    Int128 acc = 0;
    Int128 below = 0;  // bytes covered by earlier tiers
    const Int128 total = bytes;
    for (const auto& tier : t.egress) {
        const Int128 cap = tier.up_to_gb ? Int128{*tier.up_to_gb} * Int128{t.gb_bytes} : total;
        const Int128 upto = cap < total ? cap : total;
        if (upto > below) acc += (upto - below) * tier.nanos_per_gb;
        if (upto > below) below = upto;
        if (below >= total) break;
    }
    return div_round_half_up(acc, Int128{t.gb_bytes} * 1000);
}

std::int64_t ingress_charge_micros(const PriceTable& t, std::uint64_t bytes) {
    return div_round_half_up(Int128{bytes} * t.ingress_nanos_per_gb, Int128{t.gb_bytes} * 1000);
}

std::int64_t request_charge_micros(std::int64_t nanos_per_1000, std::uint64_t count) {
    return div_round_half_up(Int128{count} * nanos_per_1000, Int128{1000} * 1000);
}

std::string validate(const PriceTable& t) {
    if (t.gb_bytes == 0) return "gb_bytes must be positive";
    if (t.egress.empty()) return "egress needs at least one tier";
    for (std::size_t i = 0; i < t.egress.size(); ++i) {
        const auto& e = t.egress[i];
        const bool last = i + 1 == t.egress.size();
        if (last && e.up_to_gb) return "the last egress tier must have no up_to_gb (it takes everything above)";
        if (!last && !e.up_to_gb) return "only the last egress tier may omit up_to_gb";
        if (!last && i > 0 && *e.up_to_gb <= *t.egress[i - 1].up_to_gb) return "egress tiers must ascend in up_to_gb";
        if (e.nanos_per_gb < 0) return "egress prices must not be negative";
    }
    if (t.get_nanos_per_1000 < 0 || t.put_nanos_per_1000 < 0 || t.ingress_nanos_per_gb < 0)
        return "request and upload prices must not be negative";
    return "";
}

}  // namespace s3top
