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

[[gnu::always_inline]] inline std::uint32_t ReportAccumulator::dense_group(std::size_t k) {
    if (k >= dense_group_.size()) [[unlikely]]
        dense_group_.resize(k + 1, UINT32_MAX);
    std::uint32_t& g = dense_group_[k];
    if (g == UINT32_MAX) [[unlikely]] {
        g = add_group();
        group_keys_.push_back(static_cast<std::int64_t>(k));
    }
    return g;
}

std::uint32_t ReportAccumulator::group_of(const Columns& c, std::size_t row) {
    if (single_dense_) return dense_group(static_cast<std::size_t>(keyers_[0].key(c, row)));
    for (std::size_t i = 0; i < keyers_.size(); ++i) key_[i] = keyers_[i].key(c, row);
    const auto [it, fresh] = group_index_.try_emplace(key_, static_cast<std::uint32_t>(metrics_.size()));
    if (fresh) {
        add_group();
        group_keys_.insert(group_keys_.end(), key_.begin(), key_.end());
    }
    return it->second;
}

std::uint32_t ReportAccumulator::add_group() {
    const auto g = static_cast<std::uint32_t>(metrics_.size());
    metrics_.emplace_back();
    group_clients_.push_back(0);
    group_timed_.push_back(0);
    latency_row_.push_back(kNoRow);
    const std::size_t rows = client_bits_of_.size() / std::max<std::size_t>(client_words_, 1);
    if (client_bitmaps_ && client_words_ > 0 && (rows + 1) * client_words_ * 8 <= kClientBitmapBytes) {
        client_row_.push_back(static_cast<std::uint32_t>(rows));
        client_bits_of_.resize((rows + 1) * client_words_, 0);
    } else {
        client_row_.push_back(kNoRow);
    }
    return g;
}

[[gnu::always_inline]] inline void ReportAccumulator::add_latency(std::uint32_t g, std::uint32_t bucket,
                                                                  std::uint64_t n) {
    group_timed_[g] += n;
    std::uint32_t row = latency_row_[g];
    if (row == kNoRow) [[unlikely]] {
        row = latency_row_for(g);
        if (row == kNoRow) {
            sketch_.add(((std::uint64_t{g} + 1) << 32) | bucket, n);
            return;
        }
    }
    std::uint8_t& count = latency_rows_[std::size_t{row} * kLatencyBuckets + bucket];
    const std::uint64_t sum = count + n;
    count = static_cast<std::uint8_t>(sum);
    if (sum >> 8) [[unlikely]]
        sketch_.add(((std::uint64_t{g} + 1) << 32) | bucket, sum >> 8 << 8);  // the carry
}

std::uint32_t ReportAccumulator::latency_row_for(std::uint32_t g) {
    if (group_timed_[g] < kLatencyRowAfter || latency_rows_.size() >= kMaxLatencyRows * kLatencyBuckets) return kNoRow;
    // Its counts so far stay in the hash; finish() adds both.
    const auto row = static_cast<std::uint32_t>(latency_rows_.size() / kLatencyBuckets);
    latency_rows_.resize(latency_rows_.size() + kLatencyBuckets, 0);
    return latency_row_[g] = row;
}

[[gnu::always_inline]] inline bool ReportAccumulator::add_client(std::uint32_t g, std::uint32_t ip) {
    if (const std::uint32_t row = client_row_[g]; row != kNoRow) {
        std::uint64_t& word = client_bits_of_[std::size_t{row} * client_words_ + ip / 64];
        const std::uint64_t bit = std::uint64_t{1} << (ip % 64);
        if (word & bit) return false;
        word |= bit;
        return true;
    }
    return group_ip_.insert((std::uint64_t{g} + 1) << 32 | ip);
}

