#pragma once
// Reads log files into an Engine: one reader thread cuts files into blocks of whole lines,
// parse workers turn blocks into Batches, and each worker merges its batch into the engine.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/agg/engine.hpp"
#include "core/agg/unread_input.hpp"
#include "core/ingest/inputs.hpp"
#include "core/ingest/opened_file.hpp"
#include "core/parse/format_registry.hpp"
#include "core/parse/log_format.hpp"
#include "core/ingest/progress.hpp"
#include "core/util/stream_hash.hpp"

namespace s3top {

class RequestIdSet;
namespace reading {
struct ReaderOptions;
}

struct LoaderOptions {
    std::string format = "auto";  ///< a format name, or "auto" to detect per file
    FormatOptions format_options;
    unsigned workers = 0;  ///< parse threads; 0 = one per core
    std::size_t block_bytes = 4 << 20;
    /// The reader thread cuts a big file (over block_bytes, or standard input) into blocks of at
    /// most this size (and of block_bytes when that is smaller) for the workers: 1 MiB blocks
    /// take the time 4 MiB ones did at half the memory (eight blocks in the queue and the
    /// workers; docs/performance.md, session 21).
    std::size_t reader_block_bytes = 1 << 20;
    /// A worker reading a small file whole (up to block_bytes) reads and parses it this much at
    /// a time, into a buffer it reuses: the bytes stay in the core's cache from the kernel's copy
    /// to the parse. Read as one block of up to block_bytes, they went out to memory and came
    /// back (a third more system time; docs/performance.md, session 21).
    std::size_t whole_file_block_bytes = 128 << 10;
    std::size_t max_line_bytes = 1 << 20;  ///< longer lines are rejected (line_too_long)
    /// A gzip file is stopped (with a per-file error; the lines before count) once it has
    /// decompressed to more than this many bytes (0 = no limit) ...
    std::uint64_t max_decompressed_bytes = std::uint64_t{64} << 30;
    /// ... or once past `bomb_check_bytes` it expands more than this ratio (0 = no check).
    /// Real logs compress 5-30:1; a decompression bomb (zeros, one repeated line) ~1000:1.
    std::uint32_t max_gzip_ratio = 200;
    std::uint64_t bomb_check_bytes = std::uint64_t{256} << 20;
    /// Fill Batch::origin (origin_key of each record's file index and line number) for
    /// replay's stable time order. Costs 8 bytes per record while the batch lives.
    bool record_origin = false;
    /// A worker hands over its batch once it holds this many lines. `s3top ingest` sends each
    /// batch as one insert per host, and ClickHouse writes each insert as a part (files per
    /// column, merged later): 128k lines there cost its servers a third less CPU than 64k.
    std::size_t batch_lines = std::size_t{1} << 16;
    /// Fill Batch::storage (each object-changing request's storage fields) without a
    /// StorageCollector in the engine: `s3top ingest` sends them to ClickHouse.
    bool storage_lines = false;
    /// --dedupe request-id: every parsed record is checked against (and added to) this set; a
    /// record already there is rejected as duplicate_request_id. Null: no dedupe.
    std::shared_ptr<RequestIdSet> dedupe;
    /// Hash each file's content as it is read, for the ledger: a later plan (a follow round, the
    /// next s3:// round, the next run through the state file) matches new files against it.
    /// The Ingestor turns it off for a one-shot ingest (Ingestor::set_one_shot).
    bool hash_content = true;
    /// Counts of what is planned and read, for a progress display. Null: none kept.
    std::shared_ptr<LoadProgress> progress;
    /// Makes each parse worker's RecordEncoder: the records go to it (with their origin)
    /// instead of the batch's columns (`s3top ingest` encodes them for ClickHouse). Empty: none.
    std::function<std::unique_ptr<RecordEncoder>()> record_encoder;
};

inline constexpr std::size_t kEdgeBytes = 1024;  ///< a file's head and tail hashes cover this much

/// A line end in a stream's first kEdgeBytes: the length of the start it ends, and its hash.
/// The ledger keeps a few per counted file, so a short file that is a line-aligned start of
/// one is known as counted content whatever order the two come in.
struct HeadPrefix {
    std::uint64_t digest = 0;
    std::uint16_t length = 0;
    friend bool operator==(const HeadPrefix&, const HeadPrefix&) = default;
};
/// At most this many line ends are kept per file (the first ones): S3 lines are 300-700 bytes,
/// so a KiB holds 1-3 of them; a file of shorter lines keeps only its first 8.
inline constexpr std::size_t kMaxHeadPrefixes = 8;
/// Whether a line end at stream offset `line_end` (just past its '\n') is kept as a start, with
/// `kept` kept before it: one of the first kMaxHeadPrefixes, within kEdgeBytes, and before
/// `end` (the whole counted content is not a start of itself).
constexpr bool keeps_head_prefix(std::uint64_t line_end, std::uint64_t end, std::size_t kept) {
    return kept < kMaxHeadPrefixes && line_end <= kEdgeBytes && line_end < end;
}
/// The line ends of `head` (a stream's first bytes) keeps_head_prefix() keeps.
std::vector<HeadPrefix> head_prefixes(std::string_view head, std::uint64_t end);

/// Orders records as their files and lines do: file index in the high 24 bits, the line
/// number (a document's element number) in the low 40.
inline constexpr std::uint64_t origin_key(std::uint32_t file, std::uint64_t line) {
    constexpr std::uint64_t kLineBits = 40, kLineMask = (std::uint64_t{1} << kLineBits) - 1;
    return (std::uint64_t{file} << kLineBits) | (line < kLineMask ? line : kLineMask);
}
/// Files a replay can order by origin_key (their index must fit its 24 bits).
inline constexpr std::size_t kMaxOriginFiles = std::size_t{1} << 24;

/// A byte range of one input to read: [begin, end) of its stream (decompressed for gzip).
/// `begin` must be 0 or the start of a line; `end` the end of one (or kToEnd).
struct ReadJob {
    static constexpr std::uint64_t kToEnd = ~std::uint64_t{0};
    InputFile file;
    std::uint64_t begin = 0;
    std::uint64_t end = kToEnd;
    std::uint64_t first_line = 1;  ///< line number of the line at `begin`
    /// False (follow mode): an unterminated last line is left unread until its newline comes.
    bool take_partial_tail = true;
    /// Hash state of the stream's bytes before `begin`, to continue the file's content hash;
    /// without it (and begin > 0) the result has no content hash.
    std::optional<StreamHash::State> hash_before;
    /// Hash of the min(begin, kEdgeBytes) plain-file bytes before `begin`, as counted: the
    /// loader checks them through the descriptor it reads from, so a file rewritten after the
    /// plan (copytruncate, then written past the old size) is not read from the old offset.
    std::optional<std::uint64_t> tail_before;
    /// The descriptor the plan read the file's head from, held for this job (OpenedFile): the
    /// reader takes it instead of opening the path again. The plan held it only as the file
    /// planned (its fstat: device, inode, not shorter), so the reader looks again only when its
    /// first read ends short of the planned size. Null: the reader opens the path.
    std::shared_ptr<OpenedFile> opened = {};
};

/// A run of whole lines of one job that went into one batch: [begin, end) of its stream.
struct Span {
    std::uint32_t job = 0;
    std::uint64_t begin = 0, end = 0;
    std::uint64_t first_line = 0, lines = 0;
};

/// What happened to one input file.
struct FileResult {
    std::string path;
    std::string format;       ///< the format used ("" when none)
    std::uint64_t bytes = 0;  ///< bytes read (decompressed)
    std::uint64_t lines = 0;
    std::string error;  ///< empty when read completely
    /// Reading stopped before the end on an error (a read error, a damaged or short .gz, a
    /// limit): the whole lines before it count (`error` says up to which line), the rest not.
    bool failed = false;
    /// Nothing of the file was taken: it could not be opened, or skipped to `begin`, or it is
    /// no longer the file the plan looked at. The ledger keeps what it had for it.
    bool untouched = false;
    /// Of those: replaced, truncated or rewritten between the plan and the read (a rotation);
    /// planning it again reads it right.
    bool changed = false;
    std::uint64_t end = 0;        ///< stream offset after the last line taken
    std::uint64_t next_line = 1;  ///< line number of the line at `end`
    bool hashed = false;          ///< `hash` covers exactly [0, end)
    StreamHash::State hash;
    bool gzip = false;  ///< the file was gzip-compressed (by magic bytes)
    /// Hashes of the first and of the last min(end, kEdgeBytes) stream bytes before `end`,
    /// when this read saw them: the ledger needs them and need not open the file again.
    std::optional<std::uint64_t> head_hash, tail_hash;
    /// head_prefixes() of the stream before `end`, when this read started at 0.
    std::optional<std::vector<HeadPrefix>> head_prefixes;
    /// Read without content hash, edge hashes or head_prefixes (LoaderOptions::hash_content
    /// false: a one-shot ingest): the ledger takes them from the file only when a plan comes
    /// after all (Ledger::complete_hashes), not for every file read.
    bool edges_left = false;
};

struct LoadResult {
    std::vector<FileResult> files;
    std::vector<InputProblem> problems;  ///< paths that could not be listed or opened
    /// Hand-overs from the reader to the workers: a block of a big file, or a run of small
    /// files read whole by one worker (about a block's bytes of them).
    std::size_t handovers = 0;
    bool any_read() const;
};

/// The inputs the totals leave out, from what the listing (`listed`) and the load said: an
/// input that could not be listed or opened is not read; one whose read stopped on an error
/// (FileResult::failed) is read in part when some of it counts. Notes that leave nothing out
/// (a format not found, a folder reached twice) are not among them. In path order, each once.
std::vector<UnreadInput> unread_inputs(const std::vector<InputProblem>& listed, const LoadResult& load);

/// Called for each rejected line with the path of its file, from worker threads (serialised
/// by the loader).
using RejectSink = std::function<void(const RejectedLine&, const std::string& path)>;

/// Picks a file's format and makes its parser from its first lines (see choose_format).
using ParserFactory = std::function<std::expected<ChosenFormat, std::string>(
    std::string_view format, std::span<const std::string_view> first_lines, const FormatOptions& options)>;

/// The factory used unless another is set: choose_format, every format the core knows.
ParserFactory default_parser_factory();

/// Takes a finished batch with the spans of input it holds, instead of Engine::append (a
/// ledger stores both together). Called from worker threads, one batch at a time per worker.
using CommitSink = std::function<void(Batch&&, std::vector<Span>&&)>;

/// Sees each finished batch with the spans of input it holds before the worker appends it to the
/// engine as it does without a CommitSink (Engine::try_append first: a batch is held, not
/// waited for, while the engine is busy). The state file's Batch record: written by the worker
/// that made it, counted by the engine when it is free. Called from worker threads.
using RecordSink = std::function<void(const Batch&, const std::vector<Span>&)>;

/// Told that job `job` is read (its FileResult is final; its records may still be parsing).
using FileDone = std::function<void(std::size_t job, const FileResult&)>;

/// Jobs that become final while a load runs (a ledger still planning the later ones): the
/// first ready() jobs of the vector given to Loader::load_fed are final; close() says that no
/// more come. Thread-safe: one thread publishes, the loader waits.
class JobFeed {
public:
    JobFeed() = default;
    /// All `ready` jobs final from the start (no more come).
    explicit JobFeed(std::size_t ready) : ready_(ready), closed_(true) {}
    /// Jobs [0, ready) are final (ready never goes down).
    void publish(std::size_t ready);
    void close();
    /// Waits until job `i` is final or the feed is closed; returns how many jobs are final
    /// (more than `i`, unless closed without it).
    std::size_t wait_past(std::size_t i);
    /// Waits until the feed is closed; returns how many jobs there are.
    std::size_t wait_closed();
    bool closed();

private:
    std::mutex m_;
    std::condition_variable more_;
    std::size_t ready_ = 0;
    bool closed_ = false;
};

class Loader {
public:
    Loader(Engine& engine, LoaderOptions options);
    void set_reject_sink(RejectSink sink) { reject_sink_ = std::move(sink); }
    void set_parser_factory(ParserFactory f) { factory_ = std::move(f); }
    void set_commit_sink(CommitSink sink) { commit_ = std::move(sink); }
    /// Not with a commit sink (which takes the batches itself).
    void set_record_sink(RecordSink sink) { record_ = std::move(sink); }
    /// Called once per job, in job order, on the thread that called load_jobs, as soon as that
    /// job and every one before it are read; for all of them (read, failed or cancelled) before
    /// load_jobs returns. The ledger records files while later ones are still being read.
    void set_file_done(FileDone f) { file_done_ = std::move(f); }
    /// Reads every file to its end. Blocking; safe to call from a background thread while
    /// others query the engine. `cancel` (optional) stops it early.
    LoadResult load(const std::vector<InputFile>& files, const std::atomic<bool>* cancel = nullptr);
    /// Reads byte ranges of files (result.files[i] is jobs[i]). Every batch goes to the commit
    /// sink when one is set, else to Engine::append. Blocking.
    LoadResult load_jobs(const std::vector<ReadJob>& jobs, const std::atomic<bool>* cancel = nullptr);
    /// load_jobs() over jobs that become final as `feed` says, while the rest are planned:
    /// jobs[i] is read once the feed has it (`jobs` has room for every job and is not resized
    /// meanwhile; result.files has one entry per job the feed ends with). Files are told done
    /// only once the feed is closed (the ledger records them after its plan). Neither the
    /// engine's expected bytes nor the progress's planned totals are added: the caller knows
    /// them before the plan ends.
    LoadResult load_fed(const std::vector<ReadJob>& jobs, JobFeed& feed, const std::atomic<bool>* cancel = nullptr);

private:
    reading::ReaderOptions reader_options() const;
    /// A small file is read whole by a worker; a big one (or stdin) is cut by the reader.
    bool whole_by_worker(const ReadJob& j) const;
    Engine& engine_;
    LoaderOptions options_;
    RejectSink reject_sink_;
    ParserFactory factory_;
    CommitSink commit_;
    RecordSink record_;
    FileDone file_done_;
};

}  // namespace s3top
