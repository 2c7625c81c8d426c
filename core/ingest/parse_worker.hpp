#pragma once
// The loader's parse side (internal to core/ingest, used by loader.cpp and its tests): blocks
// of one or more files into a Batch (its own BatchBuilder, the spans of input it holds, a
// parser per file, flushed every 64k lines), handed to the commit sink or the engine.
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/agg/batch.hpp"
#include "core/agg/engine.hpp"
#include "core/ingest/file_reader.hpp"
#include "core/ingest/loader.hpp"

namespace s3top {
class RequestIdSet;
}

namespace s3top::reading {

/// What every worker of one load shares.
struct WorkerShared {
    Engine& engine;
    const LoaderOptions& options;
    const ParserFactory& factory;
    const RejectSink& reject_sink;  ///< may be empty
    const CommitSink& commit;       ///< empty: Engine::append
    std::mutex& sink_mutex;         ///< serialises the reject sink
    const std::vector<ReadJob>& jobs;
    BufferPool& pool;
    RequestIdSet* dedupe = nullptr;      ///< --dedupe request-id
    std::uint32_t first_file = 0;        ///< the dedupe set's id of job 0
    const RecordSink* record = nullptr;  ///< without a commit sink: sees each batch first
};

/// One parse thread's state. Not thread-safe: one per thread.
class ParseWorker {
public:
    explicit ParseWorker(const WorkerShared& shared);
    /// Parses one block (whole lines, a document, or an over-long line's excerpt) into the
    /// batch; its buffer goes back to the pool. Flushes every 64k lines. Returns the lines it
    /// held (a document and an over-long line's excerpt count 1).
    std::uint64_t process(Block& block);
    /// Flushes what is left.
    void finish();
    /// Spans of input not yet handed to a commit sink (tests).
    std::size_t spans_kept() const { return spans_.size(); }

private:
    std::uint64_t parse_lines(const FileCtx& fc, const Block& block);
    /// `cut`: the file's last line, with no newline after it.
    /// `at`: the line's offset in its file's stream (StorageLine::at).
    void parse_line(const FileCtx& fc, LineParser& parser, std::string_view line, std::uint64_t line_no,
                    std::uint64_t at, bool cut);
    /// A line parsed into `record` (by parse_line, or by detection: Block::parsed).
    void take_line(const FileCtx& fc, std::string_view line, std::uint64_t line_no, std::uint64_t at, bool cut,
                   const Record& record);
    void parse_document(const FileCtx& fc, std::string_view doc);
    /// The parser for `fc`, made once per file (fed its header lines); null when none matched.
    LineParser* parser_for(const FileCtx& fc);
    bool duplicate(const Record& r, std::uint32_t file);
    /// A record's origin_key, when the batch keeps it or an encoder takes the records.
    std::optional<std::uint64_t> origin(std::uint32_t file, std::uint64_t line) const;
    void add_span(const Block& block, std::uint64_t lines);
    void pass_rejects();
    void flush();
    /// Appends the batches held (no commit sink), in the order they were taken: while the
    /// engine is busy they wait for the next flush, one at most, unless `wait` (the last flush).
    void append_held(bool wait);

    const WorkerShared& shared_;
    BatchBuilder builder_;
    std::vector<Span> spans_;
    /// Batches taken but not yet appended: the engine was busy (Engine::try_append).
    std::deque<Batch> held_;
    std::unique_ptr<LineParser> parser_;
    /// The file the parser was made for, by index: a FileCtx's address can be reused by the
    /// next file once the last block of the previous one is done.
    std::optional<std::uint32_t> parser_file_;
    /// The last line's result when the parser found its end (LineParser::parse_first_line):
    /// one record reused line after line.
    ParseResult result_{std::in_place};
    bool open_tail_ = false;  ///< the parser's format has optional last fields (LogFormat::open_tail)
    std::size_t sunk_ = 0;    ///< builder_.rejects()[0, sunk_) were given to the reject sink
    const std::size_t keep_rejects_;
};

}  // namespace s3top::reading
