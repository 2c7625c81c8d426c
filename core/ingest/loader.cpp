#include "core/ingest/loader.hpp"

#include "core/ingest/request_ids.hpp"
#include "core/parse/format_registry.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>
#include <vector>

namespace s3top {

std::vector<HeadPrefix> head_prefixes(std::string_view head, std::uint64_t end) {
    std::vector<HeadPrefix> out;
    head = head.substr(0, static_cast<std::size_t>(std::min<std::uint64_t>({head.size(), end, kEdgeBytes})));
    StreamHash h;
    for (std::size_t nl = head.find('\n'); nl != std::string_view::npos && out.size() < kMaxHeadPrefixes;
         nl = head.find('\n', nl + 1)) {
        if (nl + 1 >= end) break;  // the whole content: not a start of itself
        h.update(head.substr(static_cast<std::size_t>(h.length()), nl + 1 - static_cast<std::size_t>(h.length())));
        out.push_back(HeadPrefix{h.digest(), static_cast<std::uint16_t>(nl + 1)});
    }
    return out;
}

bool LoadResult::any_read() const {
    return std::any_of(files.begin(), files.end(), [](const FileResult& f) { return f.error.empty() || f.bytes > 0; });
}

namespace {

constexpr std::size_t kDetectLines = 20;
constexpr std::size_t kFlushRows = 1 << 16;

/// Per file: the parser choice and the header lines every block's parser must see first.
struct FileCtx {
    std::uint32_t index = 0;
    std::string format;                ///< empty: no format matched
    std::vector<std::string> headers;  ///< "#..." lines from the file's start
    bool document = false;             ///< parsed whole (CloudTrail), not line by line
};

/// Reusable block buffers: the reader takes one, a worker gives it back after parsing, so
/// steady-state ingest allocates (and page-faults) nothing.
class BufferPool {
public:
    explicit BufferPool(std::size_t size) : size_(size) {}
    std::unique_ptr<char[]> get() {
        std::lock_guard l(m_);
        if (free_.empty()) return std::make_unique_for_overwrite<char[]>(size_);
        auto b = std::move(free_.back());
        free_.pop_back();
        return b;
    }
    void put(std::unique_ptr<char[]> b) {
        if (!b) return;
        std::lock_guard l(m_);
        if (free_.size() < 16) free_.push_back(std::move(b));
    }
    std::size_t size() const { return size_; }

private:
    std::mutex m_;
    std::vector<std::unique_ptr<char[]>> free_;
    std::size_t size_;
};

struct Block {
    std::shared_ptr<const FileCtx> file;
    std::unique_ptr<char[]> buf;
    std::size_t size = 0;
    std::uint64_t first_line = 1;
    bool too_long = false;  ///< data is the start of one over-long line
    std::string document;   ///< a whole document-format file (buf is then null)
    std::uint64_t offset = 0, offset_end = 0;  ///< the stream bytes the block stands for
    std::string_view data() const { return {buf.get(), size}; }
};

std::uint64_t count_lines(std::string_view d) {
    std::uint64_t n = 0;
    const char* p = d.data();
    const char* end = p + d.size();
    while (p < end) {
        const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
        if (!nl) break;
        ++n;
        p = static_cast<const char*>(nl) + 1;
    }
    return n;
}

/// A file a worker reads whole (result.files[job]).
struct WholeFile {
    std::size_t job = 0;
};
using Task = std::variant<Block, WholeFile>;

class TaskQueue {
public:
    explicit TaskQueue(std::size_t cap) : cap_(cap) {}
    void push(Task b) {
        std::unique_lock l(m_);
        not_full_.wait(l, [&] { return q_.size() < cap_; });
        q_.push_back(std::move(b));
        not_empty_.notify_one();
    }
    std::optional<Task> pop() {
        std::unique_lock l(m_);
        not_empty_.wait(l, [&] { return !q_.empty() || closed_; });
        if (q_.empty()) return std::nullopt;
        Task b = std::move(q_.front());
        q_.pop_front();
        not_full_.notify_one();
        return b;
    }
    void close() {
        std::lock_guard l(m_);
        closed_ = true;
        not_empty_.notify_all();
    }

private:
    std::mutex m_;
    std::condition_variable not_full_, not_empty_;
    std::deque<Task> q_;
    std::size_t cap_;
    bool closed_ = false;
};

/// Reads a plain file, a gzip file (by magic bytes) or stdin.
class ByteSource {
public:
    explicit ByteSource(const LoaderOptions& o) : options_(o) {}
    /// Gzip by magic bytes: known after the first read() (or skip()).
    bool gzip() const { return gz_ != nullptr; }
    bool open(const InputFile& f, std::string& error) {
        if (f.path == "-") {
            fd_ = 0;
            checked_ = true;  // standard input is read as it comes
            return true;
        }
        fd_ = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) {
            error = std::strerror(errno);
            return false;
        }
        if (f.stated) size_ = f.size;
        return true;
    }
    /// Bytes read, 0 at the end, -1 on error (error set).
    long read(char* buf, std::size_t n, std::string& error) {
        if (!checked_) {
            // The magic bytes are looked for in the first read itself, not by a read of their
            // own: over 100,000 small files every system call per file counts.
            checked_ = true;
            const long got = read_plain(buf, n, error);
            if (got < 2 || static_cast<unsigned char>(buf[0]) != 0x1f || static_cast<unsigned char>(buf[1]) != 0x8b) return got;
            if (::lseek(fd_, 0, SEEK_SET) < 0 || !open_gzip(error)) return -1;
        }
        if (gz_) {
            const int got = gzread(gz_, buf, static_cast<unsigned>(std::min<std::size_t>(n, 1u << 30)));
            int code = Z_OK;
            const char* msg = gzerror(gz_, &code);
            if (got < 0 || (code != Z_OK && code != Z_STREAM_END)) {
                error = std::string("gzip: ") + (msg ? msg : "corrupt data");
                return -1;
            }
            return check_gzip_limits(got, error);
        }
        return read_plain(buf, n, error);
    }
    /// Skips the first `n` bytes (seek for a plain file, read and discard otherwise).
    bool skip(std::uint64_t n, std::string& error) {
        if (!checked_) {
            checked_ = true;
            unsigned char magic[2] = {0, 0};
            if (::pread(fd_, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b && !open_gzip(error)) return false;
        }
        if (!gz_ && fd_ > 0 && ::lseek(fd_, static_cast<off_t>(n), SEEK_SET) >= 0) {
            pos_ = n;
            return true;
        }
        std::vector<char> tmp(1 << 16);
        while (n > 0) {
            const long got = read(tmp.data(), static_cast<std::size_t>(std::min<std::uint64_t>(n, tmp.size())), error);
            if (got < 0) return false;
            if (got == 0) {
                error = "shorter than before (truncated?)";
                return false;
            }
            n -= static_cast<std::uint64_t>(got);
        }
        return true;
    }
    ~ByteSource() {
        if (gz_) {
            gzclose_r(gz_);  // closes fd_
        } else if (fd_ > 0) {
            ::close(fd_);
        }
    }

private:
    bool open_gzip(std::string& error) {
        gz_ = gzdopen(fd_, "rb");
        if (!gz_) {
            error = "cannot open gzip stream";
            return false;
        }
        gzbuffer(gz_, 256 * 1024);
        return true;
    }
    long read_plain(char* buf, std::size_t n, std::string& error) {
        if (at_end_) return 0;
        while (true) {
            const ssize_t got = ::read(fd_, buf, n);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) error = std::strerror(errno);
            if (got > 0) pos_ += static_cast<std::uint64_t>(got);
            // A short read that reached the listed size is the end: no read to be told so.
            if (got > 0 && static_cast<std::size_t>(got) < n && size_ && pos_ >= *size_) at_end_ = true;
            return static_cast<long>(got);
        }
    }

