#pragma once
// What has been ingested, file by file, so nothing is counted twice: a re-run, a restart, the
// same file synced again or the same content under another name adds nothing; a file that
// grew is read from where it stopped; a truncated or replaced file is read again as a new one.
#include <cstdint>
#include <functional>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/ingest/inputs.hpp"
#include "core/ingest/loader.hpp"
#include "core/util/stream_hash.hpp"

namespace s3top {

namespace ledger_io {
struct Head;
struct Scan;
}  // namespace ledger_io

/// A file as stat(2) sees it. The ctime is in: a file rewritten in place with the same size
/// and its mtime set back (`touch -r`), or made readable (chmod), changes only its ctime.
struct FileStat {
    std::uint64_t dev = 0, ino = 0, size = 0;
    std::int64_t mtime_ns = 0;
    std::int64_t ctime_ns = 0;
    friend bool operator==(const FileStat&, const FileStat&) = default;
};

/// stat(2) of a path; nullopt when it cannot be read.
std::optional<FileStat> stat_file(const std::filesystem::path& p);

/// One file's ingest state. Offsets are in the file's stream (decompressed for gzip).
struct LedgerEntry {
    std::string path;
    FileStat stat;  ///< when last looked at
    bool gzip = false;
    std::uint64_t offset = 0;  ///< [0, offset) is in the totals
    std::uint64_t next_line = 1;
    std::uint64_t head_hash = 0;  ///< of the first min(offset, 1 KiB) bytes
    std::uint64_t tail_hash = 0;  ///< of the last min(offset, 1 KiB) bytes before offset
    bool edges = false;           ///< head_hash and tail_hash are known
    bool hashed = false;          ///< `hash` covers [0, offset)
    StreamHash::State hash;
    /// Ranges before `offset` not yet read (only after a crash mid-file).
    std::vector<std::pair<std::uint64_t, std::uint64_t>> gaps;
    std::string error;  ///< what was said when it was read (a corrupt .gz, no format)
    /// Reading stopped on an error (FileResult::failed): [offset, end) is not in the totals.
    bool failed = false;
    /// Line ends in the first KiB before `offset` (head_prefixes()): a short file equal to one
    /// of these starts is counted content. Stored in a state record of their own.
    std::vector<HeadPrefix> prefixes;
};

/// What ingest decided for one file.
enum class PlanKind : std::uint8_t { Unchanged, Read, Appended, Replaced, Duplicate };

struct PlannedJob {
    std::size_t input = 0;  ///< index into the inputs given to plan()
    PlanKind kind = PlanKind::Read;
    ReadJob job;
    FileStat stat;
    std::uint64_t head_hash = 0;
    bool gap = false;  ///< reads a range missed by a crash; the file's offset is unchanged
    /// The job continues what this path held before (grown, or re-synced longer with the same
    /// start): recording it replaces the path's counted content in the index instead of
    /// keeping the old one beside it.
    bool extends = false;
};

struct PlanCounts {
    std::size_t unchanged = 0, read = 0, appended = 0, replaced = 0, duplicate = 0;
};

/// Work done looking for counted content inside files (plan), for tests and figures.
struct SearchStats {
    std::uint64_t bytes_hashed = 0;  ///< stream bytes hashed by the search (beyond the 1 KiB heads)
    std::uint64_t candidates = 0;    ///< counted or planned files looked at as containing a file
    std::uint64_t prefix_reads = 0;  ///< of those, prefixes read from disk to compare
};

class Ledger {
public:
    /// At most this many files sharing a first KiB are looked at per file as containing it
    /// (the most recently counted first), and at most kMaxPrefixReads of them read.
    static constexpr std::size_t kMaxCandidates = 64, kMaxPrefixReads = 8;

    /// Decides what to read of each input. `follow`: unterminated last lines wait.
    /// A file whose start is content already counted (or read earlier in this plan) is read
    /// from where that content ends; a file that is all counted content (the same bytes, or a
    /// start of a longer counted file still on disk) is a Duplicate and read not at all.
    /// Duplicates get their entry right away (nothing to read); the rest after record().
    std::vector<PlannedJob> plan(const std::vector<InputFile>& inputs, bool follow, PlanCounts& counts,
                                 std::vector<InputProblem>& problems);
    /// plan() into `out`, calling `final(n)` each time out[0, n) will not change again (after
    /// each chunk of heads read, and once at the end; on this thread): a loader can start on
    /// those while the rest is planned. A job is final once made: later ones are matched
    /// against it, never it against them.
    void plan(const std::vector<InputFile>& inputs, bool follow, PlanCounts& counts,
              std::vector<InputProblem>& problems, std::vector<PlannedJob>& out,
              const std::function<void(std::size_t)>& final);
    /// Notes what a job read (the loader's result). Returns the entry to persist.
    const LedgerEntry& record(const PlannedJob& planned, const FileResult& result);

    /// Hashes the content of every entry changed since take_dirty() that was read without a
    /// hash (a one-shot ingest's: see Ingestor::set_one_shot), reading the files again, so that
    /// a plan can match files against it.
    void complete_hashes() {
        for (LedgerEntry* e : dirty_) complete_hash(*e);
    }

    /// Loading from the state file.
    void put(LedgerEntry e);
    /// Loading from the state file: the line-end starts of `path`'s entry (ignored when there
    /// is none).
    void set_prefixes(const std::string& path, std::vector<HeadPrefix> prefixes);
    /// Line-end starts of counted contents indexed (a start shared by files once).
    std::size_t start_count() const { return starts_.size(); }
    /// Room for `n` entries (a state file of 100,000 files loads without rehashing).
    void reserve(std::size_t n) {
        by_path_.reserve(n);
        contents_.reserve(n);
        heads_.reserve(n);
    }
    /// Distinct counted contents indexed: one per file content (a growing file's entry is
    /// extended in place), plus contents a path held before it was replaced.
    std::size_t content_count() const { return contents_.size(); }
    const SearchStats& search_stats() const { return stats_; }
    /// A span of records already committed (state file) for `path` with that identity.
    void add_committed_span(const std::string& path, std::uint64_t dev, std::uint64_t ino, bool gzip,
                            std::uint64_t begin, std::uint64_t end, std::uint64_t end_line);
    /// After loading: turns committed spans beyond each entry's offset into offsets and gaps.
    void settle();

