#include "core/ingest/file_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <span>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/parse/format_registry.hpp"
#include "core/util/stream_hash.hpp"

namespace s3top::reading {

std::unique_ptr<char[]> BufferPool::get() {
    std::lock_guard l(m_);
    if (free_.empty()) return std::make_unique_for_overwrite<char[]>(size_);
    auto b = std::move(free_.back());
    free_.pop_back();
    return b;
}

void BufferPool::put(std::unique_ptr<char[]> b) {
    if (!b) return;
    std::lock_guard l(m_);
    if (free_.size() < 16) free_.push_back(std::move(b));
}

std::vector<std::string_view> first_lines(std::string_view data, std::size_t max) {
    std::vector<std::string_view> out;
    out.reserve(std::min<std::size_t>(max, 32));  // one allocation a file, not one per doubling
    std::size_t pos = 0;
    while (pos < data.size() && out.size() < max) {
        auto nl = data.find('\n', pos);
        if (nl == std::string_view::npos) nl = data.size();
        out.push_back(data.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return out;
}

namespace {

constexpr std::size_t kDetectLines = 20;
constexpr std::size_t kMaxDocument = std::size_t{1} << 31;

// The '\n's in `d`. Sixteen bytes at a time where SSE2 is there (every x86-64): each byte's
// match is added into a byte counter, summed before a counter can pass 255; no call a line.
std::uint64_t count_lines(std::string_view d) {
    std::uint64_t n = 0;
    const char* p = d.data();
    const char* const end = p + d.size();
#if defined(__SSE2__)
    const __m128i nl = _mm_set1_epi8('\n');
    while (end - p >= 16) {
        __m128i counts = _mm_setzero_si128();
        const std::size_t steps = std::min<std::size_t>(static_cast<std::size_t>(end - p) / 16, 255);
        for (std::size_t i = 0; i < steps; ++i, p += 16)
            counts = _mm_sub_epi8(counts, _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), nl));
        const __m128i sums = _mm_sad_epu8(counts, _mm_setzero_si128());
        n += static_cast<std::uint64_t>(_mm_cvtsi128_si64(sums)) +
             static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
    }
#endif
    for (; p < end; ++p) n += *p == '\n';
    return n;
}

}  // namespace

Detection detect_file_format(const ParserFactory& factory, const ReaderOptions& options, std::string_view data,
                             bool more) {
    Detection d;
    auto lines = first_lines(data, kDetectLines);
    std::erase_if(lines, [&](std::string_view l) { return l.size() > options.max_line_bytes; });
    auto chosen = factory(options.format, lines, options.format_options);
    const bool matched = chosen.has_value();
    // Blank lines, and the start of a line the read cut (when more comes), tell nothing: a file
    // that begins with blank lines waits for its first whole line however its reads are cut.
    const bool cut = more && !data.ends_with('\n') && !lines.empty() &&
                     lines.back().data() + lines.back().size() == data.data() + data.size();
    const auto judged = std::span(lines).first(lines.size() - (cut ? 1 : 0));
    const bool nothing_to_judge = std::all_of(judged.begin(), judged.end(), [](std::string_view l) {
        return l.find_first_not_of(" \t\r") == std::string_view::npos;
    });
    if (!matched && more && nothing_to_judge) return d;
    d.decided = true;
    if (matched) {
        d.format = chosen->name;
        d.document = !chosen->parser;
        d.parsed = std::move(chosen->parsed);
        for (const auto& l : lines) {
            if (!l.empty() && l.front() == '#') d.headers.emplace_back(l);
        }
    } else {
        d.error = chosen.error().empty() ? "no known log format matched" : chosen.error();
    }
    return d;
}

namespace {

/// One job's read: the state read_file kept in locals, and its steps as member functions.
class FileRead {
public:
    FileRead(const ReaderOptions& options, const ParserFactory& factory, BufferPool& pool,
             const std::atomic<bool>* cancel, std::uint32_t index, const ReadJob& job, ByteSource& src, FileResult& fr,
             const FileReader::Deliver* deliver, const FileReader::Parse* parse, ProgressShare& progress)
        : options_(options),
          factory_(factory),
          pool_(pool),
          cancel_(cancel),
          job_(job),
          src_(src),
          fr_(fr),
          deliver_(deliver),
          parse_(parse),
          progress_(progress),
          chunk_bytes_(std::min(options.chunk_bytes, options.block_bytes)) {
        ctx_->index = index;
        next_line_ = job.first_line;
        emitted_to_ = job.begin;
        hashing_ = options.hash_content && (job.begin == 0 || job.hash_before.has_value());
        if (job.hash_before) hasher_ = StreamHash::restore(*job.hash_before);
        limit_ = job.end == ReadJob::kToEnd ? ReadJob::kToEnd : job.end - job.begin;
    }