void ReportAccumulator::fit_client_bitmaps(std::size_t clients) {
    const std::size_t need = (clients + 63) / 64;
    if (!client_bitmaps_ || need <= client_words_) return;
    const std::size_t words = std::max(need, client_words_ * 2);
    const std::size_t rows = client_words_ ? client_bits_of_.size() / client_words_ : 0;
    if (rows * words * 8 > kClientBitmapBytes) {
        // Too many clients for bitmaps: every group's pairs go to the hash set from now on.
        for (std::size_t g = 0; g < client_row_.size(); ++g) {
            const std::uint32_t row = client_row_[g];
            if (row == kNoRow) continue;
            for (std::size_t w = 0; w < client_words_; ++w) {
                for (std::uint64_t bits = client_bits_of_[row * client_words_ + w]; bits; bits &= bits - 1)
                    group_ip_.insert((std::uint64_t{g} + 1) << 32 | (w * 64 + std::countr_zero(bits)));
            }
            client_row_[g] = kNoRow;
        }
        client_bits_of_ = {};
        client_words_ = 0;
        client_bitmaps_ = false;
        return;
    }
    std::vector<std::uint64_t> wider(rows * words, 0);
    for (std::size_t r = 0; r < rows; ++r)
        std::copy_n(client_bits_of_.begin() + static_cast<std::ptrdiff_t>(r * client_words_), client_words_,
                    wider.begin() + static_cast<std::ptrdiff_t>(r * words));
    client_bits_of_ = std::move(wider);
    client_words_ = words;
}

namespace {

/// The columns a fold reads, of up to kRows selected rows, each decoded in one pass (a narrow
/// column's width switched on once a chunk, not once a row and column).
struct FoldChunk {
    static constexpr std::size_t kRows = 512;
    std::uint32_t rows[kRows];
    std::int64_t time[kRows];
    std::uint64_t sent[kRows], in[kRows];
    std::uint32_t time_ms[kRows], key[kRows], ip[kRows];
    std::uint16_t status[kRows];
    std::uint8_t tier[kRows];
};

}  // namespace

void ReportAccumulator::fold(const Columns& c, const Pools& pools, std::size_t begin, std::size_t end) {
    filter_.prepare(pools);
    for (auto& k : keyers_) k.prepare(pools);
    const auto& ips = c.ids[index(Dim::RemoteIp)];
    const bool have_ip = spec_.distinct_clients && !ips.empty();
    if (have_ip) {
        client_bits_.resize((pools[index(Dim::RemoteIp)].size() + 63) / 64, 0);
        fit_client_bitmaps(pools[index(Dim::RemoteIp)].size());
    }
    // One stored dimension (by org, by bucket, ...): its ids are read with the numbers and the
    // group is an array lookup; anything else asks group_of() row by row.
    const IdColumn* stored_key = single_dense_ && keyers_[0].stored() ? &c.ids[index(keyers_[0].dim().dim)] : nullptr;
    const bool filtered = !filter_.empty();
    FoldChunk ch;
    for (std::size_t at = begin; at < end;) {
        const std::size_t stop = std::min(end, at + FoldChunk::kRows);
        std::size_t n = 0;
        for (; at < stop; ++at) {
            ch.rows[n] = static_cast<std::uint32_t>(at);
            n += !filtered || filter_.matches(c, at) ? 1 : 0;
        }
        if (n == 0) continue;
        c.time.gather(ch.rows, n, ch.time);
        c.bytes_sent.gather(ch.rows, n, ch.sent);
        c.bytes_in.gather(ch.rows, n, ch.in);
        c.total_time_ms.gather(ch.rows, n, ch.time_ms);
        c.status.gather(ch.rows, n, ch.status);
        c.tier.gather(ch.rows, n, ch.tier);
        if (stored_key) stored_key->gather(ch.rows, n, ch.key);
        if (have_ip) ips.gather(ch.rows, n, ch.ip);
        std::int64_t lo = ch.time[0], hi = ch.time[0];
        for (std::size_t i = 1; i < n; ++i) {
            lo = std::min(lo, ch.time[i]);
            hi = std::max(hi, ch.time[i]);
        }
        if (!have_range_ || lo < min_time_) min_time_ = lo;
        if (!have_range_ || hi > max_time_) max_time_ = hi;
        have_range_ = true;
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t sent = ch.sent[i], in = ch.in[i];
            const std::uint16_t status = ch.status[i];
            const std::uint8_t tier = ch.tier[i];
            const std::uint32_t time_ms = ch.time_ms[i];
            const std::uint32_t g = stored_key ? dense_group(ch.key[i]) : group_of(c, ch.rows[i]);
            metrics_[g].add(sent, in, status, tier, time_ms);
            if (have_ip && ch.ip[i] != 0) {
                const std::uint32_t ip = ch.ip[i];
                std::uint64_t& word = client_bits_[ip / 64];
                const std::uint64_t bit = std::uint64_t{1} << (ip % 64);
                if (!(word & bit)) {
                    word |= bit;
                    ++distinct_clients_;
                }
                if (add_client(g, ip)) ++group_clients_[g];
            }
            if (spec_.percentiles && time_ms != kNoTotalTime) add_latency(g, latency_bucket(time_ms), 1);
        }
    }
}

