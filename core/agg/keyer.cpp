#include "core/agg/keyer.hpp"

#include "core/agg/snapshot.hpp"
#include "core/parse/uri.hpp"

namespace s3top {

Keyer::Keyer(DimSpec dim) : dim_(dim), info_(&dim_info(dim.dim)) {
    decoded_ = info_->percent_encoded || (info_->kind == DimKind::KeyPrefix && dim_info(info_->from).percent_encoded);
}

bool Keyer::shown_decoded(std::string_view raw) { return needs_url_decode(raw, false); }

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
    std::string_view raw;
    if (decoded_ && raw_view(key, pools, raw)) {
        // Keys are logged encoded once ("my%20file.pdf"); '+' is a key's own character.
        std::string out;
        url_decode(raw, out, false);
        return out;
    }
    return raw_label(key, pools);
}

std::string Keyer::raw_label(std::int64_t key, const Pools& pools) const {
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
