#include "core/ingest/parse_worker.hpp"

#include <algorithm>

#include "core/ingest/request_ids.hpp"
#include "core/parse/format_registry.hpp"

namespace s3top::reading {
namespace {

constexpr std::size_t kRejectRun = 4096;  ///< rejected lines handed to the sink at a time

}  // namespace

ParseWorker::ParseWorker(const WorkerShared& shared)
    : shared_(shared),
      builder_(shared.engine.config().org, shared.engine.config().keep, shared.engine.config().tiers),
      keep_rejects_(shared.engine.config().max_recent_rejects) {
    builder_.keep_storage_lines(shared.engine.config().storage != nullptr || shared.options.storage_lines);
    if (shared.options.record_encoder) builder_.set_encoder(shared.options.record_encoder());
}

std::uint64_t ParseWorker::process(Block& blk) {
    const FileCtx& fc = *blk.file;
    if (blk.too_long) {
        builder_.add_bytes(blk.offset_end - blk.offset);
        builder_.reject(
            fc.index, blk.first_line, blk.data(),
            ParseError{RejectReason::LineTooLong, static_cast<std::uint32_t>(shared_.options.max_line_bytes), 0});
        add_span(blk, 1);
        shared_.pool.put(std::move(blk.buf));
        return 1;
    }
    std::uint64_t lines = 1;
    if (fc.document) {
        builder_.add_bytes(blk.document.size());
        parse_document(fc, blk.document);
        add_span(blk, 1);
    } else {
        lines = parse_lines(fc, blk);
        shared_.pool.put(std::move(blk.buf));
    }
    if (builder_.pending_lines() >= shared_.options.batch_lines) flush();
    return lines;
}

void ParseWorker::finish() {
    if (builder_.pending_lines() > 0 || builder_.size() > 0 || !spans_.empty()) flush();
    append_held(true);
}

LineParser* ParseWorker::parser_for(const FileCtx& fc) {
    if (parser_file_ == fc.index && parser_) return parser_.get();
    const LogFormat* row = find_format(fc.format);
    // A stateless parser (LogFormat::parse: headers change nothing) serves file after file.
    if (parser_ && row && row->parse && parser_->name() == row->name) {
        parser_file_ = fc.index;
        return parser_.get();
    }
    parser_.reset();
    open_tail_ = row != nullptr && row->open_tail;
    if (!fc.format.empty()) {
        auto chosen = shared_.factory(fc.format, {}, shared_.options.format_options);
        if (chosen) parser_ = std::move(chosen->parser);
        if (parser_) {
            for (const auto& h : fc.headers) (void)parser_->parse(h);
        }
    }
    parser_file_ = fc.index;
    return parser_.get();
}

// Inlined into both callers: a call a line here cost ~25 instructions a line (callgrind).
[[gnu::always_inline]] inline void ParseWorker::take_line(const FileCtx& fc, std::string_view line,
                                                          std::uint64_t line_no, std::uint64_t at, bool cut,
                                                          const Record& record) {
    if (cut && open_tail_) {
        // A record whose last fields are optional, cut short where the file ends: it would read
        // as a shorter line holding half its last field (a cipher "ECDHE-RSA-AES1", a host cut
        // in two), so it is no whole record.
        builder_.reject(fc.index, line_no, line,
                        ParseError{RejectReason::UnterminatedLine, static_cast<std::uint32_t>(line.size()), 0});
    } else if (duplicate(record, fc.index)) {
        // The column of the request id, when it is a view into the line.
        const auto id_at = reinterpret_cast<std::uintptr_t>(record.request_id.data());
        const auto line_at = reinterpret_cast<std::uintptr_t>(line.data());
        const auto column =
            static_cast<std::uint32_t>(id_at >= line_at && id_at - line_at <= line.size() ? id_at - line_at : 0);
        builder_.reject(fc.index, line_no, line, ParseError{RejectReason::DuplicateRequestId, column, 0});
    } else {
        builder_.add(record, shared_.jobs[fc.index].file.path, at, origin(fc.index, line_no));
    }
}

namespace {

// What a line no parser took is, when it is no record at all: blank, or a comment or header
// ('#' first) in any format. Then it is ignored rather than rejected.
ParseError not_a_record(std::string_view line, ParseError e) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return ParseError{RejectReason::EmptyLine, 0, 0};
    if (line[first] == '#') return ParseError{RejectReason::HeaderLine, static_cast<std::uint32_t>(first), 0};
    return e;
}

}  // namespace

