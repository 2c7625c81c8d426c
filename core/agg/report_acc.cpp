#include "core/agg/report_acc.hpp"

#include <algorithm>
#include <bit>

#include "core/agg/ranking.hpp"

namespace s3top {

std::uint32_t latency_bucket(std::uint32_t ms) {
    if (ms < 128) return ms;
    const auto e = static_cast<std::uint32_t>(std::bit_width(ms) - 1);  // >= 7
    const std::uint32_t shift = e - 6;
    const std::uint32_t mantissa = (ms >> shift) & 63u;
    return 128 + (e - 7) * 64 + mantissa;
}

std::uint32_t latency_bucket_value(std::uint32_t bucket) {
    if (bucket < 128) return bucket;
    const std::uint32_t e = (bucket - 128) / 64 + 7;
    const std::uint32_t mantissa = (bucket - 128) % 64;
    const std::uint32_t shift = e - 6;
    const std::uint64_t low = static_cast<std::uint64_t>(64 + mantissa) << shift;
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(low + ((std::uint64_t{1} << shift) - 1) / 2, UINT32_MAX));
}

std::size_t ReportAccumulator::KeyHash::operator()(const std::vector<std::int64_t>& k) const {
    std::uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (auto v : k) h = mix64(h ^ static_cast<std::uint64_t>(v));
    return static_cast<std::size_t>(h);
}

ReportAccumulator::ReportAccumulator(const ReportSpec& spec) : spec_(spec), filter_(spec.filter) {
    for (const auto& d : spec.by) keyers_.emplace_back(d);
    single_dense_ = keyers_.size() == 1 && keyers_[0].dense();
    key_.resize(keyers_.size());
}

DimMask ReportAccumulator::needed() const {
    DimMask m = filter_.needed();
    for (const auto& k : keyers_) k.add_needed(m);
    if (spec_.distinct_clients) m.set(index(Dim::RemoteIp));
    return m;
}

std::uint32_t ReportAccumulator::group_of(const Columns& c, std::size_t row) {
    if (single_dense_) {
        const auto k = static_cast<std::size_t>(keyers_[0].key(c, row));
        if (k >= dense_group_.size()) dense_group_.resize(k + 1, UINT32_MAX);
        std::uint32_t& g = dense_group_[k];
        if (g == UINT32_MAX) {
            g = static_cast<std::uint32_t>(metrics_.size());
            group_keys_.push_back(static_cast<std::int64_t>(k));
            metrics_.emplace_back();
            group_clients_.push_back(0);
            group_timed_.push_back(0);
        }
        return g;
    }
    for (std::size_t i = 0; i < keyers_.size(); ++i) key_[i] = keyers_[i].key(c, row);
    const auto [it, fresh] = group_index_.try_emplace(key_, static_cast<std::uint32_t>(metrics_.size()));
    if (fresh) {
        group_keys_.insert(group_keys_.end(), key_.begin(), key_.end());
        metrics_.emplace_back();
        group_clients_.push_back(0);
        group_timed_.push_back(0);
    }
    return it->second;
}

void ReportAccumulator::fold(const Columns& c, const Pools& pools, std::size_t begin, std::size_t end) {
    filter_.prepare(pools);
    for (auto& k : keyers_) k.prepare(pools);
    const auto& ips = c.ids[index(Dim::RemoteIp)];
    const bool have_ip = spec_.distinct_clients && !ips.empty();
    if (have_ip) client_bits_.resize((pools[index(Dim::RemoteIp)].size() + 63) / 64, 0);
    for (std::size_t row = begin; row < end; ++row) {
        if (!filter_.matches(c, row)) continue;
        const std::int64_t t = c.time[row];
        if (totals_.requests == 0 || t < min_time_) min_time_ = t;
        if (totals_.requests == 0 || t > max_time_) max_time_ = t;
        // Each number read once (a narrow column's read is a switch on its width), added twice.
        const std::uint64_t sent = c.bytes_sent[row], in = c.bytes_in[row];
        const std::uint16_t status = c.status[row];
        const std::uint8_t tier = c.tier[row];
        const std::uint32_t time_ms = c.total_time_ms[row];
        totals_.add(sent, in, status, tier, time_ms);
        const std::uint32_t g = group_of(c, row);
        // A group's sums are parts of the totals' (every row or group merged into one is in
        // both): while the totals did not pass 2^64-1, the group's cannot.
        if (totals_.overflow) {
            metrics_[g].add(sent, in, status, tier, time_ms);
        } else {
            metrics_[g].add_unsaturated(sent, in, status, tier, time_ms);
        }
        const std::uint64_t gk = (std::uint64_t{g} + 1) << 32;
        if (have_ip && ips[row] != 0) {
            const std::uint32_t ip = ips[row];
            std::uint64_t& word = client_bits_[ip / 64];
            const std::uint64_t bit = std::uint64_t{1} << (ip % 64);
            if (!(word & bit)) {
                word |= bit;
                ++distinct_clients_;
            }
            if (group_ip_.insert(gk | ip)) ++group_clients_[g];
        }
        if (spec_.percentiles && time_ms != kNoTotalTime) {
            sketch_.add(gk | latency_bucket(time_ms));
            ++group_timed_[g];
        }
    }
}

