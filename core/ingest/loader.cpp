#include "core/ingest/loader.hpp"

#include "core/ingest/file_reader.hpp"
#include "core/ingest/parse_worker.hpp"
#include "core/ingest/request_ids.hpp"
#include "core/parse/format_registry.hpp"
#include "core/util/thread_name.hpp"

#include <algorithm>
#include <condition_variable>
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
    for (std::size_t nl = head.find('\n'); nl != std::string_view::npos; nl = head.find('\n', nl + 1)) {
        if (!keeps_head_prefix(nl + 1, end, out.size())) break;
        h.update(head.substr(static_cast<std::size_t>(h.length()), nl + 1 - static_cast<std::size_t>(h.length())));
        out.push_back(HeadPrefix{h.digest(), static_cast<std::uint16_t>(nl + 1)});
    }
    return out;
}

bool LoadResult::any_read() const {
    return std::any_of(files.begin(), files.end(), [](const FileResult& f) { return f.error.empty() || f.bytes > 0; });
}

std::vector<UnreadInput> unread_inputs(const std::vector<InputProblem>& listed, const LoadResult& load) {
    std::vector<UnreadInput> out;
    for (const auto* problems : {&listed, &load.problems}) {
        for (const auto& p : *problems) {
            if (p.effect != InputProblem::Effect::NothingMissing)
                out.push_back({p.path, p.message, p.effect == InputProblem::Effect::ReadInPart});
        }
    }
    for (const auto& f : load.files) {
        if (f.untouched && !f.error.empty()) {
            out.push_back({f.path, f.error, false});
        } else if (f.failed) {
            out.push_back({f.path, f.error, f.end > 0});
        }
    }
    // A path said twice (listed, then planned again after a rotation) is named once: the
    // last word on it, which is what this run's figures reflect.
    std::stable_sort(out.begin(), out.end(),
                     [](const UnreadInput& a, const UnreadInput& b) { return a.path < b.path; });
    std::vector<UnreadInput> unique;
    for (auto& u : out) {
        if (!unique.empty() && unique.back().path == u.path) {
            unique.back() = std::move(u);
        } else {
            unique.push_back(std::move(u));
        }
    }
    return unique;
}

namespace {

/// What a file costs a worker besides its bytes (open, detect, close), counted as bytes when
/// small files are gathered into runs: a run of empty files still ends.
constexpr std::uint64_t kPerFileBytes = 4096;

/// Small files a worker reads whole, one after another: jobs [first, last) (result.files[job]).
/// Handed over as a run of about a block's bytes, not one by one: over 100,000 small files a
/// hand-over per file woke the reader and a worker each time (futex calls, context switches:
/// a tenth of the run's CPU).
struct WholeFiles {
    std::size_t first = 0, last = 0;
};
using Task = std::variant<reading::Block, WholeFiles>;

/// The reader's hand-over to the workers, bounded: a reader ahead of them waits.
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

}  // namespace

ParserFactory default_parser_factory() { return choose_format; }

void JobFeed::publish(std::size_t ready) {
    std::lock_guard l(m_);
    ready_ = std::max(ready_, ready);
    more_.notify_all();
}

void JobFeed::close() {
    std::lock_guard l(m_);
    closed_ = true;
    more_.notify_all();
}

std::size_t JobFeed::wait_past(std::size_t i) {
    std::unique_lock l(m_);
    more_.wait(l, [&] { return ready_ > i || closed_; });
    return ready_;
}

std::size_t JobFeed::wait_closed() {
    std::unique_lock l(m_);
    more_.wait(l, [&] { return closed_; });
    return ready_;
}

bool JobFeed::closed() {
    std::lock_guard l(m_);
    return closed_;
}

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

reading::ReaderOptions Loader::reader_options() const {
    reading::ReaderOptions r;
    r.block_bytes = std::clamp<std::size_t>(options_.reader_block_bytes, 1, options_.block_bytes);
    r.chunk_bytes = std::min<std::size_t>(r.block_bytes, 1 << 20);
    r.max_line_bytes = options_.max_line_bytes;
    r.hash_content = options_.hash_content;
    r.format = options_.format;
    r.format_options = options_.format_options;
    r.gzip = {options_.max_decompressed_bytes, options_.max_gzip_ratio, options_.bomb_check_bytes};
    r.progress = options_.progress.get();
    return r;
}

LoadResult Loader::load_jobs(const std::vector<ReadJob>& jobs, const std::atomic<bool>* cancel) {
    std::uint64_t planned = 0;
    for (const ReadJob& j : jobs) planned += reading::stored_bytes_planned(j);
    engine_.expect_bytes(planned);
    if (LoadProgress* p = options_.progress.get()) {
        p->bytes_planned.fetch_add(planned, std::memory_order_relaxed);
        p->files_planned.fetch_add(jobs.size(), std::memory_order_relaxed);
    }
    JobFeed all(jobs.size());
    return load_fed(jobs, all, cancel);
}