std::uint64_t ParseWorker::parse_lines(const FileCtx& fc, const Block& blk) {
    LineParser* parser = parser_for(fc);
    builder_.add_bytes(blk.size);
    const std::string_view data = blk.data();
    std::uint64_t line_no = blk.first_line;
    std::size_t pos = 0;
    auto parsed = blk.parsed.begin();  // lines detection parsed, in order
    while (pos < data.size()) {
        // Rejected lines go to the sink (--rejects) in runs as they pile up; the batch keeps
        // only the engine's sample, so a file of blank or foreign lines holds no memory per line.
        if (builder_.rejects().size() >= sunk_ + kRejectRun) pass_rejects();
        const std::string_view rest = data.substr(pos);
        while (parsed != blk.parsed.end() && parsed->line.data() < rest.data()) ++parsed;
        const bool detected = parsed != blk.parsed.end() && parsed->line.data() == rest.data();
        // A parser that finds the line's end as it parses (S3's) parses it here, into result_,
        // unless detection parsed it already; else the line's end is looked for.
        std::size_t n = parser && !detected ? parser->parse_first_line(rest, result_) : LineParser::npos;
        const bool parsed_here = n != LineParser::npos;
        if (!parsed_here) n = std::min(rest.find('\n'), rest.size());
        const std::string_view line = rest.substr(0, n);
        const bool cut = n == rest.size();  // only a file's last line ends without a newline
        const std::uint64_t at = blk.offset + pos;
        pos += n + 1;
        if (line.size() > shared_.options.max_line_bytes) {
            builder_.reject(
                fc.index, line_no++, line,
                ParseError{RejectReason::LineTooLong, static_cast<std::uint32_t>(shared_.options.max_line_bytes), 0});
        } else if (!parser) {
            builder_.reject(fc.index, line_no++, line, ParseError{RejectReason::NoFormat, 0, 0});
        } else if (parsed_here) {
            if (result_) {
                take_line(fc, line, line_no++, at, cut, *result_);
            } else {
                builder_.reject(fc.index, line_no++, line, not_a_record(line, result_.error()));
            }
        } else if (detected && parsed->line.size() == line.size()) {
            take_line(fc, line, line_no++, at, cut, parsed->record);
        } else {
            parse_line(fc, *parser, line, line_no++, at, cut);
        }
    }
    add_span(blk, line_no - blk.first_line);
    return line_no - blk.first_line;
}

void ParseWorker::parse_line(const FileCtx& fc, LineParser& parser, std::string_view line, std::uint64_t line_no,
                             std::uint64_t at, bool cut) {
    auto r = parser.parse(line);
    if (!r) {
        builder_.reject(fc.index, line_no, line, not_a_record(line, r.error()));
    } else {
        take_line(fc, line, line_no, at, cut, *r);
    }
}

