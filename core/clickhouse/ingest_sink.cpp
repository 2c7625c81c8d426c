#include "core/clickhouse/ingest_sink.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "core/clickhouse/row_binary.hpp"
#include "core/clickhouse/storage_rows.hpp"
#include "core/util/hash.hpp"
#include "core/util/thread_name.hpp"

namespace s3top::clickhouse {

std::uint32_t IngestSink::host_of(std::string_view path) const {
    const auto n = client_.target().hosts.size();
    return static_cast<std::uint32_t>(hash_bytes(path, 0x63686f7374ULL) % n);
}

namespace {

/// S3 server access log objects are named [prefix]YYYY-mm-DD-HH-MM-SS-UniqueString (16 upper-case
/// hex digits) in the bucket's log, so such a name says which object it is wherever it was
/// copied to. Taken with a prefix of letters, digits, '.', '_' or '-' (nothing to quote in SQL)
/// and a ".gz" after it.
bool is_s3_log_object_name(std::string_view n) {
    if (n.ends_with(".gz")) n.remove_suffix(3);
    constexpr std::size_t kStamp = 36;
    if (n.size() < kStamp) return false;
    for (std::size_t i = 0; i < n.size() - kStamp; ++i) {
        const char c = n[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return false;
    }
    n.remove_prefix(n.size() - kStamp);
    for (std::size_t i = 0; i < kStamp; ++i) {
        const char c = n[i];
        const bool dash = i == 4 || i == 7 || i == 10 || i == 13 || i == 16 || i == 19;
        const bool ok = dash     ? c == '-'
                        : i < 19 ? c >= '0' && c <= '9'
                                 : (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
        if (!ok) return false;
    }
    return true;
}

std::string_view file_name(std::string_view path) {
    const auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::vector<InputProblem> IngestSink::screen(std::vector<InputFile>& files, const Ledger& ledger) {
    // The S3 log objects new to this state, by index, and their names (each once, sorted).
    std::vector<std::size_t> asked;
    std::vector<std::string> names;
    for (std::size_t i = 0; i < files.size(); ++i) {
        const std::string_view name = file_name(files[i].path);
        if (!is_s3_log_object_name(name) || ledger.find(files[i].path)) continue;
        asked.push_back(i);
        names.emplace_back(name);
    }
    if (asked.empty()) return {};
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::vector<std::string> sent;
    std::string error;
    for (std::size_t h = 0; h < client_.target().hosts.size() && error.empty(); ++h) {
        auto found = client_.files_sent(h, names);
        if (!found)
            error = found.error();
        else
            sent.insert(sent.end(), found->begin(), found->end());
    }
    std::sort(sent.begin(), sent.end());
    const std::string why = !error.empty()
                                ? "not sent: whether the target holds it already could not be asked (" + error + ")"
                                : fmt::format(
                                      "not sent: {}.{} holds a log object of this name already, sent by another "
                                      "state file (this one has no record of it)",
                                      client_.target().database, client_.target().table);
    std::vector<InputProblem> refused;
    std::vector<bool> drop(files.size(), false);
    for (const std::size_t i : asked) {
        if (error.empty() && !std::binary_search(sent.begin(), sent.end(), file_name(files[i].path))) continue;
        drop[i] = true;
        refused.push_back({files[i].path, why});
    }
    // remove_if tests each element where it stood (it only writes to positions already tested).
    std::erase_if(files, [&](const InputFile& f) { return drop[static_cast<std::size_t>(&f - files.data())]; });
    return refused;
}

IoStatus IngestSink::fail(std::string message) {
    {
        std::lock_guard l(mutex_);
        if (error_.empty()) error_ = message;
    }
    failed_ = true;
    return std::unexpected(IoError{IoError::Code::Write, client_.target().describe(), 0, std::move(message)});
}

std::string IngestSink::first_error() const {
    std::lock_guard l(mutex_);
    return error_;
}

SinkCounts IngestSink::counts() const {
    std::lock_guard l(mutex_);
    return counts_;
}

std::unique_ptr<RecordEncoder> IngestSink::make_encoder() const {
    return std::make_unique<NativeColumnsEncoder>(
        client_.target().hosts.size(), [this](std::string_view path) { return host_of(path); }, buffers_);
}

IngestSink::EncodedBatch IngestSink::encode_batch(Batch& b) const {
    EncodedBatch out;
    auto* columns = dynamic_cast<EncodedColumns*>(b.encoded.get());
    out.pending.id = columns ? columns->batch_id : new_batch_id();
    if (columns) {
        for (const EncodedColumns::Part& part : columns->parts)
            out.pending.parts.push_back({part.host, part.rows, part.min_time, part.max_time});
        out.rows = columns->rows;
        out.times_clamped = columns->times_clamped;
        out.files = std::move(columns->files);
        out.columns = columns;
        out.records = std::move(b.encoded);
    }
    // The object-changing requests go with the lines row, on its host.
    if (!b.storage.lines.empty()) out.storage = encode_storage_rows(b.storage, out.pending.id);
    out.storage_failed = b.storage.failed;
    return out;
}

std::expected<std::uint64_t, std::string> IngestSink::send_parts(const EncodedBatch& enc) {
    // Each host's part at once: the shards take them side by side (one thread per further part).
    const std::vector<PendingBatch::Part>& parts = enc.pending.parts;
    std::vector<std::expected<std::size_t, std::string>> sent(parts.size());
    {
        std::vector<std::jthread> others;
        const auto send = [&](std::size_t i) {
            if (i > 0) name_this_thread("s3top-ch-put", i);
            NativeColumnsWriter body(*enc.columns, i);
            sent[i] =
                client_.insert(parts[i].host, body.size(), [&] { return body.next(); }, batch_query_id(enc.pending.id));
        };
        for (std::size_t i = 1; i < parts.size(); ++i) others.emplace_back(send, i);
        if (!parts.empty()) send(0);
    }
    std::uint64_t bytes = 0;
    for (const auto& s : sent) {
        if (!s) return std::unexpected(s.error());
        bytes += *s;
    }
    return bytes;
}

IngestSink::~IngestSink() {
    {
        std::lock_guard l(send_mutex_);
        stopping_ = true;
    }
    send_cv_.notify_all();
}

void IngestSink::send_loop() {
    std::unique_lock l(send_mutex_);
    for (;;) {
        send_cv_.wait(l, [&] { return sending_.has_value() || stopping_; });
        if (stopping_) return;  // a batch not sent stays Pending: looked up on the next run
        l.unlock();
        (void)send(*sending_);  // a failure is kept (fail()) for commit() and drain()
        l.lock();
        sending_.reset();  // its columns go back for the next batch
        send_cv_.notify_all();
    }
}

IoStatus IngestSink::drain() {
    std::unique_lock l(send_mutex_);
    send_cv_.wait(l, [&] { return !sending_.has_value(); });
    l.unlock();
    if (failed_) return fail(first_error());
    return {};
}

IoStatus IngestSink::commit(Batch&& b, std::vector<Span>&& spans, const std::vector<PlannedJob>& jobs) {
    if (failed_) return fail(first_error());
    // What the state file and the engine keep of the batch: its line counters, no rows.
    Batch counters;
    counters.counters = b.counters;
    counters.newest_source_mtime = b.newest_source_mtime;
    // The newest file this batch read from: a report over ClickHouse tells a period still
    // being delivered by it, as a local one does by its inputs.
    for (const Span& sp : spans)
        if (sp.job < jobs.size())
            counters.newest_source_mtime = std::max(counters.newest_source_mtime, jobs[sp.job].job.file.mtime);
    counters.rejects = std::move(b.rejects);
    if (b.records() == 0 && counters.counters.read == 0) {  // nothing read: nothing to insert
        if (IoStatus stored = state_.append_batch(counters, spans, jobs); !stored) return stored;
        engine_.append(std::move(counters));
        return {};
    }
    // Records come encoded (make_encoder()); a batch of columns would be sent as no rows.
    if (b.columns.size() > 0) return fail("a batch's records were not encoded for ClickHouse (an internal error)");
    EncodedBatch enc = encode_batch(b);
    // The rows are in `enc` now. The storage lines' room stays in `b` (their bytes too:
    // BatchBuilder::reuse_storage empties it): the worker's next batch writes its lines there.
    StorageLines room = std::move(b.storage);
    b = Batch();
    b.storage = std::move(room);
    if (IoStatus stored = state_.append_pending(enc.pending, counters, spans, jobs); !stored) {
        failed_ = true;
        return stored;
    }
    // The worker reads on while the batch is sent; the one before must be sent first.
    {
        std::unique_lock l(send_mutex_);
        send_cv_.wait(l, [&] { return !sending_.has_value(); });
        if (failed_) return fail(first_error());  // not sent: its Pending record is looked up next run
        sending_.emplace(Sending{std::move(enc), std::move(counters)});
        if (!sender_.joinable()) {
            sender_ = std::jthread([this] {
                name_this_thread("s3top-ch-send");
                send_loop();
            });
        }
    }
    send_cv_.notify_all();
    return {};
}

IoStatus IngestSink::send(Sending& s) {
    EncodedBatch& enc = s.enc;
    const std::uint64_t id = enc.pending.id;
    // The storage events, then the line counters (a batch of rejected lines has only them), then
    // the records: a lines row says its events landed, and records that landed always have
    // their lines row, so a lookup after a crash can tell what is there (Client::landed).
    const std::uint32_t lhost = lines_host(enc.pending);
    std::uint64_t bytes = 0;
    if (!enc.storage.empty()) {
        auto done = client_.insert_storage(lhost, id, std::move(enc.storage));
        if (!done) return fail(done.error());
        bytes += *done;
    }
    if (auto done = client_.insert_lines(lhost, id, s.counters.counters, s.counters.newest_source_mtime,
                                         enc.storage_failed, org_from_, enc.files);
        !done)
        return fail(done.error());
    auto sent = send_parts(enc);
    enc.records.reset();  // its columns go back for the next batch
    if (!sent) return fail(sent.error());
    bytes += *sent;
    if (IoStatus stored = state_.append_resolved(id, true); !stored) {
        failed_ = true;
        {
            std::lock_guard l(mutex_);
            if (error_.empty()) error_ = stored.error().describe();
        }
        return stored;
    }
    {
        std::lock_guard l(mutex_);
        ++counts_.batches;
        counts_.rows += enc.rows;
        counts_.bytes_sent += bytes;
        counts_.times_clamped += enc.times_clamped;
    }
    engine_.append(std::move(s.counters));
    return {};
}

}  // namespace s3top::clickhouse
