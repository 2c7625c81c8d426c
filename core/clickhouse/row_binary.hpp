#pragma once
// A batch's records as ClickHouse's RowBinary input (the records table's columns, in
// record_columns() order), and gzip for the HTTP body. RowBinary is long-stable (18.x to now),
// exact (no escaping) and cheap to write.
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/agg/batch.hpp"
#include "core/clickhouse/schema.hpp"
#include "core/util/string_pool.hpp"

namespace s3top::clickhouse {

/// Appends `v` to a RowBinary body: a number, little-endian as this machine.
template <class T>
void put_number(std::string& out, T v) {
    char b[sizeof v];
    std::memcpy(b, &v, sizeof v);
    out.append(b, sizeof v);
}
/// Appends `n` as LEB128 (ClickHouse's VarUInt).
void put_varint(std::string& out, std::uint64_t n);
/// Appends `s` to a RowBinary body: its LEB128 length, then its bytes.
void put_string(std::string& out, std::string_view s);
/// The bytes of `n` as LEB128.
std::size_t varint_size(std::uint64_t n);

/// The bytes RowBinary (and Native) keep for a value of a records-table column of this kind
/// (Nullable: without its null flag); 0 for a String (Field::Dim).
std::size_t row_binary_width(Field f);
/// Whether a column of this kind is Nullable: a null flag byte, then the value unless NULL.
bool row_binary_nullable(Field f);
/// Whether the encoder keeps a column's values in its rows as 4-byte ids into the batch's
/// values (EncodedColumns::values) instead of as strings: the long values a log repeats
/// (user agent, requester, host header, operation, bucket: 200 of a row's ~370 bytes in the
/// benchmark's logs, from about a thousand distinct values). The rows are then 40% of the
/// memory, which an ingest faults in fresh (three batches' buffers), for one lookup a value.
bool row_interned(const Column& c);

/// A fresh batch id: random, never 0.
std::uint64_t new_batch_id();

/// "INSERT INTO db.table (col, ...) FORMAT Native": the statement a NativeBlock of rows follows.
std::string insert_statement(std::string_view database, std::string_view table);

/// `data` gzip-compressed (an HTTP body with Content-Encoding: gzip); level 1 to 9.
std::string gzip_compress(std::string_view data, int level = 1);
/// The pieces, one after another, gzip-compressed (without joining them first).
std::string gzip_compress(std::span<const std::string_view> pieces, int level = 1);
/// What `next` gives until an empty piece (`size` bytes), gzip-compressed as it comes.
std::string gzip_compress(const std::function<std::string_view()>& next, std::uint64_t size, int level = 1);

}  // namespace s3top::clickhouse
