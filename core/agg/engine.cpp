#include "core/agg/engine.hpp"

#include "core/storage/storage_collector.hpp"

#include <algorithm>
#include <bit>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "core/agg/compiled_filter.hpp"
#include "core/agg/keyer.hpp"
#include "core/agg/panel_order.hpp"
#include "core/agg/report_acc.hpp"
#include "core/util/thread_name.hpp"

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
    /// True when dense keys below `n` index data() directly (reserve(n) was called).
    bool dense_ready(std::size_t n) const { return dense_ && by_key_.size() >= n; }
    Metrics* data() { return by_key_.data(); }
    void merge(const GroupAcc& o) {
        if (dense_) {
            if (by_key_.size() < o.by_key_.size()) by_key_.resize(o.by_key_.size());
            for (std::size_t i = 0; i < o.by_key_.size(); ++i) {
                if (o.by_key_[i].requests) by_key_[i].merge(o.by_key_[i]);
            }
        } else {
            for (const auto& [k, m] : o.sparse_) sparse_[k].merge(m);
        }
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

}  // namespace

// ---------------------------------------------------------------------------------------
// Views

/// What folding rows into a view accumulates; two partials over disjoint rows merge.
struct ViewPartial {
    std::vector<GroupAcc> accs;
    Metrics totals;
    std::int64_t min_time = 0, max_time = 0;
    std::unordered_map<std::int64_t, SeriesPoint> series;
    std::vector<std::uint64_t> client_bits;

    void merge(const ViewPartial& o) {
        for (std::size_t i = 0; i < accs.size(); ++i) accs[i].merge(o.accs[i]);
        if (o.totals.requests) {
            if (!totals.requests || o.min_time < min_time) min_time = o.min_time;
            if (!totals.requests || o.max_time > max_time) max_time = o.max_time;
        }
        totals.merge(o.totals);
        for (const auto& [k, p] : o.series) {
            SeriesPoint& s = series[k];
            s.requests += p.requests;
            add_saturating(s.bytes_sent, p.bytes_sent);  // an overflow is flagged in the totals
            add_saturating(s.bytes_in, p.bytes_in);
        }
        if (client_bits.size() < o.client_bits.size()) client_bits.resize(o.client_bits.size(), 0);
        for (std::size_t w = 0; w < o.client_bits.size(); ++w) client_bits[w] |= o.client_bits[w];
    }
};

class ViewState {
public:
    explicit ViewState(const ViewSpec& spec) : filter(spec.filter), resolution(spec.resolution) {
        for (const auto& p : spec.panels) {
            keyers.emplace_back(p.dim);
            main.accs.emplace_back(keyers.back().dense());
        }
    }

    /// Folds rows [processed, end), and first every row folded before into the chart again
    /// when its resolution changed (respec). Keyers and filter are read-only meanwhile.
    void fold(const Columns& c, const Pools& pools, std::size_t end, std::size_t split_rows) {
        filter.prepare(pools);
        for (auto& k : keyers) k.prepare(pools);
        if (series_stale) {
            fold_split(c, pools, 0, processed, split_rows, Consumers::Series);
            series_stale = false;
        }
        fold_split(c, pools, processed, end, split_rows, Consumers::All);
        distinct_clients = 0;
        for (const auto w : main.client_bits) distinct_clients += static_cast<std::uint64_t>(std::popcount(w));
        processed = end;
    }

    /// A new chart resolution: the series is folded again from every row on the next fold;
    /// the totals and panels stay.
    void set_resolution(Dim r) {
        resolution = r;
        main.series.clear();
        series_stale = processed > 0;
    }

    /// What a fold adds rows to: everything, or only the chart's series.
    enum class Consumers : std::uint8_t { All, Series };

