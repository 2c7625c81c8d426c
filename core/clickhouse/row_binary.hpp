#pragma once
// A batch of records as ClickHouse's RowBinary input (the records table's columns, in
// record_columns() order), and gzip for the HTTP body. RowBinary is long-stable (18.x to now),
// exact (no escaping) and cheap to write.
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

#include "core/agg/batch.hpp"

namespace s3top::clickhouse {

/// Appends `v` to a RowBinary body: a number, little-endian as this machine.
template <class T>
void put_number(std::string& out, T v) {
    char b[sizeof v];
    std::memcpy(b, &v, sizeof v);
    out.append(b, sizeof v);
}
/// Appends `s` to a RowBinary body: its LEB128 length, then its bytes.
void put_string(std::string& out, std::string_view s);

/// What encoding saw: the rows and their time range (for the state file's Pending record).
struct EncodedRows {
    std::string bytes;
    std::uint64_t rows = 0;
    std::int64_t min_time = 0, max_time = 0;
    std::uint64_t times_clamped = 0;  ///< times outside DateTime's 1970-2106, written as its nearest end
};

/// Every record of `b` (its id columns name strings of its own pools; every stored dimension
/// kept) as RowBinary rows. `b.origin` gives each record's file and line (see origin_key);
/// `path_of(file)` names the file. Every row carries `batch_id`.
/// `take(file)` (optional) picks the records of some files only (the share of one host).
EncodedRows encode_row_binary(const Batch& b, const std::function<std::string_view(std::uint32_t file)>& path_of,
                              std::uint64_t batch_id, const std::function<bool(std::uint32_t file)>& take = {});

/// "INSERT INTO db.table (col, ...) FORMAT RowBinary": the statement the rows follow.
std::string insert_statement(std::string_view database, std::string_view table);

/// `data` gzip-compressed (an HTTP body with Content-Encoding: gzip); level 1 to 9.
std::string gzip_compress(std::string_view data, int level = 1);

}  // namespace s3top::clickhouse