    void run() {
        if (!check_before()) return;
        cur_ = pool_.get();
        if (!read_start()) return;
        read_lines();
        finish();
    }

private:
    bool stopped() const { return cancel_ && cancel_->load(); }

    /// The counted bytes before `begin` (a plain file read from an offset): still those counted
    /// (a rotation may have rewritten them), and the start of the tail hash.
    bool check_before() {
        fr_.gzip = src_.gzip();
        if (job_.begin == 0 || src_.gzip()) return true;
        std::optional<std::string> before =
            src_.bytes_before(job_.begin, std::min<std::uint64_t>(job_.begin, kEdgeBytes));
        if (job_.tail_before && (!before || StreamHash::of(*before) != *job_.tail_before)) {
            // Copytruncate, then written past the old size: the plan was for another content.
            fr_.error = "rewritten while being read (rotated?); looked at again";
            fr_.untouched = fr_.changed = true;
            return false;
        }
        if (before) {
            tail_ = std::move(*before);
            tail_seeded_ = true;
        }
        return true;
    }

    void detect(std::string_view data, bool more) {
        Detection d = detect_file_format(factory_, options_, data, more);
        if (!d.decided) return;
        detected_ = true;
        parsed_ = std::move(d.parsed);
        parsed_in_ = data.data();
        parsed_from_ = emitted_to_;
        // Blocks already handed on keep the undecided context; workers may be reading it. None
        // handed on (the first read decided, as for nearly every file): the context is this read's.
        auto ctx = ctx_.use_count() == 1 ? std::move(ctx_) : std::make_shared<FileCtx>(*ctx_);
        if (d.error.empty()) {
            ctx->format = std::move(d.format);
            ctx->document = d.document;
            ctx->headers = std::move(d.headers);
        } else {
            fr_.error = std::move(d.error);
        }
        ctx_ = std::move(ctx);
        fr_.format = ctx_->format;
    }

    /// The first read: the format is judged from it, and a document format is read whole.
    /// False when the file is done with.
    bool read_start() {
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_bytes_, limit_));
        auto got = want == 0 ? std::expected<std::size_t, IoError>(0) : src_.read(cur_.get(), want);
        progress_.update(src_);
        fr_.gzip = src_.gzip();
        if (!got && got.error().code == IoError::Code::Changed) {
            // Shorter than planned (a descriptor the plan held: its first read tells): nothing
            // taken, and the file is planned again as it is now.
            fr_.error = got.error().message();
            fr_.untouched = fr_.changed = true;
            pool_.put(std::move(cur_));
            return false;
        }
        if (!got) {
            fail(got.error().message());
            fr_.error += counted_note(false);
            pool_.put(std::move(cur_));
            return false;
        }
        used_ = *got;
        taken_ = used_;
        fr_.bytes += used_;
        std::string_view first(cur_.get(), used_);
        bool more = used_ == want;
        if (!job_.take_partial_tail && !more && !first.empty() && first.back() != '\n') {
            // Following: the unterminated last line is not read yet, so it does not vote (a
            // pending partial line would be judged, and refused, every round).
            first = first.substr(0, first.rfind('\n') + 1);  // npos + 1 == 0
            more = true;
        }
        if (!first.empty()) detect(first, more);
        if (!ctx_->document) return true;
        std::string doc(cur_.get(), used_);
        pool_.put(std::move(cur_));
        read_document(std::move(doc));
        return false;
    }

