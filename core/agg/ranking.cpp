#include "core/agg/ranking.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstring>
#include <optional>

namespace s3top {
namespace {

int compare_u64(std::uint64_t a, std::uint64_t b) { return a < b ? -1 : a > b ? 1 : 0; }

/// An address as 17 bytes that compare in order: 4 (IPv4) or 6 (IPv6) first, then its bytes.
std::optional<std::array<unsigned char, 17>> address_key(std::string_view label) {
    if (label.empty() || label.size() > 45) return std::nullopt;
    char text[46];
    std::memcpy(text, label.data(), label.size());
    text[label.size()] = '\0';
    std::array<unsigned char, 17> key{};
    if (::inet_pton(AF_INET, text, key.data() + 1) == 1) {
        key[0] = 4;
        return key;
    }
    if (::inet_pton(AF_INET6, text, key.data() + 1) == 1) {
        key[0] = 6;
        return key;
    }
    return std::nullopt;
}

}  // namespace

int compare_metrics(const Metrics& a, const Metrics& b, SortBy sort) {
    switch (sort) {
        case SortBy::Bytes:
            if (const int c = compare_u64(b.bytes_sent, a.bytes_sent)) return c;
            return compare_u64(b.requests, a.requests);
        case SortBy::Requests:
            if (const int c = compare_u64(b.requests, a.requests)) return c;
            return compare_u64(b.bytes_sent, a.bytes_sent);
        case SortBy::Key: break;
    }
    return 0;
}

int compare_values(Dim dim, std::int64_t ka, std::string_view la, std::int64_t kb, std::string_view lb) {
    const DimKind kind = dim_info(dim).kind;
    if (kind == DimKind::Number || kind == DimKind::Time) {
        if (ka != kb) return ka < kb ? -1 : 1;
    } else if (dim == Dim::RemoteIp) {
        const auto a = address_key(la), b = address_key(lb);
        if (a && b && *a != *b) return *a < *b ? -1 : 1;
        if (a.has_value() != b.has_value()) return a ? -1 : 1;  // addresses before anything else
    }
    return la.compare(lb) < 0 ? -1 : la.compare(lb) > 0 ? 1 : 0;
}

}  // namespace s3top
