#pragma once
// The order of ranked groups: by the chosen metric descending, ties by label ascending, so
// output never depends on the order ids were assigned in.
#include <string>
#include <string_view>

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

}  // namespace s3top