// A whole document (CloudTrail): every record counts as a line read; a malformed document
// counts as one rejected line carrying the parser's message. A document that is none of its
// format's (the reader cleared the format and named the file) is ignored, line by line.
void ParseWorker::parse_document(const FileCtx& fc, std::string_view doc) {
    if (fc.format.empty()) {
        std::uint64_t line_no = 1;
        for (std::size_t pos = 0; pos < doc.size(); ++line_no) {
            const auto nl = std::min(doc.find('\n', pos), doc.size());
            builder_.reject(fc.index, line_no, doc.substr(pos, nl - pos), ParseError{RejectReason::NoFormat, 0, 0});
            pos = nl + 1;
        }
        return;
    }
    auto parser = make_document_parser(fc.format);
    if (!parser) {
        builder_.reject(fc.index, 1, parser.error(), ParseError{RejectReason::NoFormat, 0, 0});
        return;
    }
    std::uint64_t element = 0;
    std::string error;
    const bool ok = (*parser)->parse(
        doc,
        [&](const Record& r) {
            ++element;
            if (duplicate(r, fc.index)) {
                builder_.reject(fc.index, element, r.request_id, ParseError{RejectReason::DuplicateRequestId, 0, 0});
                return;
            }
            builder_.add(r, shared_.jobs[fc.index].file.path, element, origin(fc.index, element));
        },
        [&](std::string_view excerpt, ParseError e) { builder_.reject(fc.index, ++element, excerpt, e); }, error);
    if (!ok) builder_.reject(fc.index, element + 1, error, ParseError{RejectReason::BadField, 0, 0});
}

// --dedupe request-id: true when `r` was counted before (the caller rejects it); else its key
// (or that it has none) goes with the batch.
bool ParseWorker::duplicate(const Record& r, std::uint32_t file) {
    return shared_.dedupe &&
           shared_.dedupe->admit(r, shared_.first_file + file, builder_) == RequestIdSet::Verdict::Duplicate;
}

std::optional<std::uint64_t> ParseWorker::origin(std::uint32_t file, std::uint64_t line) const {
    if (!shared_.options.record_origin && !shared_.options.record_encoder) return std::nullopt;
    return origin_key(file, line);
}

void ParseWorker::add_span(const Block& blk, std::uint64_t lines) {
    const std::uint32_t job = blk.file->index;
    if (!spans_.empty() && spans_.back().job == job && spans_.back().end == blk.offset) {
        spans_.back().end = blk.offset_end;
        spans_.back().lines += lines;
    } else {
        spans_.push_back(Span{job, blk.offset, blk.offset_end, blk.first_line, lines});
    }
}

void ParseWorker::pass_rejects() {
    auto& rs = builder_.rejects();
    if (shared_.reject_sink && sunk_ < rs.size()) {
        std::lock_guard l(shared_.sink_mutex);
        for (std::size_t i = sunk_; i < rs.size(); ++i)
            shared_.reject_sink(rs[i], shared_.jobs[rs[i].source].file.path);
    }
    if (rs.size() > keep_rejects_) rs.erase(rs.begin(), rs.end() - static_cast<std::ptrdiff_t>(keep_rejects_));
    sunk_ = rs.size();
}

void ParseWorker::flush() {
    pass_rejects();
    sunk_ = 0;
    for (RejectedLine& r : builder_.rejects()) r.path = shared_.jobs[r.source].file.path;
    Batch b = builder_.take();
    if (shared_.commit) {
        shared_.commit(std::move(b), std::move(spans_));
        spans_ = {};
        // The sink takes the batch by reference (Batch&&) and leaves what it did not keep, valid:
        // an ingest's sink leaves the storage lines' room (IngestSink::commit), which the next
        // batch reuses; the engine's append leaves none.
        // NOLINTNEXTLINE(bugprone-use-after-move): read after the sink, as said above
        builder_.reuse_storage(std::move(b.storage));
    } else {
        if (shared_.record) (*shared_.record)(b, spans_);
        spans_.clear();  // said (or no sink to say them to): kept, they grew by a span a file for good
        held_.push_back(std::move(b));
        append_held(false);
    }
}

void ParseWorker::append_held(bool wait) {
    // A reader holds the engine for a whole fold or report pass (the dashboard's refresh, its
    // running cost), the other worker for a merge: waiting for it left a core idle.
    constexpr std::size_t kMostHeld = 1;
    while (!held_.empty()) {
        if (wait || held_.size() > kMostHeld) {
            shared_.engine.append(std::move(held_.front()));
        } else if (!shared_.engine.try_append(held_.front())) {
            return;
        }
        held_.pop_front();
    }
}

}  // namespace s3top::reading