    /// Folds rows [begin, end) into main; a large range (a new view over many records) is
    /// split over two threads whose partials merge.
    void fold_split(const Columns& c, const Pools& pools, std::size_t begin, std::size_t end, std::size_t split_rows,
                    Consumers what) {
        const std::size_t ips = (pools[index(Dim::RemoteIp)].size() + 63) / 64;
        auto ready = [&](ViewPartial& p) {
            if (what == Consumers::Series) return;
            for (std::size_t i = 0; i < keyers.size(); ++i) p.accs[i].reserve(keyers[i].dense_size(pools));
            if (p.client_bits.size() < ips) p.client_bits.resize(ips, 0);
        };
        ready(main);
        if (end - begin >= split_rows && std::thread::hardware_concurrency() > 1) {
            const std::size_t mid = begin + (end - begin) / 2;
            ViewPartial other;
            for (const auto& k : keyers) other.accs.emplace_back(k.dense());
            ready(other);
            std::thread t([&] {
                name_this_thread("s3top-fold");
                fold_range(other, c, mid, end, what);
            });
            fold_range(main, c, begin, mid, what);
            t.join();
            main.merge(other);
        } else {
            fold_range(main, c, begin, end, what);
        }
    }

    void fold_range(ViewPartial& p, const Columns& c, std::size_t begin, std::size_t end, Consumers what) const {
        // The rows that pass, once; then one tight loop per consumer (totals and chart, each
        // panel) instead of one loop touching every panel per row.
        std::vector<std::uint32_t> sel;
        sel.reserve(end - begin);
        if (filter.empty()) {
            for (std::size_t row = begin; row < end; ++row) sel.push_back(static_cast<std::uint32_t>(row));
        } else {
            for (std::size_t row = begin; row < end; ++row) {
                if (filter.matches(c, row)) sel.push_back(static_cast<std::uint32_t>(row));
            }
        }
        if (sel.empty()) return;
        RowNumbers n(std::min(RowNumbers::kRows, sel.size()));  // a follow round's few rows: small
        for (std::size_t at = 0; at < sel.size(); at += RowNumbers::kRows) {
            const std::size_t count = std::min(RowNumbers::kRows, sel.size() - at);
            if (what == Consumers::Series) {
                n.read_times(c, sel.data() + at, count);
                fold_series(p, count, n);
                continue;
            }
            n.read(c, sel.data() + at, count);
            fold_rows(p, c, sel.data() + at, count, n);
        }
    }

    /// The number columns of a chunk of selected rows, decoded once for every consumer.
    struct RowNumbers {
        static constexpr std::size_t kRows = 16384;
        std::vector<std::int64_t> time;
        std::vector<std::uint64_t> sent, in;
        std::vector<std::uint32_t> time_ms;
        std::vector<std::uint16_t> status;
        std::vector<std::uint8_t> tier;

        explicit RowNumbers(std::size_t rows)
            : time(rows), sent(rows), in(rows), time_ms(rows), status(rows), tier(rows) {}
        void read(const Columns& c, const std::uint32_t* rows, std::size_t count) {
            read_times(c, rows, count);
            c.total_time_ms.gather(rows, count, time_ms.data());
            c.status.gather(rows, count, status.data());
            c.tier.gather(rows, count, tier.data());
        }
        /// What the chart's series needs: the time and the bytes.
        void read_times(const Columns& c, const std::uint32_t* rows, std::size_t count) {
            c.time.gather(rows, count, time.data());
            c.bytes_sent.gather(rows, count, sent.data());
            c.bytes_in.gather(rows, count, in.data());
        }
        void add_to(Metrics& m, std::size_t i) const { m.add(sent[i], in[i], status[i], tier[i], time_ms[i]); }
        /// add_to() with plain sums: when they cannot pass 2^64-1 (fold_rows says when).
        void add_unsaturated(Metrics& m, std::size_t i) const {
            m.add_unsaturated(sent[i], in[i], status[i], tier[i], time_ms[i]);
        }
    };

    /// A chunk of selected rows into the chart's series.
    void fold_series(ViewPartial& p, std::size_t count, const RowNumbers& n) const {
        // Rows come roughly in time order: remember the current chart bucket.
        std::int64_t lo = 1, hi = 0;
        SeriesPoint* bucket = nullptr;
        for (std::size_t i = 0; i < count; ++i) {
            const std::int64_t t = n.time[i];
            if (t < lo || t >= hi) {
                lo = bucket_start(resolution, t);
                hi = next_bucket(resolution, lo);
                bucket = &p.series[lo];
            }
            ++bucket->requests;
            add_saturating(bucket->bytes_sent, n.sent[i]);  // flagged in the totals
            add_saturating(bucket->bytes_in, n.in[i]);
        }
    }

