#pragma once
// What s3top counts per group, as a mergeable aggregate: init (value-initialise), add one
// request, merge two partials.
#include <cstdint>

namespace s3top {

/// Stored total time meaning "the log had none".
inline constexpr std::uint32_t kNoTotalTime = 0xFFFFFFFFu;

/// Adds `v` to `sum`, stopping at 2^64-1 instead of wrapping. Returns true when it stopped.
/// Log values are written by strangers: a few lines claiming 2^64-1 bytes each must not wrap
/// a bill back to a small number.
inline bool add_saturating(std::uint64_t& sum, std::uint64_t v) {
    if (__builtin_add_overflow(sum, v, &sum)) {
        sum = ~std::uint64_t{0};
        return true;
    }
    return false;
}

struct Metrics {
    std::uint64_t requests = 0;
    std::uint64_t bytes_sent = 0;  ///< egress
    std::uint64_t bytes_in = 0;    ///< ingress (uploads)
    std::uint64_t errors_4xx = 0;
    std::uint64_t errors_5xx = 0;
    std::uint64_t get_class = 0;  ///< GET and "all other" requests (S3's cheaper price tier)
    std::uint64_t put_class = 0;  ///< PUT, COPY, POST and LIST requests
    std::uint64_t total_time_ms = 0;
    /// A sum passed 2^64-1 and stopped there: the fields at 2^64-1 are lower bounds, not
    /// exact. Every writer marks them; `bill` refuses to bill them.
    bool overflow = false;

    void add(std::uint64_t sent, std::uint64_t in, std::uint16_t status, std::uint8_t tier, std::uint32_t time_ms) {
        ++requests;
        // Counts grow by one per record and cannot pass 2^64; values from the log can.
        const bool o1 = add_saturating(bytes_sent, sent);
        const bool o2 = add_saturating(bytes_in, in);
        const bool o3 = add_saturating(total_time_ms, time_ms == kNoTotalTime ? 0 : time_ms);
        overflow |= o1 | o2 | o3;
        count(status, tier);
    }
    /// As add(), with plain sums: only for a caller that knows none of them can pass 2^64-1
    /// (a view's group whose rows are all in totals that did not: see ViewState::fold_rows).
    void add_unsaturated(std::uint64_t sent, std::uint64_t in, std::uint16_t status, std::uint8_t tier,
                         std::uint32_t time_ms) {
        ++requests;
        bytes_sent += sent;
        bytes_in += in;
        total_time_ms += time_ms == kNoTotalTime ? 0 : time_ms;
        count(status, tier);
    }
    /// add()'s counts by status class and price tier (one a record: they cannot pass 2^64).
    void count(std::uint16_t status, std::uint8_t tier) {
        errors_4xx += (status >= 400 && status < 500) ? 1 : 0;
        errors_5xx += (status >= 500 && status < 600) ? 1 : 0;
        get_class += tier == 0 ? 1 : 0;
        put_class += tier == 1 ? 1 : 0;
    }
    void merge(const Metrics& o) {
        bool o1 = add_saturating(requests, o.requests);
        o1 |= add_saturating(bytes_sent, o.bytes_sent);
        o1 |= add_saturating(bytes_in, o.bytes_in);
        o1 |= add_saturating(errors_4xx, o.errors_4xx);
        o1 |= add_saturating(errors_5xx, o.errors_5xx);
        o1 |= add_saturating(get_class, o.get_class);
        o1 |= add_saturating(put_class, o.put_class);
        o1 |= add_saturating(total_time_ms, o.total_time_ms);
        overflow = overflow || o.overflow || o1;
    }
    /// True when `v`, a field of these metrics, is a saturated lower bound.
    bool saturated(std::uint64_t v) const { return overflow && v == ~std::uint64_t{0}; }
    friend bool operator==(const Metrics&, const Metrics&) = default;
};

/// How ranked lists are ordered.
enum class SortBy : std::uint8_t { Bytes, Requests, Key };

}  // namespace s3top
