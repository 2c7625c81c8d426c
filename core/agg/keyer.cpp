#include "core/agg/keyer.hpp"

#include "core/agg/snapshot.hpp"

namespace s3top {

void Keyer::prepare(const Pools& pools) {
    if (is_string_dim(dim_.dim)) prepared_size_ = pools[index(dim_.dim)].size();
    if (dim_.dim != Dim::KeyPrefix) return;
    const StringPool& keys = pools[index(Dim::Key)];
    while (key_to_prefix_.size() < keys.size()) {
        const auto id = static_cast<std::uint32_t>(key_to_prefix_.size());
        key_to_prefix_.push_back(prefixes_.intern(key_prefix(keys.view(id), dim_.depth)));
    }
}

std::size_t Keyer::dense_size(const Pools& pools) const {
    switch (dim_.dim) {
        case Dim::Status: return 1000;
        case Dim::StatusClass: return 10;
        case Dim::Tier: return 3;
        case Dim::KeyPrefix: return prefixes_.size();
        default: return is_string_dim(dim_.dim) ? pools[index(dim_.dim)].size() : 0;
    }
}

std::int64_t Keyer::time_key(std::int64_t t) const { return bucket_start(dim_.dim, t); }

std::string Keyer::label(std::int64_t key, const Pools& pools) const {
    switch (dim_.dim) {
        case Dim::Status: return key == 0 ? std::string() : std::to_string(key);
        case Dim::StatusClass: return key == 0 ? std::string() : std::to_string(key) + "xx";
        case Dim::Tier: return std::string(tier_name(static_cast<Tier>(key)));
        case Dim::KeyPrefix: return std::string(prefixes_.view(static_cast<std::uint32_t>(key)));
        case Dim::Minute:
        case Dim::Hour:
        case Dim::Day:
        case Dim::Month: return bucket_label(dim_.dim, key);
        default: return std::string(pools[index(dim_.dim)].view(static_cast<std::uint32_t>(key)));
    }
}

void Keyer::add_needed(DimMask& mask) const {
    if (is_string_dim(dim_.dim)) mask.set(index(dim_.dim));
    if (dim_.dim == Dim::KeyPrefix) mask.set(index(Dim::Key));
}

}  // namespace s3top
