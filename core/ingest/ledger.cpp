#include "core/ingest/ledger.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <map>
#include <span>

#include "core/ingest/ledger_io.hpp"

namespace s3top {

using namespace ledger_io;

std::optional<FileStat> stat_file(const std::filesystem::path& p) {
    struct stat st{};
    if (::stat(p.c_str(), &st) != 0) return std::nullopt;
    return file_stat(st);
}

namespace {

std::uint64_t head_key(std::uint64_t head_hash) { return mix64(head_hash); }

/// Open addressing from a 64-bit key to an index: one array, no allocation per key.
class FlatIndex64 {
public:
    void reserve(std::size_t n) {
        if (n * 2 > slots_.size()) rehash(std::bit_ceil(n * 2));
    }
    /// The value of `key`, added as `none` when it is not there.
    std::size_t& at(std::uint64_t key, std::size_t none) {
        if ((size_ + 1) * 2 > slots_.size()) rehash(std::max<std::size_t>(64, slots_.size() * 2));
        Slot& s = slots_[probe(slots_, key)];
        if (!s.used) {
            s = Slot{key, none, true};
            ++size_;
        }
        return s.value;
    }
    /// The value of `key`; `none` when it is not there.
    std::size_t find(std::uint64_t key, std::size_t none) const {
        if (slots_.empty()) return none;
        const Slot& s = slots_[probe(slots_, key)];
        return s.used ? s.value : none;
    }

private:
    struct Slot {
        std::uint64_t key = 0;
        std::size_t value = 0;
        bool used = false;
    };
    static std::size_t probe(const std::vector<Slot>& slots, std::uint64_t key) {
        const std::size_t mask = slots.size() - 1;
        for (std::size_t i = mix64(key) & mask;; i = (i + 1) & mask) {
            if (!slots[i].used || slots[i].key == key) return i;
        }
    }
    void rehash(std::size_t n) {
        std::vector<Slot> bigger(n);
        for (const Slot& s : slots_) {
            if (s.used) bigger[probe(bigger, s.key)] = s;
        }
        slots_.swap(bigger);
    }
    std::vector<Slot> slots_;
    std::size_t size_ = 0;
};

/// A set of (length, digest) pairs with length > 0 (a line-end start is never empty), open
/// addressed: no node a start.
class FlatContentSet {
public:
    void reserve(std::size_t n) {
        if (n * 2 > slots_.size()) rehash(std::bit_ceil(n * 2));
    }
    void insert(std::uint64_t length, std::uint64_t digest) {
        if (length == 0) return;  // none is (see above); contains() says false for it
        if ((size_ + 1) * 2 > slots_.size()) rehash(std::max<std::size_t>(64, slots_.size() * 2));
        Slot& s = slots_[probe(slots_, length, digest)];
        if (s.length == 0) {
            s = Slot{length, digest};
            ++size_;
        }
    }
    bool contains(std::uint64_t length, std::uint64_t digest) const {
        if (slots_.empty() || length == 0) return false;
        return slots_[probe(slots_, length, digest)].length != 0;
    }

private:
    struct Slot {
        std::uint64_t length = 0, digest = 0;
    };
    static std::size_t probe(const std::vector<Slot>& slots, std::uint64_t length, std::uint64_t digest) {
        const std::size_t mask = slots.size() - 1;
        for (std::size_t i = mix64(length ^ digest) & mask;; i = (i + 1) & mask) {
            if (slots[i].length == 0 || (slots[i].length == length && slots[i].digest == digest)) return i;
        }
    }
    void rehash(std::size_t n) {
        std::vector<Slot> bigger(n);
        for (const Slot& s : slots_) {
            if (s.length != 0) bigger[probe(bigger, s.length, s.digest)] = s;
        }
        slots_.swap(bigger);
    }
    std::vector<Slot> slots_;
    std::size_t size_ = 0;
};

/// The job reads the file as `st` says it is: the loader checks that it opens this very file
/// (device, inode, at least this size).
void plan_as(PlannedJob& pj, const FileStat& st) {
    pj.stat = st;
    InputFile& f = pj.job.file;
    f.stated = true;
    f.dev = st.dev;
    f.ino = st.ino;
    f.size = st.size;
    f.mtime_ns = st.mtime_ns;
    f.ctime_ns = st.ctime_ns;
    f.mtime = st.mtime_ns / 1000000000;
}

}  // namespace

const LedgerEntry* Ledger::find(const std::string& path) const {
    auto it = by_path_.find(path);
    return it == by_path_.end() ? nullptr : &it->second;
}

void Ledger::index_content(const LedgerEntry& e) {
    if (!e.hashed || !e.edges || e.offset == 0) return;
    auto it = by_path_.find(e.path);
    if (it != by_path_.end()) index_content(e, it->first);
}

void Ledger::index_content(const LedgerEntry& e, const std::string& key) {
    if (!e.hashed || !e.edges || e.offset == 0) return;
    const auto h = StreamHash::restore(e.hash);
    ++contents_[Content{h.length(), h.digest()}];
    index_starts(e.prefixes);
    Group& g = heads_[head_key(e.head_hash)];
    g.paths.push_back(&key);
    g.max_extent = std::max(g.max_extent, e.offset);
}

void Ledger::unindex_content(const LedgerEntry& e, bool keep) {
    if (!e.hashed || !e.edges || e.offset == 0) return;
    if (auto g = heads_.find(head_key(e.head_hash)); g != heads_.end()) {
        auto& v = g->second.paths;
        for (std::size_t i = v.size(); i-- > 0;) {  // the most recent are at the back
            if (*v[i] == e.path) {
                v.erase(v.begin() + static_cast<std::ptrdiff_t>(i));
                break;
            }
        }
        if (v.empty() && !keep) heads_.erase(g);  // kept: its extent still bounds the search
    }
    if (keep) return;
    const auto h = StreamHash::restore(e.hash);
    auto c = contents_.find(Content{h.length(), h.digest()});
    if (c != contents_.end() && --c->second == 0) contents_.erase(c);
    unindex_starts(e.prefixes);
}

void Ledger::index_starts(const std::vector<HeadPrefix>& prefixes) {
    for (const HeadPrefix& p : prefixes) ++starts_[Content{p.length, p.digest}];
}

void Ledger::unindex_starts(const std::vector<HeadPrefix>& prefixes) {
    for (const HeadPrefix& p : prefixes) {
        auto st = starts_.find(Content{p.length, p.digest});
        if (st != starts_.end() && --st->second == 0) starts_.erase(st);
    }
}

/// One plan's view of what will be counted once its jobs are read.
struct Ledger::Search {
    static constexpr std::size_t kNone = ~std::size_t{0};
    struct Planned {                        // a file read (to its end) in this plan
        const std::string* path = nullptr;  ///< the input's (inputs outlive the plan)
        std::uint64_t from = 0, line = 1;   ///< where hashing may start: its counted prefix
        StreamHash::State at;
        bool digested = false, ok = false;
        std::uint64_t length = 0;  ///< its counted stream once digested
        std::size_t prev = kNone;  ///< the planned file before it with the same head key
    };
    bool follow = false;
    const std::vector<InputFile>* inputs = nullptr;  ///< the plan's
    std::vector<Planned> planned;
    /// Head key -> the last planned file with it; the others by Planned::prev. One flat table,
    /// not a node and a vector a file: over 100,000 new files those were a sixth of the plan.
    FlatIndex64 heads;
    std::unordered_map<Content, std::size_t, ContentHash> contents;  ///< digested planned files
    FlatContentSet starts;                                           ///< line-end starts of planned files' heads
    std::unordered_set<std::string> trusted;                         ///< grown inputs: counted bytes checked on disk
    std::map<std::pair<std::string, std::uint64_t>, std::optional<std::uint64_t>> prefixes;

