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

/// Calls fn(a.c, b.c) for each number column c (every column but the ids), in the order the
/// state file stores them: the one list of them, so a new column is added here (and, as it
/// changes the state format, with a new StateStore::kVersion). `a` and `b` are Columns or
/// anything with members of the same names (the state file's stored rows). The id columns
/// (ids[d]) are left to the caller: each treats absent dimensions its own way.
template <class A, class B, class Fn>
void for_each_number_column(A& a, B& b, Fn&& fn) {
    fn(a.time, b.time);
    fn(a.bytes_sent, b.bytes_sent);
    fn(a.bytes_in, b.bytes_in);
    fn(a.total_time_ms, b.total_time_ms);
    fn(a.status, b.status);
    fn(a.tier, b.tier);
}

/// fn(a.c) for each number column c of `a`, in the same order.
template <class A, class Fn>
void for_each_number_column(A& a, Fn&& fn) {
    for_each_number_column(a, a, [&fn](auto& c, auto&) { fn(c); });
}

/// One pool per string dimension.
using Pools = std::array<StringPool, kStringDimCount>;

}  // namespace s3top
