#include "core/ingest/ingestor.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <mutex>
#include <thread>

#include "core/ingest/byte_estimate.hpp"
#include "core/ingest/file_reader.hpp"
#include "core/util/thread_name.hpp"

namespace s3top {

std::filesystem::path state_file_for(const std::filesystem::path& dir, std::uint64_t fingerprint) {
    return dir / fmt::format("{:016x}.state", fingerprint);
}

std::filesystem::path default_state_dir() {
    if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x == '/') return std::filesystem::path(x) / "s3top";
    if (const char* h = std::getenv("HOME"); h && *h) return std::filesystem::path(h) / ".local" / "state" / "s3top";
    return {};
}

Ingestor::Ingestor(Engine& engine, LoaderOptions options)
    : engine_(engine), options_(std::move(options)), factory_(default_parser_factory()) {}

Ingestor::~Ingestor() = default;

IoStatus Ingestor::open_state(const std::filesystem::path& file, std::uint64_t fingerprint,
                              std::vector<std::string>& notes) {
    store_.set_request_ids(options_.dedupe.get());
    return store_.open(file, fingerprint, engine_, ledger_, notes);
}

void Ingestor::read_new(const std::vector<InputFile>& given, bool follow, const std::atomic<bool>* cancel,
                        IngestResult& out, std::optional<IoError>& store_error, bool hash) {
    record_unrecorded();  // before any plan: it matches files against them
    if (unhashed_) {      // a plan after a one-shot round after all: its files' contents first
        ledger_.complete_hashes();
        unhashed_ = false;
    }
    std::vector<InputFile> screened;
    if (screen_) {
        screened = given;
        const std::vector<InputProblem> refused = screen_(screened, ledger_);
        out.load.problems.insert(out.load.problems.end(), refused.begin(), refused.end());
    }
    const std::vector<InputFile>& inputs = screen_ ? screened : given;
    PlanCounts counts;
    std::vector<InputProblem> problems;
    std::vector<PlannedJob> planned;  // what the commit sinks' spans index
    LoaderOptions options = options_;
    options.hash_content = hash;
    Loader loader(engine_, options);
    loader.set_parser_factory(factory_);
    if (reject_sink_) loader.set_reject_sink(reject_sink_);
    std::mutex error_mutex;
    if (hook_) {
        loader.set_commit_sink([&](Batch&& b, std::vector<Span>&& spans) {
            if (IoStatus done = hook_(std::move(b), std::move(spans), planned); !done) {
                store_.refuse_writes(done.error());
                std::lock_guard l(error_mutex);
                if (!out.commit_error) out.commit_error = std::move(done.error());
            }
        });
    } else if (store_.is_open()) {
        // Each batch is stored by the worker that made it, then appended to the engine as
        // without a state (held while the engine is busy): appending at once waited for the
        // other worker's merge and fold, 0.1-0.25 s of a first run's workers over 2 M lines.
        loader.set_record_sink([&](const Batch& b, const std::vector<Span>& spans) {
            if (IoStatus stored = store_.append_batch(b, spans, planned); !stored) {
                std::lock_guard l(error_mutex);
                if (!store_error) store_error = std::move(stored.error());
            }
        });
    }
    // Each file is recorded as soon as it and those before it are read (in plan order, on
    // the loading thread), not all after the load: 100,000 files take half a second to record.
    // A round without a hash (one-shot) is recorded only should a plan come after all.
    if (hash) {
        loader.set_file_done([&](std::size_t i, const FileResult& r) { ledger_.record(planned[i], r); });
    } else {
        loader.set_file_done([&](std::size_t i, const FileResult& r) {
            if (!r.untouched) unrecorded_.push_back({i, r.end, r.next_line, r.bytes, r.gzip, r.failed, r.error});
        });
    }
    // A first run (the ledger knows no path; not s3top ingest, whose hook sends each batch
    // elsewhere) reads the files the plan has made final while it plans the rest.
    LoadResult r;
    if (ledger_.size() == 0 && !hook_) {
        r = plan_and_load(inputs, follow, cancel, loader, counts, problems, planned);
    } else {
        planned = ledger_.plan(inputs, follow, counts, problems);
        std::vector<ReadJob> jobs;
        jobs.reserve(planned.size());
        for (const auto& p : planned) jobs.push_back(p.job);
        if (!planned.empty()) r = loader.load_jobs(jobs, cancel);
    }
    out.counts.unchanged += counts.unchanged;
    out.counts.read += counts.read;
    out.counts.appended += counts.appended;
    out.counts.replaced += counts.replaced;
    out.counts.duplicate += counts.duplicate;
    out.load.problems.insert(out.load.problems.end(), problems.begin(), problems.end());
    if (planned.empty()) return;
    // Batches the hook took but has not finished with count only once they have landed.
    if (drain_) {
        if (IoStatus done = drain_(); !done) {
            store_.refuse_writes(done.error());
            if (!out.commit_error) out.commit_error = std::move(done.error());
        }
    }
    out.load.problems.insert(out.load.problems.end(), r.problems.begin(), r.problems.end());
    if (out.load.files.empty()) {
        out.load.files = std::move(r.files);  // a first round's 100,000 results are not moved one by one
    } else {
        out.load.files.insert(out.load.files.end(), std::make_move_iterator(r.files.begin()),
                              std::make_move_iterator(r.files.end()));
    }
    if (!unrecorded_.empty()) unrecorded_jobs_ = std::move(planned);  // recorded should a plan come
}