    // One chunk of selected rows into the totals, the chart and each panel: one tight loop per
    // consumer instead of one loop touching every panel per row.
    void fold_rows(ViewPartial& p, const Columns& c, const std::uint32_t* rows, std::size_t count,
                   const RowNumbers& n) const {
        const auto& ips = c.ids[index(Dim::RemoteIp)];
        for (std::size_t i = 0; i < count; ++i) {
            const std::int64_t t = n.time[i];
            if (!p.totals.requests || t < p.min_time) p.min_time = t;
            if (!p.totals.requests || t > p.max_time) p.max_time = t;
            n.add_to(p.totals, i);
        }
        fold_series(p, count, n);
        if (!ips.empty()) {
            ips.visit([&](const auto* ip) {
                for (std::size_t i = 0; i < count; ++i) {
                    const std::uint32_t id = ip[rows[i]];
                    if (id != 0) p.client_bits[id / 64] |= std::uint64_t{1} << (id % 64);
                }
            });
        }
        // Each panel's groups split the rows the totals hold, so a group's sums are parts of the
        // totals' sums: while those did not pass 2^64-1 (no overflow flagged), no group's can,
        // and the panels add without saturating (a tenth of the UI thread's fold).
        if (p.totals.overflow) {
            fold_panels<true>(p, c, rows, count, n);
        } else {
            fold_panels<false>(p, c, rows, count, n);
        }
    }

    static constexpr std::size_t kFetchAhead = 16;
    static constexpr std::size_t kFetchAheadBytes = std::size_t{1} << 20;

    template <bool Saturating>
    void fold_panels(ViewPartial& p, const Columns& c, const std::uint32_t* rows, std::size_t count,
                     const RowNumbers& n) const {
        const auto add = [&n](Metrics& m, std::size_t i) {
            if constexpr (Saturating) {
                n.add_to(m, i);
            } else {
                n.add_unsaturated(m, i);
            }
        };
        for (std::size_t k = 0; k < keyers.size(); ++k) {
            const DimSpec d = keyers[k].dim();
            if (is_string_dim(d.dim) && p.accs[k].dense_ready(keyers[k].dense_size_hint())) {
                Metrics* acc = p.accs[k].data();
                // A panel of many groups (keys, clients: megabytes of metrics) is read out of
                // the cache row after row: each row's group is fetched some rows ahead, both
                // lines a Metrics spans.
                const bool far = keyers[k].dense_size_hint() * sizeof(Metrics) > kFetchAheadBytes;
                c.ids[index(d.dim)].visit([&](const auto* ids) {
                    if (!far) {
                        for (std::size_t i = 0; i < count; ++i) add(acc[ids[rows[i]]], i);
                        return;
                    }
                    const std::size_t ahead = std::min(count, kFetchAhead);
                    for (std::size_t i = 0; i < count; ++i) {
                        if (i + ahead < count) {
                            const auto* m = reinterpret_cast<const char*>(acc + ids[rows[i + ahead]]);
                            __builtin_prefetch(m, 1);
                            __builtin_prefetch(m + sizeof(Metrics) - 1, 1);
                        }
                        add(acc[ids[rows[i]]], i);
                    }
                });
            } else {
                for (std::size_t i = 0; i < count; ++i) add(p.accs[k].at(keyers[k].key(c, rows[i])), i);
            }
        }
    }

    CompiledFilter filter;
    Dim resolution;
    std::vector<Keyer> keyers;
    ViewPartial main;
    std::uint64_t distinct_clients = 0;
    std::size_t processed = 0;
    bool series_stale = false;  ///< rows [0, processed) are not in main.series (set_resolution)
};

View::View(ViewSpec spec) : spec_(std::move(spec)), state_(std::make_unique<ViewState>(spec_)) {}
View::~View() = default;

