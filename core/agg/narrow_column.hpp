#pragma once
// A column of integers, each row as narrow as the values allow: 1 byte up to 255, 2 up to
// 65,535, 3 up to 2^24 - 1, 4 up to 2^32 - 1, else the type's own width. Most of what a record
// holds is small (ids of a few dozen operations or buckets, a hundred thousand keys, seconds
// since 1970, a GET's zero bytes in, an object under 4 GiB), so a record's columns take about
// 37 bytes where full-width ones took 83.
//
// An id column (kPatched false) widens as soon as one id needs it. A number column (kPatched
// true) keeps its width while few values exceed it: such a value is stored aside (a patch: row
// and value, found by binary search) and its row holds the width's largest value as a mark.
// One 5 GB object or a 70-second request among millions would otherwise double the column. When
// patches pass 1/16 of the rows it picks its width again: the one that holds the rows in the
// fewest bytes, patches counted, leaving at most 1/24 of them patched. Signed values are kept as
// their unsigned bit pattern: a negative one is wide. A signed number column (the time) keeps
// each row as its distance from a base chosen at its first value (48 to 97 days before it, a
// multiple of 2^22 s, so that columns of the same weeks share it and append whole): seconds since
// 1970 take 3 bytes a row over the next 97 to 145 days, not 4.
#include <algorithm>
#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <memory>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

namespace s3top {

/// A row three bytes wide (little-endian), as NarrowColumn::visit hands it: reads as its value.
/// Why three: ids past 65,535 (the dashboard's 130,000 keys) would otherwise take four.
struct Uint24 {
    std::uint8_t b[3];
    constexpr operator std::uint32_t() const noexcept {
        return std::uint32_t{b[0]} | std::uint32_t{b[1]} << 8 | std::uint32_t{b[2]} << 16;
    }
};
static_assert(sizeof(Uint24) == 3 && alignof(Uint24) == 1);

template <std::integral T, bool kPatched = false>
class NarrowColumn {
    using U = std::make_unsigned_t<T>;
    struct Patch {
        std::size_t row;
        U value;
    };

public:
    using value_type = T;

    class const_iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = T;
        const_iterator() = default;
        const_iterator(const NarrowColumn* c, std::size_t row) : c_(c), row_(row) {}
        T operator*() const { return (*c_)[row_]; }
        const_iterator& operator++() {
            ++row_;
            return *this;
        }
        const_iterator operator++(int) {
            auto old = *this;
            ++row_;
            return old;
        }
        bool operator==(const const_iterator& o) const { return row_ == o.row_; }

    private:
        const NarrowColumn* c_ = nullptr;
        std::size_t row_ = 0;
    };

    NarrowColumn() = default;
    NarrowColumn(const NarrowColumn& o)
        : patches_(o.patches_), size_(o.size_), capacity_(o.size_), max_(o.max_), base_(o.base_), width_(o.width_) {
        if (size_ > 0) {
            data_ = std::make_unique_for_overwrite<std::uint8_t[]>(size_ * width_);
            std::memcpy(data_.get(), o.data_.get(), size_ * width_);
        }
    }
    NarrowColumn& operator=(const NarrowColumn& o) {
        if (this != &o) *this = NarrowColumn(o);
        return *this;
    }
    NarrowColumn(NarrowColumn&& o) noexcept
        : data_(std::move(o.data_)),
          patches_(std::move(o.patches_)),
          size_(o.size_),
          capacity_(o.capacity_),
          max_(o.max_),
          base_(o.base_),
          width_(o.width_) {
        o.reset_empty();
    }
    NarrowColumn& operator=(NarrowColumn&& o) noexcept {
        if (this != &o) {
            data_ = std::move(o.data_);
            patches_ = std::move(o.patches_);
            size_ = o.size_;
            capacity_ = o.capacity_;
            max_ = o.max_;
            base_ = o.base_;
            width_ = o.width_;
            o.reset_empty();
        }
        return *this;
    }
    ~NarrowColumn() = default;

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    /// Bytes per row: 1, 2, 3, 4 or 8, at most sizeof(T).
    unsigned width() const noexcept { return width_; }
    std::size_t capacity() const noexcept { return capacity_; }
    /// Bytes held (capacity times width, and the patches).
    std::size_t memory_bytes() const noexcept { return capacity_ * width_ + patches_.capacity() * sizeof(Patch); }
    /// Rows whose value is stored aside (number columns only).
    std::size_t patches() const noexcept { return patches_.size(); }
    /// The rows as held: size() * width() bytes, each row its value less base(), little-endian.
    /// Every row's value when patches() is 0 (the state file writes them so).
    std::string_view raw_bytes() const noexcept { return {reinterpret_cast<const char*>(data_.get()), size_ * width_}; }
    /// What each row's value is held less (seconds since 1970 in a time column; else 0).
    U base() const noexcept { return base_; }

