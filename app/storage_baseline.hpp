#pragma once
// What `storage` and `bill` read before the logs: the --inventory baseline.
#include <cstdint>
#include <optional>

#include "app/cli.hpp"
#include "core/storage/object_table.hpp"

namespace s3top::app {

/// --inventory: the newest manifest at or before `from`, read whole, its rows interned into
/// `names` (owners by the key rule when --org-from is prefix:N, else -). nullopt, said on
/// stderr in one line, when it cannot be used.
std::optional<StorageBaseline> load_storage_baseline(const Options& opt, std::int64_t from, StorageNames& names);

}  // namespace s3top::app
