#pragma once
// Records in compact columnar form: numbers in their own arrays, strings as interned ids
// (one array per stored dimension, empty when that dimension is not kept).
#include <array>
#include <bitset>
#include <cstdint>
#include <vector>

#include "core/agg/dimension.hpp"
#include "core/util/string_pool.hpp"

namespace s3top {

using DimMask = std::bitset<kStringDimCount>;

struct Columns {
    std::vector<std::int64_t> time;
    std::vector<std::uint64_t> bytes_sent;
    std::vector<std::uint64_t> bytes_in;
    std::vector<std::uint32_t> total_time_ms;
    std::vector<std::uint16_t> status;
    std::vector<std::uint8_t> tier;  ///< Tier of the request
    std::array<std::vector<std::uint32_t>, kStringDimCount> ids;

    std::size_t size() const { return time.size(); }
    void reserve(std::size_t n, const DimMask& mask);
    void clear();
    /// Bytes held by the arrays (capacity).
    std::size_t memory_bytes() const;
};

/// One pool per string dimension.
using Pools = std::array<StringPool, kStringDimCount>;

}  // namespace s3top