    T operator[](std::size_t row) const noexcept {
        const U v = raw_visit([row](const auto* p) { return static_cast<U>(p[row]); });
        if constexpr (kPatched) {
            if (v == max_ && width_ < sizeof(U)) return static_cast<T>(patched(row));
        }
        return static_cast<T>(static_cast<U>(v + base_));
    }
    /// out[i] = (*this)[rows[i]] for each of the n rows: the width's switch once, not once a
    /// row (the dashboard's fold reads five columns a row for every panel).
    void gather(const std::uint32_t* rows, std::size_t n, T* out) const noexcept {
        raw_visit([&](const auto* p) {
            for (std::size_t i = 0; i < n; ++i)
                out[i] = static_cast<T>(static_cast<U>(static_cast<U>(p[rows[i]]) + base_));
        });
        if constexpr (kPatched) {
            if (patches_.empty() || width_ >= sizeof(U)) return;
            // Selected rows come in order: each patch is looked for from the last one found.
            std::size_t from = 0;
            const U mark = static_cast<U>(max_ + base_);
            for (std::size_t i = 0; i < n; ++i)
                if (static_cast<U>(out[i]) == mark) out[i] = static_cast<T>(patched_from(rows[i], from));
        }
    }
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, size_}; }

    void push_back(T value) {
        if constexpr (kBased) {
            if (size_ == 0) base_ = base_for(value);
        }
        const auto v = static_cast<U>(static_cast<U>(value) - base_);  // the distance from the base
        if (size_ < capacity_ && (kPatched ? v < max_ : v <= max_)) [[likely]] {
            put(size_++, v);
            return;
        }
        push_back_slow(static_cast<U>(value));
    }
    /// Room for `rows`. A number column picks its width again from the rows it holds (the
    /// first rows may have widened it more than the rest need).
    void reserve(std::size_t rows) {
        if (rows <= capacity_) return;
        unsigned w = width_;
        if constexpr (kPatched) {
            if (size_ > 0) w = narrowest(needs_of_rows());
        }
        regrow(rows, w);
    }
    /// n rows; new ones hold `fill`.
    void resize(std::size_t n, T fill = 0) {
        if (n > capacity_) regrow(std::max(n, capacity_ + capacity_ / 2), width_);
        if (n < size_) {
            while (!patches_.empty() && patches_.back().row >= n) patches_.pop_back();
            size_ = n;
        }
        while (size_ < n) push_back(fill);
    }
    void assign(std::size_t n, T fill) {
        clear();
        resize(n, fill);
    }
    /// No rows, and back to 1 byte per row; the memory is kept.
    void clear() noexcept {
        patches_.clear();
        size_ = 0;
        capacity_ *= width_;
        width_ = 1;
        max_ = max_of(1);
        base_ = 0;
    }
    /// Frees the memory too.
    void release() noexcept { *this = NarrowColumn(); }
    /// Appends every row of `o`. A column that must grow for them grows to at least twice its
    /// rows, so that appending N rows a piece at a time copies each row a few times in all, not
    /// once for every piece after it (a restart merging its stored batches, or a stored record
    /// rebuilt slice by slice: grown by about a piece each time, the dashboard's restart over
    /// 10 M lines took 8 s, 3.2 s after). The room past the rows is never written, so never
    /// faulted in: it costs address space, not memory.
    void append(const NarrowColumn& o) {
        if (o.empty()) return;
        const std::size_t need = size_ + o.size_;
        const std::size_t room = need > capacity_ ? std::max(need, capacity_ * 2) : capacity_;
        if constexpr (kPatched) {
            // Rows of another width, or more patches than both columns' rows allow: value by
            // value (push_back picks the width). Else the rows are copied whole below and o's
            // patches moved down (the engine appending a batch's bytes_sent, one row in 300
            // patched: row by row this was a tenth of a first run with state).
            if (o.width_ != width_ || o.base_ != base_ || patches_.size() + o.patches_.size() > allowance(need)) {
                reserve(room);
                for (std::size_t i = 0; i < o.size_; ++i) push_back(o[i]);
                return;
            }
        }
        if (o.width_ > width_) regrow(room, o.width_);
        if (need > capacity_) regrow(room, width_);
        if (o.width_ == width_) {
            std::memcpy(data_.get() + size_ * width_, o.data_.get(), o.size_ * width_);
        } else {
            o.raw_visit([&](const auto* from) {
                for (std::size_t i = 0; i < o.size_; ++i) put(size_ + i, from[i]);
            });
        }
        if constexpr (kPatched) {
            patches_.reserve(patches_.size() + o.patches_.size());
            for (const Patch& p : o.patches_) patches_.push_back({p.row + size_, p.value});
        }
        size_ += o.size_;
    }
    /// Appends every row of `o` and frees it; takes its memory whole when this one is empty.
    void take(NarrowColumn&& o) {
        if (empty()) {
            *this = std::move(o);
        } else {
            append(o);
        }
        o.release();
    }
    /// Rows [off, off + n) as a column of their own; empty when this one is (a column not kept).
    NarrowColumn slice(std::size_t off, std::size_t n) const {
        NarrowColumn out;
        if (n == 0 || empty()) return out;
        if constexpr (kPatched) {
            if (!patches_.empty()) {
                out.reserve(n);
                for (std::size_t i = off; i < off + n; ++i) out.push_back((*this)[i]);
                return out;
            }
        }
        out.base_ = base_;
        out.regrow(n, width_);
        std::memcpy(out.data_.get(), data_.get() + off * width_, n * width_);
        out.size_ = n;
        return out;
    }
    /// Every value v becomes to[v] (ids mapped to another pool's).
    void remap(std::span<const T> to)
        requires(!kPatched)
    {
        U most = 0;
        for (const T v : to) most = std::max(most, static_cast<U>(v));
        const unsigned w = std::max<unsigned>(width_, width_for(most));
        // Into a new buffer of the new width when wider, else in place; each width's loop
        // typed (the engine remaps every batch's id columns under its lock).
        NarrowColumn out;
        NarrowColumn& dst = w == width_ ? *this : out;
        if (w != width_) out.regrow(capacity_, w);
        visit([&](const auto* from) {
            dst.raw_visit_mut([&](auto* p) {
                for (std::size_t i = 0; i < size_; ++i) store_as(p, i, static_cast<U>(to[from[i]]));
            });
        });
        if (w == width_) return;
        out.size_ = size_;
        *this = std::move(out);
    }
    /// Rows [begin, begin + n) at full width into `out`.
    void copy_out(std::size_t begin, std::size_t n, T* out) const {
        if constexpr (kPatched) {
            if (!patches_.empty()) {
                for (std::size_t i = 0; i < n; ++i) out[i] = (*this)[begin + i];
                return;
            }
        }
        raw_visit([&](const auto* from) {
            for (std::size_t i = 0; i < n; ++i)
                out[i] = static_cast<T>(static_cast<U>(static_cast<U>(from[begin + i]) + base_));
        });
    }
    /// The column becomes the n full-width values at `from` (native byte order, any alignment).
    /// `prepare(p, bytes)`, when given, is called on a buffer newly allocated for them.
    void assign_raw(const char* from, std::size_t n, void (*prepare)(void*, std::size_t) = nullptr) {
        clear();
        if constexpr (kBased) {
            if (n > 0) base_ = base_for(static_cast<T>(load(from, 0)));
        }
        std::array<std::size_t, 5> needs{};  // rows needing 1, 2, 3, 4, 8 bytes
        for (std::size_t i = 0; i < n; ++i) {
            const U v = static_cast<U>(load(from, i) - base_);
            ++needs[width_class(kPatched ? need_for(v) : width_for(v))];
        }
        const unsigned w = kPatched ? narrowest(needs) : widest(needs);
        if (w != width_ || n > capacity_) {
            regrow(std::max(n, capacity_ / w), w);
            if (prepare) prepare(data_.get(), n * w);
        }
        for (std::size_t i = 0; i < n; ++i) place(i, load(from, i));
        size_ = n;
    }

    /// fn(p) with p the rows as an array of the column's width (const uint8_t*, uint16_t*,
    /// Uint24*, uint32_t* or uint64_t*, as far as T is wide; a Uint24 reads as its value): a
    /// hot loop compiled once per width.
    template <class Fn>
    decltype(auto) visit(Fn&& fn) const
        requires(!kPatched)
    {
        return raw_visit(std::forward<Fn>(fn));
    }

    bool operator==(const NarrowColumn& o) const {
        if (size_ != o.size_) return false;
        for (std::size_t i = 0; i < size_; ++i)
            if ((*this)[i] != o[i]) return false;
        return true;
    }

