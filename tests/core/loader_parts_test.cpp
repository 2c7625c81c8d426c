// The loader's parts on their own: the file reader (blocks of whole lines, over-long lines,
// edge hashes, unfinished streams) with tiny blocks over an in-memory byte source, format
// detection, and the parse worker (spans, flushes, the bounded sample of rejected lines).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/ingest/byte_source.hpp"
#include "core/ingest/file_reader.hpp"
#include "core/ingest/parse_worker.hpp"
#include "core/parse/s3_access_log.hpp"
#include "core/util/stream_hash.hpp"

namespace s3top::reading {
namespace {

std::string s3_line(int i) {
    return "owner bkt [06/Feb/2019:00:00:38 +0000] 192.0.2.3 - REQ REST.GET.OBJECT k \"GET /bkt/k?org=o" +
           std::to_string(i % 7) + " HTTP/1.1\" 200 - " + std::to_string(100 + i * 37) +
           " 100 5 1 \"-\" \"curl/8\" - hid SigV4 C AuthHeader h TLSv1.2 - -\n";
}

std::string s3_lines(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += s3_line(i);
    return s;
}

/// Bytes from memory: the first read as asked (a short first read is the whole file, as for a
/// file on disk), then `step` at most per read; optionally a stream that stops short.
class MemorySource final : public ByteSource {
public:
    MemorySource(std::string data, std::size_t step, bool stops_short = false)
        : data_(std::move(data)), step_(step), stops_short_(stops_short) {}
    std::expected<std::size_t, IoError> read(char* buf, std::size_t n) override {
        const std::size_t k = std::min({n, reads_++ == 0 ? n : step_, data_.size() - pos_});
        std::copy_n(data_.data() + pos_, k, buf);
        pos_ += k;
        if (k == 0 && stops_short_) unfinished_ = true;
        return k;
    }
    std::expected<void, IoError> skip(std::uint64_t n) override {
        if (n > data_.size()) return std::unexpected(IoError{IoError::Code::Changed, "mem", 0, "shorter"});
        pos_ = static_cast<std::size_t>(n);
        return {};
    }
    bool gzip() const override { return false; }
    bool unfinished() const override { return unfinished_; }
    std::optional<std::string> bytes_before(std::uint64_t begin, std::uint64_t n) const override {
        return data_.substr(begin - n, n);
    }

private:
    std::string data_;
    std::size_t step_, pos_ = 0, reads_ = 0;
    bool stops_short_, unfinished_ = false;
};

struct Read {
    FileResult result;
    std::vector<Block> blocks;
};

/// Reads `data` as job 0 with blocks of `block` bytes and reads of at most `step` bytes.
Read read(const std::string& data, std::size_t block, std::size_t step, ReadJob job = {}, bool stops_short = false,
          std::size_t max_line = 1 << 20) {
    ReaderOptions o;
    o.block_bytes = block;
    o.chunk_bytes = std::max<std::size_t>(block / 4, 1);
    o.max_line_bytes = max_line;
    const ParserFactory factory = default_parser_factory();
    BufferPool pool(o.buffer_bytes());
    const FileReader reader(o, factory, pool);
    MemorySource src(data, step, stops_short);
    Read out;
    job.file.path = "mem";
    reader.read(0, job, src, out.result, [&](Block&& b) { out.blocks.push_back(std::move(b)); });
    return out;
}

std::string joined(const std::vector<Block>& blocks) {
    std::string s;
    for (const auto& b : blocks) {
        if (!b.too_long) s += b.data();
    }
    return s;
}

TEST(FileReader, TinyBlocksGiveWholeLinesAndWhatBigBlocksGive) {
    const std::string data = s3_lines(40);
    ASSERT_LT(s3_line(39).size(), 250u);
    const Read big = read(data, 4 << 20, 1 << 20);
    // Blocks barely over one line (a line longer than the buffer would be an over-long one).
    for (const std::size_t block : {std::size_t{256}, std::size_t{300}, std::size_t{1000}}) {
        for (const std::size_t step : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
            SCOPED_TRACE(std::to_string(block) + "/" + std::to_string(step));
            const Read r = read(data, block, step, {}, false, 250);
            EXPECT_EQ(joined(r.blocks), data);
            std::uint64_t offset = 0, line = 1;
            for (const Block& b : r.blocks) {
                EXPECT_EQ(b.data().back(), '\n') << "a block holds whole lines";
                EXPECT_EQ(b.offset, offset);
                EXPECT_EQ(b.first_line, line);
                offset = b.offset_end;
                line += static_cast<std::uint64_t>(std::count(b.data().begin(), b.data().end(), '\n'));
                EXPECT_EQ(b.file->format, "s3");
            }
            EXPECT_EQ(r.result.end, data.size());
            EXPECT_EQ(r.result.lines, 40u);
            EXPECT_EQ(r.result.next_line, 41u);
            ASSERT_TRUE(r.result.hashed);
            EXPECT_EQ(StreamHash::restore(r.result.hash).digest(), StreamHash::of(data));
            EXPECT_EQ(r.result.head_hash, StreamHash::of(std::string_view(data).substr(0, kEdgeBytes)));
            EXPECT_EQ(r.result.tail_hash, StreamHash::of(std::string_view(data).substr(data.size() - kEdgeBytes)));
            EXPECT_EQ(r.result.head_hash, big.result.head_hash);
            EXPECT_EQ(r.result.head_prefixes, big.result.head_prefixes);
        }
    }
}

// A block handed on before the file's format is decided (blank lines first) keeps the context
// it went with, its format undecided, while workers may read it; the blocks after the decision
// have the format. (The reader takes its context over when no block holds it.)
TEST(FileReader, BlocksHandedOnBeforeTheFormatIsDecidedKeepTheirContext) {
    const std::string data = std::string(600, '\n') + s3_lines(5);
    const Read r = read(data, 256, 64);
    ASSERT_GE(r.blocks.size(), 3u);
    EXPECT_EQ(joined(r.blocks), data);
    EXPECT_TRUE(r.blocks.front().file->format.empty()) << "blank lines decide nothing";
    EXPECT_EQ(r.blocks.back().file->format, "s3");
    EXPECT_NE(r.blocks.front().file.get(), r.blocks.back().file.get());
    EXPECT_EQ(r.result.format, "s3");
    EXPECT_EQ(r.result.lines, 605u);
}

TEST(FileReader, LinesAreCountedInBlocksOfNothingButNewlinesAndOfEveryLength) {
    // Every byte a newline fills the reader's per-byte counters to their limit (255) before
    // they are summed; lines of 0-40 bytes put the newlines in every position of a 16-byte step.
    std::string mixed;
    std::uint64_t mixed_lines = 0;
    for (int i = 0; mixed.size() < 300'000; ++i, ++mixed_lines)
        mixed += std::string(static_cast<std::size_t>(i * 7 % 41), 'a') + '\n';
    for (const auto& [data, lines] : {std::pair{std::string(100'003, '\n'), std::uint64_t{100'003}},
                                      std::pair{mixed, mixed_lines}, std::pair{mixed + "tail", mixed_lines + 1}}) {
        for (const std::size_t block : {std::size_t{4096}, std::size_t{65536}, std::size_t{4} << 20}) {
            SCOPED_TRACE(std::to_string(data.size()) + "/" + std::to_string(block));
            const Read r = read(data, block, block);
            EXPECT_EQ(r.result.lines, lines);
            EXPECT_EQ(r.result.next_line, lines + 1);
            std::uint64_t line = 1;
            for (const Block& b : r.blocks) {
                EXPECT_EQ(b.first_line, line);
                line += static_cast<std::uint64_t>(std::count(b.data().begin(), b.data().end(), '\n'));
            }
        }
    }
}

TEST(FileReader, OverLongLineIsOneRejectionAndTheRestReads) {
    const std::string data = s3_line(1) + std::string(900, 'x') + "\n" + s3_line(2);
    const Read r = read(data, 256, 13, {}, false, 400);
    const auto longs = std::count_if(r.blocks.begin(), r.blocks.end(), [](const Block& b) { return b.too_long; });
    EXPECT_EQ(longs, 1);
    EXPECT_EQ(joined(r.blocks), s3_line(1) + s3_line(2));
    EXPECT_EQ(r.result.lines, 3u);
    EXPECT_EQ(r.result.end, data.size());
    EXPECT_FALSE(r.result.hashed) << "skipped bytes are not hashed";
    for (const Block& b : r.blocks) {
        if (b.too_long) {
            EXPECT_EQ(b.first_line, 2u);
        }
    }
}

TEST(FileReader, FollowAndUnfinishedStreamsKeepWholeLinesOnly) {
    const std::string data = s3_lines(5) + s3_line(5).substr(0, 30);
    ReadJob follow;
    follow.take_partial_tail = false;
    Read r = read(data, 128, 50, follow);
    EXPECT_EQ(r.result.end, data.size() - 30);
    EXPECT_TRUE(r.result.error.empty()) << r.result.error;
    r = read(data, 128, 50, {}, /*stops_short=*/true);  // one-shot over a .gz still being written
    EXPECT_EQ(r.result.end, data.size() - 30);
    EXPECT_NE(r.result.error.find("still being written"), std::string::npos);
    EXPECT_TRUE(r.result.failed) << "one-shot, the rest of the .gz is missing from the figures";
    // Only a partial line while following: nothing read and nothing judged yet.
    r = read(s3_line(0).substr(0, 30), 128, 50, follow);
    EXPECT_EQ(r.result.end, 0u);
    EXPECT_TRUE(r.result.error.empty()) << r.result.error;
}

/// `data`'s first `good` bytes, then a read error (EIO): a disk that fails part-way.
class FailingSource final : public ByteSource {
public:
    FailingSource(std::string data, std::size_t good) : data_(std::move(data)), good_(good) {}
    std::expected<std::size_t, IoError> read(char* buf, std::size_t n) override {
        if (pos_ >= good_) return std::unexpected(IoError::from_errno(IoError::Code::Read, "mem", EIO));
        const std::size_t k = std::min({n, std::size_t{64}, good_ - pos_});
        std::copy_n(data_.data() + pos_, k, buf);
        pos_ += k;
        return k;
    }
    std::expected<void, IoError> skip(std::uint64_t) override { return {}; }
    bool gzip() const override { return false; }
    bool unfinished() const override { return false; }
    std::optional<std::string> bytes_before(std::uint64_t, std::uint64_t) const override { return std::nullopt; }

private:
    std::string data_;
    std::size_t good_, pos_ = 0;
};

TEST(FileReader, AReadErrorKeepsTheWholeLinesBeforeItAndSaysHowFar) {
    const std::string data = s3_lines(5);
    const std::size_t two = s3_line(0).size() + s3_line(1).size();
    ReaderOptions o;
    o.block_bytes = 1024;
    o.chunk_bytes = 256;
    const ParserFactory factory = default_parser_factory();
    BufferPool pool(o.buffer_bytes());
    const FileReader reader(o, factory, pool);
    FailingSource src(data, two + 40);  // the error comes 40 bytes into line 3
    Read r;
    ReadJob job;
    job.file.path = "mem";
    reader.read(0, job, src, r.result, [&](Block&& b) { r.blocks.push_back(std::move(b)); });
    EXPECT_TRUE(r.result.failed);
    EXPECT_FALSE(r.result.untouched);
    EXPECT_EQ(joined(r.blocks), data.substr(0, two)) << "the cut line 3 is not handed on as a line";
    EXPECT_EQ(r.result.end, two);
    EXPECT_EQ(r.result.lines, 2u);
    EXPECT_NE(r.result.error.find(std::strerror(EIO)), std::string::npos) << r.result.error;
    EXPECT_NE(r.result.error.find("counted up to line 2 (byte " + std::to_string(two)), std::string::npos)
        << r.result.error;
    // An error at the first read: nothing counts, and the message says so.
    FailingSource none(data, 0);
    Read r0;
    reader.read(0, job, none, r0.result, [&](Block&& b) { r0.blocks.push_back(std::move(b)); });
    EXPECT_TRUE(r0.result.failed);
    EXPECT_EQ(r0.result.end, 0u);
    EXPECT_NE(r0.result.error.find("nothing of it is counted"), std::string::npos) << r0.result.error;
}

TEST(FileReader, CountedBytesBeforeTheStartAreChecked) {
    const std::string data = s3_lines(4);
    ReadJob job;
    job.begin = s3_line(0).size();
    job.first_line = 2;
    job.tail_before = StreamHash::of(std::string_view(data).substr(0, job.begin));
    Read r = read(data, 128, 50, job);
    EXPECT_FALSE(r.result.untouched);
    EXPECT_EQ(r.result.lines, 3u);
    job.tail_before = *job.tail_before + 1;  // other bytes there now
    r = read(data, 128, 50, job);
    EXPECT_TRUE(r.result.untouched && r.result.changed);
    EXPECT_TRUE(r.blocks.empty());
}

// #18: a range a crash left unread is planned with its first line's number unknown (0): the
// reader counts the line ends before it, so its lines carry their own numbers (ClickHouse's
// source_line, --rejects), not numbers from 0.
TEST(FileReader, ARangeACrashLeftIsNumberedFromTheLinesBeforeIt) {
    const std::string data = s3_lines(8);
    std::uint64_t three = 0, six = 0;
    for (int i = 0; i < 6; ++i) (i < 3 ? three : six) += s3_line(i).size();
    six += three;
    ReadJob gap;
    gap.begin = three;
    gap.end = six;
    gap.first_line = 0;
    for (const std::size_t step : {std::size_t{7}, std::size_t{4096}}) {
        const Read r = read(data, 256, step, gap);
        ASSERT_FALSE(r.blocks.empty());
        EXPECT_EQ(r.blocks.front().first_line, 4u);
        EXPECT_EQ(r.result.lines, 3u);
        EXPECT_EQ(r.result.next_line, 7u);
    }
    gap.begin = 0;
    EXPECT_EQ(read(data, 256, 4096, gap).blocks.front().first_line, 1u);
    gap.begin = data.size() + 1;  // shorter than planned: looked at again, nothing read
    gap.end = ReadJob::kToEnd;
    const Read short_read = read(data, 256, 4096, gap);
    EXPECT_TRUE(short_read.result.untouched && short_read.result.changed);
}

/// The lines detection parsed that a block carries are whole lines of that block, and each
/// record is what parsing those bytes gives. Returns how many it carries.
std::size_t check_parsed(const Block& b) {
    const std::string_view data = b.data();
    for (const ParsedLine& p : b.parsed) {
        const char* const at = p.line.data();
        EXPECT_TRUE(at >= data.data() && at + p.line.size() <= data.data() + data.size()) << "inside its block";
        if (at < data.data() || at + p.line.size() > data.data() + data.size()) continue;
        const std::size_t from = static_cast<std::size_t>(at - data.data());
        EXPECT_TRUE(from == 0 || data[from - 1] == '\n') << "from a line's start";
        EXPECT_TRUE(from + p.line.size() == data.size() || data[from + p.line.size()] == '\n') << "to its end";
        const ParseResult again = parse_s3_access_log(p.line);
        EXPECT_TRUE(again.has_value());
        if (!again) continue;
        EXPECT_EQ(p.record.key, again->key);
        EXPECT_EQ(p.record.key.data(), again->key.data()) << "views into the block";
        EXPECT_EQ(p.record.bytes_sent, again->bytes_sent);
        EXPECT_EQ(p.record.time, again->time);
        EXPECT_EQ(p.record.query, again->query);
    }
    return b.parsed.size();
}

TEST(FileReader, TheLinesDetectionParsedGoWithTheBlockThatHoldsThem) {
    // Among the first lines a blank one and one of no format: S3 still wins, and neither is kept.
    const std::string data = s3_line(0) + "\n" + "no log line\n" + s3_lines(40);
    const Read big = read(data, 4 << 20, 1 << 20);
    ASSERT_EQ(big.blocks.size(), 1u);
    // 20 lines judged: S3 leads out of reach after 9 of its own (the 9 left could only tie,
    // and ties go to the earlier row).
    EXPECT_EQ(check_parsed(big.blocks[0]), 9u);
    EXPECT_EQ(big.blocks[0].parsed.front().line, std::string_view(s3_line(0)).substr(0, s3_line(0).size() - 1));
    for (const ParsedLine& p : big.blocks[0].parsed) EXPECT_NE(p.line, "no log line");
    // Small blocks and reads: detection judges a first read cut inside a line, or a block.
    for (const std::size_t block : {std::size_t{256}, std::size_t{1000}}) {
        for (const std::size_t step : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
            SCOPED_TRACE(std::to_string(block) + "/" + std::to_string(step));
            const Read r = read(data, block, step, {}, false, 250);
            std::size_t carried = 0;
            for (const Block& b : r.blocks) carried += check_parsed(b);
            EXPECT_GE(carried, 1u);
            EXPECT_EQ(joined(r.blocks), data);
        }
    }
    // An over-long first line is skipped (its bytes moved out of the buffer): whatever is
    // carried is still inside its block, whole lines only.
    const std::string longer = std::string(900, 'x') + "\n" + s3_lines(30);
    for (const std::size_t step : {std::size_t{13}, std::size_t{4096}}) {
        const Read r = read(longer, 256, step, {}, false, 400);
        for (const Block& b : r.blocks) check_parsed(b);
    }
}

TEST(FormatDetection, WaitsForAWholeLineThenDecides) {
    const ParserFactory factory = default_parser_factory();
    const ReaderOptions o;
    const std::string line = s3_line(0);
    EXPECT_FALSE(detect_file_format(factory, o, line.substr(0, 40), true).decided);
    EXPECT_FALSE(detect_file_format(factory, o, "\n\n\n", true).decided);
    // Blank lines, then the start of a line the read cut: still nothing to judge while more comes.
    EXPECT_FALSE(detect_file_format(factory, o, "\n\r\n" + line.substr(0, 40), true).decided);
    EXPECT_EQ(detect_file_format(factory, o, "\n\r\n" + line, true).format, "s3");
    const Detection none = detect_file_format(factory, o, "hello\n", true);
    EXPECT_TRUE(none.decided);
    EXPECT_TRUE(none.format.empty());
    EXPECT_FALSE(none.error.empty());
    const Detection s3 = detect_file_format(factory, o, line, true);
    EXPECT_TRUE(s3.decided);
    EXPECT_EQ(s3.format, "s3");
    EXPECT_FALSE(s3.document);
}

struct WorkerRun {
    std::vector<Batch> batches;
    std::vector<std::vector<Span>> spans;
    std::size_t sunk = 0;
};

/// What a ParseWorker's tests share: one job, "a.log", of S3 lines, its buffer pool, and blocks
/// of it holding given text.
struct OneS3Job {
    std::mutex m;
    std::vector<ReadJob> jobs{1};
    BufferPool pool{1 << 16};
    std::shared_ptr<FileCtx> ctx = std::make_shared<FileCtx>();
    OneS3Job() {
        jobs[0].file.path = "a.log";
        ctx->format = "s3";
    }
    Block block(std::string_view text, std::uint64_t offset, std::uint64_t first_line) {
        Block b;
        b.file = ctx;
        b.buf = pool.get();
        std::copy(text.begin(), text.end(), b.buf.get());
        b.size = text.size();
        b.offset = offset;
        b.offset_end = offset + text.size();
        b.first_line = first_line;
        return b;
    }
};

TEST(ParseWorker, SpansMergeAndRejectedLinesAreSampled) {
    EngineConfig cfg;
    cfg.max_recent_rejects = 10;
    Engine engine(cfg);
    LoaderOptions options;
    const ParserFactory factory = default_parser_factory();
    WorkerRun run;
    const RejectSink sink = [&](const RejectedLine&, const std::string& path) {
        EXPECT_EQ(path, "a.log");
        ++run.sunk;
    };
    const CommitSink commit = [&](Batch&& b, std::vector<Span>&& s) {
        run.batches.push_back(std::move(b));
        run.spans.push_back(std::move(s));
    };
    OneS3Job job;
    const WorkerShared shared{engine, options, factory, sink, commit, job.m, job.jobs, job.pool};
    ParseWorker worker(shared);
    std::string junk;  // lines that should have been records
    for (int i = 0; i < 20000; ++i) junk += "x\n";
    const std::string good = s3_lines(3), blank(1000, '\n');
    Block b1 = job.block(good, 0, 1), b2 = job.block(junk, good.size(), 4),
          b3 = job.block(blank, good.size() + junk.size(), 20004);
    worker.process(b1);
    worker.process(b2);
    worker.process(b3);
    worker.finish();
    ASSERT_EQ(run.batches.size(), 1u);
    EXPECT_EQ(run.batches[0].counters.parsed, 3u);
    EXPECT_EQ(run.batches[0].counters.read, 21003u);
    EXPECT_EQ(run.batches[0].counters.ignored_total(), 1000u) << "blank lines are no records";
    EXPECT_LE(run.batches[0].rejects.size(), 10u) << "only the engine's sample is kept";
    ASSERT_FALSE(run.batches[0].rejects.empty());
    for (const RejectedLine& r : run.batches[0].rejects) EXPECT_EQ(r.path, "a.log") << "the kept lines name their file";
    EXPECT_EQ(run.sunk, 20000u) << "every rejected line reaches the sink, and no blank one";
    ASSERT_EQ(run.spans[0].size(), 1u) << "contiguous blocks of one job are one span";
    EXPECT_EQ(run.spans[0][0].begin, 0u);
    EXPECT_EQ(run.spans[0][0].end, good.size() + junk.size() + blank.size());
    EXPECT_EQ(run.spans[0][0].lines, 21003u);
}

// While a reader holds the engine (the dashboard's refresh), a worker's batch is held rather than
// waited for, and the worker parses on; what it holds is appended when it is done.
TEST(ParseWorker, ABatchTheBusyEngineRefusedIsAppendedWhenTheWorkerIsDone) {
    Engine engine(EngineConfig{});
    constexpr std::uint64_t kBefore = 300'000;  // records already held: each new view folds a while
    {
        BatchBuilder b(engine.config().org, engine.config().keep);
        Record r;
        r.bucket = "bkt";
        r.operation = "REST.GET.OBJECT";
        r.method = "GET";
        r.status = 200;
        for (std::uint64_t i = 0; i < kBefore; ++i) {
            r.time = 1'700'000'000 + static_cast<std::int64_t>(i);
            b.add(r);
        }
        engine.append(b.take());
    }
    std::atomic<bool> stop{false}, folding{false};
    std::thread reader([&] {
        ViewSpec vs;
        for (const Dim t : {Dim::Minute, Dim::Hour, Dim::Day})  // hashed groups: slow folds
            vs.panels.push_back(PanelSpec{DimSpec{t, 0}, 0, SortBy::Key});
        for (std::uint64_t gen = 1; !stop.load(); ++gen) {
            folding = true;
            View v(vs);
            (void)engine.refresh(v, gen);
        }
    });
    while (!folding.load()) std::this_thread::yield();
    LoaderOptions options;
    options.batch_lines = 10;
    const ParserFactory factory = default_parser_factory();
    const RejectSink sink;
    const CommitSink commit;  // none: the worker appends to the engine
    OneS3Job job;
    const WorkerShared shared{engine, options, factory, sink, commit, job.m, job.jobs, job.pool};
    ParseWorker worker(shared);
    const std::string text = s3_lines(20);
    std::uint64_t given = 0, offset = 0;
    bool held = false;
    for (int i = 0; i < 200 && !held; ++i) {
        Block b = job.block(text, offset, given + 1);
        offset += text.size();
        worker.process(b);
        given += 20;
        held = engine.lines().read < kBefore + given;  // the batch of this block waits
    }
    EXPECT_TRUE(held) << "a batch taken while a view was folded is held, not waited for";
    worker.finish();
    stop = true;
    reader.join();
    EXPECT_EQ(engine.lines().read, kBefore + given) << "the worker appended what it held when done";
    EXPECT_EQ(engine.report(ReportSpec{}).totals.requests, kBefore + given);
}

// Without a commit sink (a report without a state file) the spans of input a batch stood for
// are said to no one: each flush forgets them, or a long follow kept one a file for good.
TEST(ParseWorker, ForgetsItsSpansWhenNoSinkTakesThem) {
    Engine engine{EngineConfig{}};
    LoaderOptions options;
    options.batch_lines = 2;
    const ParserFactory factory = default_parser_factory();
    const RejectSink sink;
    const CommitSink commit;
    OneS3Job job;
    job.jobs.resize(3, job.jobs[0]);
    const WorkerShared shared{engine, options, factory, sink, commit, job.m, job.jobs, job.pool};
    ParseWorker worker(shared);
    const std::string text = s3_lines(3);
    for (std::uint32_t i = 0; i < 3; ++i) {
        auto ctx = std::make_shared<FileCtx>(*job.ctx);
        ctx->index = i;
        Block b = job.block(text, 0, 1);
        b.file = ctx;
        worker.process(b);
        EXPECT_EQ(worker.spans_kept(), 0u) << "flushed at 2 lines: nothing kept";
    }
    worker.finish();
    EXPECT_EQ(worker.spans_kept(), 0u);
    EXPECT_EQ(engine.lines().read, 9u);
}

TEST(ParseWorker, TakesTheRecordsDetectionParsedForThoseVeryLinesOnly) {
    Engine engine{EngineConfig{}};
    LoaderOptions options;
    const ParserFactory factory = default_parser_factory();
    std::vector<Batch> batches;
    const CommitSink commit = [&](Batch&& b, std::vector<Span>&&) { batches.push_back(std::move(b)); };
    OneS3Job job;
    const RejectSink no_sink;
    const WorkerShared shared{engine, options, factory, no_sink, commit, job.m, job.jobs, job.pool};
    const std::string text = s3_lines(3);
    Block b = job.block(text, 0, 1);
    const std::string_view data = b.data();
    const std::size_t second = data.find('\n') + 1, third = data.find('\n', second) + 1;
    const std::string_view line1 = data.substr(0, second - 1), line2 = data.substr(second, third - 1 - second);
    // Records that parsing would not give, so that the test sees which were taken: the first
    // line's is taken; the one given with the second line's start but a shorter length is not.
    Record one = *parse_s3_access_log(line1);
    one.bytes_sent = 999'999;
    Record two = *parse_s3_access_log(line2);
    two.bytes_sent = 888'888;
    b.parsed = {ParsedLine{line1, one}, ParsedLine{line2.substr(0, line2.size() - 1), two}};
    ParseWorker worker(shared);
    worker.process(b);
    worker.finish();
    ASSERT_EQ(batches.size(), 1u);
    const Columns& c = batches[0].columns;
    ASSERT_EQ(c.size(), 3u);
    EXPECT_EQ(c.bytes_sent[0], 999'999u) << "the record detection made";
    EXPECT_EQ(c.bytes_sent[1], parse_s3_access_log(line2)->bytes_sent) << "parsed: not the same line";
    EXPECT_EQ(c.bytes_sent[2], parse_s3_access_log(data.substr(third, data.size() - 1 - third))->bytes_sent);
}

}  // namespace
}  // namespace s3top::reading
