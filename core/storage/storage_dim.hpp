#pragma once
// What storage groups by, as one table (kStorageDims): each grouping's name, title, and the
// dimension of the records a drill-down on one of its values filters by (a storage class has
// none: no request records one). `s3top storage --by`, the statement's storage lines and the
// dashboard's Stored panel all read it.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/agg/dimension.hpp"

namespace s3top {

enum class StorageDim : std::uint8_t { Org, Class, Bucket, KeyPrefix };

struct StorageDimSpec {
    StorageDim dim = StorageDim::Org;
    std::uint8_t depth = 0;  ///< KeyPrefix: leading '/'-separated segments (1-9)
    friend bool operator==(const StorageDimSpec&, const StorageDimSpec&) = default;
};

struct StorageDimInfo {
    StorageDim dim;
    std::string_view name;      ///< as --by spells it ("prefix" takes ":N")
    std::string_view alias;     ///< another name parse_storage_dim reads ("" none)
    std::string_view title;     ///< the heading of its column ("Key prefix" gets " (N)")
    std::optional<Dim> record;  ///< the records' dimension with the same values (filters on it)
};

inline constexpr std::array<StorageDimInfo, 4> kStorageDims = {{
    {StorageDim::Org, "org", "", "Org", Dim::Org},
    {StorageDim::Class, "class", "storage_class", "Class", std::nullopt},
    {StorageDim::Bucket, "bucket", "", "Bucket", Dim::Bucket},
    {StorageDim::KeyPrefix, "prefix", "", "Key prefix", Dim::KeyPrefix},
}};

constexpr const StorageDimInfo& storage_dim_info(StorageDim d) { return kStorageDims[static_cast<std::size_t>(d)]; }

/// "org", "class", "bucket", "prefix:N" (N 1-9; "prefix" is prefix:1); nullopt otherwise.
std::optional<StorageDimSpec> parse_storage_dim(std::string_view name);
/// The storage grouping of a dimension of the records: org, bucket and prefix:N have one.
std::optional<StorageDimSpec> storage_dim_of(const DimSpec& d);
/// The dimension of the records with `d`'s values (what a drill-down on one filters by);
/// nullopt for a storage class.
std::optional<DimSpec> record_dim_of(const StorageDimSpec& d);
/// The name parse_storage_dim reads ("prefix:2"), and the heading of its column.
std::string storage_dim_name(const StorageDimSpec& d);
std::string storage_dim_title(const StorageDimSpec& d);

}  // namespace s3top
