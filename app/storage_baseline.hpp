#pragma once
// What `storage` and `bill` read before the logs: the --inventory baseline.
#include <cstdint>
#include <optional>
#include <vector>

#include "app/cli.hpp"
#include "core/clickhouse/client.hpp"
#include "core/storage/object_table.hpp"

namespace s3top::app {

/// What --inventory gives: the baseline, and the later inventories to check the logs against.
struct StorageInventories {
    StorageBaseline baseline;
    std::vector<StorageBaseline> later;
};

/// --inventory: the newest manifest at or before `from` (the baseline) and those of its bucket
/// made after it and before `to`, each read whole, their rows interned into `names` (owners by
/// the key rule when --org-from is prefix:N, else -). nullopt, said on stderr in one line, when
/// one cannot be used.
std::optional<StorageInventories> load_storage_inventories(const Options& opt, std::int64_t from, std::int64_t to,
                                                           StorageNames& names);

/// The same over a clickhouse:// PATH: the owners by the --org-from the table's batches were
/// ingested with (clickhouse::ingested_org_source()), which is refused, on stderr in one line,
/// when it is not one rule.
std::optional<StorageInventories> load_clickhouse_inventories(const Options& opt, clickhouse::Client& client,
                                                              std::int64_t from, std::int64_t to, StorageNames& names);

}  // namespace s3top::app