    /// A document (CloudTrail) is parsed whole, by one worker: one block.
    void read_document(std::string doc) {
        std::string chunk(chunk_bytes_, '\0');
        while (doc.size() <= kMaxDocument && !src_.unfinished()) {
            auto n = src_.read(chunk.data(), chunk.size());
            progress_.update(src_);
            if (!n) {  // a document cut short is not parsed at all (a part of one is no document)
                fail(n.error().message());
                fr_.untouched = true;
                return;
            }
            if (*n == 0) break;
            doc.append(chunk.data(), *n);
            fr_.bytes += *n;
        }
        if (src_.unfinished()) {  // none of it counts until its stream is complete
            fail(
                fmt::format("gzip: unexpected end of file at compressed byte {} (truncated, or still being "
                            "written?); read once it is complete",
                            src_.stored_offset()));
            fr_.untouched = true;
            return;
        }
        if (doc.size() > kMaxDocument) {
            fail("document larger than 2 GiB: not read");
            return;
        }
        if (hashing_) hasher_.update(doc);
        fr_.end = job_.begin + doc.size();
        fr_.next_line = 2;
        fr_.hashed = hashing_;
        if (hashing_) fr_.hash = hasher_.state();
        const std::size_t k = std::min(doc.size(), kEdgeBytes);
        if (job_.begin == 0) {
            fr_.head_hash = StreamHash::of(std::string_view(doc).substr(0, k));
            fr_.head_prefixes = head_prefixes(std::string_view(doc).substr(0, k), fr_.end);
        }
        fr_.tail_hash = StreamHash::of(std::string_view(doc).substr(doc.size() - k));
        not_a_document(doc);
        hand_on(Block{ctx_, nullptr, 0, 1, false, std::move(doc), job_.begin, fr_.end});
    }

    /// A document its format's detection took from its first lines that is none of that format's
    /// documents as a whole (a manifest.json beside CloudTrail logs): named once, and its lines
    /// are ignored (no format), as those of any file that is no log.
    void not_a_document(std::string_view doc) {
        const LogFormat* format = find_format(ctx_->format);
        if (!format || !format->is_document || format->is_document(doc)) return;
        fr_.error = fmt::format("{}; its lines are ignored", format->document_shape);
        auto ctx = std::make_shared<FileCtx>(*ctx_);
        ctx->format.clear();
        ctx_ = std::move(ctx);
        fr_.format.clear();
    }

    /// Hands on a block whose lines are counted here (a document, an over-long line's excerpt).
    void hand_on(Block&& b) {
        if (parse_) {
            (void)(*parse_)(b);
        } else {
            (*deliver_)(std::move(b));
        }
    }

    /// Hands on `size` bytes of whole lines (the last one unterminated only at the end).
    void emit(std::unique_ptr<char[]> buf, std::size_t size, bool last) {
        if (size == 0) {
            pool_.put(std::move(buf));
            return;
        }
        const std::string_view data(buf.get(), size);
        if (!detected_) detect(data, !last);
        if (hashing_) hasher_.update(data);
        if (edges_) {
            if (job_.begin == 0 && head_.size() < kEdgeBytes) head_.append(data.substr(0, kEdgeBytes - head_.size()));
            if (data.size() >= kEdgeBytes) {
                tail_.assign(data.substr(data.size() - kEdgeBytes));
            } else {
                tail_.append(data);
                if (tail_.size() > kEdgeBytes) tail_.erase(0, tail_.size() - kEdgeBytes);
            }
        }
        Block block{ctx_, std::move(buf), size, next_line_, false, {}, emitted_to_, emitted_to_ + size};
        // The lines detection parsed go with the block that holds them: the same buffer, its
        // bytes not moved since (skipping an over-long line moves them, and emitted_to_ with them).
        if (!parsed_.empty() && block.buf.get() == parsed_in_ && emitted_to_ == parsed_from_)
            block.parsed = std::move(parsed_);
        parsed_.clear();
        std::uint64_t lines = 0;
        if (parse_) {
            lines = (*parse_)(block);  // the data is the parser's from here on
        } else {
            lines = count_lines(data) + (data.back() == '\n' ? 0 : 1);
            (*deliver_)(std::move(block));
        }
        fr_.lines += lines;
        progress_.add_lines(lines);
        emitted_to_ += size;
        next_line_ += lines;
    }

