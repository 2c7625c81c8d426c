#pragma once
// One stored dimension's interned ids, a row each, each as wide as the largest id so far needs:
// 1 byte up to 255 values, 2 up to 65,535, else 4. Most dimensions hold a few dozen values
// (operation, bucket, status text, TLS version ...), so the dashboard's 13 id columns take about
// 19 bytes a row where 4-byte ids took 52. Widening copies the column once (at most twice).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <span>

namespace s3top {

class IdColumn {
public:
    using value_type = std::uint32_t;

    class const_iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = std::uint32_t;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = std::uint32_t;
        const_iterator() = default;
        const_iterator(const IdColumn* c, std::size_t row) : c_(c), row_(row) {}
        std::uint32_t operator*() const { return (*c_)[row_]; }
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
        const IdColumn* c_ = nullptr;
        std::size_t row_ = 0;
    };

    IdColumn() = default;
    IdColumn(const IdColumn& o);
    IdColumn& operator=(const IdColumn& o);
    IdColumn(IdColumn&& o) noexcept;
    IdColumn& operator=(IdColumn&& o) noexcept;
    ~IdColumn() = default;

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    /// Bytes per id: 1, 2 or 4.
    unsigned width() const noexcept { return width_; }
    std::size_t capacity() const noexcept { return capacity_; }
    /// Bytes held (capacity times width).
    std::size_t memory_bytes() const noexcept { return capacity_ * width_; }

    std::uint32_t operator[](std::size_t row) const noexcept {
        switch (width_) {
            case 1: return data_[row];
            case 2: return as<std::uint16_t>()[row];
            default: return as<std::uint32_t>()[row];
        }
    }
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, size_}; }

    void push_back(std::uint32_t id) {
        if (id > max_) widen_for(id);
        if (size_ == capacity_) regrow(capacity_ ? capacity_ * 2 : 16, width_);
        put(size_++, id);
    }
    void reserve(std::size_t rows) {
        if (rows > capacity_) regrow(rows, width_);
    }
    /// n rows; new ones hold `fill`.
    void resize(std::size_t n, std::uint32_t fill = 0);
    void assign(std::size_t n, std::uint32_t fill) {
        clear();
        resize(n, fill);
    }
    /// No rows, and back to 1 byte per id; the memory is kept.
    void clear() noexcept;
    /// Frees the memory too.
    void release() noexcept { *this = IdColumn(); }
    /// Appends every row of `o`.
    void append(const IdColumn& o);
    /// Appends every row of `o` and frees it; takes its memory whole when this one is empty.
    void take(IdColumn&& o) {
        if (empty()) {
            *this = std::move(o);
        } else {
            append(o);
        }
        o.release();
    }
    /// Rows [off, off + n) as a column of their own; empty when this one is (a column not kept).
    IdColumn slice(std::size_t off, std::size_t n) const;
    /// Every id becomes to[id].
    void remap(std::span<const std::uint32_t> to);
    /// Rows [begin, begin + n) as 4-byte ids into `out`.
    void copy_out(std::size_t begin, std::size_t n, std::uint32_t* out) const;
    /// The column becomes the n 4-byte ids at `from` (native byte order, any alignment).
    void assign_u32(const char* from, std::size_t n);

    /// fn(p) with p the ids as an array of the column's width (const uint8_t*, uint16_t* or
    /// uint32_t*): a hot loop over the rows compiled once per width.
    template <class Fn>
    decltype(auto) visit(Fn&& fn) const {
        switch (width_) {
            case 1: return fn(static_cast<const std::uint8_t*>(data_.get()));
            case 2: return fn(as<std::uint16_t>());
            default: return fn(as<std::uint32_t>());
        }
    }

    bool operator==(const IdColumn& o) const;

private:
    template <class T>
    const T* as() const noexcept {
        return reinterpret_cast<const T*>(data_.get());
    }
    template <class T>
    T* as() noexcept {
        return reinterpret_cast<T*>(data_.get());
    }
    void put(std::size_t row, std::uint32_t id) noexcept {
        switch (width_) {
            case 1: data_[row] = static_cast<std::uint8_t>(id); break;
            case 2: as<std::uint16_t>()[row] = static_cast<std::uint16_t>(id); break;
            default: as<std::uint32_t>()[row] = id; break;
        }
    }
    /// The width that holds `id`, the column converted to it.
    void widen_for(std::uint32_t id);
    /// Room for `rows` at `width` bytes each, the rows converted.
    void regrow(std::size_t rows, unsigned width);

    std::unique_ptr<std::uint8_t[]> data_;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
    std::uint32_t max_ = 0xff;  ///< the largest id the width holds
    std::uint8_t width_ = 1;
};

}  // namespace s3top
