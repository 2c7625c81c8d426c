#include "core/ingest/ledger.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace s3top {

std::optional<FileStat> stat_file(const std::filesystem::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return std::nullopt;
    FileStat f;
    f.dev = static_cast<std::uint64_t>(st.st_dev);
    f.ino = static_cast<std::uint64_t>(st.st_ino);
    f.size = static_cast<std::uint64_t>(st.st_size);
    f.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    return f;
}

namespace {

bool is_gzip(const std::filesystem::path& p) {
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    unsigned char m[2] = {0, 0};
    const bool gz = ::pread(fd, m, 2, 0) == 2 && m[0] == 0x1f && m[1] == 0x8b;
    ::close(fd);
    return gz;
}

/// Hash of the stream (decompressed when gzip) from its start: the first `limit` bytes, or all.
struct StreamDigest {
    std::uint64_t length = 0, digest = 0;
    StreamHash::State state;
    bool ok = false;
};
StreamDigest stream_digest(const std::filesystem::path& p, std::uint64_t limit) {
    StreamDigest out;
    gzFile gz = gzopen(p.c_str(), "rb");  // reads plain files as they are
    if (!gz) return out;
    StreamHash h;
    std::vector<char> buf(1 << 16);
    while (h.length() < limit) {
        const auto want = static_cast<unsigned>(std::min<std::uint64_t>(buf.size(), limit - h.length()));
        const int got = gzread(gz, buf.data(), want);
        if (got < 0) {
            gzclose(gz);
            return out;
        }
        if (got == 0) break;
        h.update({buf.data(), static_cast<std::size_t>(got)});
    }
    gzclose(gz);
    out.length = h.length();
    out.digest = h.digest();
    out.state = h.state();
    out.ok = true;
    return out;
}

/// stream_digest(p, kEdgeBytes) with one open and one read for a plain file (most logs).
StreamDigest head_digest(const std::filesystem::path& p) {
    StreamDigest out;
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return out;
    char buf[kEdgeBytes];
    std::size_t done = 0;
    while (done < sizeof buf) {
        const ssize_t n = ::pread(fd, buf + done, sizeof buf - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    if (done >= 2 && static_cast<unsigned char>(buf[0]) == 0x1f && static_cast<unsigned char>(buf[1]) == 0x8b)
        return stream_digest(p, kEdgeBytes);  // gzip: the hash is of the decompressed start
    out.length = done;
    out.digest = StreamHash::of({buf, done});
    out.ok = true;
    return out;
}

/// Hash of bytes [begin, end) of a plain file; nullopt when they cannot all be read.
std::optional<std::uint64_t> range_hash(const std::filesystem::path& p, std::uint64_t begin, std::uint64_t end) {
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::string buf(static_cast<std::size_t>(end - begin), '\0');
    std::size_t done = 0;
    while (done < buf.size()) {
        const ssize_t n = ::pread(fd, buf.data() + done, buf.size() - done, static_cast<off_t>(begin + done));
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    if (done != buf.size()) return std::nullopt;
    return StreamHash::of(buf);
}

std::uint64_t head_key(std::uint64_t head_hash) { return mix64(head_hash); }

/// Sets the head and tail hashes of [0, offset) from the file on disk (edges = false when it
/// cannot be read that far).
void fill_edges(LedgerEntry& e) {
    e.edges = false;
    if (e.offset == 0) return;
    const std::uint64_t k = std::min<std::uint64_t>(e.offset, kEdgeBytes);
    if (e.gzip) {
        const StreamDigest h = stream_digest(e.path, k);
        if (h.ok && h.length == k) {
            e.head_hash = h.digest;
            e.edges = true;
        }
        return;
    }
    const auto h = range_hash(e.path, 0, k);
    const auto t = range_hash(e.path, e.offset - k, e.offset);
    if (h && t) {
        e.head_hash = *h;
        e.tail_hash = *t;
        e.edges = true;
    }
}

}  // namespace

const LedgerEntry* Ledger::find(const std::string& path) const {
    auto it = by_path_.find(path);
    return it == by_path_.end() ? nullptr : &it->second;
}

void Ledger::index_content(const LedgerEntry& e) {
    if (!e.hashed || !e.edges) return;
    const auto h = StreamHash::restore(e.hash);
    contents_.insert(Content{h.length(), h.digest()});
    heads_.insert(head_key(e.head_hash));
}

std::vector<PlannedJob> Ledger::plan(const std::vector<InputFile>& inputs, bool follow, PlanCounts& counts,
                                     std::vector<InputProblem>& problems) {
    std::vector<PlannedJob> out;
    // New files in this plan by head hash, to find copies among themselves.
    std::unordered_map<std::uint64_t, std::vector<std::size_t>> new_heads;
    std::unordered_map<std::size_t, StreamDigest> digests;  // by input index
    auto digest_of = [&](std::size_t i) -> const StreamDigest& {
        auto it = digests.find(i);
        if (it == digests.end()) it = digests.emplace(i, stream_digest(inputs[i].path, ReadJob::kToEnd)).first;
        return it->second;
    };
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const InputFile& f = inputs[i];
        PlannedJob pj;
        pj.input = i;
        pj.job.file = f;
        pj.job.take_partial_tail = !follow;
        if (f.path == "-") {
            ++counts.read;
            out.push_back(std::move(pj));
            continue;
        }
        const std::string path = f.path.string();
        const auto st = f.stated ? std::optional<FileStat>(FileStat{f.dev, f.ino, f.size, f.mtime_ns}) : stat_file(f.path);
        if (!st) {
            problems.push_back({path, std::strerror(errno)});
            continue;
        }
        pj.stat = *st;
        auto it = by_path_.find(path);
        bool replaced = false;
        if (it != by_path_.end()) {
            LedgerEntry& e = it->second;
            const bool same_file = e.stat.dev == st->dev && e.stat.ino == st->ino;
            if (e.stat == *st && e.gaps.empty() && (e.gzip || follow || e.offset >= st->size)) {
                if (!e.error.empty()) problems.push_back({path, e.error});
                ++counts.unchanged;
                continue;
            }
            bool grows = same_file && !e.gzip && st->size >= e.offset;
            if (grows && e.edges && e.offset > 0) {
                const std::uint64_t k = std::min<std::uint64_t>(e.offset, kEdgeBytes);
                grows = range_hash(f.path, 0, k) == e.head_hash && range_hash(f.path, e.offset - k, e.offset) == e.tail_hash;
            }
            if (grows) {
                for (const auto& [b, en] : e.gaps) {
                    PlannedJob g = pj;
                    g.kind = PlanKind::Appended;
                    g.gap = true;
                    g.job.begin = b;
                    g.job.end = en;
                    g.job.first_line = 0;  // unknown after a crash
                    out.push_back(std::move(g));
                }
                if (st->size == e.offset && !follow) {
                    e.stat = *st;
                    dirty_.push_back(path);
                    if (e.gaps.empty()) ++counts.unchanged;
                    continue;
                }
                pj.kind = PlanKind::Appended;
                pj.job.begin = e.offset;
                pj.job.first_line = e.next_line;
                if (e.hashed && e.gaps.empty()) pj.job.hash_before = e.hash;
                ++counts.appended;
                out.push_back(std::move(pj));
                continue;
            }
            replaced = true;  // truncated or replaced: read again from the start as a new file
        }
        pj.kind = replaced ? PlanKind::Replaced : PlanKind::Read;
        const StreamDigest head = head_digest(f.path);
        pj.head_hash = head.digest;
        // The same content under another name (or synced again): known already, or planned.
        bool duplicate = false;
        if (head.ok && head.length > 0) {
            const bool known = heads_.contains(head_key(head.digest));
            auto& same_head = new_heads[head.digest];
            if (known || !same_head.empty()) {
                const StreamDigest& full = digest_of(i);
                if (full.ok) {
                    duplicate = known && contents_.contains(Content{full.length, full.digest});
                    for (std::size_t j : same_head) {
                        const StreamDigest& o = digest_of(j);
                        if (o.ok && o.length == full.length && o.digest == full.digest) duplicate = true;
                    }
                }
            }
            if (duplicate) {
                const StreamDigest& full = digest_of(i);
                LedgerEntry e;
                e.path = path;
                e.stat = *st;
                e.gzip = is_gzip(f.path);
                e.offset = full.length;
                e.head_hash = head.digest;
                e.tail_hash = e.gzip ? 0 : range_hash(f.path, full.length - std::min<std::uint64_t>(full.length, kEdgeBytes), full.length).value_or(0);
                e.edges = true;
                e.hashed = true;
                e.hash = full.state;
                by_path_[path] = std::move(e);
                dirty_.push_back(path);
                ++counts.duplicate;
                continue;
            }
            same_head.push_back(i);
        }
        if (replaced) ++counts.replaced; else ++counts.read;
        out.push_back(std::move(pj));
    }
    return out;
}

const LedgerEntry& Ledger::record(const PlannedJob& pj, const FileResult& r) {
    static const LedgerEntry none;
    const std::string path = pj.job.file.path.string();
    if (path == "-") return none;
    LedgerEntry& e = by_path_[path];
    if (pj.gap) {
        if (r.error.empty()) {
            std::erase_if(e.gaps, [&](const auto& g) { return g.first == pj.job.begin; });
            dirty_.push_back(path);
        }
        return e;
    }
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
    e.edges = false;
    if (e.offset > 0 && r.end == e.offset && r.head_hash && (e.gzip || r.tail_hash)) {
        // The loader saw both edges while reading: no need to open the file again.
        e.head_hash = *r.head_hash;
        if (!e.gzip) e.tail_hash = *r.tail_hash;
        e.edges = true;
    } else {
        fill_edges(e);
    }
    index_content(e);
    dirty_.push_back(path);
    return e;
}

void Ledger::put(LedgerEntry e) {
    pending_.erase(e.path);
    index_content(e);
    std::string path = e.path;
    by_path_[path] = std::move(e);
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
        dirty_.push_back(path);
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
    index_content(e);
}

std::vector<LedgerEntry> Ledger::take_dirty() {
    std::sort(dirty_.begin(), dirty_.end());
    dirty_.erase(std::unique(dirty_.begin(), dirty_.end()), dirty_.end());
    std::vector<LedgerEntry> out;
    out.reserve(dirty_.size());
    for (const auto& p : dirty_) {
        if (auto it = by_path_.find(p); it != by_path_.end()) {
            complete_hash(it->second);
            out.push_back(it->second);
        }
    }
    dirty_.clear();
    return out;
}

}  // namespace s3top