    /// Decompressed bytes are bounded per file, so a small .gz cannot make us read (and parse)
    /// without end: -1 with the reason once a limit is passed.
    long check_gzip_limits(int got, std::string& error) {
        out_ += static_cast<std::uint64_t>(got);
        const std::uint64_t mib = 1 << 20;
        if (options_.max_decompressed_bytes && out_ > options_.max_decompressed_bytes) {
            error = "gzip: stopped after " + std::to_string(out_ / mib) + " MiB decompressed, the limit per file";
            return -1;
        }
        if (options_.max_gzip_ratio && out_ > options_.bomb_check_bytes) {
            const auto in = static_cast<std::uint64_t>(std::max<z_off_t>(gzoffset(gz_), 1));
            if (out_ / in > options_.max_gzip_ratio) {
                error = "gzip: stopped after " + std::to_string(out_ / mib) + " MiB decompressed from " +
                        std::to_string(in / 1024) + " KiB: expands more than " + std::to_string(options_.max_gzip_ratio) +
                        ":1 (a decompression bomb?)";
                return -1;
            }
        }
        return got;
    }

    const LoaderOptions& options_;
    int fd_ = -1;
    gzFile gz_ = nullptr;
    bool checked_ = false;                ///< gzip magic looked for
    std::optional<std::uint64_t> size_;   ///< the size the listing saw
    std::uint64_t pos_ = 0;               ///< plain file offset
    bool at_end_ = false;
    std::uint64_t out_ = 0;  ///< decompressed so far
};

std::vector<std::string_view> first_lines(std::string_view data, std::size_t max) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos < data.size() && out.size() < max) {
        auto nl = data.find('\n', pos);
        if (nl == std::string_view::npos) nl = data.size();
        out.push_back(data.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return out;
}

}  // namespace

