#include "core/ingest/ingestor.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <mutex>

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
                        IngestResult& out, std::optional<IoError>& store_error) {
    std::vector<InputFile> screened;
    if (screen_) {
        screened = given;
        const std::vector<InputProblem> refused = screen_(screened, ledger_);
        out.load.problems.insert(out.load.problems.end(), refused.begin(), refused.end());
    }
    const std::vector<InputFile>& inputs = screen_ ? screened : given;
    PlanCounts counts;
    std::vector<InputProblem> problems;
    const std::vector<PlannedJob> planned = ledger_.plan(inputs, follow, counts, problems);
    out.counts.unchanged += counts.unchanged;
    out.counts.read += counts.read;
    out.counts.appended += counts.appended;
    out.counts.replaced += counts.replaced;
    out.counts.duplicate += counts.duplicate;
    out.load.problems.insert(out.load.problems.end(), problems.begin(), problems.end());
    if (planned.empty()) return;
    std::vector<ReadJob> jobs;
    jobs.reserve(planned.size());
    for (const auto& p : planned) jobs.push_back(p.job);
    Loader loader(engine_, options_);
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
        loader.set_commit_sink([&](Batch&& b, std::vector<Span>&& spans) {
            if (IoStatus stored = store_.append_batch(b, spans, planned); !stored) {
                std::lock_guard l(error_mutex);
                if (!store_error) store_error = std::move(stored.error());
            }
            engine_.append(std::move(b));
        });
    }
    // Each file is recorded as soon as it and those before it are read (in plan order, on
    // this thread), not all after the load: 100,000 files take half a second to record.
    loader.set_file_done([&](std::size_t i, const FileResult& r) { ledger_.record(planned[i], r); });
    LoadResult r = loader.load_jobs(jobs, cancel);
    // Batches the hook took but has not finished with count only once they have landed.
    if (drain_) {
        if (IoStatus done = drain_(); !done) {
            store_.refuse_writes(done.error());
            if (!out.commit_error) out.commit_error = std::move(done.error());
        }
    }
    out.load.problems.insert(out.load.problems.end(), r.problems.begin(), r.problems.end());
    out.load.files.insert(out.load.files.end(), std::make_move_iterator(r.files.begin()),
                          std::make_move_iterator(r.files.end()));
}

IngestResult Ingestor::ingest(const std::vector<InputFile>& inputs, bool follow, const std::atomic<bool>* cancel,
                              const MoreInputs& more) {
    IngestResult out;
    std::optional<IoError> store_error;
    read_new(inputs, follow, cancel, out, store_error);
    while (more && !(cancel && cancel->load())) {
        std::optional<std::vector<InputFile>> next = more();
        if (!next) break;
        read_new(*next, follow, cancel, out, store_error);
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
        read_new(now, follow, cancel, out, store_error);
    }
    // A batch the hook could not store: its lines must not be claimed by ledger entries.
    if (out.commit_error) return out;
    auto dirty = ledger_.take_dirty(store_.is_open());
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

}  // namespace s3top
