#pragma once
// Records in compact columnar form: numbers in their own arrays, strings as interned ids
// (one array per stored dimension, empty when that dimension is not kept).
#include <array>
#include <bitset>
#include <cstdint>
#include <vector>

#include "core/agg/dimension.hpp"
#include "core/agg/narrow_column.hpp"
#include "core/agg/metrics.hpp"
#include "core/util/string_pool.hpp"

namespace s3top {

/// One record's number columns (the members for_each_number_column names).
struct NumberRow {
    std::int64_t time = 0;
    std::uint64_t bytes_sent = 0;
    std::uint64_t bytes_in = 0;
    std::uint32_t total_time_ms = 0;
    std::uint16_t status = 0;
    std::uint8_t tier = 0;
};

struct Columns {
    // Each as narrow as most of its values allow (PatchedColumn): seconds since 1970 take 4
    // bytes, a GET's bytes in 1, an object under 4 GiB 4; the few larger values are patches.
    PatchedColumn<std::int64_t> time;
    PatchedColumn<std::uint64_t> bytes_sent;
    PatchedColumn<std::uint64_t> bytes_in;
    PatchedColumn<std::uint32_t> total_time_ms;
    PatchedColumn<std::uint16_t> status;
    PatchedColumn<std::uint8_t> tier;           ///< Tier of the request
    std::array<IdColumn, kStringDimCount> ids;  ///< per stored dimension; empty when not kept

    std::size_t size() const { return time.size(); }
    /// Appends one record's number columns (its ids are appended by the caller).
    void push_numbers(const NumberRow& r);
    void reserve(std::size_t n, const DimMask& mask);
    void clear();
    /// Bytes held by the arrays (capacity).
    std::size_t memory_bytes() const;
};

/// Calls fn(get) for each number column c (every column but the ids), in the order the state
/// file stores them, where get(x) is x.c: the one list of them. A new column is added here (and,
/// as it changes the state format, with a new StateStore::kVersion); everything that copies,
/// moves, slices, stores or reorders columns goes through this list. The id columns (ids[d])
/// are left to the caller: each treats absent dimensions its own way.
template <class Fn>
void for_each_number_column_accessor(Fn&& fn) {
    fn([](auto& x) -> auto& { return x.time; });
    fn([](auto& x) -> auto& { return x.bytes_sent; });
    fn([](auto& x) -> auto& { return x.bytes_in; });
    fn([](auto& x) -> auto& { return x.total_time_ms; });
    fn([](auto& x) -> auto& { return x.status; });
    fn([](auto& x) -> auto& { return x.tier; });
}

/// Calls fn(a.c, b.c) for each number column c, in the same order. `a` and `b` are Columns or
/// anything with members of the same names (the state file's stored rows).
template <class A, class B, class Fn>
void for_each_number_column(A& a, B& b, Fn&& fn) {
    for_each_number_column_accessor([&](auto get) { fn(get(a), get(b)); });
}

/// fn(a.c) for each number column c of `a`, in the same order.
template <class A, class Fn>
void for_each_number_column(A& a, Fn&& fn) {
    for_each_number_column(a, a, [&fn](auto& c, auto&) { fn(c); });
}

inline void Columns::push_numbers(const NumberRow& r) {
    for_each_number_column(*this, r, [](auto& column, const auto& v) { column.push_back(v); });
}

/// Adds the record in row `row` to `m`: where a record's number columns become metrics.
inline void add_row(Metrics& m, const Columns& c, std::size_t row) {
    m.add(c.bytes_sent[row], c.bytes_in[row], c.status[row], c.tier[row], c.total_time_ms[row]);
}

/// One pool per string dimension.
using Pools = std::array<StringPool, kStringDimCount>;

}  // namespace s3top