// The reader (this thread) hands a small file whole to a worker, which reads, hashes, detects
// and parses it: a folder of 100,000 small files keeps every core busy, where one reader
// opening and hashing each file in turn was the bottleneck. A big file (or stdin) is cut into
// blocks here, and the workers parse its blocks side by side. Files are told done in order.
LoadResult Loader::load_fed(const std::vector<ReadJob>& jobs, JobFeed& feed, const std::atomic<bool>* cancel) {
    LoadResult result;
    result.files.resize(jobs.size());
    TaskQueue queue(8);
    // done[i]: job i is read and result.files[i] final (set by whoever read it).
    const auto done = std::make_unique<std::atomic<bool>[]>(jobs.size());
    const reading::ReaderOptions ropts = reader_options();
    reading::BufferPool pool(ropts.buffer_bytes());
    const reading::FileReader reader(ropts, factory_, pool, cancel);
    reading::ReaderOptions whole_opts = ropts;
    whole_opts.block_bytes = std::clamp<std::size_t>(options_.whole_file_block_bytes, 1, ropts.block_bytes);
    const reading::FileReader whole_reader(whole_opts, factory_, pool, cancel);  // pool's buffers hold either
    std::mutex sink_mutex;
    RequestIdSet* const dedupe = options_.dedupe.get();
    const reading::WorkerShared shared{engine_,
                                       options_,
                                       factory_,
                                       reject_sink_,
                                       commit_,
                                       sink_mutex,
                                       jobs,
                                       pool,
                                       dedupe,
                                       dedupe ? dedupe->begin_load(jobs.size()) : 0,
                                       record_ ? &record_ : nullptr};
    auto work = [&](unsigned index) {
        name_this_thread("s3top-parse", index);
        reading::ParseWorker worker(shared);
        while (auto task = queue.pop()) {
            if (const auto* whole = std::get_if<WholeFiles>(&*task)) {
                for (std::size_t i = whole->first; i < whole->last; ++i) {
                    whole_reader.read(static_cast<std::uint32_t>(i), jobs[i], result.files[i],
                                      reading::FileReader::Parse([&](reading::Block& b) { return worker.process(b); }));
                    done[i].store(true, std::memory_order_release);
                }
            } else {
                (void)worker.process(std::get<reading::Block>(*task));
            }
        }
        worker.finish();
    };
    const unsigned nworkers = options_.workers ? options_.workers : std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::jthread> threads;
    for (unsigned i = 0; i < nworkers; ++i) threads.emplace_back(work, i);
    std::size_t told = 0;   // jobs told to the file-done callback so far, in order
    std::size_t known = 0;  // jobs the feed has made final so far
    // Told only once the feed is closed: the ledger records files after its plan is over.
    auto tell_done = [&](bool all) {
        if (!file_done_ || !feed.closed()) return;
        for (; told < known && (all || done[told].load(std::memory_order_acquire)); ++told) {
            file_done_(told, result.files[told]);
        }
    };
    WholeFiles run;  // small files gathered for one worker
    std::uint64_t run_bytes = 0;
    auto hand_over_run = [&] {
        if (run.first == run.last) return;
        queue.push(run);
        ++result.handovers;
        run = WholeFiles{run.last, run.last};
        run_bytes = 0;
    };
    for (std::size_t i = 0; !(cancel && cancel->load()); ++i) {
        if (i >= known) {
            hand_over_run();  // the workers start on what is gathered while the plan goes on
            known = feed.wait_past(i);
            if (i >= known) break;
        }
        if (whole_by_worker(jobs[i])) {
            if (run.first == run.last) run = WholeFiles{i, i};
            run.last = i + 1;
            run_bytes += reading::stored_bytes_planned(jobs[i]) + kPerFileBytes;
            if (run_bytes >= options_.block_bytes) hand_over_run();
        } else {
            hand_over_run();
            reader.read(static_cast<std::uint32_t>(i), jobs[i], result.files[i], [&](reading::Block&& b) {
                queue.push(std::move(b));
                ++result.handovers;
            });
            done[i].store(true, std::memory_order_release);
        }
        tell_done(false);
    }
    hand_over_run();
    queue.close();
    threads.clear();             // joins
    known = feed.wait_closed();  // a cancelled load still tells every job, as planned
    result.files.resize(known);
    tell_done(true);
    return result;
}

bool Loader::whole_by_worker(const ReadJob& j) const {
    if (!j.file.stated || j.file.path == "-" || j.begin > j.file.size) return false;
    // A .gz decompresses to 5-30 times its size: only small ones are read by one worker.
    const std::uint64_t most = j.file.gzip ? options_.block_bytes / 8 : options_.block_bytes;
    const std::uint64_t end = std::min(j.end, j.file.size);
    return end - j.begin <= most;
}

}  // namespace s3top
