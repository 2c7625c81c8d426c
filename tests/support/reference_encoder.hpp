#pragma once
// The ingest's first encoder, kept as the tests' reference for NativeColumnsEncoder and
// NativeColumnsWriter (core/clickhouse/native_columns.hpp), which must write the same bytes:
// records as RowBinary rows (RowBinaryEncoder, EncodedRows), then made into Native blocks row by
// row (NativeWriter). The simple way, test code only: nothing in s3top uses it.
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
#include "core/clickhouse/row_binary.hpp"
#include "core/clickhouse/schema.hpp"
#include "core/util/string_pool.hpp"

namespace s3top::clickhouse {

/// Where the encoders of one ingest put their row buffers back once a batch is sent, so the
/// next batch writes into memory already faulted in: as many buffers as batches in hand.
class RowBuffers {
public:
    /// The room a fresh buffer is given: an ingest's batch (kIngestBatchLines in ingest_sink.hpp,
    /// about 200 bytes a row of S3 logs, 420 with a long key and no value repeated) fits, so its
    /// rows are never copied as it grows.
    static constexpr std::size_t kReserve = std::size_t{256} << 20;
    /// `reserve`: the room of a fresh buffer (address space: its pages come as rows are written).
    explicit RowBuffers(std::size_t reserve = kReserve) : reserve_(reserve) {}
    /// A buffer put back (emptied, its capacity kept), or a fresh one with room for `reserve`.
    std::string get();
    void put(std::string buffer);

private:
    const std::size_t reserve_;
    std::mutex mutex_;
    std::vector<std::string> spare_;
};

/// A batch's records as rows, one insert per host (IngestSink's EncodedRecords): RowBinary rows
/// of record_columns() but for the row_interned() columns, which hold a value's id in `values`
/// (little-endian uint32). Its parts view its buffer of rows, which goes back to its RowBuffers
/// when it is destroyed.
struct EncodedRows : EncodedRecords {
    struct Part {
        std::uint32_t host = 0;
        std::uint64_t rows = 0, bytes = 0;        ///< bytes: of the rows as kept here (`pieces`)
        std::int64_t min_time = 0, max_time = 0;  ///< of the rows, as written (clamped)
        /// By record column (record_columns() order): the bytes its values take in the rows
        /// (a String column's; 0 for the others), so a NativeBlock is sized before it is filled.
        std::vector<std::uint64_t> string_bytes;
        /// The body: its rows, ordered as the table is (org, time), as runs of the buffer.
        std::vector<std::string_view> pieces;
        /// The batch's values the rows' ids name (EncodedRows::values' views).
        StoredViews values;
        /// The rows as RowBinary (each id's value written out), one after another: what the
        /// Native body holds, row by row. Empty when a row does not read as the table's.
        std::string body() const;
    };
    EncodedRows(std::string buffer, std::shared_ptr<RowBuffers> buffers)
        : rows_(std::move(buffer)), buffers_(std::move(buffers)) {}
    ~EncodedRows() override;
    EncodedRows(const EncodedRows&) = delete;
    EncodedRows& operator=(const EncodedRows&) = delete;
    std::uint64_t records() const override { return rows; }
    /// The buffer the parts' pieces view.
    const char* rows_data() const { return rows_.data(); }

    std::uint64_t batch_id = 0;  ///< every row carries it
    /// The row_interned() columns' values, each once: a row holds its value's id.
    StringPool values;
    /// The batch's files by path, each once: a row's `file_number` n is files[n - 1]. They go
    /// to the batch's lines row (Client::insert_lines), not on every row.
    std::vector<std::string> files;
    std::vector<Part> parts;  ///< by host, only hosts with rows
    std::uint64_t rows = 0;
    std::uint64_t times_clamped = 0;  ///< times outside DateTime's 1970-2106, written as its nearest end

private:
    std::string rows_;
    std::shared_ptr<RowBuffers> buffers_;
};

/// Encodes each record as a row of the records table (record_columns() order) as the parse
/// worker hands it over (the ingest's encoder before NativeColumnsEncoder, kept as its tests'
/// reference: the same rows in the same order, made the simple way): RowBinary but for the row_interned() columns,
/// whose values go to the batch's pool (EncodedRows::values) and their ids to the row. A record goes to the host
/// `host_of` names for its file's path. take() gives each host's rows ordered by (org, time), the table's order, so the
/// server need not sort them (a fifth of its CPU on an insert), with a fresh batch id (new_batch_id()) in every row. A
/// row holds its file's number in the batch (EncodedRows::files), not its path. Not thread-safe: one per parse worker.
class RowBinaryEncoder : public RecordEncoder {
public:
    RowBinaryEncoder(std::size_t hosts, std::function<std::uint32_t(std::string_view path)> host_of,
                     std::shared_ptr<RowBuffers> buffers = std::make_shared<RowBuffers>());
    void add(const NumberRow& numbers, const std::array<std::string_view, kStringDimCount>& values,
             std::string_view path, std::uint64_t origin) override;
    std::unique_ptr<EncodedRecords> take() override;

private:
    struct Row {
        std::uint64_t order = 0;  ///< the org's id (its rank, once taken) << 32 | time
        std::uint64_t at = 0;     ///< in rows_
        std::uint32_t size = 0, host = 0;
    };
    std::size_t hosts_;
    std::function<std::uint32_t(std::string_view)> host_of_;
    std::shared_ptr<RowBuffers> buffers_;
    std::size_t columns_ = 0;                  ///< record_columns().size()
    std::vector<bool> interned_;               ///< by column: row_interned()
    StringPool values_;                        ///< the batch's interned values
    std::vector<std::uint64_t> string_bytes_;  ///< by host, then column: as EncodedRows::Part's
    std::string rows_;                         ///< every row, one after another (its batch id written by take())
    bool has_buffer_ = false;                  ///< rows_ was taken from buffers_ since the last take()
    std::vector<Row> index_;
    StringPool orgs_;             ///< the batch's orgs (few): rows are sorted by their rank
    StringPool files_;            ///< the batch's files: a row's file_number is its id (from 1)
    std::string_view last_path_;  ///< the file of the previous record, its host and number
    std::uint32_t last_host_ = 0, last_file_ = 0;
    std::uint64_t times_clamped_ = 0;
};

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
                 std::span<const std::uint64_t> string_bytes, StoredViews values,
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
    StoredViews values_;
    std::uint64_t count_, block_rows_, done_ = 0, size_ = 0;
    std::size_t piece_ = 0, offset_ = 0;  ///< the row piece to read next, and where in it
    bool failed_ = false;
    std::string block_size_;  ///< the block's column and row counts
    std::vector<Stream> streams_;
    std::vector<std::string_view> pieces_;  ///< the block's, to give out
    std::size_t given_ = 0;
};

}  // namespace s3top::clickhouse