// Over 100,000 new files the plan (each file's head read and looked up) took a seventh of the
// wall time on one thread before the first parse; now the loader reads each chunk of files
// the plan has made final (Ledger::plan's `final`) on its own thread while the next is planned.
// The plan writes its jobs into `planned` itself, its room for every input taken before the load
// starts (a ledger that knows no path makes at most one job per input), so it never moves
// while the record sink and the workers read the jobs already final; the loader's jobs have a
// slot for every input from the start. The ledger records the files only once its plan is over.
LoadResult Ingestor::plan_and_load(const std::vector<InputFile>& inputs, bool follow, const std::atomic<bool>* cancel,
                                   Loader& loader, PlanCounts& counts, std::vector<InputProblem>& problems,
                                   std::vector<PlannedJob>& planned) {
    planned.clear();
    planned.reserve(inputs.size());
    std::vector<ReadJob> jobs(inputs.size());
    // What is known before the plan: every input read whole (one listed by name only, once
    // planned). The plan's duplicates are taken off the progress's totals once it is over.
    std::uint64_t bytes = 0;
    std::size_t unstated = 0;
    for (const InputFile& f : inputs) {
        bytes += f.stated ? f.size : 0;
        unstated += f.stated ? 0 : 1;
    }
    engine_.expect_bytes(bytes);
    ByteEstimate estimate(bytes, unstated);
    LoadProgress* const progress = options_.progress.get();
    if (progress) {
        progress->bytes_planned.fetch_add(bytes, std::memory_order_relaxed);
        progress->files_planned.fetch_add(inputs.size(), std::memory_order_relaxed);
    }
    JobFeed feed;
    LoadResult loaded;
    std::jthread loading([&] {
        name_this_thread("s3top-read");
        loaded = loader.load_fed(jobs, feed, cancel);
    });
    std::size_t made = 0;
    {
        struct Closer {
            JobFeed& feed;
            ~Closer() { feed.close(); }  // also when the plan throws: the loader never waits on
        } closer{feed};
        ledger_.plan(inputs, follow, counts, problems, planned, [&](std::size_t n) {
            std::uint64_t found = 0;  // the sizes of inputs listed by name only, known once planned
            std::size_t found_files = 0;
            for (; made < n && made < jobs.size(); ++made) {
                jobs[made] = planned[made].job;
                if (!inputs[planned[made].input].stated) {
                    found += planned[made].job.file.size;
                    ++found_files;
                }
            }
            if (found_files > 0) {
                if (const std::uint64_t more = estimate.planned(found, found_files)) engine_.expect_bytes(more);
                if (progress) progress->bytes_planned.fetch_add(found, std::memory_order_relaxed);
            }
            feed.publish(made);
        });
    }
    loading.join();
    engine_.unexpect_bytes(estimate.overshoot());
    planned.resize(made);
    if (progress) {
        const std::uint64_t bytes_known = estimate.known();  // the stated and those the plan found
        std::uint64_t read = 0;
        for (const PlannedJob& p : planned) read += reading::stored_bytes_planned(p.job);
        if (read > bytes_known) progress->bytes_planned.fetch_add(read - bytes_known, std::memory_order_relaxed);
        if (bytes_known > read) progress->bytes_planned.fetch_sub(bytes_known - read, std::memory_order_relaxed);
        progress->files_planned.fetch_sub(inputs.size() - made, std::memory_order_relaxed);
    }
    return loaded;
}

