#include "core/ingest/ledger_io.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <string_view>
#include <utility>

#include "core/util/parallel_for.hpp"

namespace s3top::ledger_io {

FileStat file_stat(const struct stat& st) {
    FileStat f;
    f.dev = static_cast<std::uint64_t>(st.st_dev);
    f.ino = static_cast<std::uint64_t>(st.st_ino);
    f.size = static_cast<std::uint64_t>(st.st_size);
    f.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    f.ctime_ns = static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
    return f;
}

bool is_gzip(const std::filesystem::path& p) {
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    unsigned char m[2] = {0, 0};
    const bool gz = ::pread(fd, m, 2, 0) == 2 && m[0] == 0x1f && m[1] == 0x8b;
    ::close(fd);
    return gz;
}

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

Head read_head(const std::string& p, HoldOpen* hold, const InputFile* listed) {
    return read_head_at(AT_FDCWD, p.c_str(), p, hold, listed);
}

Head read_head_at(int dir, const char* name, const std::string& p, HoldOpen* hold, const InputFile* listed) {
    Head out;
    const int fd = ::openat(dir, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return out;
    const bool unstated = listed && !listed->stated;
    bool may_hold = hold && !hold->gave_up.load(std::memory_order_relaxed);
    if (may_hold || unstated) {
        // The descriptor's own stat: the identity the reader would otherwise check when it takes
        // the descriptor, and the stat a file listed by name only has none of.
        struct stat st{};
        if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) out.stat = file_stat(st);
        const bool as_listed = !listed || !listed->stated ||
                               (out.stat && out.stat->dev == listed->dev && out.stat->ino == listed->ino &&
                                out.stat->size >= listed->size);
        may_hold = may_hold && out.stat && as_listed;  // else the reader opens the path and finds it changed
    }
    char buf[kEdgeBytes + 1];
    std::size_t done = 0;
    while (done < sizeof buf) {
        const ssize_t n = ::pread(fd, buf + done, sizeof buf - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    const bool gzip =
        done >= 2 && static_cast<unsigned char>(buf[0]) == 0x1f && static_cast<unsigned char>(buf[1]) == 0x8b;
    if (may_hold && !gzip) {
        out.opened = OpenedFile::hold(fd, hold->wait);  // closes it when there is no room
        if (!out.opened) hold->gave_up.store(true, std::memory_order_relaxed);
    } else {
        ::close(fd);
    }
    if (gzip) {
        out.gzip = true;
        gzFile gz = gzopen(p.c_str(), "rb");
        if (!gz) return out;
        const int got = gzread(gz, buf, sizeof buf);
        gzclose(gz);
        if (got < 0) return out;
        done = static_cast<std::size_t>(got);
    }
    out.complete = done <= kEdgeBytes;
    out.bytes.assign(buf, std::min(done, kEdgeBytes));
    out.ok = true;
    return out;
}

namespace {

/// Where read_heads opens each file: relative to its folder, opened once for a run of at least
/// kShared files in it (paths come sorted, so a folder's files are consecutive), else by its
/// whole path. An open by name in a folder skips the lookup of every folder above it.
class FolderFds {
public:
    static constexpr std::size_t kShared = 4;
    explicit FolderFds(const std::vector<const InputFile*>& files) : at_(files.size(), {AT_FDCWD, 0}) {
        for (std::size_t i = 0; i < files.size();) {
            const std::string& path = files[i]->path;
            const std::size_t slash = path.rfind('/');
            const std::string_view folder =
                std::string_view(path).substr(0, slash == std::string::npos ? 0 : slash + 1);
            std::size_t end = i + 1;
            while (end < files.size() && in_folder(files[end]->path, folder)) ++end;
            if (!folder.empty() && end - i >= kShared) {
                const int fd = ::open(std::string(folder).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (fd >= 0) {
                    fds_.push_back(fd);
                    for (std::size_t k = i; k < end; ++k) at_[k] = {fd, folder.size()};
                }
            }
            i = end;
        }
    }
    ~FolderFds() {
        for (const int fd : fds_) ::close(fd);
    }
    FolderFds(const FolderFds&) = delete;
    FolderFds& operator=(const FolderFds&) = delete;
    /// The folder's descriptor (AT_FDCWD: none) and the offset of the name within the path.
    std::pair<int, std::size_t> at(std::size_t i) const { return at_[i]; }

private:
    static bool in_folder(const std::string& path, std::string_view folder) {
        return path.size() > folder.size() && path.starts_with(folder) &&
               path.find('/', folder.size()) == std::string::npos;
    }
    std::vector<std::pair<int, std::size_t>> at_;
    std::vector<int> fds_;
};

}  // namespace

void read_heads(const std::vector<const InputFile*>& files, std::vector<Head>& heads, HoldOpen* hold) {
    heads.assign(files.size(), Head{});
    const FolderFds folders(files);
    parallel_for("s3top-head", files.size(), 256, 64, [&](std::size_t i) {
        const auto [dir, name] = folders.at(i);
        heads[i] = read_head_at(dir, files[i]->path.c_str() + name, files[i]->path, hold, files[i]);
    });
}

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

void fill_prefixes(LedgerEntry& e) {
    e.prefixes.clear();
    if (e.offset == 0) return;
    const Head h = read_head(e.path);
    if (h.ok) e.prefixes = head_prefixes(h.bytes, e.offset);
}

}  // namespace s3top::ledger_io