    /// Reads into the current buffer until the source ends; cuts a block at its last newline
    /// once the buffer holds block_bytes (only the partial last line is copied onwards).
    void read_lines() {
        while (!stopped()) {
            const std::size_t want = static_cast<std::size_t>(
                std::min<std::uint64_t>(std::min(chunk_bytes_, pool_.size() - used_), limit_ - taken_));
            auto got = want == 0 ? std::expected<std::size_t, IoError>(0) : src_.read(cur_.get() + used_, want);
            progress_.update(src_);
            if (!got) {
                fail(got.error().message());
                break;
            }
            if (*got == 0) break;
            taken_ += *got;
            fr_.bytes += *got;
            const std::size_t start = used_;
            used_ += *got;
            if (skipping_long_ && !end_long_line(start)) continue;
            if (used_ < options_.block_bytes && pool_.size() - used_ >= chunk_bytes_ / 4) continue;
            const char* base = cur_.get();
            const void* last = memrchr(base, '\n', used_);
            if (!last) {
                if (used_ > options_.max_line_bytes || used_ == pool_.size()) start_long_line();
                continue;
            }
            const std::size_t cut = static_cast<std::size_t>(static_cast<const char*>(last) - base) + 1;
            auto next = pool_.get();
            std::memcpy(next.get(), base + cut, used_ - cut);
            const std::size_t carry = used_ - cut;
            emit(std::move(cur_), cut, false);
            cur_ = std::move(next);
            used_ = carry;
        }
    }

    /// One line longer than accepted: rejected once, an excerpt kept, the rest skipped.
    void start_long_line() {
        auto excerpt = pool_.get();
        const std::size_t keep = std::min(used_, kMaxRejectText);
        std::memcpy(excerpt.get(), cur_.get(), keep);
        long_line_ = Block{ctx_, std::move(excerpt), keep, next_line_, true, {}, emitted_to_, 0};
        emitted_to_ += used_;
        hashing_ = false;  // the skipped bytes are not hashed
        edges_ = false;
        ++next_line_;
        ++fr_.lines;
        progress_.add_lines(1);
        used_ = 0;
        skipping_long_ = true;
    }

    /// Skipping an over-long line: the bytes read from `start` on. True when its end is found
    /// (the excerpt handed on, the rest of the buffer kept), false to go on skipping.
    bool end_long_line(std::size_t start) {
        const void* nl = std::memchr(cur_.get() + start, '\n', used_ - start);
        if (!nl) {
            emitted_to_ += used_;
            used_ = 0;
            return false;
        }
        const std::size_t after = static_cast<std::size_t>(static_cast<const char*>(nl) - cur_.get()) + 1;
        emitted_to_ += after;
        long_line_->offset_end = emitted_to_;
        hand_on(std::move(*long_line_));
        long_line_.reset();
        std::memmove(cur_.get(), cur_.get() + after, used_ - after);
        used_ -= after;
        skipping_long_ = false;
        return true;
    }

    /// Reading stopped on an error: the whole lines before it count, and the message says how far.
    void fail(std::string why) {
        if (fr_.failed) return;
        fr_.failed = true;
        fr_.error = std::move(why);
    }

    /// After a failure's words: how much of the file counts.
    std::string counted_note(bool unfinished) const {
        if (next_line_ <= 1) return "; nothing of it is counted";
        return fmt::format("; counted up to line {} (byte {} of its data){}", next_line_ - 1, emitted_to_,
                           unfinished ? ", the rest once it is complete" : "");
    }

