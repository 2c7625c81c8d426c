#pragma once
// One report's aggregation as a fold: rows in, groups out. Engine::report() folds the stored
// columns through it; in streaming mode the engine folds each batch as it arrives and keeps no
// records at all (memory then grows with distinct values, not with lines).
#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "core/agg/columns.hpp"
#include "core/agg/compiled_filter.hpp"
#include "core/agg/engine.hpp"
#include "core/agg/keyer.hpp"
#include "core/util/flat_hash.hpp"

namespace s3top {

/// Latency sketch buckets: exact below 128 ms, then 64 buckets per power of two, so a
/// reported percentile is within 1/128 (0.8%) of the true nearest-rank value.
std::uint32_t latency_bucket(std::uint32_t ms);
/// The value reported for a bucket: the middle of its range (exact below 128).
std::uint32_t latency_bucket_value(std::uint32_t bucket);
/// How many buckets latency_bucket() has (its value for UINT32_MAX, plus one).
inline constexpr std::uint32_t kLatencyBuckets = 128 + 24 * 64 + 64;

class ReportAccumulator {
public:
    explicit ReportAccumulator(const ReportSpec& spec);
    /// Folds rows [begin, end) of `c`, whose ids live in `pools`.
    void fold(const Columns& c, const Pools& pools, std::size_t begin, std::size_t end);
    /// Groups aggregated elsewhere (a ClickHouse GROUP BY, already filtered): row i of `c`
    /// carries group i's keys (any of its records), metrics[i] its sums and clients[i] its
    /// distinct clients. Groups met before (same keys) are merged into.
    void fold_groups(const Columns& c, const Pools& pools, std::span<const Metrics> metrics,
                     std::span<const std::uint64_t> clients);
    /// Timed requests aggregated elsewhere: row i of `c` carries a group's keys, and count[i]
    /// of its requests fall in latency_bucket() bucket[i].
    void fold_timed(const Columns& c, const Pools& pools, std::span<const std::uint32_t> bucket,
                    std::span<const std::uint64_t> count);
    /// What only the whole (filtered) set can say, when it was aggregated elsewhere: its distinct
    /// clients and its time range. The totals are the groups' metrics merged, or `totals` when
    /// the groups folded are not all of them (the top N only).
    void set_overall(std::uint64_t distinct_clients, std::int64_t min_time, std::int64_t max_time,
                     const std::optional<Metrics>& totals = std::nullopt);
    /// The number of groups when not all of them were folded (the top N only): finish() says it.
    void set_group_count(std::uint64_t n) { group_count_ = n; }
    /// The groups, sorted and cut per the spec. `pools` must be those fold() saw.
    ReportResult finish(const Pools& pools) const;
    const ReportSpec& spec() const { return spec_; }
    /// Columns a fold reads (to keep in streaming mode).
    DimMask needed() const;

    /// A group's latency counts move from the shared hash to a row of their own (one counter a
    /// bucket) once it has this many timed requests, for at most kMaxLatencyRows groups.
    static constexpr std::uint64_t kLatencyRowAfter = 256;
    static constexpr std::size_t kMaxLatencyRows = 256;
    /// The groups' client bitmaps (a bit per client id a group) take at most this many bytes;
    /// the groups past it, or every group once the clients outgrow it, keep (group, client)
    /// pairs in a hash set.
    static constexpr std::size_t kClientBitmapBytes = std::size_t{1} << 20;

private:
    std::uint32_t group_of(const Columns& c, std::size_t row);
    /// The group of key `k` of a single dense keyer, made when new.
    std::uint32_t dense_group(std::size_t k);
    std::uint32_t add_group();
    /// Counts `n` of group g's requests in latency bucket `bucket` (below kLatencyBuckets).
    void add_latency(std::uint32_t g, std::uint32_t bucket, std::uint64_t n);
    /// Group g's latency row, made now when it has earned one; kNoRow while it has not.
    [[gnu::noinline]] std::uint32_t latency_row_for(std::uint32_t g);
    /// True when (g, ip) was not counted yet: marks it.
    bool add_client(std::uint32_t g, std::uint32_t ip);
    /// Gives the client bitmaps a bit for every client id below `clients`, or, past
    /// kClientBitmapBytes, moves every group's bits into group_ip_.
    void fit_client_bitmaps(std::size_t clients);
    struct KeyHash {
        std::size_t operator()(const std::vector<std::int64_t>& k) const;
    };
    ReportSpec spec_;
    CompiledFilter filter_;
    std::vector<Keyer> keyers_;
    bool single_dense_ = false;
    std::vector<std::uint32_t> dense_group_;
    std::unordered_map<std::vector<std::int64_t>, std::uint32_t, KeyHash> group_index_;
    std::vector<std::int64_t> group_keys_;  ///< keyers_.size() keys per group, one after another
    std::vector<Metrics> metrics_;
    std::vector<std::uint64_t> group_clients_;
    std::vector<std::uint64_t> group_timed_;
    FlatSet64 group_ip_;    // (group + 1) << 32 | ip, for the groups without a client bitmap
    FlatCounter64 sketch_;  // (group + 1) << 32 | bucket: the groups without a latency row, and
                            // each row counter's carries (2^8 each)
    // Why rows and bitmaps beside the hashes: over 2 M lines in ~40 groups the two hashes were
    // 1 MB each, and their probes (a cache miss a row each) half of the fold's time.
    static constexpr std::uint32_t kNoRow = UINT32_MAX;
    std::vector<std::uint32_t> latency_row_;     ///< per group: its row in latency_rows_, or kNoRow
    std::vector<std::uint8_t> latency_rows_;     ///< rows of kLatencyBuckets counters (low 8 bits)
    std::vector<std::uint32_t> client_row_;      ///< per group: its row in client_bits_of_, or kNoRow
    std::vector<std::uint64_t> client_bits_of_;  ///< rows of client_words_ words
    std::size_t client_words_ = 0;
    bool client_bitmaps_ = true;           ///< false once they outgrew kClientBitmapBytes
    std::optional<Metrics> given_totals_;  ///< set_overall()'s; else the groups' merged
    bool have_range_ = false;              ///< min_time_ and max_time_ hold a row's time
    std::vector<std::uint64_t> client_bits_;
    std::uint64_t distinct_clients_ = 0;
    std::int64_t min_time_ = 0, max_time_ = 0;
    std::optional<std::uint64_t> group_count_;
    std::vector<std::int64_t> key_;
};

}  // namespace s3top