void View::respec(ViewSpec spec) {
    const bool same_groups = spec.filter == spec_.filter && spec.panels.size() == spec_.panels.size() &&
                             std::equal(spec.panels.begin(), spec.panels.end(), spec_.panels.begin(),
                                        [](const PanelSpec& a, const PanelSpec& b) { return a.dim == b.dim; });
    if (!same_groups) {
        *this = View(std::move(spec));
        return;
    }
    if (spec.resolution != spec_.resolution) state_->set_resolution(spec.resolution);
    spec_ = std::move(spec);
}
View::View(View&&) noexcept = default;
View& View::operator=(View&&) noexcept = default;

// ---------------------------------------------------------------------------------------
// Engine

Engine::Engine(EngineConfig config) : config_(std::move(config)) {
    if (config_.stream) {
        stream_ = std::make_unique<ReportAccumulator>(*config_.stream);
        config_.keep = config_.keep | stream_->needed();
    }
}
Engine::~Engine() = default;

void Engine::intern_locked(Batch& b) {
    Columns& in = b.columns;
    const std::size_t n = in.size();
    std::vector<std::uint32_t> remap;
    for (std::size_t d = 0; d < kStringDimCount; ++d) {
        auto& ids = in.ids[d];
        if (!config_.keep[d]) {
            ids.clear();
            continue;
        }
        if (ids.size() != n) {  // a batch built without this column: absent values
            ids.assign(n, 0);
            continue;
        }
        if (b.interned) continue;
        if (pools_[d].size() <= 1) {  // nothing interned yet (a restart's one big batch): take its pool
            pools_[d] = std::move(b.pools[d]);
            continue;
        }
        const StringPool& local = b.pools[d];
        pools_[d].intern_all(local, remap);
        ids.remap(remap);
    }
    b.interned = true;
}

void Engine::intern(Batch& b) {
    {
        std::unique_lock lock(mutex_);
        intern_locked(b);
    }
    b.pools = Pools{};  // its strings are the engine's now
}

std::array<std::vector<std::uint32_t>, kStringDimCount> Engine::intern_pools(Pools&& pools) {
    std::unique_lock lock(mutex_);
    std::array<std::vector<std::uint32_t>, kStringDimCount> remap;
    for (std::size_t d = 0; d < kStringDimCount; ++d) {
        if (!config_.keep[d]) continue;
        StringPool& local = pools[d];
        auto& to = remap[d];
        to.resize(local.size());
        if (pools_[d].size() <= 1) {  // nothing interned yet (a restart): take the pool as it is
            for (std::uint32_t id = 0; id < to.size(); ++id) to[id] = id;
            pools_[d] = std::move(local);
            continue;
        }
        pools_[d].intern_all(local, to);
    }
    return remap;
}

void Engine::append_rows(const Columns& rows) {
    if (!stream_) {
        Batch b;
        b.columns = rows;
        b.interned = true;
        append(std::move(b));
        return;
    }
    std::unique_lock lock(mutex_);
    count_operations(rows);
    stream_->fold(rows, pools_, 0, rows.size());
    version_.fetch_add(1, std::memory_order_acq_rel);
}

void Engine::count_operations(const Columns& rows) {
    const auto& ids = rows.ids[index(Dim::Operation)];
    if (ids.empty()) return;
    if (operation_requests_.size() < pools_[index(Dim::Operation)].size())
        operation_requests_.resize(pools_[index(Dim::Operation)].size());
    ids.visit([&](const auto* id) {  // the column's width switched on once, not once a row
        for (std::size_t i = 0; i < ids.size(); ++i) ++operation_requests_[id[i]];
    });
}

void Engine::expect_bytes(std::uint64_t bytes) {
    std::unique_lock lock(mutex_);
    expected_bytes_ += bytes;
}

void Engine::unexpect_bytes(std::uint64_t bytes) {
    if (bytes == 0) return;
    std::unique_lock lock(mutex_);
    expected_bytes_ = bytes < expected_bytes_ ? expected_bytes_ - bytes : 0;
}

