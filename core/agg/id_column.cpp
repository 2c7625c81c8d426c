#include "core/agg/id_column.hpp"

#include <algorithm>

namespace s3top {

namespace {

unsigned width_for(std::uint32_t id) { return id <= 0xff ? 1 : id <= 0xffff ? 2 : 4; }

std::uint32_t max_of(unsigned width) { return width == 1 ? 0xff : width == 2 ? 0xffff : 0xffffffff; }

}  // namespace

IdColumn::IdColumn(const IdColumn& o) : size_(o.size_), capacity_(o.size_), max_(o.max_), width_(o.width_) {
    if (size_ > 0) {
        data_ = std::make_unique_for_overwrite<std::uint8_t[]>(size_ * width_);
        std::memcpy(data_.get(), o.data_.get(), size_ * width_);
    }
}

IdColumn& IdColumn::operator=(const IdColumn& o) {
    if (this != &o) *this = IdColumn(o);
    return *this;
}

IdColumn::IdColumn(IdColumn&& o) noexcept
    : data_(std::move(o.data_)), size_(o.size_), capacity_(o.capacity_), max_(o.max_), width_(o.width_) {
    o.size_ = o.capacity_ = 0;
    o.max_ = 0xff;
    o.width_ = 1;
}

IdColumn& IdColumn::operator=(IdColumn&& o) noexcept {
    if (this != &o) {
        data_ = std::move(o.data_);
        size_ = o.size_;
        capacity_ = o.capacity_;
        max_ = o.max_;
        width_ = o.width_;
        o.size_ = o.capacity_ = 0;
        o.max_ = 0xff;
        o.width_ = 1;
    }
    return *this;
}

void IdColumn::regrow(std::size_t rows, unsigned width) {
    rows = std::max(rows, size_);
    auto next = std::make_unique_for_overwrite<std::uint8_t[]>(rows * width);
    if (width == width_) {
        if (size_ > 0) std::memcpy(next.get(), data_.get(), size_ * width_);
    } else {
        auto convert = [&](auto* to) {
            using T = std::remove_pointer_t<decltype(to)>;
            visit([&](const auto* from) {
                for (std::size_t i = 0; i < size_; ++i) to[i] = static_cast<T>(from[i]);
            });
        };
        if (width == 2) {
            convert(reinterpret_cast<std::uint16_t*>(next.get()));
        } else {
            convert(reinterpret_cast<std::uint32_t*>(next.get()));
        }
    }
    data_ = std::move(next);
    capacity_ = rows;
    width_ = static_cast<std::uint8_t>(width);
    max_ = max_of(width);
}

void IdColumn::widen_for(std::uint32_t id) {
    const unsigned w = width_for(id);
    // As many bytes as before (clear() counts the room in 1-byte rows): reused columns that
    // widen again each time must not grow by the widening.
    if (w > width_) regrow(std::max(size_, capacity_ * width_ / w), w);
}

void IdColumn::resize(std::size_t n, std::uint32_t fill) {
    if (fill > max_) widen_for(fill);
    if (n > capacity_) regrow(std::max(n, capacity_ + capacity_ / 2), width_);
    for (std::size_t i = size_; i < n; ++i) put(i, fill);
    size_ = n;
}

void IdColumn::clear() noexcept {
    size_ = 0;
    capacity_ *= width_;
    width_ = 1;
    max_ = 0xff;
}

void IdColumn::append(const IdColumn& o) {
    if (o.empty()) return;
    if (o.width_ > width_) regrow(std::max(capacity_, size_ + o.size_), o.width_);
    if (size_ + o.size_ > capacity_)
        regrow(std::max(size_ + o.size_, std::min(capacity_ * 2, size_ + 2 * o.size_)), width_);
    if (o.width_ == width_) {
        std::memcpy(data_.get() + size_ * width_, o.data_.get(), o.size_ * width_);
    } else {
        o.visit([&](const auto* from) {
            for (std::size_t i = 0; i < o.size_; ++i) put(size_ + i, from[i]);
        });
    }
    size_ += o.size_;
}

IdColumn IdColumn::slice(std::size_t off, std::size_t n) const {
    IdColumn out;
    if (n == 0 || empty()) return out;  // a column not kept stays absent in every slice
    out.regrow(n, width_);
    std::memcpy(out.data_.get(), data_.get() + off * width_, n * width_);
    out.size_ = n;
    return out;
}

void IdColumn::remap(std::span<const std::uint32_t> to) {
    std::uint32_t most = 0;
    for (const std::uint32_t v : to) most = std::max(most, v);
    const unsigned w = std::max<unsigned>(width_, width_for(most));
    if (w == width_) {
        for (std::size_t i = 0; i < size_; ++i) put(i, to[(*this)[i]]);
        return;
    }
    // Wider: the mapped ids go straight into a new buffer of the new width.
    IdColumn out;
    out.regrow(capacity_, w);
    visit([&](const auto* from) {
        for (std::size_t i = 0; i < size_; ++i) out.put(i, to[from[i]]);
    });
    out.size_ = size_;
    *this = std::move(out);
}

void IdColumn::copy_out(std::size_t begin, std::size_t n, std::uint32_t* out) const {
    visit([&](const auto* from) {
        for (std::size_t i = 0; i < n; ++i) out[i] = from[begin + i];
    });
}

void IdColumn::assign_u32(const char* from, std::size_t n) {
    std::uint32_t most = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t v;
        std::memcpy(&v, from + 4 * i, 4);
        most = std::max(most, v);
    }
    clear();
    const unsigned w = width_for(most);
    if (w != width_ || n > capacity_) regrow(std::max(n, capacity_ / w), w);
    for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t v;
        std::memcpy(&v, from + 4 * i, 4);
        put(i, v);
    }
    size_ = n;
}

bool IdColumn::operator==(const IdColumn& o) const {
    if (size_ != o.size_) return false;
    for (std::size_t i = 0; i < size_; ++i)
        if ((*this)[i] != o[i]) return false;
    return true;
}

}  // namespace s3top
