#pragma once
// A batch's records for ClickHouse written straight into columns as the parse worker hands
// them over (s3top ingest's encoder): per host, each column of the records table in Native's
// layout, in the order the records came, plus what orders them. Sending a part is then a
// gather of each column by that order into Native blocks: no rows are written and read back.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/agg/batch.hpp"
#include "core/util/string_pool.hpp"

namespace s3top::clickhouse {

/// Maps `bytes` of fresh memory, or grows a mapping (`at`, `old_bytes`) to `bytes`, moving its
/// pages rather than copying them (mremap); throws std::bad_alloc when it cannot. Both in pages.
void* map_run(void* at, std::size_t old_bytes, std::size_t bytes);
/// Unmaps what map_run() mapped.
void unmap_run(void* at, std::size_t bytes);

/// A growable run of values (trivially copyable) whose room is kept when it is emptied: the
/// next batch writes into memory already faulted in. Its memory is mapped for it and grows
/// by moving its pages: a run doubling as it fills is never copied (a batch's first fill
/// would otherwise copy each column about once more, into fresh pages).
template <class T>
class Run {
public:
    Run() = default;
    Run(Run&& o) noexcept
        : data_(std::exchange(o.data_, nullptr)), size_(o.size_), capacity_(std::exchange(o.capacity_, 0)) {}
    Run& operator=(Run&& o) noexcept {
        std::swap(data_, o.data_);
        std::swap(size_, o.size_);
        std::swap(capacity_, o.capacity_);
        return *this;
    }
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;
    ~Run() {
        if (data_) unmap_run(data_, capacity_ * sizeof(T));
    }
    /// Room for `n` more values at the end, counted as written: the caller writes them.
    T* extend(std::size_t n) {
        if (capacity_ - size_ < n) grow(n);
        T* const at = data_ + size_;
        size_ += n;
        return at;
    }
    void push_back(T v) { *extend(1) = v; }
    /// Room for `n` more values without growing.
    void reserve_more(std::size_t n) {
        if (capacity_ - size_ < n) grow(n);
    }
    const T* data() const { return data_; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    const T& operator[](std::size_t i) const { return data_[i]; }
    void clear() { size_ = 0; }

private:
    static constexpr std::size_t kPage = 4096;
    void grow(std::size_t n) {
        std::size_t bytes = std::max(size_ + n, capacity_ * 2) * sizeof(T);
        bytes = std::max<std::size_t>((bytes + kPage - 1) / kPage * kPage, 16 * kPage);
        data_ = static_cast<T*>(map_run(data_, capacity_ * sizeof(T), bytes));
        capacity_ = bytes / sizeof(T);
    }
    T* data_ = nullptr;
    std::size_t size_ = 0, capacity_ = 0;
};
using ByteRun = Run<char>;

/// One host's records of a batch, column by column (record_columns() order) as they came.
struct HostColumns {
    /// By stream (a column's values; a Nullable column has two: its null map, then its values):
    /// a fixed-width column's values as Native has them, a String's LEB128 length and bytes
    /// each, a row_interned() column's ids into the batch's values (uint32 each).
    std::vector<ByteRun> streams;
    /// By stream: where each row's value starts in a String stream, and where its last ends
    /// (empty for the other streams); the low 32 bits (start()).
    std::vector<Run<std::uint32_t>> starts;
    /// By stream: the rows from which a String stream's starts are 4 GiB further on, in order
    /// (one row once for each 4 GiB; almost always none: a batch's values of one column pass 4 GiB).
    std::vector<std::vector<std::uint32_t>> wraps;
    /// By row: its org's id in the encoder's pool << 32 | its time (as written).
    Run<std::uint64_t> keys;
    /// By record column: the bytes its values take in a Native body (a String column's, 0 for
    /// the others), so a part's body is sized before it is made.
    std::vector<std::uint64_t> string_bytes;
    std::int64_t min_time = 0, max_time = 0;
    std::uint64_t rows() const { return keys.size(); }
    /// Where row `r`'s value starts in String stream `stream` (r = rows(): where the last ends).
    std::uint64_t start(std::size_t stream, std::uint32_t r) const {
        const std::vector<std::uint32_t>& w = wraps[stream];
        const auto high =
            w.empty() ? 0 : static_cast<std::uint64_t>(std::upper_bound(w.begin(), w.end(), r) - w.begin());
        return high << 32 | starts[stream][r];
    }
    /// Notes that row `r`'s value starts at `at` in String stream `stream` (rows in order).
    void note_start(std::size_t stream, std::uint32_t r, std::uint64_t at) {
        while ((at >> 32) > wraps[stream].size()) wraps[stream].push_back(r);
        starts[stream].push_back(static_cast<std::uint32_t>(at));
    }
    void clear();
};

/// The rows of `h` in the table's order: by their org's rank (`rank`, by org id in the keys),
/// then time, then as they came. One key a row, radix-sorted, when rank, time and row fit in
/// `max_key_bits` bits together (a batch's usually do), else pairs of key and row, sorted.
std::vector<std::uint32_t> table_order(const HostColumns& h, std::span<const std::uint64_t> rank,
                                       unsigned max_key_bits = 63);

/// Where the encoders of one ingest put their columns back once a batch is sent: the next batch
/// writes into memory already faulted in (as many sets as batches in hand).
class ColumnBuffers {
public:
    /// A set of `hosts` hosts' columns put back (emptied, their room kept), or a fresh one.
    std::vector<HostColumns> get(std::size_t hosts);
    void put(std::vector<HostColumns> set);
    /// A writer's block buffers (by stream) put back, or none: the next part's blocks are
    /// gathered into memory already faulted in.
    std::vector<ByteRun> get_blocks();
    void put_blocks(std::vector<ByteRun> blocks);
    /// The sets put back and not yet taken again.
    std::size_t spare() const {
        std::lock_guard l(mutex_);
        return spare_.size();
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::vector<HostColumns>> spare_;
    std::vector<std::vector<ByteRun>> spare_blocks_;
};

/// A batch's records as NativeColumnsEncoder wrote them, one part (insert) per host with rows.
/// Its columns go back to their ColumnBuffers when it is destroyed.
struct EncodedColumns : EncodedRecords {
    struct Part {
        std::uint32_t host = 0;
        std::uint64_t rows = 0;
        std::int64_t min_time = 0, max_time = 0;  ///< of the rows, as written (clamped)
        /// The host's rows (by their place in `columns`) in the table's order: (org, time),
        /// then as they came.
        std::vector<std::uint32_t> order;
        const HostColumns* columns = nullptr;
    };
    EncodedColumns(std::vector<HostColumns> set, std::shared_ptr<ColumnBuffers> buffers)
        : set_(std::move(set)), buffers_(std::move(buffers)) {}
    ~EncodedColumns() override;
    EncodedColumns(const EncodedColumns&) = delete;
    EncodedColumns& operator=(const EncodedColumns&) = delete;
    std::uint64_t records() const override { return rows; }
    const std::vector<HostColumns>& hosts() const { return set_; }
    /// Where its columns go back (and its writers' block buffers); null when nowhere.
    ColumnBuffers* buffers() const { return buffers_.get(); }

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
    std::vector<HostColumns> set_;
    std::shared_ptr<ColumnBuffers> buffers_;
};

/// Writes each record into the columns of the host `host_of` names for its file's path, as the
/// parse worker hands it over: the records table's columns (record_columns()), each as Native
/// keeps it, but for the row_interned() columns, whose values go to the batch's pool
/// (EncodedColumns::values) and their ids to the column. A row holds its file's number in the
/// batch (EncodedColumns::files), not its path; the batch id is written when the part is sent.
/// take() orders each host's rows by (org, time), the table's order, so the server need not
/// sort them (a fifth of its CPU on an insert), and draws a fresh batch id (new_batch_id()).
/// The same rows, in the same order, as the tests' reference RowBinaryEncoder (tests/support). Not thread-safe: one per
/// parse worker.
class NativeColumnsEncoder : public RecordEncoder {
public:
    NativeColumnsEncoder(std::size_t hosts, std::function<std::uint32_t(std::string_view path)> host_of,
                         std::shared_ptr<ColumnBuffers> buffers = std::make_shared<ColumnBuffers>());
    void add(const NumberRow& numbers, const std::array<std::string_view, kStringDimCount>& values,
             std::string_view path, std::uint64_t origin) override;
    std::unique_ptr<EncodedRecords> take() override;

private:
    std::size_t hosts_;
    std::function<std::uint32_t(std::string_view)> host_of_;
    std::shared_ptr<ColumnBuffers> buffers_;
    std::vector<HostColumns> set_;  ///< taken from buffers_ at a batch's first record
    bool has_set_ = false;
    StringPool values_;           ///< the batch's interned values
    StringPool orgs_;             ///< the batch's orgs (few): rows are ordered by their rank
    StringPool files_;            ///< the batch's files: a row's file_number is its id (from 1)
    std::string_view last_path_;  ///< the file of the previous record, its host and number
    std::uint32_t last_host_ = 0, last_file_ = 0;
    std::uint64_t times_clamped_ = 0;
};

/// The Native body of one part of an EncodedColumns, made block by block as it is sent: each
/// block's columns are gathered from the host's columns in the part's order into buffers kept
/// from block to block, so the body never exists whole (the server joins the blocks of one
/// insert into one part). The same bytes as NativeWriter over RowBinaryEncoder's rows.
class NativeColumnsWriter {
public:
    /// Rows a block holds: its columns stay small (a few MB), in the cache while sent.
    static constexpr std::uint64_t kBlockRows = 16384;
    /// `batch` must outlive the writer.
    NativeColumnsWriter(const EncodedColumns& batch, std::size_t part, std::uint64_t block_rows = kBlockRows);
    /// Puts its block buffers back in the batch's ColumnBuffers.
    ~NativeColumnsWriter();
    NativeColumnsWriter(const NativeColumnsWriter&) = delete;
    NativeColumnsWriter& operator=(const NativeColumnsWriter&) = delete;
    /// The body's bytes (computed, not made): the insert's Content-Length.
    std::uint64_t size() const { return size_; }
    /// The next piece of the body, valid until the next call; empty at its end.
    std::string_view next();

private:
    bool next_block();
    void gather(std::span<const std::uint32_t> rows);

    const EncodedColumns& batch_;
    const EncodedColumns::Part& part_;
    std::uint64_t block_rows_, done_ = 0, size_ = 0;
    std::string block_size_;                ///< the block's column and row counts
    std::vector<ByteRun> out_;              ///< by stream: the block's values (ColumnBuffers::get_blocks)
    std::vector<std::string_view> pieces_;  ///< the block's, to give out
    std::size_t given_ = 0;
};

}  // namespace s3top::clickhouse