    /// The rest of the buffer, then where the file ended and its edge hashes.
    void finish() {
        const bool stopped_early = stopped();
        // A .gz that stops short (truncated, or still being written): its whole lines count
        // now, and the ledger continues from the last one once the file is complete (never
        // from its start).
        const bool unfinished = src_.unfinished();
        if (unfinished) {
            fail(fmt::format("gzip: unexpected end of file at compressed byte {} (truncated, or still being written?)",
                             src_.stored_offset()));
        }
        const bool whole_lines_only = unfinished || fr_.failed;
        if (long_line_) {  // the file ended inside the over-long line
            if (job_.take_partial_tail && !stopped_early && !whole_lines_only) {
                long_line_->offset_end = emitted_to_;
                hand_on(std::move(*long_line_));
            } else {
                --next_line_;
                --fr_.lines;
                emitted_to_ = long_line_->offset;
                pool_.put(std::move(long_line_->buf));
            }
            long_line_.reset();
            pool_.put(std::move(cur_));
        } else if (used_ > 0 && (stopped_early || !job_.take_partial_tail || whole_lines_only)) {
            // Follow mode (or cancelled, or stopped by an error): whole lines only; an
            // unterminated tail waits (after an error, it may be cut anywhere).
            const void* last = memrchr(cur_.get(), '\n', used_);
            const std::size_t cut =
                last ? static_cast<std::size_t>(static_cast<const char*>(last) - cur_.get()) + 1 : 0;
            emit(std::move(cur_), cut, true);
        } else {
            emit(std::move(cur_), used_, true);
        }
        fr_.end = emitted_to_;
        fr_.next_line = next_line_;
        if (fr_.failed) fr_.error += counted_note(unfinished);
        fr_.hashed = hashing_;
        if (hashing_) fr_.hash = hasher_.state();
        fr_.edges_left = !options_.hash_content;
        const std::uint64_t k = std::min<std::uint64_t>(emitted_to_, kEdgeBytes);
        if (edges_ && job_.begin == 0 && head_.size() == k) {
            fr_.head_hash = StreamHash::of(head_);
            fr_.head_prefixes = head_prefixes(head_, emitted_to_);
        }
        if (edges_ && tail_.size() == k && (tail_seeded_ || emitted_to_ - job_.begin >= k))
            fr_.tail_hash = StreamHash::of(tail_);
    }

    const ReaderOptions& options_;
    const ParserFactory& factory_;
    BufferPool& pool_;
    const std::atomic<bool>* cancel_;
    const ReadJob& job_;
    ByteSource& src_;
    FileResult& fr_;
    const FileReader::Deliver* deliver_;  ///< one of the two is set
    const FileReader::Parse* parse_;
    ProgressShare& progress_;
    const std::size_t chunk_bytes_;
    std::shared_ptr<FileCtx> ctx_ = std::make_shared<FileCtx>();
    bool detected_ = false;
    std::vector<ParsedLine> parsed_;   ///< Detection::parsed, until the block holding them is emitted
    const char* parsed_in_ = nullptr;  ///< the data detection judged
    std::uint64_t parsed_from_ = 0;    ///< its stream offset
    StreamHash hasher_;
    bool hashing_ = false;
    /// head_ and tail_ are the first and last kEdgeBytes handed on. Not kept by a read without
    /// content hashes (a one-shot ingest): its edges are taken only if a plan needs them.
    bool edges_ = options_.hash_content;
    std::string head_, tail_;
    bool tail_seeded_ = false;  ///< tail_ started with the kEdgeBytes before `begin`
    std::uint64_t limit_ = 0;   ///< bytes to read from `begin` (kToEnd: all)
    std::uint64_t taken_ = 0;   ///< bytes read from the source so far
    std::uint64_t next_line_ = 1;
    std::uint64_t emitted_to_ = 0;    ///< stream offset after the last byte handed on
    bool skipping_long_ = false;      ///< discarding the rest of an over-long line
    std::optional<Block> long_line_;  ///< its excerpt, handed on once its end is known
    std::unique_ptr<char[]> cur_;
    std::size_t used_ = 0;
};

}  // namespace

std::uint64_t stored_bytes_planned(const ReadJob& job) {
    if (job.file.path == "-") return 0;
    if (job.file.gzip) return job.file.size;  // decompressed offsets say nothing of stored ones
    const std::uint64_t end = std::min(job.end, job.file.size);
    return end > job.begin ? end - job.begin : 0;
}

ProgressShare::ProgressShare(LoadProgress* progress, const ReadJob& job)
    : progress_(progress),
      planned_(job.file.path == "-" ? ~std::uint64_t{0} : stored_bytes_planned(job)),
      top_up_(job.file.path != "-") {}

