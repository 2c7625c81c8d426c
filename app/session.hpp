#pragma once
// Wiring shared by every command: options -> engine config, inputs, loader, rejects file.
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/cli.hpp"
#include "app/s3_sources.hpp"
#include "core/agg/engine.hpp"
#include "core/ingest/follower.hpp"
#include "core/ingest/ingestor.hpp"
#include "core/ingest/loader.hpp"
#include "core/ingest/replay.hpp"
#include "core/storage/storage_collector.hpp"

namespace s3top::app {

/// Runs `fn` when the scope is left, however: declared after a std::jthread, it stops what the
/// thread waits on before the jthread's destructor joins it.
struct OnExit {
    explicit OnExit(std::function<void()> f) : fn(std::move(f)) {}
    std::function<void()> fn;
    OnExit(const OnExit&) = delete;
    OnExit& operator=(const OnExit&) = delete;
    ~OnExit() { fn(); }
};

struct Session {
    std::unique_ptr<Engine> engine;
    std::vector<InputFile> inputs;
    std::vector<InputProblem> problems;
    struct FileCloser {
        void operator()(std::FILE* f) const { std::fclose(f); }
    };
    std::unique_ptr<std::FILE, FileCloser> rejects;  ///< --rejects FILE
    std::unique_ptr<Ingestor> ingestor;              ///< ledger + state file; the follower reuses it
    std::vector<std::string> state_notes;            ///< state file problems, for the user
    LoaderOptions loader_options;                    ///< how inputs are read (replay reads them itself)
    /// Follow mode: watching since before the inputs were listed (see Follower::watch).
    std::unique_ptr<Follower> follower;
    /// Inputs the last load_all() or load_replay() left out (not read, or only in part).
    std::vector<UnreadInput> unread;
    /// Inputs the last load_all() skipped as copies of content already counted.
    std::uint64_t copies = 0;
    /// s3:// PATHs (null without any): mirrored before the inputs are listed.
    std::unique_ptr<S3Sources> s3;
};

/// The columns the dimensions `by` read (a key prefix reads the key), marked in `needed`.
void mark_needed(const std::vector<DimSpec>& by, DimMask& needed);

/// Builds the engine (keeping only the columns `needed` plus those the filter reads) and
/// lists the inputs. Throws UsageError when the --rejects file cannot be made.
/// With `stream`, the engine folds that one report as batches arrive and keeps no records.
/// With `follow`, the session's follower watches the inputs before they are listed.
/// With `storage`, every object-changing request goes there too (each record's origin kept, for
/// their time order). `prepare` (optional) is called with the engine and the ingestor before the
/// state file is opened (s3top ingest sets its commit hook and the state's resolver there).
Session make_session(const Options& opt, const DimMask& needed, std::optional<ReportSpec> stream = std::nullopt,
                     const std::optional<FollowOptions>& follow = std::nullopt,
                     std::shared_ptr<StorageCollector> storage = nullptr,
                     const std::function<void(Engine&, Ingestor&)>& prepare = {});

/// --shard K/N: whether `path` (under one of `roots`) is this machine's share: a hash of its
/// path below the root it was found under, so every machine decides alike however the log set
/// is mounted.
bool in_shard(const std::string& path, const std::vector<std::string>& roots, std::uint32_t shard,
              std::uint32_t shards);

/// Lists the inputs again (follow mode); problems are dropped.
std::vector<InputFile> relist_inputs(const Options& opt);

/// Reads every input into the session's engine. Problems go to `messages` as
/// "s3top: PATH: message" lines (to stderr when `messages` is null), and the inputs left out to
/// `s.unread`. Returns false when nothing at all could be read. `cancel` stops it early.
bool load_all(Session& s, const Options& opt, std::vector<std::string>* messages = nullptr,
              const std::atomic<bool>* cancel = nullptr);

/// --replay: reads every input into `replay` (records held back, to be played in time order),
/// saying problems as load_all() does. Returns false when nothing at all could be read.
bool load_replay(Session& s, Replay& replay, const Options& opt, std::vector<std::string>* messages = nullptr,
                 const std::atomic<bool>* cancel = nullptr);

/// A filter value (`org=acme-71`) that no record has is said on stderr, with the closest values
/// the logs do have: an empty report then reads as a typo, not as "no usage". Nothing is said
/// when every value exists.
void say_unmatched_filter_values(const Engine& engine, const Filter& filter);

/// Exit status of a report or statement that leaves some input out: it covers the rest.
inline constexpr int kExitSomeUnread = 3;

/// The exit status of a report or statement written (`written`) over a session: 1 when it could
/// not be written, kExitSomeUnread (said on stderr, naming `what`) when inputs were left out,
/// else 0.
int exit_status_after_output(const Session& s, bool written, std::string_view what);

/// A one-shot command's output is written: the session's engine and ingestor (its ledger) are
/// left to the process's exit instead of being freed one allocation at a time, which took a
/// tenth of a 100,000-file report's wall time (0.2-0.3 s, on one thread). They stay reachable,
/// so leak checkers do not count them. Nothing they own needs a destructor's work: the state
/// file is written through and its lock goes with the process.
void leave_to_exit(Session& s);

}  // namespace s3top::app
