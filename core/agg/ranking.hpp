#pragma once
// The order of ranked groups: by the chosen metric descending, ties by label ascending, so
// output never depends on the order ids were assigned in.
#include <string>
#include <string_view>

#include "core/agg/dimension.hpp"
#include "core/agg/metrics.hpp"

namespace s3top {

inline bool ranks_before(const Metrics& a, std::string_view la, const Metrics& b, std::string_view lb, SortBy sort) {
    switch (sort) {
        case SortBy::Bytes:
            if (a.bytes_sent != b.bytes_sent) return a.bytes_sent > b.bytes_sent;
            if (a.requests != b.requests) return a.requests > b.requests;
            break;
        case SortBy::Requests:
            if (a.requests != b.requests) return a.requests > b.requests;
            if (a.bytes_sent != b.bytes_sent) return a.bytes_sent > b.bytes_sent;
            break;
        case SortBy::Key: break;
    }
    return la < lb;
}

/// The metrics' order for `sort`: < 0 when `a` ranks first (more bytes, or more requests), 0
/// when they tie (always for SortBy::Key).
int compare_metrics(const Metrics& a, const Metrics& b, SortBy sort);

/// Two values of `dim` in their natural order (< 0: `a` first): numbers and times by their key
/// (the status code, the bucket's start), client IPs as addresses (IPv4 before IPv6, each by
/// its bytes, then anything that is not an address by its text), every other label by its
/// text. `ka`/`kb` are the keys a Keyer gave the values, `la`/`lb` their labels.
int compare_values(Dim dim, std::int64_t ka, std::string_view la, std::int64_t kb, std::string_view lb);

}  // namespace s3top
