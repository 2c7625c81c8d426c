#pragma once
// `s3top storage` output: the groups' byte-seconds, GB-months, objects and bytes, then the
// caveats and the inputs left out, as a text table, CSV, JSON or HTML.
#include <string>
#include <vector>

#include "core/agg/batch.hpp"
#include "core/agg/unread_input.hpp"
#include "core/storage/object_table.hpp"

namespace s3top {

/// What a storage report prints besides the table's result.
struct StorageReport {
    StorageResult result;
    LineCounters lines;
    std::vector<UnreadInput> unread;
};

/// Text: one row per group (byte-hours, GB-months, objects and bytes at the end, peak), a total
/// row, then each caveat on a line of its own. `human`: sizes in KiB/MiB... instead of bytes.
std::string storage_table(const StorageReport& r, bool human);
/// CSV: `key columns...,byte_seconds,byte_hours,gb_months,objects_end,bytes_end,peak_bytes`,
/// then an empty line and a `caveat` table.
std::string storage_csv(const StorageReport& r);
/// JSON: {"period":{..},"by":[..],"lines":{..},"unread_inputs":[..],"totals":{..},"groups":[{"key",
/// "byte_seconds" (an integer), "byte_hours" and "gb_months" (decimal strings), "objects_end",
/// "bytes_end","peak_bytes"}],"caveats":[..]}
std::string storage_json(const StorageReport& r);
/// HTML: one self-contained page (totals, the sortable table of groups, the caveats).
std::string storage_html(const StorageReport& r);

}  // namespace s3top
