#include "core/agg/columns.hpp"

namespace s3top {

void Columns::reserve(std::size_t n, const DimMask& mask) {
    for_each_number_column(*this, [n](auto& c) { c.reserve(n); });
    for (std::size_t d = 0; d < kStringDimCount; ++d) {
        if (mask[d]) ids[d].reserve(n);
    }
}

void Columns::clear() {
    for_each_number_column(*this, [](auto& c) { c.clear(); });
    for (auto& c : ids) c.clear();
}

std::size_t Columns::memory_bytes() const {
    std::size_t b = 0;
    for_each_number_column(*this, [&b](const auto& c) { b += c.memory_bytes(); });
    for (const auto& c : ids) b += c.memory_bytes();
    return b;
}

}  // namespace s3top
