#include "core/agg/engine.hpp"

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "core/agg/compiled_filter.hpp"
#include "core/agg/keyer.hpp"

namespace s3top {

// ---------------------------------------------------------------------------------------
// Accumulating groups

namespace {

/// Metrics by group key: an array for dense keys, a hash map for time buckets.
class GroupAcc {
public:
    explicit GroupAcc(bool dense) : dense_(dense) {}
    Metrics& at(std::int64_t k) {
        if (!dense_) return sparse_[k];
        const auto i = static_cast<std::size_t>(k);
        if (i >= by_key_.size()) by_key_.resize(std::max<std::size_t>(i + 1, by_key_.size() * 3 / 2));
        return by_key_[i];
    }
    void reserve(std::size_t n) {
        if (dense_ && by_key_.size() < n) by_key_.resize(n);
    }
    template <class F>
    void for_each(F&& f) const {
        if (dense_) {
            for (std::size_t i = 0; i < by_key_.size(); ++i) {
                if (by_key_[i].requests) f(static_cast<std::int64_t>(i), by_key_[i]);
            }
        } else {
            for (const auto& [k, m] : sparse_) f(k, m);
        }
    }

private:
    bool dense_;
    std::vector<Metrics> by_key_;
    std::unordered_map<std::int64_t, Metrics> sparse_;
};

struct Ranked {
    std::int64_t key;
    const Metrics* m;
    std::string label;
};

/// Orders groups: by the chosen metric descending, ties by label ascending (deterministic
/// whatever order ids were assigned in).
bool ranks_before(const Ranked& a, const Ranked& b, SortBy sort) {
    switch (sort) {
        case SortBy::Bytes:
            if (a.m->bytes_sent != b.m->bytes_sent) return a.m->bytes_sent > b.m->bytes_sent;
            if (a.m->requests != b.m->requests) return a.m->requests > b.m->requests;
            break;
        case SortBy::Requests:
            if (a.m->requests != b.m->requests) return a.m->requests > b.m->requests;
            if (a.m->bytes_sent != b.m->bytes_sent) return a.m->bytes_sent > b.m->bytes_sent;
            break;
        case SortBy::Key: break;
    }
    return a.label < b.label;
}

void add_row(Metrics& m, const Columns& c, std::size_t row) {
    m.add(c.bytes_sent[row], c.bytes_in[row], c.status[row], c.tier[row], c.total_time_ms[row]);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Views

class ViewState {
public:
    explicit ViewState(const ViewSpec& spec) : filter(spec.filter), resolution(spec.resolution) {
        for (const auto& p : spec.panels) {
            keyers.emplace_back(p.dim);
            accs.emplace_back(keyers.back().dense());
        }
    }

    void fold(const Columns& c, const Pools& pools, std::size_t end) {
        filter.prepare(pools);
        for (std::size_t i = 0; i < keyers.size(); ++i) {
            keyers[i].prepare(pools);
            accs[i].reserve(keyers[i].dense_size(pools));
        }
        const bool have_ip = !c.ids[index(Dim::RemoteIp)].empty();
        if (have_ip) client_bits.resize((pools[index(Dim::RemoteIp)].size() + 63) / 64, 0);
        for (std::size_t row = processed; row < end; ++row) {
            if (!filter.matches(c, row)) continue;
            add_row(totals, c, row);
            const std::int64_t t = c.time[row];
            if (totals.requests == 1 || t < min_time) min_time = t;
            if (totals.requests == 1 || t > max_time) max_time = t;
            for (std::size_t i = 0; i < keyers.size(); ++i) add_row(accs[i].at(keyers[i].key(c, row)), c, row);
            SeriesPoint& s = series[bucket_start(resolution, t)];
            ++s.requests;
            s.bytes_sent += c.bytes_sent[row];
            s.bytes_in += c.bytes_in[row];
            if (have_ip) {
                const std::uint32_t ip = c.ids[index(Dim::RemoteIp)][row];
                std::uint64_t& word = client_bits[ip / 64];
                const std::uint64_t bit = std::uint64_t{1} << (ip % 64);
                if (ip != 0 && !(word & bit)) {
                    word |= bit;
                    ++distinct_clients;
                }
            }
        }
        processed = end;
    }

    CompiledFilter filter;
    Dim resolution;
    std::vector<Keyer> keyers;
    std::vector<GroupAcc> accs;
    Metrics totals;
    std::int64_t min_time = 0, max_time = 0;
    std::unordered_map<std::int64_t, SeriesPoint> series;
    std::vector<std::uint64_t> client_bits;
    std::uint64_t distinct_clients = 0;
    std::size_t processed = 0;
};

View::View(ViewSpec spec) : spec_(std::move(spec)), state_(std::make_unique<ViewState>(spec_)) {}
View::~View() = default;
View::View(View&&) noexcept = default;
View& View::operator=(View&&) noexcept = default;

// ---------------------------------------------------------------------------------------
// Engine

Engine::Engine(EngineConfig config) : config_(std::move(config)) {}
Engine::~Engine() = default;

void Engine::append(Batch&& b) {
    std::unique_lock lock(mutex_);
    const std::size_t n = b.columns.size();
    columns_.time.insert(columns_.time.end(), b.columns.time.begin(), b.columns.time.end());
    columns_.bytes_sent.insert(columns_.bytes_sent.end(), b.columns.bytes_sent.begin(), b.columns.bytes_sent.end());
    columns_.bytes_in.insert(columns_.bytes_in.end(), b.columns.bytes_in.begin(), b.columns.bytes_in.end());
    columns_.total_time_ms.insert(columns_.total_time_ms.end(), b.columns.total_time_ms.begin(),
                                  b.columns.total_time_ms.end());
    columns_.status.insert(columns_.status.end(), b.columns.status.begin(), b.columns.status.end());
    columns_.tier.insert(columns_.tier.end(), b.columns.tier.begin(), b.columns.tier.end());
    std::vector<std::uint32_t> remap;
    for (std::size_t d = 0; d < kStringDimCount; ++d) {
        if (!config_.keep[d]) continue;
        const auto& local_ids = b.columns.ids[d];
        auto& global_ids = columns_.ids[d];
        if (local_ids.size() != n) {  // a batch built without this column: absent values
            global_ids.resize(global_ids.size() + n, 0);
            continue;
        }
        const StringPool& local = b.pools[d];
        remap.resize(local.size());
        for (std::uint32_t id = 0; id < local.size(); ++id) remap[id] = pools_[d].intern(local.view(id));
        const std::size_t base = global_ids.size();
        global_ids.resize(base + n);
        for (std::size_t i = 0; i < n; ++i) global_ids[base + i] = remap[local_ids[i]];
    }
    lines_.merge(b.counters);
    newest_source_mtime_ = std::max(newest_source_mtime_, b.newest_source_mtime);
    for (auto& r : b.rejects) {
        if (recent_rejects_.size() >= config_.max_recent_rejects && !recent_rejects_.empty())
            recent_rejects_.erase(recent_rejects_.begin());
        if (config_.max_recent_rejects) recent_rejects_.push_back(std::move(r));
    }
    version_.fetch_add(1, std::memory_order_acq_rel);
}

Snapshot Engine::refresh(View& view, std::uint64_t generation) const {
    std::shared_lock lock(mutex_);
    ViewState& st = *view.state_;
    st.fold(columns_, pools_, columns_.size());

    Snapshot s;
    s.generation = generation;
    s.view = view.spec_;
    s.lines = lines_;
    s.records = columns_.size();
    s.totals = st.totals;
    s.distinct_clients = st.distinct_clients;
    s.min_time = st.min_time;
    s.max_time = st.max_time;
    if (st.totals.requests) {
        const Dim res = view.spec_.resolution;
        for (std::int64_t b = bucket_start(res, st.min_time); b <= st.max_time; b = next_bucket(res, b)) {
            SeriesPoint p;
            if (const auto it = st.series.find(b); it != st.series.end()) p = it->second;
            p.start = b;
            s.series.push_back(p);
        }
    }
    for (std::size_t i = 0; i < st.keyers.size(); ++i) {
        const PanelSpec& spec = view.spec_.panels[i];
        std::vector<Ranked> items;
        st.accs[i].for_each([&](std::int64_t k, const Metrics& m) { items.push_back({k, &m, {}}); });
        for (auto& it : items) it.label = st.keyers[i].label(it.key, pools_);
        const std::size_t keep = spec.limit == 0 ? items.size() : std::min(spec.limit, items.size());
        std::partial_sort(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(keep), items.end(),
                          [&](const Ranked& a, const Ranked& b) { return ranks_before(a, b, spec.sort); });
        PanelData pd;
        pd.spec = spec;
        pd.groups = items.size();
        pd.rows.reserve(keep);
        for (std::size_t r = 0; r < keep; ++r) pd.rows.push_back(PanelRow{std::move(items[r].label), *items[r].m});
        s.panels.push_back(std::move(pd));
    }
    return s;
}

ReportResult Engine::report(const ReportSpec& spec) const {
    std::shared_lock lock(mutex_);
    ReportResult out;
    out.lines = lines_;
    out.by = spec.by;
    out.filter = spec.filter;
    out.newest_source_mtime = newest_source_mtime_;

    CompiledFilter filter(spec.filter);
    filter.prepare(pools_);
    std::vector<Keyer> keyers;
    for (const auto& d : spec.by) {
        keyers.emplace_back(d);
        keyers.back().prepare(pools_);
    }
    const auto& ips = columns_.ids[index(Dim::RemoteIp)];
    const bool have_ip = !ips.empty() && spec.distinct_clients;

    // Group id per distinct composite key, in first-seen order.
    struct KeyHash {
        std::size_t operator()(const std::vector<std::int64_t>& k) const {
            std::uint64_t h = 0x9E3779B97F4A7C15ULL;
            for (auto v : k) h = (h ^ static_cast<std::uint64_t>(v)) * 0xff51afd7ed558ccdULL;
            return static_cast<std::size_t>(h ^ (h >> 29));
        }
    };
    std::unordered_map<std::vector<std::int64_t>, std::uint32_t, KeyHash> group_of;
    std::vector<std::vector<std::int64_t>> group_keys;
    std::vector<Metrics> metrics;
    std::vector<std::uint32_t> row_group;  // per matching row, for the second passes
    std::vector<std::uint32_t> matching;
    std::vector<std::int64_t> key(keyers.size());
    // Single dense dimension: index arrays directly instead of hashing.
    const bool single_dense = keyers.size() == 1 && keyers[0].dense();
    std::vector<std::uint32_t> dense_group;
    if (single_dense) dense_group.assign(keyers[0].dense_size(pools_), UINT32_MAX);

    std::vector<std::uint64_t> client_bits(have_ip ? (pools_[index(Dim::RemoteIp)].size() + 63) / 64 : 0);
    const std::size_t n = columns_.size();
    for (std::size_t row = 0; row < n; ++row) {
        if (!filter.matches(columns_, row)) continue;
        add_row(out.totals, columns_, row);
        const std::int64_t t = columns_.time[row];
        if (out.totals.requests == 1 || t < out.min_time) out.min_time = t;
        if (out.totals.requests == 1 || t > out.max_time) out.max_time = t;
        std::uint32_t g;
        if (single_dense) {
            const auto k = static_cast<std::size_t>(keyers[0].key(columns_, row));
            g = dense_group[k];
            if (g == UINT32_MAX) {
                g = dense_group[k] = static_cast<std::uint32_t>(metrics.size());
                group_keys.push_back({static_cast<std::int64_t>(k)});
                metrics.emplace_back();
            }
        } else {
            for (std::size_t i = 0; i < keyers.size(); ++i) key[i] = keyers[i].key(columns_, row);
            const auto [it, fresh] = group_of.try_emplace(key, static_cast<std::uint32_t>(metrics.size()));
            if (fresh) {
                group_keys.push_back(key);
                metrics.emplace_back();
            }
            g = it->second;
        }
        add_row(metrics[g], columns_, row);
        row_group.push_back(g);
        matching.push_back(static_cast<std::uint32_t>(row));
        if (have_ip && ips[row] != 0) {
            std::uint64_t& word = client_bits[ips[row] / 64];
            const std::uint64_t bit = std::uint64_t{1} << (ips[row] % 64);
            if (!(word & bit)) {
                word |= bit;
                ++out.distinct_clients;
            }
        }
    }

    std::vector<ReportGroup> groups(metrics.size());
    for (std::size_t g = 0; g < metrics.size(); ++g) {
        groups[g].metrics = metrics[g];
        for (std::size_t i = 0; i < keyers.size(); ++i) groups[g].key.push_back(keyers[i].label(group_keys[g][i], pools_));
    }
    // Exact distinct clients and percentiles per group: sort (group, value) pairs.
    std::vector<std::uint64_t> pairs;
    if (have_ip) {
        pairs.reserve(matching.size());
        for (std::size_t i = 0; i < matching.size(); ++i) {
            const std::uint32_t ip = ips[matching[i]];
            if (ip != 0) pairs.push_back((std::uint64_t{row_group[i]} << 32) | ip);
        }
        std::sort(pairs.begin(), pairs.end());
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            if (i == 0 || pairs[i] != pairs[i - 1]) ++groups[pairs[i] >> 32].distinct_clients;
        }
    }
    if (spec.percentiles) {
        pairs.clear();
        for (std::size_t i = 0; i < matching.size(); ++i) {
            const std::uint32_t ms = columns_.total_time_ms[matching[i]];
            if (ms != kNoTotalTime) pairs.push_back((std::uint64_t{row_group[i]} << 32) | ms);
        }
        std::sort(pairs.begin(), pairs.end());
        for (std::size_t i = 0; i < pairs.size();) {
            const std::size_t g = pairs[i] >> 32;
            std::size_t j = i;
            while (j < pairs.size() && (pairs[j] >> 32) == g) ++j;
            const std::size_t count = j - i;
            // Nearest-rank percentiles.
            auto rank = [&](unsigned p) { return i + (count * p + 99) / 100 - 1; };
            groups[g].timed_requests = count;
            groups[g].p50_ms = static_cast<std::uint32_t>(pairs[rank(50)]);
            groups[g].p95_ms = static_cast<std::uint32_t>(pairs[rank(95)]);
            i = j;
        }
    }

    auto before = [&](const ReportGroup& a, const ReportGroup& b) {
        const Ranked ra{0, &a.metrics, {}}, rb{0, &b.metrics, {}};
        if (spec.sort != SortBy::Key && (a.metrics.bytes_sent != b.metrics.bytes_sent || a.metrics.requests != b.metrics.requests))
            return ranks_before(ra, rb, spec.sort);
        return a.key < b.key;
    };
    std::sort(groups.begin(), groups.end(), before);
    out.total_groups = groups.size();
    if (spec.top && groups.size() > spec.top) groups.resize(spec.top);
    out.groups = std::move(groups);
    return out;
}

LineCounters Engine::lines() const {
    std::shared_lock lock(mutex_);
    return lines_;
}

std::uint64_t Engine::records() const {
    std::shared_lock lock(mutex_);
    return columns_.size();
}

std::vector<RejectedLine> Engine::recent_rejects() const {
    std::shared_lock lock(mutex_);
    return recent_rejects_;
}

std::size_t Engine::memory_bytes() const {
    std::shared_lock lock(mutex_);
    std::size_t b = columns_.memory_bytes();
    for (const auto& p : pools_) b += p.memory_bytes();
    return b;
}

std::vector<std::string> Engine::values(Dim dim) const {
    std::shared_lock lock(mutex_);
    std::vector<std::string> out;
    if (!is_string_dim(dim)) return out;
    const StringPool& p = pools_[index(dim)];
    out.reserve(p.size());
    for (std::uint32_t id = 1; id < p.size(); ++id) out.emplace_back(p.view(id));
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace s3top
