#pragma once
// A part of a batch as ClickHouse's Native format, the body of its insert: the servers take
// columns in the layout they keep them and skip parsing rows (about a fifth less of their CPU
// for an insert than RowBinary, measured with curl on 18.16). Native input over HTTP is read
// without a client revision on every release (18.x's NativeBlockInputStream and today's
// NativeInputFormat both read with revision 0): no block info, no serialization kinds; each
// block its column and row counts, then each column's name, type and values.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace s3top::clickhouse {

/// The Native body of rows of the records table (record_columns(), as RowBinaryEncoder writes
/// them: EncodedRows), made block by block. The ingest sends NativeColumnsEncoder's columns
/// (NativeColumnsWriter); this row-by-row way is kept as its tests' reference, which it must
/// match byte for byte: a block's columns are
/// written from its rows into buffers kept from block to block, so
/// the body never exists whole (the server joins the blocks of one insert into one part).
class NativeWriter {
public:
    /// Rows a block holds: its columns stay small (a few MB), in the cache while sent.
    static constexpr std::uint64_t kBlockRows = 16384;
    /// `rows`: the rows one after another, in pieces (each whole rows), `count` of them;
    /// `string_bytes`: by record column, the bytes its values take in the body (a String
    /// column's, 0 for the others); `values`: what the row_interned() columns' ids name; as
    /// EncodedRows::Part has them. They must outlive the writer.
    NativeWriter(std::span<const std::string_view> rows, std::uint64_t count,
                 std::span<const std::uint64_t> string_bytes, std::span<const std::string_view> values,
                 std::uint64_t block_rows = kBlockRows);
    /// The body's bytes (computed, not made).
    std::uint64_t size() const { return size_; }
    /// The next piece of the body, valid until the next call; empty at its end. Rows that do
    /// not read as record_columns() rows end it early (failed(); the insert then fails short).
    std::string_view next();
    bool failed() const { return failed_; }

private:
    /// One run of a column's values in the block (a Nullable column has two: its null map,
    /// then its values).
    struct Stream {
        std::unique_ptr<char[]> data;
        std::size_t capacity = 0, size = 0;
    };
    /// Writes the next block's rows into the streams and lists its pieces; false at the end.
    bool next_block();
    bool fill(std::uint64_t rows);

    std::span<const std::string_view> rows_;
    std::span<const std::string_view> values_;
    std::uint64_t count_, block_rows_, done_ = 0, size_ = 0;
    std::size_t piece_ = 0, offset_ = 0;  ///< the row piece to read next, and where in it
    bool failed_ = false;
    std::string block_size_;  ///< the block's column and row counts
    std::vector<Stream> streams_;
    std::vector<std::string_view> pieces_;  ///< the block's, to give out
    std::size_t given_ = 0;
};

}  // namespace s3top::clickhouse