void ReportAccumulator::fold_groups(const Columns& c, const Pools& pools, std::span<const Metrics> metrics,
                                    std::span<const std::uint64_t> clients) {
    for (auto& k : keyers_) k.prepare(pools);
    for (std::size_t row = 0; row < c.size(); ++row) {
        const std::uint32_t g = group_of(c, row);
        metrics_[g].merge(metrics[row]);
        group_clients_[g] += clients[row];
    }
}

void ReportAccumulator::fold_timed(const Columns& c, const Pools& pools, std::span<const std::uint32_t> bucket,
                                   std::span<const std::uint64_t> count) {
    for (auto& k : keyers_) k.prepare(pools);
    for (std::size_t row = 0; row < c.size(); ++row) {
        const std::uint32_t g = group_of(c, row);
        if (bucket[row] < kLatencyBuckets) {
            add_latency(g, bucket[row], count[row]);
        } else {  // not one latency_bucket() gives: kept as it came
            sketch_.add(((std::uint64_t{g} + 1) << 32) | bucket[row], count[row]);
            group_timed_[g] += count[row];
        }
    }
}

void ReportAccumulator::set_overall(std::uint64_t distinct_clients, std::int64_t min_time, std::int64_t max_time,
                                    const std::optional<Metrics>& totals) {
    if (totals) given_totals_ = *totals;
    distinct_clients_ = distinct_clients;
    min_time_ = min_time;
    max_time_ = max_time;
    have_range_ = true;
}

ReportResult ReportAccumulator::finish(const Pools& pools) const {
    ReportResult out;
    out.by = spec_.by;
    out.filter = spec_.filter;
    // Every row is in one group: the totals are the groups' sums (saturating sums add up in
    // any order to the same values, and pass 2^64-1 exactly when the rows' sums do).
    if (given_totals_) {
        out.totals = *given_totals_;
    } else {
        for (const Metrics& m : metrics_) out.totals.merge(m);
    }
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
        // A bucket can be counted in both (the counts before a group's row, the row's carries):
        // sorted, its counts are side by side and a rank is reached all the same.
        sketch_.for_each([&](std::uint64_t key, std::uint64_t count) {
            per_group[(key >> 32) - 1].emplace_back(static_cast<std::uint32_t>(key), count);
        });
        for (std::size_t g = 0; g < latency_row_.size(); ++g) {
            if (latency_row_[g] == kNoRow) continue;
            const std::uint8_t* row = &latency_rows_[std::size_t{latency_row_[g]} * kLatencyBuckets];
            for (std::uint32_t b = 0; b < kLatencyBuckets; ++b)
                if (row[b]) per_group[g].emplace_back(b, row[b]);
        }
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