    const LedgerEntry* find(const std::string& path) const;
    std::size_t size() const { return by_path_.size(); }
    /// Every entry, in no particular order (the state file's compact form stores them all).
    template <class F>
    void for_each(F&& f) const {
        for (const auto& [path, e] : by_path_) f(e);
    }
    /// Entries touched since the last call (to persist). An entry whose file was read in
    /// pieces (a crash left gaps, now filled) gets its content hash here, by one read of the
    /// file, so a copy of it is still known as one. `copies` false (no state file to write):
    /// only that, and nothing is returned.
    std::vector<LedgerEntry> take_dirty(bool copies = true);

private:
    struct Content {
        std::uint64_t length, digest;
        friend bool operator==(const Content&, const Content&) = default;
    };
    struct ContentHash {
        std::size_t operator()(const Content& c) const { return static_cast<std::size_t>(mix64(c.length ^ c.digest)); }
    };
    struct Pending {  // committed spans not yet folded into an entry
        std::uint64_t dev = 0, ino = 0;
        bool gzip = false;
        std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
        std::uint64_t end_line = 1, max_end = 0;
    };
    struct Group {                              // counted contents sharing a first KiB
        std::vector<const std::string*> paths;  ///< keys of by_path_, in the order indexed
        std::uint64_t max_extent = 0;           ///< longest content ever indexed here (a bound)
    };
    struct Search;
    struct Todo;
    struct Found;
    struct Lists;
    /// Pass 1 of plan() for input `i`: unchanged (nothing), a gap or a grown file (straight to
    /// `out` or to the grown list), replaced or new (to their lists).
    void classify(const InputFile& f, std::size_t i, bool follow, PlanCounts& counts,
                  std::vector<InputProblem>& problems, std::vector<PlannedJob>& out, Lists& lists, Search& search);
    /// The same file as `e` counted, its counted bytes still there (first and last KiB, or the
    /// whole counted start when its edges are not known): it grew, or only its stat changed.
    bool still_counted(const LedgerEntry& e, const FileStat& st) const;
    /// The job of input `i`, `f`, new to the ledger: read whole, as listed.
    static PlannedJob new_job(const InputFile& f, std::size_t i, bool follow);
    /// Pass 2 for one file: a Duplicate (entry now), or a job from its longest counted start.
    void resolve(Todo& t, ledger_io::Head* head, Search& search, PlanCounts& counts, std::vector<PlannedJob>& out);
    /// Its head, the counted content at its line ends (in the head, then hashed past it as far
    /// as counted or planned content with its first KiB reaches).
    Found find_counted_start(Todo& t, ledger_io::Head* head, Search& search);
    /// Counted content under 1 KiB at the line ends of a file's head (no read), unless `judge`
    /// is false; in the same pass its line-end starts (head_prefixes(), into `starts`). Returns
    /// the hash of all of `counted`.
    template <class Known>
    static std::uint64_t match_in_head(std::string_view counted, bool complete, bool judge, Known&& known,
                                       ledger_io::Scan& best, std::vector<HeadPrefix>& starts);
    /// All of the file is counted content (or a start of it): nothing to read.
    bool covered(const Todo& t, const Found& f, Search& search);
    /// Its whole stream is a start of a longer file counted or planned, still on disk as counted.
    bool covered_by_longer(const std::string& path, const Found& f, Search& search);
    /// The entry of a file found covered.
    void record_duplicate(const Todo& t, const Found& f);
    /// Indexes `e`'s counted content (when hashed): in contents_ and under its head.
    void index_content(const LedgerEntry& e);
    /// The same for the entry stored under `key` (a key of by_path_), without looking it up.
    void index_content(const LedgerEntry& e, const std::string& key);
    /// Counts `prefixes` in starts_ / takes them out (dropping those no entry holds any more).
    void index_starts(const std::vector<HeadPrefix>& prefixes);
    void unindex_starts(const std::vector<HeadPrefix>& prefixes);
    /// Takes `e` out of its head group; its content leaves contents_ too unless `keep`
    /// (replaced: those bytes were counted and may come back under another name).
    void unindex_content(const LedgerEntry& e, bool keep);
    void complete_hash(LedgerEntry& e);
    bool counted_on_disk(const LedgerEntry& e, const Search& s);

    std::unordered_map<std::string, LedgerEntry> by_path_;
    /// Every counted content (length, digest) with the number of entries holding it (a
    /// replaced path leaves its old content here, held by no entry).
    std::unordered_map<Content, std::uint32_t, ContentHash> contents_;
    /// The line-end starts (LedgerEntry::prefixes) of the contents in contents_, counted the
    /// same way: a file whose whole content is one of them is counted content.
    std::unordered_map<Content, std::uint32_t, ContentHash> starts_;
    /// By mix64 of the hash of a content's first min(length, 1 KiB) bytes.
    std::unordered_map<std::uint64_t, Group> heads_;
    SearchStats stats_;
    std::unordered_map<std::string, Pending> pending_;
    /// Entries changed since take_dirty() (into by_path_, whose entries are never erased and
    /// stay where they are when it grows), by path once sorted.
    std::vector<LedgerEntry*> dirty_;
};

}  // namespace s3top
