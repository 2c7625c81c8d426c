#include "app/session.hpp"

#include "core/parse/uri.hpp"

#include "core/parse/jsonl_log.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <unordered_set>
#include <thread>
#include <cstring>
#include <functional>

#include "app/progress_line.hpp"
#include "core/clickhouse/ingest_sink.hpp"
#include "core/agg/compiled_filter.hpp"
#include "core/report/terminal_text.hpp"
#include "core/ingest/request_ids.hpp"
#include "core/util/hash.hpp"
#include "core/util/thread_name.hpp"

namespace s3top::app {
namespace {

/// Everything that changes what the state file holds: the org source, the format, the
/// columns kept, the request tier rules and the inputs named (each set of inputs has its own
/// totals). Not an ingest's inputs (`with_roots` false): its state says which files were sent
/// to the target, whichever folders named them, so naming another folder sends only its files.
std::uint64_t state_fingerprint(const Options& opt, const DimMask& keep, DedupeMode dedupe, bool storage,
                                bool with_roots) {
    std::vector<std::string> roots;
    for (const auto& p : opt.paths) {
        std::error_code ec;
        auto abs = std::filesystem::weakly_canonical(p, ec);
        roots.push_back(ec ? p : abs.string());
    }
    std::sort(roots.begin(), roots.end());
    roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
    std::string key = fmt::format("v1\n{}\n{}\n{}\n{}\n{}\n", opt.org_from, opt.log_format, opt.date_format,
                                  opt.time_format, keep.to_string());
    // The request tiers are stored per record, so a changed [request_tiers] needs a fresh state.
    for (const auto* rules : {&opt.config.tiers.operations, &opt.config.tiers.methods}) {
        for (const auto& r : *rules) key += fmt::format("tier {} {}\n", r.pattern, tier_name(r.tier));
        key += "--\n";
    }
    key += fmt::format("tier fallback {}\n", tier_name(opt.config.tiers.fallback));
    if (with_roots)
        for (const auto& r : roots) key += r + "\n";
    // A state with dedupe holds every record's key; one without has none to dedupe against.
    // Without dedupe the fingerprint is what it was before the option existed.
    if (dedupe != DedupeMode::Off) key += fmt::format("dedupe {}\n", dedupe_mode_name(dedupe));
    // An ingest's state says what was sent where: one per target and share.
    if (opt.to) key += fmt::format("to {} shard {}/{}\n", opt.to->describe(), opt.shard, opt.shards);
    // A state read with storage lines holds every object-changing request; one without has none.
    if (storage) key += "storage\n";
    return hash_bytes(key, 0x5333746f70ULL);
}

/// An ingest's state file: one per target and share, named by them alone. Its header holds the
/// settings' fingerprint (`fp`, without the folders), so an ingest with other settings (org
/// source, format, tiers) is refused rather than given a fresh state that would send every
/// line again. Until session 17 the file was named by the settings and the folders named:
/// when there is no file of this name but one of `former` (these settings and folders, as the
/// name was), it becomes this one: renamed, and open() takes its old fingerprint and writes
/// `fp` into its header. Returns the file to open and the fingerprint to open it with (the
/// former file and fingerprint when the rename failed: exact, only not moved yet).
std::pair<std::filesystem::path, std::uint64_t> ingest_state_file(Session& s, const Options& opt,
                                                                  const std::filesystem::path& dir, std::uint64_t fp,
                                                                  std::uint64_t former) {
    const std::string target = fmt::format("ingest\nto {} shard {}/{}\n", opt.to->describe(), opt.shard, opt.shards);
    std::error_code ec;
    const auto now = state_file_for(dir, hash_bytes(target, 0x5333746f70ULL)), then = state_file_for(dir, former);
    if (std::filesystem::exists(now, ec) || !std::filesystem::exists(then, ec)) return {now, fp};
    std::filesystem::rename(then, now, ec);
    if (ec) {
        s.state_notes.push_back(fmt::format("{} is used as it is (it could not be renamed to {}: {})", then.string(),
                                            now.string(), ec.message()));
        return {then, former};
    }
    s.ingestor->state().accept_former_fingerprint(former);
    s.state_notes.push_back(then.string() + " is now " + now.string() +
                            " (an ingest's state file is named by its target alone, no longer by its folders)");
    return {now, fp};
}

/// Lists the s3:// PATHs, then every input (the objects already in an s3:// PATH's folder among
/// them), then starts fetching the new objects (load_all reads each as it lands). A source that
/// could not be listed at all (bad credentials, no such bucket) is not read from its folder
/// either when not following: a report from what an earlier run left there would look complete.
/// `stat`: StatFiles::WhenOpened when no state file is open, so the first plan's ledger is empty
/// and opens every file anyway (not for a billing statement, which names the newest file's mtime,
/// nor a replay, which reads the inputs without a plan).
void list_inputs(Session& s, const Options& opt, StatFiles stat) {
    std::vector<std::string> failed;
    if (!opt.s3.empty()) {
        s.s3 = std::make_unique<S3Sources>(opt);
        failed = s.s3->list_all(s.problems);
    }
    std::vector<std::string> paths = opt.paths;
    if (!opt.follow) std::erase_if(paths, [&](const std::string& p) { return std::ranges::count(failed, p) > 0; });
    s.inputs = collect_inputs(paths, s.problems, stat);
    if (opt.shards > 1)
        std::erase_if(s.inputs,
                      [&](const InputFile& f) { return !in_shard(f.path, opt.paths, opt.shard, opt.shards); });
    if (s.s3) s.s3->start_fetching();
}

}  // namespace

bool in_shard(const std::string& path, const std::vector<std::string>& roots, std::uint32_t shard,
              std::uint32_t shards) {
    std::string_view rel = path;
    std::size_t best = 0;
    for (const std::string& r : roots) {
        std::string_view root = r;
        while (root.size() > 1 && root.ends_with('/')) root.remove_suffix(1);
        if (root.size() > best && path.size() > root.size() && path.starts_with(root) && path[root.size()] == '/')
            best = root.size() + 1;
    }
    rel.remove_prefix(best);
    return hash_bytes(rel, 0x7368617264ULL) % shards == shard;
}

void mark_needed(const std::vector<DimSpec>& by, DimMask& needed) {
    for (const DimSpec& d : by) needed |= columns_needed(d);
}

Session make_session(const Options& opt, const DimMask& needed, std::optional<ReportSpec> stream,
                     const std::optional<FollowOptions>& follow, std::shared_ptr<StorageCollector> storage,
                     const std::function<void(Engine&, Ingestor&)>& prepare) {
    Session s;
    EngineConfig cfg;
    cfg.org = opt.org;
    cfg.tiers = opt.config.tiers;
    cfg.keep = needed | CompiledFilter(opt.filter).needed();
    cfg.stream = std::move(stream);
    cfg.storage = storage;
    s.engine = std::make_unique<Engine>(cfg);
    if (!opt.rejects.empty()) {
        s.rejects.reset(std::fopen(opt.rejects.c_str(), "wb"));
        if (!s.rejects) throw UsageError{fmt::format("--rejects {}: {}", opt.rejects, std::strerror(errno))};
    }
    LoaderOptions lo;
    lo.format = opt.log_format;
    lo.format_options = FormatOptions{opt.log_format, opt.date_format, opt.time_format,
                                      std::make_shared<const JsonFieldMap>(opt.config.json_fields)};
    lo.workers = opt.workers;
    // Ingest: each row's source file and line (storage lines carry their own: StorageLine::at).
    lo.record_origin = opt.command == Command::Ingest;
    lo.storage_lines = opt.command == Command::Ingest;  // sent to the storage table
    if (opt.command == Command::Ingest) lo.batch_lines = clickhouse::kIngestBatchLines;
    const DedupeMode dedupe = opt.dedupe;
    if (dedupe == DedupeMode::RequestId) lo.dedupe = std::make_shared<RequestIdSet>();
    lo.progress = std::make_shared<LoadProgress>();
    s.loader_options = lo;
    s.ingestor = std::make_unique<Ingestor>(*s.engine, lo);
    if (prepare) prepare(*s.engine, *s.ingestor);
    // Watching starts before the listing, so nothing that arrives meanwhile is missed and the
    // follower need not list and plan everything again after the load.
    auto watch = [&] {
        if (!follow) return;
        s.follower = std::make_unique<Follower>(*s.ingestor, *follow);
        s.follower->watch();
    };
    const bool uses_stdin = std::find(opt.paths.begin(), opt.paths.end(), "-") != opt.paths.end();
    if (!opt.no_state && !uses_stdin && !opt.replay) {
        const std::filesystem::path dir =
            opt.state_dir.empty() ? default_state_dir() : std::filesystem::path(opt.state_dir);
        if (!dir.empty()) {
            const bool storage_lines = storage != nullptr;
            const bool ingest = opt.command == Command::Ingest;
            const auto fp = state_fingerprint(opt, s.engine->config().keep, dedupe, storage_lines, !ingest);
            auto [file, open_fp] =
                ingest ? ingest_state_file(s, opt, dir, fp,
                                           state_fingerprint(opt, s.engine->config().keep, dedupe, storage_lines, true))
                       : std::pair{state_file_for(dir, fp), fp};
            if (dedupe != DedupeMode::Off) {
                std::error_code ec;
                const auto without = state_file_for(
                    dir, state_fingerprint(opt, s.engine->config().keep, DedupeMode::Off, storage_lines, !ingest));
                if (!std::filesystem::exists(state_file_for(dir, fp), ec) && std::filesystem::exists(without, ec))
                    s.state_notes.push_back(without.string() +
                                            " was built without --dedupe request-id and holds no request ids: a state "
                                            "with them is built beside it (the logs are read again); it stays for runs "
                                            "without --dedupe");
            }
            // Loading the state and listing the inputs (100,000 files: a second each) overlap.
            std::jthread loader([&s, file = std::move(file), open_fp, ingest] {
                name_this_thread("s3top-state");
                if (const IoStatus opened = s.ingestor->open_state(file, open_fp, s.state_notes); !opened)
                    s.state_notes.push_back(opened.error().describe() +
                                            (ingest ? "" : " (running without a state file)"));
            });
            watch();
            list_inputs(s, opt, StatFiles::Listed);
            loader.join();  // before `s` is moved out
            return s;
        }
    }
    watch();
    const bool stat_needed = opt.billing || opt.command == Command::Ingest || opt.replay;
    list_inputs(s, opt, stat_needed ? StatFiles::Listed : StatFiles::WhenOpened);
    return s;
}

std::vector<InputFile> relist_inputs(const Options& opt) {
    std::vector<InputProblem> ignored;
    return collect_inputs(opt.paths, ignored);
}

namespace {

using Say = std::function<void(std::string)>;

Say sayer(std::vector<std::string>* messages) {
    return [messages](std::string line) {
        line = terminal_safe(line);  // file names and messages may carry anything a log key can
        if (messages) {
            messages->push_back(std::move(line));
        } else {
            fmt::print(stderr, "{}\n", line);
        }
    };
}

/// --rejects FILE: path, line, reason, column, then the raw line as it was (a file, not a terminal).
RejectSink rejects_file_sink(Session& s) {
    if (!s.rejects) return {};
    std::FILE* f = s.rejects.get();
    // A file gets the line's bytes exactly; a terminal (--rejects /dev/tty) only safe text.
    const bool tty = ::isatty(::fileno(f)) != 0;
    return [f, tty](const RejectedLine& r, const std::string& path) {
        const std::string safe_path = tty ? terminal_safe(path) : std::string();
        fmt::print(f, "{}\t{}\t{}\t{}\t", tty ? safe_path : path, r.line_no, reject_reason_name(r.error.reason),
                   r.error.column);
        const std::string text = tty ? terminal_safe(r.text) : std::string();
        const std::string_view out = tty ? std::string_view(text) : std::string_view(r.text);
        std::fwrite(out.data(), 1, out.size(), f);
        std::fputc('\n', f);
    };
}

/// Per-file errors, and which formats auto-detection chose unless every file was plain S3.
void say_files(const LoadResult& load, const Options& opt, const Say& say) {
    for (const auto& p : load.problems) say(fmt::format("s3top: {}: {}", p.path, p.message));
    for (const auto& f : load.files) {
        if (!f.error.empty()) say(fmt::format("s3top: {}: {}", f.path, f.error));
    }
    if (opt.log_format == "auto") {
        std::map<std::string, std::size_t> formats;
        for (const auto& f : load.files) {
            if (!f.format.empty()) ++formats[f.format];
        }
        if (!formats.empty() && !(formats.size() == 1 && formats.begin()->first == "s3")) {
            std::string list;
            for (const auto& [name, n] : formats)
                list += fmt::format("{}{} ({} file{})", list.empty() ? "" : ", ", name, n, n == 1 ? "" : "s");
            say("s3top: formats detected: " + list);
        }
    }
}

/// --dedupe request-id: files of formats without a per-request id are named (by format), never
/// passed over in silence.
void say_not_deduped(const Session& s, const LoadResult& load, const Say& say) {
    if (!s.loader_options.dedupe) return;
    std::map<std::string, std::size_t> formats;
    for (const auto& f : load.files) {
        if (!f.format.empty() && !format_has_request_id(f.format)) ++formats[f.format];
    }
    for (const auto& [name, n] : formats)
        say(
            fmt::format("s3top: --dedupe request-id: {} file{} of format {} not deduped (the format has no request id; "
                        "their records count under no_request_id)",
                        n, n == 1 ? "" : "s", name));
}

/// The objects fetched since the last call, as inputs (also added to `all`), waiting for one;
/// nullopt once the fetch is over. The objects that could not be fetched join `problems`.
std::optional<std::vector<InputFile>> next_fetched(S3Sources& s3, const Options& opt, std::vector<InputFile>& all,
                                                   std::vector<InputProblem>& problems,
                                                   const std::atomic<bool>* cancel) {
    while (true) {
        auto paths = s3.next_landed(cancel);
        if (!paths) {
            for (auto& p : s3.take_fetch_problems()) problems.push_back(std::move(p));
            return std::nullopt;
        }
        std::vector<InputFile> files = collect_inputs(*paths, problems);
        if (opt.shards > 1)
            std::erase_if(files,
                          [&](const InputFile& f) { return !in_shard(f.path, opt.paths, opt.shard, opt.shards); });
        if (files.empty()) continue;
        all.insert(all.end(), files.begin(), files.end());
        return files;
    }
}

/// Says the problems the fetch added to `s.problems` past the first `said`.
void say_fetch_problems(const Session& s, std::size_t said, const Say& say) {
    for (std::size_t i = said; i < s.problems.size(); ++i)
        say(fmt::format("s3top: {}: {}", s.problems[i].path, s.problems[i].message));
}

/// --cache-prune, after a load: the objects the state file holds (synced first) and a re-run
/// will not list again are deleted from the cache; not those read in part or not at all, and
/// nothing when the state file could not be used.
void prune_cache(Session& s, const Options& opt, const IngestResult& res, const Say& say) {
    if (!opt.cache_prune || !s.s3) return;
    if (!s.ingestor->has_state() || !res.notes.empty() || res.commit_error) {
        say("s3top: --cache-prune: the state folder could not be written: nothing deleted");
        return;
    }
    s.ingestor->sync();
    std::vector<std::string> keep;
    for (const auto& u : s.unread) keep.push_back(u.path);
    for (const auto& line : s.s3->prune(keep)) say(line);
}

void flush_rejects(Session& s, const Options& opt, const Say& say) {
    if (s.rejects && std::fflush(s.rejects.get()) != 0)
        say(fmt::format("s3top: --rejects {}: {}", opt.rejects, std::strerror(errno)));
}

}  // namespace

bool load_all(Session& s, const Options& opt, std::vector<std::string>* messages, const std::atomic<bool>* cancel) {
    const Say say = sayer(messages);
    for (const auto& p : s.problems) say(fmt::format("s3top: {}: {}", p.path, p.message));
    for (const auto& n : s.state_notes) say(fmt::format("s3top: state: {}", n));
    if (auto sink = rejects_file_sink(s)) s.ingestor->set_reject_sink(std::move(sink));
    // Messages that go straight to stderr mean no dashboard: a long load shows a progress line.
    std::optional<ProgressLine> progress(std::in_place, s.loader_options.progress, !messages && !opt.quiet);
    // s3:// objects are read as each lands, while later ones download.
    const std::size_t said = s.problems.size();
    std::vector<InputFile> fetched;
    MoreInputs more;
    if (s.s3) more = [&] { return next_fetched(*s.s3, opt, fetched, s.problems, cancel); };
    const IngestResult res = s.ingestor->ingest(s.inputs, opt.follow, cancel, more);
    s.inputs.insert(s.inputs.end(), fetched.begin(), fetched.end());
    progress.reset();  // erased before anything else is said
    say_fetch_problems(s, said, say);
    say_files(res.load, opt, say);
    say_not_deduped(s, res.load, say);
    for (const auto& n : res.notes) say(fmt::format("s3top: state: {}", n));
    flush_rejects(s, opt, say);
    s.unread = unread_inputs(s.problems, res.load);
    s.copies = res.counts.duplicate;
    prune_cache(s, opt, res, say);
    const auto& c = res.counts;
    return res.load.any_read() || c.unchanged + c.duplicate > 0 ||
           (s.ingestor->has_state() && s.engine->lines().read > 0);
}

bool load_replay(Session& s, Replay& replay, const Options& opt, std::vector<std::string>* messages,
                 const std::atomic<bool>* cancel) {
    const Say say = sayer(messages);
    for (const auto& p : s.problems) say(fmt::format("s3top: {}: {}", p.path, p.message));
    // Replay orders every record first: the whole fetch, then the load.
    if (s.s3) {
        const std::size_t said = s.problems.size();
        while (next_fetched(*s.s3, opt, s.inputs, s.problems, cancel)) {}
        say_fetch_problems(s, said, say);
    }
    std::optional<ProgressLine> progress(std::in_place, s.loader_options.progress, !messages && !opt.quiet);
    const auto loaded = replay.load(s.inputs, s.loader_options, rejects_file_sink(s), cancel);
    progress.reset();
    if (!loaded) {
        say("s3top: --replay: " + loaded.error().message);
        return false;
    }
    const LoadResult& load = *loaded;
    say_files(load, opt, say);
    say_not_deduped(s, load, say);
    flush_rejects(s, opt, say);
    s.unread = unread_inputs(s.problems, load);
    return load.any_read();
}

int exit_status_after_output(const Session& s, bool written, std::string_view what) {
    if (!written) return 1;
    if (s.unread.empty()) return 0;
    fmt::print(stderr, "s3top: {} input{} could not be read, or only in part: the {} covers the rest\n",
               s.unread.size(), s.unread.size() == 1 ? "" : "s", what);
    return kExitSomeUnread;
}

void leave_to_exit(Session& s) {
    static auto* const kept = new std::vector<std::shared_ptr<void>>();
    kept->push_back(std::shared_ptr<Ingestor>(std::move(s.ingestor)));
    kept->push_back(std::shared_ptr<Engine>(std::move(s.engine)));
    kept->push_back(std::make_shared<std::vector<InputFile>>(std::move(s.inputs)));
}

void say_unmatched_filter_values(const Engine& engine, const Filter& filter) {
    for (const FilterTerm& t : filter.terms) {
        if (t.op != FilterTerm::Op::Eq || !is_string_dim(t.dim.dim)) continue;
        std::vector<std::string> values = engine.interned(t.dim.dim);
        if (dim_info(t.dim.dim).percent_encoded) {
            // A filter matches a key as logged or as shown (decoded): both forms are had.
            const std::size_t logged = values.size();
            for (std::size_t i = 0; i < logged; ++i) {
                if (!needs_url_decode(values[i], false)) continue;
                std::string shown;
                url_decode(values[i], shown, false);
                values.push_back(std::move(shown));
            }
        }
        const std::unordered_set<std::string_view> have(values.begin(), values.end());
        for (const std::string& v : t.values) {
            if (v == "-" || have.contains(v)) continue;
            // Suggestions compare against every value: skipped past 200,000 (keys, clients).
            const auto near = values.size() <= 200000 ? closest_values(v, values, 3) : std::vector<std::string>{};
            std::string list;
            for (const auto& n : near) list += (list.empty() ? "" : ", ") + n;
            fmt::print(stderr, "{}\n",
                       terminal_safe(fmt::format("s3top: --filter: no {} is '{}' in these logs{}", dim_name(t.dim), v,
                                                 list.empty() ? "" : " (closest: " + list + ")")));
        }
    }
}

}  // namespace s3top::app
