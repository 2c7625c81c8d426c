#pragma once
// What the dashboard's Stored panel and its stored-bytes chart show: what was stored at the end
// of the range on screen, grouped one way, and the bytes stored at the end of each chart bucket.
// Both come from the ObjectTable `s3top storage` bills from (StorageGroup::bytes_end and
// objects_end, ObjectTable::bytes_now), never from a formula of their own.
#include <cstdint>
#include <string>
#include <vector>

#include "core/agg/filter.hpp"
#include "core/billing/money.hpp"
#include "core/storage/object_table.hpp"

namespace s3top {

struct StoredSpec {
    std::int64_t from = 0, to = 0;  ///< the range shown, [from, to) UTC: what is stored at `to`
    StorageDimSpec by;              ///< the panel's grouping
    /// Terms on org, bucket, key and prefix:N only (storage_filter_problem); no time range.
    Filter filter;
    /// Times, ascending: the bytes stored at each (every event before it applied, none at or
    /// after it) under the filter. The chart's bucket ends.
    std::vector<std::int64_t> sample_at;
};

struct StoredGroup {
    std::string label;   ///< "" for an absent value (shown "-"), as a panel's rows
    Int128 bytes = 0;    ///< StorageGroup::bytes_end (parts of open uploads included)
    Int128 objects = 0;  ///< StorageGroup::objects_end (versions, current and noncurrent)
};

struct Stored {
    std::vector<StoredGroup> groups;  ///< those with something stored at `to`: most bytes first, then by label
    Int128 bytes = 0, objects = 0;    ///< the groups' sums
    std::vector<Int128> samples;      ///< one per StoredSpec::sample_at
};

/// Applies `events` (in their order) to an ObjectTable for `spec` and returns what was stored at
/// spec.to per group, and at each of spec.sample_at.
Stored compute_stored(const StoredSpec& spec, const StorageView& events);

/// `f` without what storage cannot filter by: its time range and terms on dimensions other
/// than org, bucket, key and prefix:N. `dropped` (optional) is set to whether any term went.
Filter storage_terms_of(const Filter& f, bool* dropped = nullptr);

}  // namespace s3top
