#pragma once
// The state file's columns (format 8): each column a run of chunks, each chunk its rows'
// distances from its smallest value in as few bytes as the largest needs; and format 7's, at
// the type's full width. Internal to the state records (state_records.cpp); not an API.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/agg/narrow_column.hpp"

namespace s3top::state_records {

/// The first format whose columns are stored narrow (in chunks; see StoredColumn): the records
/// of a file of an older format are read and written as that format has them (full width).
inline constexpr std::uint32_t kNarrowFormat = 8;
/// The rows of a chunk cut from a column with patches (a slice; a column without is one chunk).
inline constexpr std::size_t kChunkRows = std::size_t{1} << 16;
/// A run of a column's rows as stored: each row its distance from `base` (at or below its
/// values: the column's own base when written as the engine holds it, else the run's smallest
/// value) in `width` bytes, little-endian, unaligned (format 8); a format 7 column is one chunk
/// at its type's width from base 0. Why narrow: a first run writes every row it reads, and at
/// full width (43 bytes a row over bench/floor.sh's report) the kernel's copy of the log into
/// the page cache was about a tenth of that run's CPU.
struct StoredChunk {
    std::uint64_t rows = 0;
    std::uint64_t base = 0;  ///< in the column's unsigned type
    unsigned width = 0;      ///< 1 to the type's size
    std::string_view bytes;  ///< rows * width
};
/// A column as stored: its chunks in row order (none: no rows, or the dimension not stored).
struct StoredColumn {
    std::vector<StoredChunk> chunks;
    bool empty() const { return chunks.empty(); }
};

/// The unsigned type of `W` bytes (1, 2, 4 or 8).
template <unsigned W>
using Word = std::conditional_t<
    W == 1, std::uint8_t,
    std::conditional_t<W == 2, std::uint16_t, std::conditional_t<W == 4, std::uint32_t, std::uint64_t>>>;

template <unsigned W, class U>
void unpack(const char* from, std::size_t n, U base, U* out) {
    if constexpr (W == 1 || W == 2 || W == 4 || W == 8) {
        for (std::size_t i = 0; i < n; ++i) {
            Word<W> d;
            std::memcpy(&d, from + i * W, W);
            out[i] = static_cast<U>(base + static_cast<U>(d));
        }
    } else {
        // 3, 5, 6 or 7 bytes: each row read as the next word size up and masked (a constant-size
        // load, not a copy of W bytes), but the last, whose word would pass the chunk's end.
        using R = Word<(W < 4 ? 4 : 8)>;
        constexpr R kMask = (R{1} << (8 * W)) - 1;
        std::size_t i = 0;
        for (; i + 1 < n; ++i) {
            R d;
            std::memcpy(&d, from + i * W, sizeof d);
            out[i] = static_cast<U>(base + static_cast<U>(d & kMask));
        }
        if (i < n) {
            R d = 0;
            std::memcpy(&d, from + i * W, W);
            out[i] = static_cast<U>(base + static_cast<U>(d));
        }
    }
}

/// Rows [begin, begin + n) of `c` at full width into `out` (the column holds them).
template <class T>
void expand(const StoredColumn& c, std::size_t begin, std::size_t n, T* out) {
    using U = std::make_unsigned_t<T>;
    U* to = reinterpret_cast<U*>(out);
    for (const StoredChunk& k : c.chunks) {
        if (n == 0) break;
        if (begin >= k.rows) {
            begin -= static_cast<std::size_t>(k.rows);
            continue;
        }
        const std::size_t take = std::min<std::size_t>(n, static_cast<std::size_t>(k.rows) - begin);
        const char* from = k.bytes.data() + begin * k.width;
        const auto base = static_cast<U>(k.base);
        switch (k.width) {
            case 1: unpack<1>(from, take, base, to); break;
            case 2: unpack<2>(from, take, base, to); break;
            case 3: unpack<3>(from, take, base, to); break;
            case 4: unpack<4>(from, take, base, to); break;
            case 5: unpack<5>(from, take, base, to); break;
            case 6: unpack<6>(from, take, base, to); break;
            case 7: unpack<7>(from, take, base, to); break;
            default: unpack<8>(from, take, base, to); break;
        }
        to += take;
        n -= take;
        begin = 0;
    }
}

/// A column as format 7 stores it, at its type's full width (ids 4 bytes), converted a slice at
/// a time.
template <class S, class T, bool kPatched>
void put_wide_column(S& o, const NarrowColumn<T, kPatched>& c) {
    // Reused: a fresh 512 KiB slice for every column of every batch was zeroed and faulted in
    // each time.
    thread_local std::vector<T> wide;
    for (std::size_t at = 0; at < c.size(); at += kChunkRows) {
        wide.resize(std::min(kChunkRows, c.size() - at));
        c.copy_out(at, wide.size(), wide.data());
        o.big_array(wide);
    }
}

/// Bytes that hold every value up to `span`: 1 to 8.
inline unsigned width_for(std::uint64_t span) {
    unsigned w = 1;
    while (w < 8 && (span >> (8 * w)) != 0) ++w;
    return w;
}

template <unsigned W, class U>
void pack(char* to, const U* v, std::size_t n, U base) {
    for (std::size_t i = 0; i < n; ++i) {
        const auto d = static_cast<std::uint64_t>(static_cast<U>(v[i] - base));
        std::memcpy(to + i * W, &d, W);  // little-endian: the low W bytes
    }
}

/// One chunk of `n` values (format 8): rows, base, width, then each value's distance from the
/// base in `width` bytes.
template <class S, class T>
void put_chunk(S& o, const T* values, std::size_t n) {
    using U = std::make_unsigned_t<T>;
    const U* v = reinterpret_cast<const U*>(values);
    U lo = std::numeric_limits<U>::max(), hi = 0;
    for (std::size_t i = 0; i < n; ++i) {
        lo = std::min(lo, v[i]);
        hi = std::max(hi, v[i]);
    }
    const unsigned w = width_for(static_cast<std::uint64_t>(hi - lo));
    o.num(static_cast<std::uint64_t>(n));
    o.num(static_cast<std::uint64_t>(lo));
    o.num(static_cast<std::uint8_t>(w));
    const std::size_t at = o.s.size();
    o.s.resize(at + n * w);
    char* to = o.s.data() + at;
    switch (w) {
        case 1: pack<1>(to, v, n, lo); break;
        case 2: pack<2>(to, v, n, lo); break;
        case 3: pack<3>(to, v, n, lo); break;
        case 4: pack<4>(to, v, n, lo); break;
        case 5: pack<5>(to, v, n, lo); break;
        case 6: pack<6>(to, v, n, lo); break;
        case 7: pack<7>(to, v, n, lo); break;
        default: pack<8>(to, v, n, lo); break;
    }
    o.flush_when_full();
}

/// A column as format 8 stores it: its chunk count, then its rows as held in one chunk when no
/// row is a patch, else a chunk per slice of kChunkRows rows.
template <class S, class T, bool kPatched>
void put_narrow_column(S& o, const NarrowColumn<T, kPatched>& c) {
    if (c.patches() == 0 && !c.empty()) {
        // Its rows as the engine holds them, copied whole (every id column; a number column
        // with no value stored aside): one chunk, from the column's base.
        o.num(std::uint32_t{1});
        o.num(static_cast<std::uint64_t>(c.size()));
        o.num(static_cast<std::uint64_t>(c.base()));
        o.num(static_cast<std::uint8_t>(c.width()));
        o.big_bytes(c.raw_bytes());
        return;
    }
    thread_local std::vector<T> wide;
    o.num(static_cast<std::uint32_t>((c.size() + kChunkRows - 1) / kChunkRows));
    for (std::size_t at = 0; at < c.size(); at += kChunkRows) {
        wide.resize(std::min(kChunkRows, c.size() - at));
        c.copy_out(at, wide.size(), wide.data());
        put_chunk(o, wide.data(), wide.size());
    }
}

template <class S, class T, bool kPatched>
void put_column(S& o, const NarrowColumn<T, kPatched>& c, std::uint32_t version) {
    if (version >= kNarrowFormat) {
        put_narrow_column(o, c);
    } else {
        put_wide_column(o, c);
    }
}

/// Reads a format 8 column of `n` values of T from `d` at `pos` (moved past it). False when
/// malformed: a chunk of no rows, of a width past T's or a base past its values, past the
/// data; rows other than `n` in all.
template <class T>
bool read_chunks(std::string_view d, std::size_t& pos, std::uint64_t n, StoredColumn& c) {
    constexpr std::size_t kChunkHead = 8 + 8 + 1;
    auto num = [&](auto& v) {
        if (d.size() - pos < sizeof v) return false;
        std::memcpy(&v, d.data() + pos, sizeof v);
        pos += sizeof v;
        return true;
    };
    std::uint32_t count = 0;
    // Each chunk takes its head and a byte a row at least: a count past that is corrupt.
    if (!num(count) || count > (d.size() - pos) / (kChunkHead + 1)) return false;
    c.chunks.resize(count);
    std::uint64_t rows = 0;
    for (StoredChunk& k : c.chunks) {
        std::uint8_t width = 0;
        if (!num(k.rows) || !num(k.base) || !num(width)) return false;
        if (k.rows == 0 || k.rows > n - rows || width == 0 || width > sizeof(T) ||
            (sizeof(T) < 8 && k.base > std::numeric_limits<std::make_unsigned_t<T>>::max()))
            return false;
        k.width = width;
        if (k.rows > (d.size() - pos) / width) return false;
        k.bytes = d.substr(pos, static_cast<std::size_t>(k.rows) * width);
        pos += k.bytes.size();
        rows += k.rows;
    }
    return rows == n;
}

template <unsigned W>
std::uint64_t max_of(const char* from, std::size_t n) {
    std::uint64_t top = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::uint64_t d = 0;
        std::memcpy(&d, from + i * W, W);
        top = std::max(top, d);
    }
    return top;
}

/// The largest value of an id column (0 when it has none).
inline std::uint32_t max_id(const StoredColumn& c) {
    std::uint64_t most = 0;
    for (const StoredChunk& k : c.chunks) {
        const auto n = static_cast<std::size_t>(k.rows);
        const char* from = k.bytes.data();
        const std::uint64_t top = k.width == 1   ? max_of<1>(from, n)
                                  : k.width == 2 ? max_of<2>(from, n)
                                  : k.width == 3 ? max_of<3>(from, n)
                                                 : max_of<4>(from, n);  // an id column's widths
        most = std::max(most, k.base + top);                            // base < 2^32 and top < 2^32: no wrap
    }
    return most > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(most);
}

}  // namespace s3top::state_records