void ReportAccumulator::fold_groups(const Columns& c, const Pools& pools, std::span<const Metrics> metrics,
                                    std::span<const std::uint64_t> clients) {
    for (auto& k : keyers_) k.prepare(pools);
    for (std::size_t row = 0; row < c.size(); ++row) {
        const std::uint32_t g = group_of(c, row);
        metrics_[g].merge(metrics[row]);
        totals_.merge(metrics[row]);
        group_clients_[g] += clients[row];
    }
}

void ReportAccumulator::fold_timed(const Columns& c, const Pools& pools, std::span<const std::uint32_t> bucket,
                                   std::span<const std::uint64_t> count) {
    for (auto& k : keyers_) k.prepare(pools);
    for (std::size_t row = 0; row < c.size(); ++row) {
        const std::uint32_t g = group_of(c, row);
        sketch_.add(((std::uint64_t{g} + 1) << 32) | bucket[row], count[row]);
        group_timed_[g] += count[row];
    }
}

void ReportAccumulator::set_overall(std::uint64_t distinct_clients, std::int64_t min_time, std::int64_t max_time,
                                    const std::optional<Metrics>& totals) {
    if (totals) totals_ = *totals;
    distinct_clients_ = distinct_clients;
    min_time_ = min_time;
    max_time_ = max_time;
}

ReportResult ReportAccumulator::finish(const Pools& pools) const {
    ReportResult out;
    out.by = spec_.by;
    out.filter = spec_.filter;
    out.totals = totals_;
    out.distinct_clients = distinct_clients_;
    out.min_time = min_time_;
    out.max_time = max_time_;
    std::vector<ReportGroup> groups(metrics_.size());
    for (std::size_t g = 0; g < metrics_.size(); ++g) {
        groups[g].metrics = metrics_[g];
        groups[g].distinct_clients = group_clients_[g];
        groups[g].timed_requests = group_timed_[g];
        for (std::size_t i = 0; i < keyers_.size(); ++i)
            groups[g].key.push_back(keyers_[i].label(group_keys_[g * keyers_.size() + i], pools));
    }
    if (spec_.percentiles) {
        // Nearest-rank percentiles from each group's sketch.
        std::vector<std::vector<std::pair<std::uint32_t, std::uint64_t>>> per_group(metrics_.size());
        sketch_.for_each([&](std::uint64_t key, std::uint64_t count) {
            per_group[(key >> 32) - 1].emplace_back(static_cast<std::uint32_t>(key), count);
        });
        for (std::size_t g = 0; g < per_group.size(); ++g) {
            auto& buckets = per_group[g];
            if (buckets.empty()) continue;
            std::sort(buckets.begin(), buckets.end());
            const std::uint64_t n = group_timed_[g];
            auto value_at_rank = [&](std::uint64_t rank) {
                std::uint64_t seen = 0;
                for (const auto& [b, cnt] : buckets) {
                    seen += cnt;
                    if (seen >= rank) return latency_bucket_value(b);
                }
                return latency_bucket_value(buckets.back().first);
            };
            groups[g].p50_ms = value_at_rank((n * 50 + 99) / 100);
            groups[g].p95_ms = value_at_rank((n * 95 + 99) / 100);
        }
    }
    // Groups are sorted through their indices: two keys logged differently can be shown alike
    // (decoded keys: "a+b" and "a%2Bb"), and then the keys as logged decide, so equal input
    // always prints in the same order (group ids follow the threads' interning order).
    std::vector<std::size_t> order(groups.size());
    for (std::size_t g = 0; g < order.size(); ++g) order[g] = g;
    const std::size_t nk = keyers_.size();
    auto raw_before = [&](std::size_t a, std::size_t b) {
        for (std::size_t i = 0; i < nk; ++i) {
            if (!keyers_[i].decoded()) continue;
            const std::string ra = keyers_[i].raw_label(group_keys_[a * nk + i], pools);
            const std::string rb = keyers_[i].raw_label(group_keys_[b * nk + i], pools);
            if (ra != rb) return ra < rb;
        }
        return false;
    };
    std::sort(order.begin(), order.end(), [&](std::size_t ia, std::size_t ib) {
        const ReportGroup& a = groups[ia];
        const ReportGroup& b = groups[ib];
        if (spec_.sort != SortBy::Key &&
            (a.metrics.bytes_sent != b.metrics.bytes_sent || a.metrics.requests != b.metrics.requests))
            return ranks_before(a.metrics, {}, b.metrics, {}, spec_.sort);
        // By value, as the dashboard's panels: client IPs as addresses, numbers and times by
        // their value (compare_values), each dimension in turn.
        for (std::size_t i = 0; i < nk; ++i) {
            if (const int c = compare_values(spec_.by[i].dim, group_keys_[ia * nk + i], a.key[i],
                                             group_keys_[ib * nk + i], b.key[i]))
                return c < 0;
        }
        return raw_before(ia, ib);
    });
    std::vector<ReportGroup> sorted;
    sorted.reserve(groups.size());
    for (const std::size_t g : order) sorted.push_back(std::move(groups[g]));
    groups = std::move(sorted);
    out.total_groups = group_count_.value_or(groups.size());
    if (spec_.top && groups.size() > spec_.top) groups.resize(spec_.top);
    out.groups = std::move(groups);
    return out;
}

}  // namespace s3top
