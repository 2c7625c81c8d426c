#pragma once
// The storage table (TABLE_storage, storage_columns()): each batch's object-changing requests
// as RowBinary rows for `s3top ingest`, and the statements and answers that bring them back for
// `storage` and `bill` over clickhouse://, which apply them with the same code as a local run.
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/storage_lines.hpp"

namespace s3top::clickhouse {

/// The rows of `lines` (a batch's storage lines), in storage_columns() order, each carrying
/// `batch_id`.
std::string encode_storage_rows(const StorageLines& lines, std::uint64_t batch_id);
/// "INSERT INTO db.table (col, ...) FORMAT RowBinary" for the storage table `table`.
std::string storage_insert_statement(std::string_view database, std::string_view table);

/// Where a page of events ends: the order they are read in (time, file, offset in it, batch),
/// which is the order storage applies them, and unique per event.
struct StorageRowKey {
    std::int64_t time = 0;
    std::string file;
    std::uint64_t offset = 0, batch = 0;
};

/// Up to `limit` events of the storage table `table` that come after `after` (from the first
/// without it), in StorageRowKey order, as RowBinary; with `batches`, only those batches' events.
std::string storage_page_sql(std::string_view table, const std::optional<StorageRowKey>& after, std::size_t limit,
                             const std::vector<std::uint64_t>& batches = {});

/// What read_storage_page() read: the rows, and the key of the last.
struct StoragePage {
    std::size_t rows = 0;
    StorageRowKey last;
};
/// Appends the events of a storage_page_sql() answer to `out`; an error when the answer does
/// not parse or names a change this s3top does not know.
std::expected<StoragePage, std::string> read_storage_page(std::string_view answer, StorageLines& out);

/// The lines table's facts about storage, per batch: its id, whether it sent no storage events
/// (NULL storage_failed: an s3top before the storage table sent them) and its failed requests.
std::string storage_batches_sql(std::string_view lines_table);
struct StorageBatch {
    std::uint64_t id = 0;
    bool without = false;
    std::uint64_t failed = 0;
};
std::expected<std::vector<StorageBatch>, std::string> read_storage_batches(std::string_view answer);

}  // namespace s3top::clickhouse
