#pragma once
// Ingest with memory: a Ledger decides what of each input is new, the Loader reads just that,
// and every batch is stored in the state file (when there is one) together with the spans of
// input it holds before it reaches the engine. Used for the first load and by the Follower.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/agg/engine.hpp"
#include "core/ingest/ledger.hpp"
#include "core/ingest/loader.hpp"
#include "core/ingest/state_store.hpp"

namespace s3top {

struct IngestResult {
    LoadResult load;                 ///< what was read this time
    PlanCounts counts;               ///< how each input was handled
    std::vector<std::string> notes;  ///< state file problems
    /// The commit hook's first error (the batch was not stored; nothing more was written to the
    /// state file in this round). Not among the notes.
    std::optional<IoError> commit_error;
};

/// Takes a finished batch, the spans of input it holds and the planned jobs they index, in
/// place of the state file's Batch record and Engine::append (s3top ingest: it sends the rows
/// elsewhere, records the batch in the state around that, and appends only the line counters).
/// Called from worker threads. An error stops the state file: nothing more is written to it.
using CommitHook = std::function<IoStatus(Batch&&, std::vector<Span>&&, const std::vector<PlannedJob>&)>;

/// Waits for what the commit hook still has under way once a round is read (an insert it
/// returned before ClickHouse answered): the first error, which stops the state file as a
/// failed commit does. The ledger entries of the round are written only after it.
using CommitDrain = std::function<IoStatus()>;

/// Looks at the files a round is about to plan and takes out those that must not be read, each
/// with why (NotRead problems, said as any input's): `s3top ingest` takes out S3 log objects its
/// target holds already though this state has no record of them. On the ingesting thread.
using InputScreen = std::function<std::vector<InputProblem>(std::vector<InputFile>&, const Ledger&)>;

/// More inputs to read in the same ingest (see Ingestor::ingest); nullopt: no more.
using MoreInputs = std::function<std::optional<std::vector<InputFile>>()>;

class Ingestor {
public:
    Ingestor(Engine& engine, LoaderOptions options);
    ~Ingestor();
    Ingestor(const Ingestor&) = delete;
    Ingestor& operator=(const Ingestor&) = delete;

    void set_reject_sink(RejectSink sink) { reject_sink_ = std::move(sink); }
    void set_parser_factory(ParserFactory f) { factory_ = std::move(f); }
    void set_commit_hook(CommitHook h) { hook_ = std::move(h); }
    void set_commit_drain(CommitDrain d) { drain_ = std::move(d); }
    void set_input_screen(InputScreen s) { screen_ = std::move(s); }
    /// The next ingest is the only one (report, bill, storage: one read of their inputs, then
    /// the output): when it has no state file, is not following and has no inputs to come, the
    /// contents it reads are not hashed (a seventh of a report's CPU): only a later plan would
    /// match new files against them. Copies among its own inputs are still found (the plan
    /// reads and hashes what it compares). Should a plan come after all (a file that changed
    /// while read is planned again, or another ingest), what was read is hashed first.
    void set_one_shot(bool on) { one_shot_ = on; }
    /// Each parse worker's records go to an encoder this makes (LoaderOptions::record_encoder).
    void set_record_encoder(std::function<std::unique_ptr<RecordEncoder>()> f) {
        options_.record_encoder = std::move(f);
    }

    /// Opens the state file (see StateStore::open): loads stored records into the engine.
    /// `fingerprint` names everything that changes what is stored (org source, format,
    /// columns kept). An IoError when it cannot be used; ingest then works without one.
    IoStatus open_state(const std::filesystem::path& file, std::uint64_t fingerprint, std::vector<std::string>& notes);

    /// Reads what is new in `inputs`. `follow`: an unterminated last line waits for its
    /// newline. Not reentrant: one caller at a time.
    /// `more` (optional): asked after each round is read for the next inputs (those arrived
    /// meanwhile, e.g. objects just fetched; it may wait for some), until it says nullopt; each
    /// round is planned by the ledger as any input is, and the state file is synced once.
    IngestResult ingest(const std::vector<InputFile>& inputs, bool follow, const std::atomic<bool>* cancel = nullptr,
                        const MoreInputs& more = {});

    /// Flushes the state file to disk.
    void sync();
    /// The ledger, with every file read so far recorded.
    const Ledger& ledger() {
        record_unrecorded();
        return ledger_;
    }
    bool has_state() const { return store_.is_open(); }
    StateStore& state() { return store_; }

private:
    /// Plans `inputs` and reads what is new; adds to `out` (the first store error into
    /// `store_error`).
    /// `hash`: LoaderOptions::hash_content for this round.
    void read_new(const std::vector<InputFile>& inputs, bool follow, const std::atomic<bool>* cancel, IngestResult& out,
                  std::optional<IoError>& store_error, bool hash);
    /// read_new()'s plan and load side by side (a ledger that knows no path): fills `planned`.
    LoadResult plan_and_load(const std::vector<InputFile>& inputs, bool follow, const std::atomic<bool>* cancel,
                             Loader& loader, PlanCounts& counts, std::vector<InputProblem>& problems,
                             std::vector<PlannedJob>& planned);
    /// Records in the ledger the files of a one-shot round (kept aside: see unrecorded_).
    void record_unrecorded();
    /// What the ledger's record() takes of a file's result read without a hash.
    struct Unrecorded {
        std::size_t job = 0;  ///< in unrecorded_jobs_
        std::uint64_t end = 0, next_line = 1, bytes = 0;
        bool gzip = false, failed = false;
        std::string error;
    };
    Engine& engine_;
    LoaderOptions options_;
    bool one_shot_ = false;
    /// A one-shot round's files are recorded only when a plan comes after all (a file that
    /// changed while read, another ingest) or the ledger is asked for: over 100,000 files the
    /// entries were ~50 MB and a path hashed and stored twice a file, for a plan that rarely
    /// comes. Its jobs and what each read left (files not taken are not recorded anyway).
    std::vector<PlannedJob> unrecorded_jobs_;
    std::vector<Unrecorded> unrecorded_;
    bool unhashed_ = false;  ///< the ledger holds entries read without a hash (complete_hashes)
    RejectSink reject_sink_;
    InputScreen screen_;
    ParserFactory factory_;
    CommitHook hook_;
    CommitDrain drain_;
    Ledger ledger_;
    StateStore store_;
};

/// The state file for a configuration: DIR/<16 hex digits of the fingerprint>.state.
std::filesystem::path state_file_for(const std::filesystem::path& dir, std::uint64_t fingerprint);

/// $XDG_STATE_HOME/s3top, else $HOME/.local/state/s3top; empty when neither is set.
std::filesystem::path default_state_dir();

}  // namespace s3top
