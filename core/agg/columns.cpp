#include "core/agg/columns.hpp"

namespace s3top {

void Columns::reserve(std::size_t n, const DimMask& mask) {
    time.reserve(n);
    bytes_sent.reserve(n);
    bytes_in.reserve(n);
    total_time_ms.reserve(n);
    status.reserve(n);
    tier.reserve(n);
    for (std::size_t d = 0; d < kStringDimCount; ++d) {
        if (mask[d]) ids[d].reserve(n);
    }
}

void Columns::clear() {
    time.clear();
    bytes_sent.clear();
    bytes_in.clear();
    total_time_ms.clear();
    status.clear();
    tier.clear();
    for (auto& c : ids) c.clear();
}

std::size_t Columns::memory_bytes() const {
    std::size_t b = time.capacity() * 8 + bytes_sent.capacity() * 8 + bytes_in.capacity() * 8 +
                    total_time_ms.capacity() * 4 + status.capacity() * 2 + tier.capacity();
    for (const auto& c : ids) b += c.capacity() * 4;
    return b;
}

}  // namespace s3top