std::uint64_t Engine::expected_bytes() const {
    std::shared_lock lock(mutex_);
    return expected_bytes_;
}

void Engine::grow_for(std::size_t rows, std::uint64_t bytes) {
    const std::size_t have = columns_.size();
    const std::size_t need = have + rows;
    const std::size_t room = columns_.time.capacity();
    if (have == 0 || need <= room) return;  // the first batch's columns are taken as they are
    std::size_t want = std::max(need, room * 2);
    const std::uint64_t read = lines_.bytes + bytes;
    if (expected_bytes_ > read && read > 0) {
        // The rows still to come at the bytes per row so far, and 2% more; growing by less
        // than a quarter would copy too often, so then it doubles as before.
        const double per_byte = static_cast<double>(need) / static_cast<double>(read);
        const auto to_come = static_cast<std::size_t>(static_cast<double>(expected_bytes_ - read) * per_byte * 1.02);
        if (need + to_come >= room + room / 4) want = need + to_come;
    }
    columns_.reserve(want, config_.keep);
}

void Engine::hand_storage(Batch& b) {
    if (config_.storage && (!b.storage.lines.empty() || b.storage.failed > 0)) {
        config_.storage->add(std::move(b.storage));
        b.storage = StorageLines{};
    }
}

void Engine::append(Batch&& b) {
    hand_storage(b);
    std::unique_lock lock(mutex_);
    append_locked(b);
}

bool Engine::try_append(Batch& b) {
    hand_storage(b);
    std::unique_lock lock(mutex_, std::try_to_lock);
    if (!lock.owns_lock()) return false;
    append_locked(b);
    return true;
}

void Engine::append_locked(Batch& b) {
    intern_locked(b);
    Columns& in = b.columns;
    const std::size_t n = in.size();
    count_operations(in);
    if (stream_) {
        stream_->fold(in, pools_, 0, n);
    } else {
        grow_for(n, b.counters.bytes);
        for_each_number_column(columns_, in, [](auto& dst, auto& src) { dst.take(std::move(src)); });
        for (std::size_t d = 0; d < kStringDimCount; ++d) {
            if (config_.keep[d]) columns_.ids[d].take(std::move(in.ids[d]));
        }
    }
    lines_.merge(b.counters);
    newest_source_mtime_ = std::max(newest_source_mtime_, b.newest_source_mtime);
    // The most recent max_recent_rejects: one move per kept line and one erase per batch.
    if (const std::size_t cap = config_.max_recent_rejects; cap > 0 && !b.rejects.empty()) {
        const std::size_t from = b.rejects.size() > cap ? b.rejects.size() - cap : 0;
        recent_rejects_.insert(recent_rejects_.end(),
                               std::make_move_iterator(b.rejects.begin() + static_cast<std::ptrdiff_t>(from)),
                               std::make_move_iterator(b.rejects.end()));
        if (recent_rejects_.size() > cap)
            recent_rejects_.erase(recent_rejects_.begin(),
                                  recent_rejects_.begin() + static_cast<std::ptrdiff_t>(recent_rejects_.size() - cap));
    }
    version_.fetch_add(1, std::memory_order_acq_rel);
}