ProgressShare::~ProgressShare() {
    if (!progress_) return;
    if (top_up_ && counted_ < planned_) progress_->bytes_read.fetch_add(planned_ - counted_, std::memory_order_relaxed);
    progress_->files_read.fetch_add(1, std::memory_order_relaxed);
}

void ProgressShare::update(const ByteSource& source) {
    if (!progress_) return;
    const std::uint64_t offset = source.stored_offset();
    const std::uint64_t now = std::min(offset > base_ ? offset - base_ : 0, planned_);
    if (now <= counted_) return;
    (top_up_ ? progress_->bytes_read : progress_->bytes_unplanned).fetch_add(now - counted_, std::memory_order_relaxed);
    counted_ = now;
}

namespace {

/// Skips the stream to `job.begin`. A job whose first line's number is not known (0: a range a
/// crash left unread) reads the bytes before it instead, counting their line ends, so its
/// lines carry their numbers (ClickHouse's source_line, --rejects); `job.first_line` is set.
std::expected<void, IoError> skip_to_begin(ByteSource& src, ReadJob& job) {
    if (job.begin == 0) {
        if (job.first_line == 0) job.first_line = 1;
        return {};
    }
    if (job.first_line != 0) return src.skip(job.begin);
    std::vector<char> buf(1 << 16);
    std::uint64_t left = job.begin, ends = 0;
    while (left > 0) {
        auto got = src.read(buf.data(), static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size())));
        if (!got) return std::unexpected(got.error());
        if (*got == 0)
            return std::unexpected(
                IoError{IoError::Code::Changed, job.file.path, 0, "shorter than before (truncated?); looked at again"});
        ends += static_cast<std::uint64_t>(std::count(buf.data(), buf.data() + *got, '\n'));
        left -= *got;
    }
    job.first_line = ends + 1;
    return {};
}

}  // namespace

void FileReader::read(std::uint32_t index, const ReadJob& planned, FileResult& fr, const Deliver& deliver) const {
    read_from(index, planned, nullptr, fr, &deliver, nullptr);
}

void FileReader::read(std::uint32_t index, const ReadJob& planned, FileResult& fr, const Parse& parse) const {
    read_from(index, planned, nullptr, fr, nullptr, &parse);
}

void FileReader::read(std::uint32_t index, const ReadJob& planned, ByteSource& source, FileResult& fr,
                      const Deliver& deliver) const {
    read_from(index, planned, &source, fr, &deliver, nullptr);
}

void FileReader::read_from(std::uint32_t index, const ReadJob& planned, ByteSource* source, FileResult& fr,
                           const Deliver* deliver, const Parse* parse) const {
    ProgressShare progress(options_.progress, planned);
    // Copied only when its first line's number is not known (skip_to_begin numbers it): over
    // 100,000 files a copy of every job was a path allocated and freed a file.
    std::optional<ReadJob> numbered;
    if (planned.first_line == 0) numbered.emplace(planned);
    const ReadJob& job = numbered ? *numbered : planned;
    fr.path = job.file.path;
    fr.end = job.begin;
    std::expected<std::unique_ptr<ByteSource>, IoError> opened;
    if (!source) {
        opened = open_byte_source(job.file, options_.gzip, planned.opened ? planned.opened->take() : -1);
        if (opened) source = opened->get();
    }
    std::expected<void, IoError> skipped;
    if (source && numbered) {
        skipped = skip_to_begin(*source, *numbered);
    } else if (source && job.begin > 0) {
        skipped = source->skip(job.begin);
    }
    fr.next_line = job.first_line;
    if (!source || !skipped) {  // nothing taken: the ledger keeps what it had and the file is looked at again
        const IoError& e = source ? skipped.error() : opened.error();
        fr.error = e.message();
        fr.untouched = true;
        fr.changed = e.code == IoError::Code::Changed;
        return;
    }
    progress.start(*source);
    FileRead(options_, factory_, pool_, cancel_, index, job, *source, fr, deliver, parse, progress).run();
}

}  // namespace s3top::reading