IngestResult Ingestor::ingest(const std::vector<InputFile>& inputs, bool follow, const std::atomic<bool>* cancel,
                              const MoreInputs& more) {
    IngestResult out;
    std::optional<IoError> store_error;
    // A one-shot ingest (set_one_shot) has no later plan to match files against what it reads.
    const bool hash = !(one_shot_ && !store_.is_open() && !follow && !more);
    one_shot_ = false;
    read_new(inputs, follow, cancel, out, store_error, hash);
    unhashed_ = !hash;
    while (more && !(cancel && cancel->load())) {
        std::optional<std::vector<InputFile>> next = more();
        if (!next) break;
        read_new(*next, follow, cancel, out, store_error, true);
    }
    // A file rotated between its plan and its read (renamed away, copytruncated) was left as
    // it was: plan it again, as it is now. A few times at most; a file that changes every
    // moment waits for the next round.
    for (int tries = 0; tries < 2 && !(cancel && cancel->load()); ++tries) {
        std::vector<std::string> paths;
        for (const auto& f : out.load.files) {
            if (f.changed) paths.push_back(f.path);
        }
        if (paths.empty()) break;
        std::erase_if(out.load.files, [](const FileResult& f) { return f.changed; });
        std::vector<InputProblem> problems;
        const auto now = collect_inputs(paths, problems);
        out.load.problems.insert(out.load.problems.end(), problems.begin(), problems.end());
        read_new(now, follow, cancel, out, store_error, true);
    }
    // A batch the hook could not store: its lines must not be claimed by ledger entries.
    if (out.commit_error) return out;
    // (Entries read without a hash stay changed until a plan needs them: hashing them here
    // would read every file again.)
    auto dirty = unhashed_ ? std::vector<LedgerEntry>{} : ledger_.take_dirty(store_.is_open());
    if (store_.is_open()) {
        if (IoStatus stored = store_.append_entries(dirty); !stored && !store_error) store_error = stored.error();
        // Many small records since the last snapshot (hours of follow rounds): fold them into
        // one, so the next start loads one compact record (a first load's big batches load as
        // fast as they are: see StateStore::needs_compaction). The snapshot is synced
        // before it replaces the log, so the log itself is not flushed first (a first run's
        // whole log: 0.3 s of a 2 s run).
        bool compacted = false;
        if (!store_error && store_.needs_compaction()) {
            const IoStatus done = store_.compact();
            compacted = done.has_value();
            if (!done) out.notes.push_back(done.error().describe());
        }
        // fdatasync costs up to a second on busy disks: once per load, not per follow round
        // (a killed process loses nothing written; only a power cut can, and then the torn
        // tail is cut off and read again).
        if (!follow && !compacted) store_.sync();
    }
    if (store_error) out.notes.push_back(store_error->describe());
    return out;
}

void Ingestor::sync() { store_.sync(); }

void Ingestor::record_unrecorded() {
    for (Unrecorded& u : unrecorded_) {
        FileResult r;  // read without a hash: no content hash, edges or starts (Ledger::record)
        r.end = u.end;
        r.next_line = u.next_line;
        r.bytes = u.bytes;
        r.gzip = u.gzip;
        r.failed = u.failed;
        r.error = std::move(u.error);
        r.edges_left = true;
        ledger_.record(unrecorded_jobs_[u.job], r);
    }
    unrecorded_.clear();
    unrecorded_jobs_.clear();
}

}  // namespace s3top
