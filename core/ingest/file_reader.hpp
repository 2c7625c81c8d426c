#pragma once
// The loader's reader side (internal to core/ingest, used by loader.cpp and its tests): one
// job's bytes from a ByteSource cut into blocks of whole lines in pooled buffers, the file's
// format detected from its first lines, and its FileResult filled (where it ended, line
// numbers, content hash, the edge hashes the ledger keeps).
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/ingest/byte_source.hpp"
#include "core/ingest/loader.hpp"

namespace s3top::reading {

/// Per file: the parser choice and the header lines every block's parser must see first.
struct FileCtx {
    std::uint32_t index = 0;
    std::string format;                ///< empty: no format matched
    std::vector<std::string> headers;  ///< "#..." lines from the file's start
    bool document = false;             ///< parsed whole (CloudTrail), not line by line
};

/// Reusable block buffers: a reader takes one, a worker gives it back after parsing, so
/// steady-state ingest allocates (and page-faults) nothing.
class BufferPool {
public:
    explicit BufferPool(std::size_t size) : size_(size) {}
    std::unique_ptr<char[]> get();
    void put(std::unique_ptr<char[]> b);
    std::size_t size() const { return size_; }

private:
    std::mutex m_;
    std::vector<std::unique_ptr<char[]>> free_;
    std::size_t size_;
};

/// Whole lines of one file (or a whole document, or the excerpt of one over-long line).
struct Block {
    std::shared_ptr<const FileCtx> file;
    std::unique_ptr<char[]> buf;
    std::size_t size = 0;
    std::uint64_t first_line = 1;
    bool too_long = false;                     ///< data is the start of one over-long line
    std::string document;                      ///< a whole document-format file (buf is then null)
    std::uint64_t offset = 0, offset_end = 0;  ///< the stream bytes the block stands for
    /// Lines of this block detection parsed when it judged the file (views into buf): the
    /// worker takes their records instead of parsing them again.
    std::vector<ParsedLine> parsed = {};
    std::string_view data() const { return {buf.get(), size}; }
};

/// How files are cut and judged.
struct ReaderOptions {
    std::size_t block_bytes = 4 << 20;  ///< a block is cut at its last newline once this full
    std::size_t chunk_bytes = 1 << 20;  ///< asked of the source per read (at most block_bytes)
    std::size_t max_line_bytes = 1 << 20;
    bool hash_content = true;  ///< LoaderOptions::hash_content
    std::string format = "auto";
    FormatOptions format_options;
    GzipLimits gzip;
    LoadProgress* progress = nullptr;  ///< stored bytes, lines and files read are added to it
    /// What the pool's buffers must hold: a block, or the longest line taken, and a read more.
    std::size_t buffer_bytes() const {
        return std::max(block_bytes, max_line_bytes) + std::min(chunk_bytes, block_bytes);
    }
};

/// The stored bytes of `job` a progress display expects read: the planned range of a plain
/// file, the whole stored size of a .gz; 0 for standard input (unknown).
std::uint64_t stored_bytes_planned(const ReadJob& job);

/// One job's share of a LoadProgress: stored bytes added as they are read, then topped up to
/// the job's planned share and the file counted once the job is done, however it ends.
class ProgressShare {
public:
    ProgressShare(LoadProgress* progress, const ReadJob& job);
    ~ProgressShare();
    ProgressShare(const ProgressShare&) = delete;
    ProgressShare& operator=(const ProgressShare&) = delete;
    /// The source is open (and skipped to the job's start): reading counts from here.
    void start(const ByteSource& source) { base_ = source.stored_offset(); }
    void update(const ByteSource& source);
    void add_lines(std::uint64_t n) {
        if (progress_) progress_->lines.fetch_add(n, std::memory_order_relaxed);
    }

private:
    LoadProgress* progress_;
    std::uint64_t planned_;  ///< the most this job adds (unbounded for standard input)
    bool top_up_;            ///< planned_ is known: the job ends having added exactly it
    std::uint64_t base_ = 0, counted_ = 0;
};

/// A file's format as judged from its first bytes.
struct Detection {
    bool decided = false;  ///< false: nothing to judge yet; ask again with more lines
    std::string format;    ///< the format chosen; empty when none matched (`error` says why)
    bool document = false;
    std::vector<std::string> headers;  ///< the "#" lines among those judged
    std::string error;
    std::vector<ParsedLine> parsed;  ///< ChosenFormat::parsed: views into the data judged
};

/// Asks `factory` for the format of `data`, a file's first bytes (`more`: the file goes on past
/// them). Over-long lines do not vote. When nothing matched and `data` is the start of one
/// unfinished line, or nothing but over-long or blank lines, the decision waits while `more`.
Detection detect_file_format(const ParserFactory& factory, const ReaderOptions& options, std::string_view data,
                             bool more);

/// The first `max` lines of `data` (the last one may be unterminated).
std::vector<std::string_view> first_lines(std::string_view data, std::size_t max);

/// Reads jobs, one at a time: one per reading thread (the loader's reader, and each worker for
/// the small files it reads whole); readers share the pool.
class FileReader {
public:
    using Deliver = std::function<void(Block&&)>;
    /// A receiver that parses each block before it returns (the block's buffer is then its own)
    /// and says how many lines it held: a worker reading a file whole. The reader then does not
    /// count a block's lines before handing it on (a pass over its bytes).
    using Parse = std::function<std::uint64_t(Block&)>;
    FileReader(const ReaderOptions& options, const ParserFactory& factory, BufferPool& pool,
               const std::atomic<bool>* cancel = nullptr)
        : options_(options), factory_(factory), pool_(pool), cancel_(cancel) {}
    /// Opens `job.file` and reads it into blocks handed to `deliver` in order; `index` names the
    /// job in its blocks. Fills `result` (FileResult::untouched when nothing could be taken).
    void read(std::uint32_t index, const ReadJob& job, FileResult& result, const Deliver& deliver) const;
    /// The same, each block parsed by `parse` as it is read.
    void read(std::uint32_t index, const ReadJob& job, FileResult& result, const Parse& parse) const;
    /// The same over a source already open (another byte source; tests).
    void read(std::uint32_t index, const ReadJob& job, ByteSource& source, FileResult& result,
              const Deliver& deliver) const;

private:
    void read_from(std::uint32_t index, const ReadJob& job, ByteSource* source, FileResult& result,
                   const Deliver* deliver, const Parse* parse) const;
    const ReaderOptions& options_;
    const ParserFactory& factory_;
    BufferPool& pool_;
    const std::atomic<bool>* cancel_;
};

}  // namespace s3top::reading
