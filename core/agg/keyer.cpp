#include "core/agg/keyer.hpp"

#include "core/agg/snapshot.hpp"

namespace s3top {

void Keyer::prepare(const Pools& pools) {
    if (info_->kind == DimKind::Stored) prepared_size_ = pools[index(dim_.dim)].size();
    if (info_->kind != DimKind::KeyPrefix) return;
    const StringPool& whole = pools[index(info_->from)];
    while (key_to_prefix_.size() < whole.size()) {
        const auto id = static_cast<std::uint32_t>(key_to_prefix_.size());
        key_to_prefix_.push_back(prefixes_.intern(key_prefix(whole.view(id), dim_.depth)));
    }
}

std::size_t Keyer::dense_size(const Pools& pools) const {
    switch (info_->kind) {
        case DimKind::Stored: return pools[index(dim_.dim)].size();
        case DimKind::Number: return info_->dense_size;
        case DimKind::KeyPrefix: return prefixes_.size();
        case DimKind::Time: return 0;
    }
    return 0;
}

std::int64_t Keyer::time_key(std::int64_t t) const { return bucket_start(dim_.dim, t); }

std::string Keyer::label(std::int64_t key, const Pools& pools) const {
    switch (info_->kind) {
        case DimKind::Stored: return std::string(pools[index(dim_.dim)].view(static_cast<std::uint32_t>(key)));
        case DimKind::Number: return info_->label(key);
        case DimKind::KeyPrefix: return std::string(prefixes_.view(static_cast<std::uint32_t>(key)));
        case DimKind::Time: return bucket_label(dim_.dim, key);
    }
    return {};
}

void Keyer::add_needed(DimMask& mask) const { mask |= columns_needed(dim_); }

}  // namespace s3top