Snapshot Engine::refresh(View& view, std::uint64_t generation) const {
    std::shared_lock lock(mutex_);
    ViewState& st = *view.state_;
    st.fold(columns_, pools_, columns_.size(), config_.split_fold_rows);

    Snapshot s;
    s.generation = generation;
    s.view = view.spec_;
    s.lines = lines_;
    s.records = columns_.size();
    s.totals = st.main.totals;
    s.distinct_clients = st.distinct_clients;
    s.min_time = st.main.min_time;
    s.max_time = st.main.max_time;
    if (st.main.totals.requests) {
        const Dim res = view.spec_.resolution;
        for (std::int64_t b = bucket_start(res, st.main.min_time); b <= st.main.max_time; b = next_bucket(res, b)) {
            SeriesPoint p;
            if (const auto it = st.main.series.find(b); it != st.main.series.end()) p = it->second;
            p.start = b;
            s.series.push_back(p);
        }
    }
    for (std::size_t i = 0; i < st.keyers.size(); ++i) {
        const PanelSpec& spec = view.spec_.panels[i];
        // Rank on views of the pooled strings; only derived labels (status, time, decoded keys)
        // are built, only for the groups that can be kept by their metrics, and only the kept
        // rows' labels are copied into the snapshot.
        std::vector<PanelItem> items;
        st.main.accs[i].for_each([&](std::int64_t k, const Metrics& m) { items.push_back({k, &m, {}}); });
        const std::size_t groups = items.size();
        const std::size_t keep = spec.limit == 0 ? groups : std::min(spec.limit, groups);
        items.resize(metric_candidates(spec, items, keep));
        std::deque<std::string> built;
        for (PanelItem& item : items) {
            if (!st.keyers[i].label_view(item.key, pools_, item.label))
                item.label = built.emplace_back(st.keyers[i].label(item.key, pools_));
        }
        order_panel(spec, st.keyers[i], pools_, items, keep);
        PanelData pd;
        pd.spec = spec;
        pd.groups = groups;
        pd.rows.reserve(keep);
        for (std::size_t r = 0; r < keep; ++r) pd.rows.push_back(PanelRow{std::string(items[r].label), *items[r].m});
        s.panels.push_back(std::move(pd));
    }
    return s;
}

ReportResult Engine::report(const ReportSpec& spec) const {
    std::shared_lock lock(mutex_);
    ReportResult out;
    if (stream_) {
        out = stream_->finish(pools_);
    } else if (spec.reach_only) {
        const std::size_t n = columns_.size();
        out.totals.requests = n;
        std::array<std::int64_t, 4096> t;
        for (std::size_t at = 0; at < n; at += t.size()) {
            const std::size_t m = std::min(t.size(), n - at);
            columns_.time.copy_out(at, m, t.data());
            const auto [lo, hi] = std::minmax_element(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(m));
            if (at == 0 || *lo < out.min_time) out.min_time = *lo;
            if (at == 0 || *hi > out.max_time) out.max_time = *hi;
        }
    } else {
        ReportAccumulator acc(spec);
        acc.fold(columns_, pools_, 0, columns_.size());
        out = acc.finish(pools_);
    }
    out.lines = lines_;
    out.newest_source_mtime = newest_source_mtime_;
    std::vector<OperationCount> ops;
    const StringPool& names = pools_[index(Dim::Operation)];
    for (std::uint32_t id = 0; id < operation_requests_.size(); ++id) {
        if (operation_requests_[id]) ops.push_back({std::string(names.view(id)), operation_requests_[id]});
    }
    out.unruled_operations = unruled_operations(config_.tiers, ops);
    out.unruled_tier = config_.tiers.fallback;
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

std::vector<std::string> Engine::interned(Dim dim) const {
    std::shared_lock lock(mutex_);
    std::vector<std::string> out;
    if (!is_string_dim(dim)) return out;
    const StringPool& p = pools_[index(dim)];
    out.reserve(p.size());
    for (std::uint32_t id = 1; id < p.size(); ++id) out.emplace_back(p.view(id));
    return out;
}

std::vector<std::string> Engine::values(Dim dim) const {
    std::shared_lock lock(mutex_);
    std::vector<std::string> out;
    if (!is_string_dim(dim)) return out;
    const StringPool& p = pools_[index(dim)];
    // Only values some stored record has: a replay interns every string before it plays the
    // records, so the pool alone would list orgs that are not on screen yet. One pass over the
    // column (10 M rows: a few ms), on demand.
    const auto& ids = columns_.ids[index(dim)];
    std::vector<std::uint8_t> present(p.size(), 0);
    for (const std::uint32_t id : ids) present[id] = 1;
    out.reserve(p.size());
    for (std::uint32_t id = 1; id < p.size(); ++id)
        if (present[id]) out.emplace_back(p.view(id));
    std::sort(out.begin(), out.end());
    if (!present.empty() && present[0]) out.insert(out.begin(), std::string());  // records with no value
    return out;
}

}  // namespace s3top