    /// `p` planned under head key `key`.
    void add(std::uint64_t key, Planned p) {
        std::size_t& last = heads.at(key, kNone);
        p.prev = last;
        last = planned.size();
        planned.push_back(std::move(p));
    }
    /// The planned files with head key `key`, the most recent first.
    std::size_t last_with(std::uint64_t key) const { return heads.find(key, kNone); }

    /// Digest of the first `n` stream bytes of `path` (memoised); nullopt when shorter.
    std::optional<std::uint64_t> prefix(const std::string& path, std::uint64_t n, SearchStats& stats) {
        auto [it, fresh] = prefixes.try_emplace({path, n});
        if (fresh) {
            ++stats.prefix_reads;
            const StreamDigest d = stream_digest(path, n);
            stats.bytes_hashed += d.length;
            if (d.ok && d.length == n) it->second = d.digest;
        }
        return it->second;
    }
    /// Hashes a planned file to its end once, so later files can be matched against it.
    void digest(std::size_t i, SearchStats& stats) {
        Planned& p = planned[i];
        if (p.digested) return;
        p.digested = true;
        const Scan sc = scan_stream(
            *p.path, p.from, p.at, p.line, ReadJob::kToEnd, follow, [](std::uint64_t, std::uint64_t) { return false; },
            stats.bytes_hashed);
        if (!sc.ok || !sc.whole) return;
        p.ok = true;
        p.length = sc.length;
        contents.emplace(Content{sc.length, StreamHash::restore(sc.state).digest()}, i);
    }
};

bool Ledger::counted_on_disk(const LedgerEntry& c, const Search& s) {
    if (s.trusted.contains(c.path)) return true;
    const auto st = stat_file(c.path);
    if (!st || st->dev != c.stat.dev || st->ino != c.stat.ino) return false;
    if (*st == c.stat) return true;
    if (c.gzip || st->size < c.offset) return false;
    const std::uint64_t k = std::min<std::uint64_t>(c.offset, kEdgeBytes);
    return range_hash(c.path, 0, k) == c.head_hash && range_hash(c.path, c.offset - k, c.offset) == c.tail_hash;
}

/// A file pass 1 (classify) hands to pass 2 (resolve): grown, replaced or new.
struct Ledger::Todo {
    static constexpr std::size_t kNoHead = ~std::size_t{0};
    PlannedJob pj;
    LedgerEntry* own = nullptr;  ///< the path's entry (grown or replaced)
    std::size_t head = kNoHead;  ///< its head among those read ahead
};

struct Ledger::Lists {
    std::vector<Todo> grown, replaced;
    std::vector<std::size_t> fresh;  ///< inputs the ledger knows no entry for
};

namespace {
/// A job reading input `i` (`f`) as the run reads: whole lines only when following.
PlannedJob job_for(const InputFile& f, std::size_t i, bool follow) {
    PlannedJob pj;
    pj.input = i;
    pj.job.file = f;
    pj.job.take_partial_tail = !follow;
    return pj;
}
}  // namespace

PlannedJob Ledger::new_job(const InputFile& f, std::size_t i, bool follow) {
    PlannedJob pj = job_for(f, i, follow);
    pj.kind = PlanKind::Read;
    if (f.stated) plan_as(pj, FileStat{f.dev, f.ino, f.size, f.mtime_ns, f.ctime_ns});
    return pj;
}

/// What pass 2 found of one file: where reading can start, its whole counted stream when
/// known, and its head.
struct Ledger::Found {
    Scan best;  ///< match: the longest counted start; whole/length: the counted stream
    bool gzip = false;
    bool head_read = false;
    std::vector<HeadPrefix> own_starts;  ///< its line-end starts in its first KiB
    std::uint64_t key = 0;               ///< head_key of its first KiB, when have_key
    bool have_key = false;
    bool own_prefix = false;             ///< the path's counted content is a start of this one
    std::uint64_t reach = 0;             ///< the longest counted or planned content that could be a start of it
    std::shared_ptr<OpenedFile> opened;  ///< Head::opened, for the job that reads it
};

std::vector<PlannedJob> Ledger::plan(const std::vector<InputFile>& inputs, bool follow, PlanCounts& counts,
                                     std::vector<InputProblem>& problems) {
    std::vector<PlannedJob> out;
    plan(inputs, follow, counts, problems, out, {});
    return out;
}

void Ledger::plan(const std::vector<InputFile>& inputs, bool follow, PlanCounts& counts,
                  std::vector<InputProblem>& problems, std::vector<PlannedJob>& out,
                  const std::function<void(std::size_t)>& final) {
    // Pass 1 sorts inputs: unchanged, grown (same file, its counted head and tail still
    // there), replaced (the path holds other bytes) or new. Pass 2 looks for counted content
    // in the ones to read, grown first, then replaced, then new; each is matched only against
    // content counted before or files planned before it, so two files never skip each other.
    Lists lists;
    // Paths the ledger does not know are new: usually all of a first run's, none of a restart's.
    lists.fresh.reserve(inputs.size() > by_path_.size() ? inputs.size() - by_path_.size() : 0);
    Search search;
    search.follow = follow;
    search.inputs = &inputs;
    for (std::size_t i = 0; i < inputs.size(); ++i)
        classify(inputs[i], i, follow, counts, problems, out, lists, search);

    // Room for what this plan's files add, at once: 100,000 new files would rehash these maps
    // and grow these vectors a dozen times each.
    const std::size_t todo = lists.grown.size() + lists.replaced.size() + lists.fresh.size();
    if (lists.fresh.size() > 1024) reserve(by_path_.size() + lists.fresh.size());
    out.reserve(out.size() + todo);
    search.planned.reserve(todo);
    search.heads.reserve(todo);
    search.starts.reserve(todo);  // its head's line ends, a few a file (a file read whole adds its content)

    // A grown file whose counted start is known needs no head; every other one is read ahead
    // in chunks, on every core.
    auto needs_head = [](const Todo& t) {
        return !(t.pj.kind == PlanKind::Appended && t.own->edges && t.own->offset >= kEdgeBytes);
    };
    // When a loader reads the jobs as they are made final, each file's descriptor is held for
    // its reader (HoldOpen), in chunks a fraction of what may be held: a chunk's jobs are made
    // final only when the next one starts, and until then no reader can take their descriptors.
    const std::size_t head_chunk = final ? OpenedFile::kMaxHeld / 4 : 4096;
    HoldOpen hold;
    std::vector<const InputFile*> head_files;
    std::vector<Head> heads;
    auto plan_chunk = [&](std::span<Todo> todos) {
        if (final) final(out.size());
        head_files.clear();
        for (Todo& u : todos) {
            if (!needs_head(u)) continue;
            u.head = head_files.size();
            head_files.push_back(&u.pj.job.file);
        }
        read_heads(head_files, heads, final ? &hold : nullptr);
        for (Todo& t : todos) resolve(t, t.head != Todo::kNoHead ? &heads[t.head] : nullptr, search, counts, out);
    };
    for (auto* list : {&lists.grown, &lists.replaced}) {
        for (std::size_t ti = 0; ti < list->size(); ti += head_chunk)
            plan_chunk(std::span(*list).subspan(ti, std::min(head_chunk, list->size() - ti)));
    }
    // New files are made todos a chunk at a time (a first run's 100,000 todos were 32 MB of
    // fresh pages, each job built there and moved on once).
    std::vector<Todo> chunk;
    chunk.reserve(std::min(head_chunk, lists.fresh.size()));
    for (std::size_t ti = 0; ti < lists.fresh.size(); ti += head_chunk) {
        chunk.clear();
        for (std::size_t k = ti; k < std::min(ti + head_chunk, lists.fresh.size()); ++k)
            chunk.push_back({new_job(inputs[lists.fresh[k]], lists.fresh[k], follow), nullptr});
        plan_chunk(chunk);
    }
    if (final) final(out.size());
}

void Ledger::classify(const InputFile& f, std::size_t i, bool follow, PlanCounts& counts,
                      std::vector<InputProblem>& problems, std::vector<PlannedJob>& out, Lists& lists, Search& search) {
    if (f.path == "-") {
        ++counts.read;
        out.push_back(job_for(f, i, follow));
        return;
    }
    const std::string& path = f.path;
    auto it = by_path_.find(path);
    if (it == by_path_.end()) {
        // New: its job is made when its chunk is planned (new_job). Listed by name only
        // (StatFiles::WhenOpened), its stat comes from the descriptor its head is read from
        // (find_counted_start), not from a look of its own.
        lists.fresh.push_back(i);
        return;
    }
    const auto st =
        f.stated ? std::optional<FileStat>(FileStat{f.dev, f.ino, f.size, f.mtime_ns, f.ctime_ns}) : stat_file(f.path);
    if (!st) {
        problems.push_back({path, std::strerror(errno)});
        return;
    }
    LedgerEntry& e = it->second;
    if (e.stat == *st && e.gaps.empty() && (e.gzip || follow || e.offset >= st->size)) {
        if (!e.error.empty())
            problems.push_back({path, e.error,
                                !e.failed       ? InputProblem::Effect::NothingMissing
                                : e.offset == 0 ? InputProblem::Effect::NotRead
                                                : InputProblem::Effect::ReadInPart});
        // No work here, not even a copy of the input: a restart's unchanged files cost
        // their listing and one lookup.
        ++counts.unchanged;
        return;
    }
    PlannedJob pj = job_for(f, i, follow);
    plan_as(pj, *st);
    if (!still_counted(e, *st)) {  // truncated or replaced (or a .gz rewritten): read unless its start is counted
        pj.kind = PlanKind::Replaced;
        lists.replaced.push_back({std::move(pj), &e});
        return;
    }
    pj.kind = PlanKind::Appended;
    pj.extends = true;
    pj.job.begin = e.offset;
    pj.job.first_line = e.next_line;
    if (e.hashed && e.gaps.empty()) pj.job.hash_before = e.hash;
    if (e.edges && e.gaps.empty()) pj.job.tail_before = e.tail_hash;
    if (e.gaps.empty() && st->size == e.offset && !follow) {  // touched, or restored after a crash
        e.stat = *st;
        complete_hash(e);  // now (when a crash left it unhashed): a copy later in this plan is matched
        dirty_.push_back(&e);
        ++counts.unchanged;
        return;
    }
    if (e.gaps.empty()) {
        search.trusted.insert(path);
        lists.grown.push_back({std::move(pj), &e});
        return;
    }
    // After a crash: read the ranges it missed, then the rest; later files are matched
    // against all of it.
    if (const Head h = read_head(f.path); h.ok && !h.bytes.empty()) {
        Search::Planned p;
        p.path = &f.path;
        search.add(head_key(StreamHash::of(h.bytes)), std::move(p));
    }
    for (const auto& [b, en] : e.gaps) {
        PlannedJob g = pj;
        g.gap = true;
        g.extends = false;
        g.job.begin = b;
        g.job.end = en;
        g.job.first_line = 0;  // unknown after a crash
        out.push_back(std::move(g));
    }
    if (st->size == e.offset && !follow) {
        e.stat = *st;
        dirty_.push_back(&e);
        return;
    }
    ++counts.appended;
    out.push_back(std::move(pj));
}

bool Ledger::still_counted(const LedgerEntry& e, const FileStat& st) const {
    const bool same_file = e.stat.dev == st.dev && e.stat.ino == st.ino;
    if (!same_file || e.gzip || st.size < e.offset) return false;
    if (e.offset == 0) return true;
    const std::string& path = e.path;
    if (e.edges) {
        const std::uint64_t k = std::min<std::uint64_t>(e.offset, kEdgeBytes);
        return range_hash(path, 0, k) == e.head_hash && range_hash(path, e.offset - k, e.offset) == e.tail_hash;
    }
    if (!e.hashed) return true;  // after a crash: its gaps are read, its spans were committed
    // Counted, but its edges could not be taken (the file changed as it was recorded): the
    // whole counted start is compared, never taken on trust (a file truncated and written past
    // the old offset would be read from there, and its old lines forgotten).
    const StreamDigest d = stream_digest(path, e.offset);
    return d.ok && d.length == e.offset && d.digest == StreamHash::restore(e.hash).digest();
}

void Ledger::resolve(Todo& t, Head* head, Search& search, PlanCounts& counts, std::vector<PlannedJob>& out) {
    PlannedJob& pj = t.pj;
    Found f = find_counted_start(t, head, search);
    if (covered(t, f, search)) {
        record_duplicate(t, f);
        ++counts.duplicate;
        return;
    }
    if (f.best.matched && f.best.match > pj.job.begin) {
        pj.job.tail_before.reset();  // it stood for the old offset
        pj.job.begin = f.best.match;
        pj.job.first_line = f.best.match_line;
        pj.job.hash_before = f.best.match_state;
    }
    // Read what was planned: a plain file up to the size listed (its content was judged up to
    // there or beyond); what it gains meanwhile is the next plan's, judged in turn. A copy
    // still being written would otherwise be read past the counted start it was matched as.
    if (!f.gzip) pj.job.end = std::min(pj.job.end, pj.stat.size);
    const bool is_grown = pj.kind == PlanKind::Appended;
    if (f.own_prefix && !is_grown) {  // re-synced longer, or a .gz with a member appended
        pj.kind = PlanKind::Appended;
        pj.extends = true;
    }
    for (const HeadPrefix& p : f.own_starts) search.starts.insert(p.length, p.digest);
    if (f.have_key) {
        Search::Planned p;
        p.path = &(*search.inputs)[pj.input].path;
        if (f.best.whole) {
            p.digested = p.ok = true;
            p.length = f.best.length;
            search.contents.emplace(Content{f.best.length, StreamHash::restore(f.best.state).digest()},
                                    search.planned.size());
        } else if (is_grown && pj.job.hash_before) {
            p.from = t.own->offset;
            p.line = t.own->next_line;
            p.at = t.own->hash;
        }
        search.add(f.key, std::move(p));
    }
    if (pj.kind == PlanKind::Appended) {
        ++counts.appended;
    } else if (pj.kind == PlanKind::Replaced) {
        ++counts.replaced;
    } else {
        ++counts.read;
    }
    pj.job.opened = std::move(f.opened);
    out.push_back(std::move(pj));
}

Ledger::Found Ledger::find_counted_start(Todo& t, Head* read_ahead, Search& search) {
    PlannedJob& pj = t.pj;
    const bool is_grown = pj.kind == PlanKind::Appended;
    const LedgerEntry* own = t.own;
    const Content own_content = own && own->hashed && own->gaps.empty()
                                    ? Content{own->offset, StreamHash::restore(own->hash).digest()}
                                    : Content{ReadJob::kToEnd, 0};
    Found f;
    f.own_prefix = is_grown;
    auto known_here = [&](std::uint64_t length, std::uint64_t digest) {
        const Content c{length, digest};
        if (c == own_content) f.own_prefix = true;
        return contents_.contains(c) || search.contents.contains(c);
    };
    f.best.match = pj.job.begin;
    f.gzip = own && own->gzip;
    if (is_grown && own->edges && own->offset >= kEdgeBytes) {
        pj.head_hash = own->head_hash;
        f.key = head_key(own->head_hash);
        f.have_key = true;
    } else {
        Head head = read_ahead ? std::move(*read_ahead) : read_head(pj.job.file.path, nullptr, &pj.job.file);
        // Listed by name only: planned as its descriptor's stat says. None (it could not be opened,
        // or is no regular file): planned as no file at all, so the reader finds it gone or changed
        // and the file is listed and planned again, as one the listing saw change.
        if (!pj.job.file.stated) plan_as(pj, head.stat.value_or(FileStat{}));
        f.opened = std::move(head.opened);
        f.gzip = head.gzip;
        std::string_view counted = head.bytes;
        if (head.complete && search.follow) counted = counted.substr(0, counted.rfind('\n') + 1);  // npos + 1 == 0
        f.head_read = head.ok;
        if (head.ok) {
            // Counted content shorter than 1 KiB has a key of its own: look for it at each line
            // end of the head (no read: the bytes are here). A grown file too: one created empty
            // (or with half a line) and then written, as `cmd > file` does, is a new file to
            // judge, and its lines may be counted content. The same pass gives its line-end
            // starts and its head's hash.
            const bool judge = !is_grown || counted.size() > own->offset;
            const std::uint64_t digest = match_in_head(counted, head.complete, judge, known_here, f.best, f.own_starts);
            if (!counted.empty()) {
                pj.head_hash = digest;
                f.key = head_key(pj.head_hash);
                f.have_key = true;
            }
        }
    }
    // Past the head: only when content with the same first KiB is counted or planned.
    auto group = f.have_key ? heads_.find(f.key) : heads_.end();
    if (group != heads_.end()) f.reach = group->second.max_extent;
    if (f.have_key) {
        // The kMaxCandidates most recent planned files with this head, the oldest first.
        std::array<std::size_t, kMaxCandidates> recent;
        std::size_t n = 0;
        for (std::size_t k = search.last_with(f.key); k != Search::kNone && n < kMaxCandidates;
             k = search.planned[k].prev)
            recent[n++] = k;
        while (n-- > 0) {
            search.digest(recent[n], stats_);
            if (search.planned[recent[n]].ok) f.reach = std::max(f.reach, search.planned[recent[n]].length);
        }
    }
    const std::uint64_t from = is_grown ? own->offset : 0;
    const bool resumable = !is_grown || pj.job.hash_before.has_value();
    if (f.best.whole || f.reach <= from || !resumable) return f;
    const StreamHash::State at = is_grown && pj.job.hash_before ? *pj.job.hash_before : StreamHash::State{};
    Scan sc = scan_stream(pj.job.file.path, from, at, is_grown ? own->next_line : 1, f.reach, search.follow, known_here,
                          stats_.bytes_hashed);
    if (!sc.ok) return f;
    if (sc.matched && sc.match >= f.best.match) {
        f.best.matched = true;
        f.best.match = sc.match;
        f.best.match_line = sc.match_line;
        f.best.match_state = sc.match_state;
    }
    f.best.whole = sc.whole;
    f.best.length = sc.length;
    f.best.state = sc.state;
    f.best.next_line = sc.next_line;
    return f;
}

template <class Known>
std::uint64_t Ledger::match_in_head(std::string_view counted, bool complete, bool judge, Known&& known, Scan& best,
                                    std::vector<HeadPrefix>& starts) {
    StreamHash h;
    std::uint64_t line = 1;
    std::string_view rest = counted;
    starts.clear();
    while (!rest.empty()) {
        const std::size_t nl = rest.find('\n');
        const std::size_t n = nl == std::string_view::npos ? rest.size() : nl + 1;
        h.update(rest.substr(0, n));
        rest.remove_prefix(n);
        if (nl != std::string_view::npos) ++line;
        const bool at_end = nl == std::string_view::npos;
        // head_prefixes(counted, complete ? its size : no end), in this pass.
        if (!at_end && keeps_head_prefix(h.length(), complete ? counted.size() : ReadJob::kToEnd, starts.size()))
            starts.push_back(HeadPrefix{h.digest(), static_cast<std::uint16_t>(h.length())});
        if (!judge || (at_end && !complete)) continue;  // a line that goes on past the head
        if (known(h.length(), h.digest())) {
            best.matched = true;
            best.match = h.length();
            best.match_line = at_end ? line + 1 : line;
            best.match_state = h.state();
        }
    }
    if (judge && complete) {
        best.whole = true;
        best.length = h.length();
        best.state = h.state();
        best.next_line = counted.empty() || counted.back() == '\n' ? line : line + 1;
    }
    return h.digest();
}

bool Ledger::covered(const Todo& t, const Found& f, Search& search) {
    const Scan& best = f.best;
    if (!best.whole || best.length == 0) return false;
    // All of it counted: the same bytes, or a start of a longer file counted or planned.
    if (best.matched && best.match == best.length) return true;
    // A short file that is a line-aligned start of a counted (or planned) file: its whole
    // content is one of their kept starts (no read needed, whatever the order).
    if (best.length <= kEdgeBytes) {
        const Content whole{best.length, StreamHash::restore(best.state).digest()};
        if (starts_.contains(whole) || search.starts.contains(whole.length, whole.digest)) return true;
    }
    if (f.reach <= best.length || !f.have_key) return false;
    return covered_by_longer(t.pj.job.file.path, f, search);
}

bool Ledger::covered_by_longer(const std::string& path, const Found& f, Search& search) {
    // A start of a longer file counted or planned, still on disk as counted, so its start can
    // be read and compared (at most kMaxPrefixReads of the kMaxCandidates most recent).
    const std::uint64_t length = f.best.length;
    const std::uint64_t want = StreamHash::restore(f.best.state).digest();
    std::size_t looked = 0;
    auto try_path = [&](const std::string& other) {
        if (other == path || looked >= kMaxPrefixReads) return false;
        ++looked;
        return search.prefix(other, length, stats_) == want;
    };
    std::size_t seen = 0;
    for (std::size_t k = search.last_with(f.key); k != Search::kNone && seen < kMaxCandidates;
         k = search.planned[k].prev, ++seen) {
        const auto& p = search.planned[k];
        ++stats_.candidates;
        if (p.ok && p.length > length && try_path(*p.path)) return true;
    }
    if (auto g = heads_.find(f.key); g != heads_.end()) {
        const auto& v = g->second.paths;
        for (std::size_t k = v.size(); k-- > 0 && v.size() - k <= kMaxCandidates;) {
            const LedgerEntry& c = by_path_.at(*v[k]);
            ++stats_.candidates;
            if (c.offset > length && c.path != path && counted_on_disk(c, search) && try_path(c.path)) return true;
        }
    }
    return false;
}

void Ledger::record_duplicate(const Todo& t, const Found& f) {
    const PlannedJob& pj = t.pj;
    const std::string& path = pj.job.file.path;
    LedgerEntry e;
    e.path = path;
    e.stat = pj.stat;
    e.gzip = f.gzip;
    e.offset = f.best.length;
    e.next_line = f.best.next_line;
    e.hashed = true;
    e.hash = f.best.state;
    fill_edges(e);
    if (f.head_read) {
        e.prefixes = f.own_starts;
        std::erase_if(e.prefixes, [&](const HeadPrefix& p) { return p.length >= e.offset; });
    } else {
        fill_prefixes(e);
    }
    LedgerEntry& slot = by_path_[path];
    unindex_content(slot, !(f.own_prefix && slot.stat.dev == pj.stat.dev && slot.stat.ino == pj.stat.ino));
    slot = std::move(e);
    index_content(slot);
    dirty_.push_back(&slot);
}

const LedgerEntry& Ledger::record(const PlannedJob& pj, const FileResult& r) {
    static const LedgerEntry none;
    const std::string& path = pj.job.file.path;
    if (path == "-") return none;
    if (r.untouched) {
        // A failed read (no permission, gone, rotated under it) changes nothing: resetting
        // the entry would count the file again from its start once it can be read.
        const auto it = by_path_.find(path);
        return it == by_path_.end() ? none : it->second;
    }
    LedgerEntry& e = by_path_[path];
    if (pj.gap) {
        if (r.error.empty()) {
            std::erase_if(e.gaps, [&](const auto& g) { return g.first == pj.job.begin; });
            dirty_.push_back(&e);
        }
        return e;
    }
    // A grown file's content is extended in place; content a replaced path held (another
    // inode, as load() sees it too) stays known.
    unindex_content(e, !(pj.extends && e.stat.dev == pj.stat.dev && e.stat.ino == pj.stat.ino));
    // Read on from a counted start of a KiB or more: the plan checked its first KiB, so its head
    // hash holds (the file need not be opened again, nor be there still).
    const std::optional<std::uint64_t> kept_head =
        pj.kind == PlanKind::Appended && e.edges && e.offset >= kEdgeBytes ? std::optional(e.head_hash) : std::nullopt;
    if (pj.kind == PlanKind::Read || pj.kind == PlanKind::Replaced) {
        e = LedgerEntry{};
        e.path = path;
    }
    e.stat = pj.stat;
    e.gzip = e.gzip || r.gzip || (r.bytes == 0 && is_gzip(pj.job.file.path));
    e.offset = std::max(e.offset, r.end);
    e.next_line = r.next_line;
    e.hashed = r.hashed && r.end == e.offset;
    e.hash = r.hash;
    e.error = r.error;
    e.failed = r.failed;
    if (r.edges_left) {
        // A one-shot read: complete_hash() takes its edges and prefixes from the file should a
        // plan come after all. Nothing is indexed without the content hash anyway.
        e.edges = false;
        dirty_.push_back(&e);
        return e;
    }
    if (r.head_prefixes) {
        e.prefixes = *r.head_prefixes;
    } else if (pj.job.begin < kEdgeBytes || pj.kind == PlanKind::Read || pj.kind == PlanKind::Replaced) {
        fill_prefixes(e);  // read from a counted start, or grown from under a KiB
    }
    std::erase_if(e.prefixes, [&](const HeadPrefix& p) { return p.length >= e.offset; });
    e.edges = false;
    const std::optional<std::uint64_t> head = r.head_hash ? r.head_hash : kept_head;
    if (e.offset > 0 && r.end == e.offset && head && (e.gzip || r.tail_hash)) {
        // The loader saw both edges while reading: no need to open the file again.
        e.head_hash = *head;
        if (!e.gzip) e.tail_hash = *r.tail_hash;
        e.edges = true;
    } else {
        fill_edges(e);
    }
    index_content(e);
    dirty_.push_back(&e);
    return e;
}

void Ledger::put(LedgerEntry e) {
    if (!pending_.empty()) pending_.erase(e.path);
    // One lookup and no copy of the path beyond the key: a restart puts 100,000 of these.
    const auto [it, fresh] = by_path_.try_emplace(e.path);
    LedgerEntry& slot = it->second;
    if (!fresh) {
        // A later entry of the same file (hours of follow rounds) replaces its content; one of
        // another file under that name leaves the old content known.
        const bool same_file = slot.stat.dev == e.stat.dev && slot.stat.ino == e.stat.ino && e.offset >= slot.offset;
        unindex_content(slot, !same_file);
    }
    slot = std::move(e);
    index_content(slot, it->first);
}

void Ledger::set_prefixes(const std::string& path, std::vector<HeadPrefix> prefixes) {
    auto it = by_path_.find(path);
    if (it == by_path_.end()) return;
    LedgerEntry& e = it->second;
    const bool indexed = e.hashed && e.edges && e.offset > 0;  // as index_content()
    std::erase_if(prefixes, [&](const HeadPrefix& p) { return p.length == 0 || p.length >= e.offset; });
    if (prefixes.size() > kMaxHeadPrefixes) prefixes.resize(kMaxHeadPrefixes);
    if (indexed) unindex_starts(e.prefixes);
    e.prefixes = std::move(prefixes);
    if (indexed) index_starts(e.prefixes);
}

void Ledger::add_committed_span(const std::string& path, std::uint64_t dev, std::uint64_t ino, bool gzip,
                                std::uint64_t begin, std::uint64_t end, std::uint64_t end_line) {
    Pending& p = pending_[path];
    if (!p.ranges.empty() && (p.dev != dev || p.ino != ino)) p = Pending{};  // replaced mid-way
    p.dev = dev;
    p.ino = ino;
    p.gzip = gzip;
    p.ranges.emplace_back(begin, end);
    if (end >= p.max_end) {
        p.max_end = end;
        p.end_line = end_line;
    }
}

void Ledger::settle() {
    for (auto& [path, p] : pending_) {
        auto it = by_path_.find(path);
        LedgerEntry fresh;
        fresh.path = path;
        const bool extend = it != by_path_.end() && it->second.stat.dev == p.dev && it->second.stat.ino == p.ino;
        if (it != by_path_.end()) unindex_content(it->second, !extend);
        LedgerEntry& e = extend ? it->second : (by_path_[path] = fresh);
        // Covered: [0, offset) less its gaps, plus the committed spans.
        std::uint64_t from = 0;
        auto old_gaps = e.gaps;
        std::sort(old_gaps.begin(), old_gaps.end());
        for (const auto& [b, en] : old_gaps) {
            if (b > from) p.ranges.emplace_back(from, b);
            from = en;
        }
        if (e.offset > from) p.ranges.emplace_back(from, e.offset);
        std::sort(p.ranges.begin(), p.ranges.end());
        std::vector<std::pair<std::uint64_t, std::uint64_t>> gaps;
        std::uint64_t covered = 0;
        for (const auto& [b, en] : p.ranges) {
            if (b > covered) gaps.emplace_back(covered, b);
            covered = std::max(covered, en);
        }
        e.gaps = std::move(gaps);
        if (covered > e.offset) e.next_line = p.end_line;
        e.offset = std::max(e.offset, covered);
        e.stat = FileStat{p.dev, p.ino, 0, 0};  // forces a look at the file
        e.gzip = p.gzip;
        e.hashed = false;
        e.edges = false;
        dirty_.push_back(&e);
    }
    pending_.clear();
}

void Ledger::complete_hash(LedgerEntry& e) {
    if (e.hashed || !e.gaps.empty() || e.offset == 0 || !e.error.empty()) return;
    // Read in pieces (a crash, then gaps filled): hash what is now all counted, once.
    const StreamDigest d = stream_digest(e.path, e.offset);
    if (!d.ok || d.length != e.offset) return;
    e.hash = d.state;
    e.hashed = true;
    if (!e.edges) fill_edges(e);
    if (e.prefixes.empty()) fill_prefixes(e);
    index_content(e);
}

std::vector<LedgerEntry> Ledger::take_dirty(bool copies) {
    std::vector<LedgerEntry> out;
    if (copies) {
        std::sort(dirty_.begin(), dirty_.end(),
                  [](const LedgerEntry* a, const LedgerEntry* b) { return a->path < b->path; });
        dirty_.erase(std::unique(dirty_.begin(), dirty_.end()), dirty_.end());
        out.reserve(dirty_.size());
    }
    for (LedgerEntry* e : dirty_) {
        complete_hash(*e);  // once: a hashed entry returns at once
        if (copies) out.push_back(*e);
    }
    dirty_.clear();
    return out;
}

}  // namespace s3top
