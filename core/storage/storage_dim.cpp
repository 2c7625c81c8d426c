#include "core/storage/storage_dim.hpp"

#include <fmt/format.h>

namespace s3top {

static_assert(
    [] {
        for (std::size_t i = 0; i < kStorageDims.size(); ++i)
            if (static_cast<std::size_t>(kStorageDims[i].dim) != i) return false;
        return true;
    }(),
    "kStorageDims is in StorageDim order");

std::optional<StorageDimSpec> parse_storage_dim(std::string_view name) {
    for (const StorageDimInfo& info : kStorageDims) {
        if (info.dim == StorageDim::KeyPrefix) {
            if (name == info.name) return StorageDimSpec{info.dim, 1};
            if (name.size() == info.name.size() + 2 && name.starts_with(info.name) && name[info.name.size()] == ':' &&
                name.back() >= '1' && name.back() <= '9')
                return StorageDimSpec{info.dim, static_cast<std::uint8_t>(name.back() - '0')};
        } else if (name == info.name || (!info.alias.empty() && name == info.alias)) {
            return StorageDimSpec{info.dim, 0};
        }
    }
    return std::nullopt;
}

std::optional<StorageDimSpec> storage_dim_of(const DimSpec& d) {
    for (const StorageDimInfo& info : kStorageDims)
        if (info.record == d.dim)
            return StorageDimSpec{info.dim, info.dim == StorageDim::KeyPrefix ? d.depth : std::uint8_t{0}};
    return std::nullopt;
}

std::optional<DimSpec> record_dim_of(const StorageDimSpec& d) {
    const StorageDimInfo& info = storage_dim_info(d.dim);
    if (!info.record) return std::nullopt;
    return DimSpec{*info.record, d.depth};
}

std::string storage_dim_name(const StorageDimSpec& d) {
    const StorageDimInfo& info = storage_dim_info(d.dim);
    return d.dim == StorageDim::KeyPrefix ? fmt::format("{}:{}", info.name, d.depth) : std::string(info.name);
}

std::string storage_dim_title(const StorageDimSpec& d) {
    const StorageDimInfo& info = storage_dim_info(d.dim);
    return d.dim == StorageDim::KeyPrefix ? fmt::format("{} ({})", info.title, d.depth) : std::string(info.title);
}

}  // namespace s3top