private:
    /// push_back when the row needs room, a wider width or a patch.
    [[gnu::noinline]] void push_back_slow(U v) {
        if constexpr (kPatched) {
            const auto d = static_cast<U>(v - base_);
            if (d >= max_ && width_ < sizeof(U) && patches_.size() >= allowance(size_ + 1))
                regrow(capacity_, best_width(d));
        } else if (v > max_) {
            widen_for(v);
        }
        if (size_ == capacity_) regrow(capacity_ ? capacity_ * 2 : 16, width_);
        place(size_++, v);
    }
    template <class Fn>
    decltype(auto) raw_visit(Fn&& fn) const {
        return visit_width(*this, std::forward<Fn>(fn));
    }
    /// raw_visit() with the rows writable (store_as() writes one).
    template <class Fn>
    decltype(auto) raw_visit_mut(Fn&& fn) {
        return visit_width(*this, std::forward<Fn>(fn));
    }
    /// fn(the rows as the width they are stored in), const or not as `self` is.
    template <class Self, class Fn>
    static decltype(auto) visit_width(Self& self, Fn&& fn) {
        if constexpr (sizeof(T) > 1) {
            if (self.width_ == 1) return fn(self.template as<std::uint8_t>());
        }
        if constexpr (sizeof(T) > 2) {
            if (self.width_ == 2) return fn(self.template as<std::uint16_t>());
            if (self.width_ == 3) return fn(self.template as<Uint24>());
        }
        if constexpr (sizeof(T) > 4) {
            if (self.width_ == 4) return fn(self.template as<std::uint32_t>());
        }
        return fn(self.template as<U>());
    }
    /// p[row] = v, v fitting p's width.
    template <class V>
    static void store_as(V* p, std::size_t row, U v) noexcept {
        if constexpr (std::is_same_v<V, Uint24>) {
            p[row].b[0] = static_cast<std::uint8_t>(v);
            p[row].b[1] = static_cast<std::uint8_t>(v >> 8);
            p[row].b[2] = static_cast<std::uint8_t>(v >> 16);
        } else {
            p[row] = static_cast<V>(v);
        }
    }
    /// A signed number column (the time) keeps its rows as distances from a base (base_).
    static constexpr bool kBased = kPatched && std::is_signed_v<T>;
    /// The base for a column whose first value is `v`: a multiple of 2^22 (48.5 days) 48 to 97
    /// days before it (0 below 2^23), so columns of the same weeks share it.
    static constexpr U base_for(T v) {
        constexpr T kBlock = T{1} << 22;
        if (v < 2 * kBlock) return 0;
        return static_cast<U>(v / kBlock * kBlock - kBlock);
    }
    /// The widths a row may take, narrowest first.
    static constexpr std::array<unsigned, 5> kWidths{1, 2, 3, 4, 8};
    static constexpr unsigned width_for(U v) {
        unsigned w = v <= 0xff ? 1 : v <= 0xffff ? 2 : v <= 0xffffff ? 3 : v <= 0xffffffffu ? 4 : 8;
        return std::min<unsigned>(w, sizeof(U));
    }
    static constexpr U max_of(unsigned width) {
        return width >= sizeof(U) ? std::numeric_limits<U>::max() : static_cast<U>((U{1} << (8 * width)) - 1);
    }
    /// The width a number column needs for v: its largest value is the patch mark.
    static constexpr unsigned need_for(U v) {
        return v == std::numeric_limits<U>::max() ? sizeof(U) : width_for(static_cast<U>(v + 1));
    }
    static constexpr std::size_t width_class(unsigned w) { return w == 8 ? 4 : w - 1; }
    /// Patches allowed in a column of n rows: past them it picks its width again.
    static constexpr std::size_t allowance(std::size_t n) { return n / 16 + 16; }
    /// For rows needing needs[k] rows of each width class, the width that holds them in the
    /// fewest bytes, each row wider than it a patch, of those that leave at most two thirds of
    /// the allowance patched (room to grow; a patch is a binary search away): over
    /// bench/floor.sh's lines the total times (3% of them absent or over 65 s) take 2 bytes a
    /// row and 16 bytes a patch, not 4 bytes a row.
    static unsigned narrowest(const std::array<std::size_t, 5>& needs) {
        std::size_t total = 0;
        for (const std::size_t c : needs) total += c;
        unsigned best = sizeof(U);
        std::size_t best_bytes = total * sizeof(U);
        std::size_t wider = total;  // rows needing more than the width tried
        for (const unsigned w : kWidths) {
            if (w >= sizeof(U)) break;
            wider -= needs[width_class(w)];
            const std::size_t bytes = total * w + wider * sizeof(Patch);
            if (wider <= allowance(total) * 2 / 3 && bytes < best_bytes) {
                best = w;
                best_bytes = bytes;
            }
        }
        return best;
    }
    /// The width that holds every row.
    static unsigned widest(const std::array<std::size_t, 5>& needs) {
        for (std::size_t k = kWidths.size(); k-- > 1;)
            if (kWidths[k] <= sizeof(U) && needs[k] > 0) return kWidths[k];
        return 1;
    }
    /// How many rows need each width class (a number column about to change width: rare).
    std::array<std::size_t, 5> needs_of_rows() const {
        std::array<std::size_t, 5> needs{};
        for (std::size_t i = 0; i < size_; ++i)
            ++needs[width_class(need_for(static_cast<U>(static_cast<U>((*this)[i]) - base_)))];
        return needs;
    }
    /// narrowest() over the rows and one more value whose distance from the base is v.
    unsigned best_width(U v) const {
        auto needs = needs_of_rows();
        ++needs[width_class(need_for(v))];
        return narrowest(needs);
    }
    /// As patched(row), searching from patches_[from] on when row is at or past it (steps
    /// doubling, then halving), else from the start; `from` becomes where row's patch is.
    U patched_from(std::size_t row, std::size_t& from) const noexcept {
        const std::size_t n = patches_.size();
        if (from >= n || patches_[from].row > row) from = 0;
        std::size_t lo = from, step = 1;  // patches_[lo].row <= row, or lo is the first
        while (lo + step < n && patches_[lo + step].row <= row) {
            lo += step;
            step *= 2;
        }
        const auto end = patches_.begin() + static_cast<std::ptrdiff_t>(std::min(n, lo + step + 1));
        const auto it = std::lower_bound(patches_.begin() + static_cast<std::ptrdiff_t>(lo), end, row,
                                         [](const Patch& p, std::size_t r) { return p.row < r; });
        from = static_cast<std::size_t>(it - patches_.begin());
        return it != end && it->row == row ? it->value : static_cast<U>(max_ + base_);
    }
    /// Row `row`'s value, stored aside.
    U patched(std::size_t row) const noexcept {
        const auto it = std::lower_bound(patches_.begin(), patches_.end(), row,
                                         [](const Patch& p, std::size_t r) { return p.row < r; });
        return it != patches_.end() && it->row == row ? it->value : static_cast<U>(max_ + base_);
    }
    /// Writes v to row (the last row written, or a new one): aside when its distance from the
    /// base does not fit.
    void place(std::size_t row, U v) {
        const auto d = static_cast<U>(v - base_);
        if constexpr (kPatched) {
            if (width_ < sizeof(U) && d >= max_) {
                patches_.push_back({row, v});
                put(row, max_);
                return;
            }
        }
        put(row, d);
    }
    static U load(const char* from, std::size_t i) {
        U v;
        std::memcpy(&v, from + sizeof(U) * i, sizeof(U));
        return v;
    }
    template <class V>
    const V* as() const noexcept {
        return reinterpret_cast<const V*>(data_.get());
    }
    template <class V>
    V* as() noexcept {
        return reinterpret_cast<V*>(data_.get());
    }
    void put(std::size_t row, U v) noexcept {
        if constexpr (sizeof(T) > 1) {
            if (width_ == 1) {
                data_[row] = static_cast<std::uint8_t>(v);
                return;
            }
        }
        if constexpr (sizeof(T) > 2) {
            if (width_ == 2) {
                as<std::uint16_t>()[row] = static_cast<std::uint16_t>(v);
                return;
            }
            if (width_ == 3) {
                std::uint8_t* p = data_.get() + row * 3;
                p[0] = static_cast<std::uint8_t>(v);
                p[1] = static_cast<std::uint8_t>(v >> 8);
                p[2] = static_cast<std::uint8_t>(v >> 16);
                return;
            }
        }
        if constexpr (sizeof(T) > 4) {
            if (width_ == 4) {
                as<std::uint32_t>()[row] = static_cast<std::uint32_t>(v);
                return;
            }
        }
        as<U>()[row] = v;
    }
    void reset_empty() noexcept {
        patches_.clear();
        size_ = capacity_ = 0;
        max_ = max_of(1);
        base_ = 0;
        width_ = 1;
    }
    /// The width that holds `v`, the column converted to it.
    void widen_for(U v) {
        const unsigned w = width_for(v);
        // As many bytes as before (clear() counts the room in 1-byte rows): reused columns that
        // widen again each time must not grow by the widening.
        if (w > width_) regrow(std::max(size_, capacity_ * width_ / w), w);
    }
    /// Room for `rows` at `width` bytes each, the rows converted.
    void regrow(std::size_t rows, unsigned width) {
        rows = std::max(rows, size_);
        auto next = std::make_unique_for_overwrite<std::uint8_t[]>(rows * width);
        if (width == width_) {
            if (size_ > 0) std::memcpy(next.get(), data_.get(), size_ * width_);
            data_ = std::move(next);
        } else {
            NarrowColumn old;  // the rows as they were, read through operator[]
            old.data_ = std::move(data_);
            old.patches_ = std::move(patches_);
            old.size_ = size_;
            old.width_ = width_;
            old.max_ = max_;
            old.base_ = base_;
            data_ = std::move(next);
            patches_.clear();
            width_ = static_cast<std::uint8_t>(width);
            max_ = max_of(width);
            for (std::size_t i = 0; i < size_; ++i) place(i, static_cast<U>(old[i]));
        }
        capacity_ = rows;
        width_ = static_cast<std::uint8_t>(width);
        max_ = max_of(width);
    }

    std::unique_ptr<std::uint8_t[]> data_;
    std::vector<Patch> patches_;  ///< by row; number columns only
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
    U max_ = max_of(1);  ///< the largest value the width holds
    U base_ = 0;         ///< rows hold their value less this (kBased; else 0)
    std::uint8_t width_ = 1;
};

/// One stored dimension's interned ids, a row each.
using IdColumn = NarrowColumn<std::uint32_t>;
/// A record's number column, a row each (Columns).
template <std::integral T>
using PatchedColumn = NarrowColumn<T, true>;

}  // namespace s3top