ParserFactory default_parser_factory() { return choose_format; }

Loader::Loader(Engine& engine, LoaderOptions options)
    : engine_(engine), options_(std::move(options)), factory_(default_parser_factory()) {
    // `--log-format COMBINED` (or a specifier string) names the GoAccess format itself.
    if (options_.format_options.log_format.empty() && options_.format != "auto") {
        options_.format_options.log_format = options_.format;
    }
}

LoadResult Loader::load(const std::vector<InputFile>& files, const std::atomic<bool>* cancel) {
    std::vector<ReadJob> jobs;
    jobs.reserve(files.size());
    for (const auto& f : files) {
        ReadJob j;
        j.file = f;
        jobs.push_back(std::move(j));
    }
    return load_jobs(jobs, cancel);
}

LoadResult Loader::load_jobs(const std::vector<ReadJob>& jobs, const std::atomic<bool>* cancel) {
    LoadResult result;
    result.files.resize(jobs.size());
    TaskQueue queue(8);
    // done[i]: job i is read and result.files[i] final (set by whoever read it).
    const auto done = std::make_unique<std::atomic<bool>[]>(jobs.size());
    const std::size_t chunk_bytes = std::min<std::size_t>(options_.block_bytes, 1 << 20);
    BufferPool pool(options_.block_bytes + chunk_bytes);
    std::mutex sink_mutex;
    const unsigned nworkers = options_.workers ? options_.workers : std::max(1u, std::thread::hardware_concurrency());

    // --dedupe request-id: true when `r` was counted before (the caller rejects it); else its
    // key (or that it has none) goes with the batch.
    RequestIdSet* const dedupe = options_.dedupe.get();
    const std::uint32_t first_file = dedupe ? dedupe->begin_load(jobs.size()) : 0;
    auto duplicate = [dedupe, first_file](const Record& r, std::uint32_t file, BatchBuilder& builder) {
        return dedupe && dedupe->admit(r, first_file + file, builder) == RequestIdSet::Verdict::Duplicate;
    };

    // A whole document (CloudTrail): every record counts as a line read; a malformed document
    // counts as one rejected line carrying the parser's message.
    auto parse_document = [&](const FileCtx& fc, std::string_view doc, BatchBuilder& builder) {
        auto parser = make_document_parser(fc.format);
        if (!parser) {
            builder.reject(fc.index, 1, parser.error(), ParseError{RejectReason::NoFormat, 0, 0});
            return;
        }
        std::uint64_t element = 0;
        std::string error;
        const bool ok = (*parser)->parse(
            doc,
            [&](const Record& r) {
                ++element;
                if (duplicate(r, fc.index, builder)) {
                    builder.reject(fc.index, element, r.request_id, ParseError{RejectReason::DuplicateRequestId, 0, 0});
                    return;
                }
                builder.add(r);
                if (options_.record_origin) builder.add_origin(origin_key(fc.index, element));
            },
            [&](std::string_view excerpt, ParseError e) { builder.reject(fc.index, ++element, excerpt, e); }, error);
        if (!ok) builder.reject(fc.index, element + 1, error, ParseError{RejectReason::BadField, 0, 0});
    };

    // Reads one file (job `fi`) into blocks of whole lines, reading straight into pooled
    // buffers (only the partial last line of a block is copied into the next one), and hands
    // each block to `deliver`: the queue (the reader, for a big file) or the worker's own
    // parse (a small file a worker reads whole). Fills result.files[fi].
    const std::size_t block_bytes = options_.block_bytes;
    auto read_file = [&](std::size_t fi, auto&& deliver) {
        const ReadJob& job = jobs[fi];
        FileResult& fr = result.files[fi];
        fr.path = job.file.path;
        fr.end = job.begin;
        fr.next_line = job.first_line;
        ByteSource src(options_);
        if (!src.open(job.file, fr.error)) return;
        // The first and last kEdgeBytes of what is handed on, for the ledger's edge hashes.
        std::string head, tail;
        bool edges = true;
        if (job.begin > 0 && !src.skip(job.begin, fr.error)) return;
        StreamHash hasher;
        bool hashing = job.begin == 0 || job.hash_before.has_value();
        if (job.hash_before) hasher = StreamHash::restore(*job.hash_before);
        const std::uint64_t limit = job.end == ReadJob::kToEnd ? ReadJob::kToEnd : job.end - job.begin;
        std::uint64_t taken = 0;  // bytes read from the source so far
        auto ctx = std::make_shared<FileCtx>();
        ctx->index = static_cast<std::uint32_t>(fi);
        bool detected = false;
        std::uint64_t next_line = job.first_line;
        std::uint64_t emitted_to = job.begin;  // stream offset after the last byte handed on
        bool skipping_long = false;            // discarding the rest of an over-long line
        std::optional<Block> long_line;        // its excerpt, sent once its end is known
        std::unique_ptr<char[]> cur = pool.get();
        std::size_t used = 0;
        // `more`: the file goes on past `data`. Over-long lines (rejected as line_too_long
        // whatever the format) do not vote. When nothing matched and `data` is the start of one
        // unfinished line, or nothing but over-long or blank lines, the decision waits for the
        // lines after them (which are rejected meanwhile: line_too_long, no_format).
        auto detect = [&](std::string_view data, bool more) {
            auto lines = first_lines(data, kDetectLines);
            std::erase_if(lines, [&](std::string_view l) { return l.size() > options_.max_line_bytes; });
            auto chosen = factory_(options_.format, lines, options_.format_options);
            const bool matched = chosen.has_value();
            const bool nothing_to_judge =
                data.find('\n') == std::string_view::npos ||
                std::all_of(lines.begin(), lines.end(), [](std::string_view l) { return l.find_first_not_of(" \t\r") == std::string_view::npos; });
            if (!matched && more && nothing_to_judge) return;
            detected = true;
            // Blocks already queued keep the undecided context; workers may be reading it.
            ctx = std::make_shared<FileCtx>(*ctx);
            if (matched) {
                ctx->format = chosen->name;
                ctx->document = !chosen->parser;
                for (const auto& l : lines) {
                    if (!l.empty() && l.front() == '#') ctx->headers.emplace_back(l);
                }
            } else {
                fr.error = chosen.error().empty() ? "no known log format matched" : chosen.error();
            }
            fr.format = ctx->format;
        };
        // Look at the file's start first: a document format is read whole.
        {
            std::string err;
            const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_bytes, limit));
            const long got = want == 0 ? 0 : src.read(cur.get(), want, err);
            fr.gzip = src.gzip();
            if (got < 0) {
                fr.error = err;
                pool.put(std::move(cur));
                return;
            }
            used = static_cast<std::size_t>(got);
            taken = used;
            fr.bytes += used;
            if (used > 0) detect({cur.get(), used}, used == want);
            if (ctx->document) {
                std::string doc(cur.get(), used);
                pool.put(std::move(cur));
                constexpr std::size_t kMaxDocument = std::size_t{1} << 31;
                std::string chunk(chunk_bytes, '\0');
                while (doc.size() <= kMaxDocument) {
                    const long n = src.read(chunk.data(), chunk.size(), err);
                    if (n < 0) fr.error = err;
                    if (n <= 0) break;
                    doc.append(chunk.data(), static_cast<std::size_t>(n));
                    fr.bytes += static_cast<std::uint64_t>(n);
                }
                if (doc.size() > kMaxDocument) {
                    fr.error = "document larger than 2 GiB: not read";
                    return;
                }
                if (hashing) hasher.update(doc);
                fr.end = job.begin + doc.size();
                fr.next_line = 2;
                fr.hashed = hashing;
                if (hashing) fr.hash = hasher.state();
                const std::size_t k = std::min(doc.size(), kEdgeBytes);
                if (job.begin == 0) {
                    fr.head_hash = StreamHash::of(std::string_view(doc).substr(0, k));
                    fr.head_prefixes = head_prefixes(std::string_view(doc).substr(0, k), fr.end);
                }
                fr.tail_hash = StreamHash::of(std::string_view(doc).substr(doc.size() - k));
                Block b{ctx, nullptr, 0, 1, false, std::move(doc), job.begin, fr.end};
                deliver(std::move(b));
                return;
            }
        }
        auto emit = [&](std::unique_ptr<char[]> buf, std::size_t size, bool last) {
            if (size == 0) {
                pool.put(std::move(buf));
                return;
            }
            const std::string_view data(buf.get(), size);
            if (!detected) detect(data, !last);
            if (hashing) hasher.update(data);
            if (job.begin == 0 && head.size() < kEdgeBytes) head.append(data.substr(0, kEdgeBytes - head.size()));
            if (data.size() >= kEdgeBytes) {
                tail.assign(data.substr(data.size() - kEdgeBytes));
            } else {
                tail.append(data);
                if (tail.size() > kEdgeBytes) tail.erase(0, tail.size() - kEdgeBytes);
            }
            const std::uint64_t lines = count_lines(data) + (data.back() == '\n' ? 0 : 1);
            fr.lines += lines;
            deliver(Block{ctx, std::move(buf), size, next_line, false, {}, emitted_to, emitted_to + size});
            emitted_to += size;
            next_line += lines;
        };
        while (true) {
            if (cancel && cancel->load()) break;
            std::string err;
            const std::size_t want = static_cast<std::size_t>(
                std::min<std::uint64_t>(std::min(chunk_bytes, pool.size() - used), limit - taken));
            const long got = want == 0 ? 0 : src.read(cur.get() + used, want, err);
            if (got < 0) {
                fr.error = err;
                break;
            }
            if (got == 0) break;
            taken += static_cast<std::uint64_t>(got);
            fr.bytes += static_cast<std::uint64_t>(got);
            std::size_t start = used;
            used += static_cast<std::size_t>(got);
            if (skipping_long) {
                const void* nl = std::memchr(cur.get() + start, '\n', used - start);
                if (!nl) {
                    emitted_to += used;
                    used = 0;
                    continue;
                }
                const std::size_t after = static_cast<std::size_t>(static_cast<const char*>(nl) - cur.get()) + 1;
                emitted_to += after;
                long_line->offset_end = emitted_to;
                deliver(std::move(*long_line));
                long_line.reset();
                std::memmove(cur.get(), cur.get() + after, used - after);
                used -= after;
                skipping_long = false;
            }
            if (used < block_bytes && pool.size() - used >= chunk_bytes / 4) continue;
            const char* base = cur.get();
            const void* last = memrchr(base, '\n', used);
            if (!last) {
                if (used > options_.max_line_bytes || used == pool.size()) {
                    // One line longer than we accept: reject it once, keep an excerpt.
                    auto excerpt = pool.get();
                    const std::size_t keep = std::min(used, kMaxRejectText);
                    std::memcpy(excerpt.get(), base, keep);
                    long_line = Block{ctx, std::move(excerpt), keep, next_line, true, {}, emitted_to, 0};
                    emitted_to += used;
                    hashing = false;  // the skipped bytes are not hashed
                    edges = false;
                    ++next_line;
                    ++fr.lines;
                    used = 0;
                    skipping_long = true;
                }
                continue;
            }
            const std::size_t cut = static_cast<std::size_t>(static_cast<const char*>(last) - base) + 1;
            auto next = pool.get();
            std::memcpy(next.get(), base + cut, used - cut);
            const std::size_t carry = used - cut;
            emit(std::move(cur), cut, false);
            cur = std::move(next);
            used = carry;
        }
        const bool stopped = cancel && cancel->load();
        if (long_line) {  // the file ended inside the over-long line
            if (job.take_partial_tail && !stopped) {
                long_line->offset_end = emitted_to;
                deliver(std::move(*long_line));
            } else {
                --next_line;
                --fr.lines;
                emitted_to = long_line->offset;
                pool.put(std::move(long_line->buf));
            }
            long_line.reset();
            pool.put(std::move(cur));
        } else if (used > 0 && (stopped || !job.take_partial_tail)) {
            // Follow mode (or cancelled): whole lines only; an unterminated tail waits.
            const void* last = memrchr(cur.get(), '\n', used);
            const std::size_t cut = last ? static_cast<std::size_t>(static_cast<const char*>(last) - cur.get()) + 1 : 0;
            emit(std::move(cur), cut, true);
        } else {
            emit(std::move(cur), used, true);
        }
        fr.end = emitted_to;
        fr.next_line = next_line;
        fr.hashed = hashing;
        if (hashing) fr.hash = hasher.state();
        const std::uint64_t k = std::min<std::uint64_t>(emitted_to, kEdgeBytes);
        if (edges && job.begin == 0 && head.size() == k) {
            fr.head_hash = StreamHash::of(head);
            fr.head_prefixes = head_prefixes(head, emitted_to);
        }
        if (edges && tail.size() == k && emitted_to - job.begin >= k) fr.tail_hash = StreamHash::of(tail);
    };

    auto worker = [&] {
        BatchBuilder builder(engine_.config().org, engine_.config().keep, engine_.config().tiers);
        std::vector<Span> spans;
        std::unique_ptr<LineParser> parser;
        // The file the parser was made for, by index: a FileCtx's address can be reused by the
        // next file once the last block of the previous one is done.
        std::optional<std::uint32_t> parser_for;
        auto flush = [&] {
            Batch b = builder.take();
            if (reject_sink_ && !b.rejects.empty()) {
                std::lock_guard l(sink_mutex);
                for (const auto& r : b.rejects) reject_sink_(r, jobs[r.source].file.path);
            }
            if (commit_) {
                commit_(std::move(b), std::move(spans));
                spans = {};
            } else {
                engine_.append(std::move(b));
            }
        };
        auto add_span = [&](const Block& blk, std::uint64_t lines) {
            const std::uint32_t job = blk.file->index;
            if (!spans.empty() && spans.back().job == job && spans.back().end == blk.offset) {
                spans.back().end = blk.offset_end;
                spans.back().lines += lines;
            } else {
                spans.push_back(Span{job, blk.offset, blk.offset_end, blk.first_line, lines});
            }
        };
        // One block of whole lines (or a document, or an over-long line's excerpt) into the batch.
        auto process = [&](Block& blk) {
            const FileCtx& fc = *blk.file;
            if (blk.too_long) {
                builder.add_bytes(blk.offset_end - blk.offset);
                builder.reject(fc.index, blk.first_line, blk.data(),
                               ParseError{RejectReason::LineTooLong, static_cast<std::uint32_t>(options_.max_line_bytes), 0});
                add_span(blk, 1);
                pool.put(std::move(blk.buf));
                return;
            }
            if (fc.document) {
                builder.add_bytes(blk.document.size());
                parse_document(fc, blk.document, builder);
                add_span(blk, 1);
                if (builder.pending_lines() >= kFlushRows) flush();
                return;
            }
            if (parser_for != fc.index || !parser) {
                parser.reset();
                if (!fc.format.empty()) {
                    auto chosen = factory_(fc.format, {}, options_.format_options);
                    if (chosen) parser = std::move(chosen->parser);
                    if (parser) {
                        for (const auto& h : fc.headers) (void)parser->parse(h);
                    }
                }
                parser_for = fc.index;
            }
            builder.add_bytes(blk.size);
            std::string_view data = blk.data();
            std::uint64_t line_no = blk.first_line;
            std::size_t pos = 0;
            while (pos < data.size()) {
                auto nl = data.find('\n', pos);
                if (nl == std::string_view::npos) nl = data.size();
                const std::string_view line = data.substr(pos, nl - pos);
                pos = nl + 1;
                if (line.size() > options_.max_line_bytes) {
                    builder.reject(fc.index, line_no++, line,
                                   ParseError{RejectReason::LineTooLong,
                                              static_cast<std::uint32_t>(options_.max_line_bytes), 0});
                    continue;
                }
                if (!parser) {
                    builder.reject(fc.index, line_no++, line, ParseError{RejectReason::NoFormat, 0, 0});
                    continue;
                }
                auto r = parser->parse(line);
                if (r && duplicate(*r, fc.index, builder)) {
                    // The column of the request id, when it is a view into the line.
                    const auto id_at = reinterpret_cast<std::uintptr_t>(r->request_id.data());
                    const auto line_at = reinterpret_cast<std::uintptr_t>(line.data());
                    const auto column = static_cast<std::uint32_t>(
                        id_at >= line_at && id_at - line_at <= line.size() ? id_at - line_at : 0);
                    builder.reject(fc.index, line_no, line, ParseError{RejectReason::DuplicateRequestId, column, 0});
                } else if (r) {
                    builder.add(*r);
                    if (options_.record_origin) builder.add_origin(origin_key(fc.index, line_no));
                } else {
                    builder.reject(fc.index, line_no, line, r.error());
                }
                ++line_no;
            }
            add_span(blk, line_no - blk.first_line);
            pool.put(std::move(blk.buf));
            if (builder.pending_lines() >= kFlushRows) flush();
        };
        while (auto task = queue.pop()) {
            if (const auto* whole = std::get_if<WholeFile>(&*task)) {
                read_file(whole->job, [&](Block&& b) { process(b); });
                done[whole->job].store(true, std::memory_order_release);
            } else {
                process(std::get<Block>(*task));
            }
        }
        if (builder.pending_lines() > 0 || builder.size() > 0 || !spans.empty()) flush();
    };
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < nworkers; ++i) threads.emplace_back(worker);
    // Jobs read so far, told to the file-done callback in order: with `all`, the rest too.
    std::size_t told = 0;
    auto tell_done = [&](bool all) {
        if (!file_done_) return;
        for (; told < jobs.size() && (all || done[told].load(std::memory_order_acquire)); ++told) {
            file_done_(told, result.files[told]);
        }
    };

    // The reader. A small file goes whole to a worker, which reads, hashes, detects and parses
    // it: a folder of 100,000 small files keeps every core busy, where one reader opening and
    // hashing each file in turn was the bottleneck. A big file (or stdin) is cut into blocks
    // here, and the workers parse its blocks side by side.
    auto whole_by_worker = [&](const ReadJob& j) {
        if (!j.file.stated || j.file.path == "-" || j.begin > j.file.size) return false;
        // A .gz decompresses to 5-30 times its size: only small ones are read by one worker.
        const std::uint64_t most = j.file.gzip ? block_bytes / 8 : block_bytes;
        const std::uint64_t end = std::min(j.end, j.file.size);
        return end - j.begin <= most;
    };
    for (std::size_t fi = 0; fi < jobs.size(); ++fi) {
        if (cancel && cancel->load()) break;
        if (whole_by_worker(jobs[fi])) {
            queue.push(WholeFile{fi});
        } else {
            read_file(fi, [&](Block&& b) { queue.push(std::move(b)); });
            done[fi].store(true, std::memory_order_release);
        }
        tell_done(false);
    }
    queue.close();
    for (auto& t : threads) t.join();
    tell_done(true);
    return result;
}

}  // namespace s3top
