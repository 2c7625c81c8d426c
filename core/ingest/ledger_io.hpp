#pragma once
// The ledger's reads of files on disk: a stream's head (first KiB), digests of its start or of
// a byte range, and a scan that hashes it line by line looking for counted content. Internal
// to the ledger (ledger.cpp and ledger_io.cpp); not an API.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ingest/ledger.hpp"
#include "core/ingest/opened_file.hpp"
#include "core/util/stream_hash.hpp"

namespace s3top::ledger_io {

/// What stat(2) says of a file, as the ledger keeps it.
FileStat file_stat(const struct stat& st);

/// True when the file starts with gzip's magic bytes.
bool is_gzip(const std::filesystem::path& p);

/// Hash of the stream (decompressed when gzip) from its start: the first `limit` bytes, or all.
struct StreamDigest {
    std::uint64_t length = 0, digest = 0;
    StreamHash::State state;
    bool ok = false;
};
StreamDigest stream_digest(const std::filesystem::path& p, std::uint64_t limit);

/// The first bytes of a stream (decompressed when gzip): up to kEdgeBytes, one open and one
/// read for a plain file.
struct Head {
    bool ok = false, gzip = false;
    bool complete = false;  ///< the stream ends within `bytes`
    std::string bytes;
    /// A plain file's descriptor, held (HoldOpen): only when it is the file listed (its fstat:
    /// the same device and inode, not shorter), so the reader takes it without a look of its own.
    std::shared_ptr<OpenedFile> opened;
    /// fstat of the descriptor the head was read from, when it was taken (to hold it, or because
    /// the listing has no stat: StatFiles::WhenOpened) and the file is a regular one.
    std::optional<FileStat> stat;
};

/// A plan whose jobs a loader reads while it goes on (Ledger::plan with `final`): each plain
/// file's descriptor is held for its reader (OpenedFile) while readers take them within
/// `wait`; once a wait runs out (no reader taking: cancelled, or a long file ahead), the rest of
/// the plan closes them as before.
struct HoldOpen {
    std::chrono::milliseconds wait{200};
    std::atomic<bool> gave_up{false};
};
/// The head of `p`; `listed`: the input as listed, whose stat (when it has one) a held descriptor
/// must match, and which, listed without one, has its descriptor's taken (Head::stat).
Head read_head(const std::string& p, HoldOpen* hold = nullptr, const InputFile* listed = nullptr);
/// The same, the file opened as `name` relative to the folder open as `dir` (AT_FDCWD: as `p`).
Head read_head_at(int dir, const char* name, const std::string& p, HoldOpen* hold, const InputFile* listed);

/// read_head() of `files[i]` into `heads[i]`, on every core when there are many: a folder of
/// 100,000 new files is 100,000 opens before the first parse can start.
void read_heads(const std::vector<const InputFile*>& files, std::vector<Head>& heads, HoldOpen* hold = nullptr);

/// A stream read from `from` (hash state `at` there, line number `line`) and hashed, asking
/// `known(length, digest)` at every line end past `from` (and at a last unterminated line's
/// end unless `follow`): the longest known prefix, and the whole counted stream when read to
/// its end (in follow mode it ends at the last newline, as the loader reads it).
struct Scan {
    bool ok = false, matched = false, whole = false;
    std::uint64_t match = 0, match_line = 1;
    StreamHash::State match_state;
    std::uint64_t length = 0, next_line = 1;
    StreamHash::State state;
};
/// Reads a stream from an offset: a plain file with pread from there (no bytes before it
/// read), a gzip file decompressed (skipping to the offset).
class StreamReader {
public:
    bool open(const std::filesystem::path& p, std::uint64_t from) {
        fd_ = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) return false;
        unsigned char m[2] = {0, 0};
        pos_ = from;
        if (::pread(fd_, m, 2, 0) != 2 || m[0] != 0x1f || m[1] != 0x8b) return true;
        gz_ = gzdopen(fd_, "rb");  // owns fd_ from here
        if (!gz_) return false;
        fd_ = -1;
        return from == 0 || gzseek(gz_, static_cast<z_off_t>(from), SEEK_SET) == static_cast<z_off_t>(from);
    }
    ~StreamReader() {
        if (gz_) gzclose(gz_);
        if (fd_ >= 0) ::close(fd_);
    }
    StreamReader() = default;
    StreamReader(const StreamReader&) = delete;
    StreamReader& operator=(const StreamReader&) = delete;
    /// Bytes read into `buf` (0 at the end, -1 on error).
    long read(char* buf, std::size_t n) {
        if (gz_) return gzread(gz_, buf, static_cast<unsigned>(n));
        for (;;) {
            const ssize_t got = ::pread(fd_, buf, n, static_cast<off_t>(pos_));
            if (got < 0 && errno == EINTR) continue;
            if (got > 0) pos_ += static_cast<std::uint64_t>(got);
            return static_cast<long>(got);
        }
    }
    /// Past `out` bytes of output, expanding more than 200:1 (a decompression bomb).
    bool bomb(std::uint64_t out) const {
        return gz_ && out > (std::uint64_t{256} << 20) && out > 200 * static_cast<std::uint64_t>(gzoffset(gz_) + 1);
    }

private:
    int fd_ = -1;
    gzFile gz_ = nullptr;
    std::uint64_t pos_ = 0;
};

template <class Known>
Scan scan_stream(const std::filesystem::path& p, std::uint64_t from, const StreamHash::State& at, std::uint64_t line,
                 std::uint64_t stop, bool follow, Known&& known, std::uint64_t& hashed) {
    Scan out;
    StreamReader in;
    if (!in.open(p, from)) return out;
    StreamHash h = StreamHash::restore(at);
    std::uint64_t pos = from, nl_pos = from, nl_line = line;
    StreamHash::State nl_state = h.state();
    std::vector<char> buf(1 << 16);
    for (;;) {
        const long got = in.read(buf.data(), buf.size());
        if (got < 0) return out;
        if (got == 0) break;
        hashed += static_cast<std::uint64_t>(got);
        std::string_view d(buf.data(), static_cast<std::size_t>(got));
        while (!d.empty()) {
            const std::size_t nl = d.find('\n');
            const std::size_t n = nl == std::string_view::npos ? d.size() : nl + 1;
            h.update(d.substr(0, n));
            pos += n;
            d.remove_prefix(n);
            if (nl == std::string_view::npos) break;
            ++line;
            nl_pos = pos;
            nl_line = line;
            nl_state = h.state();
            if (known(pos, h.digest())) {
                out.matched = true;
                out.match = pos;
                out.match_line = line;
                out.match_state = nl_state;
            }
            if (pos > stop) {  // nothing known reaches further
                out.ok = true;
                return out;
            }
        }
        if (in.bomb(pos)) return out;  // not hashed to its end (the loader stops it too)
    }
    out.ok = true;
    out.whole = true;
    if (follow || pos == nl_pos) {
        out.length = nl_pos;
        out.state = nl_state;
        out.next_line = nl_line;
    } else {
        out.length = pos;
        out.state = h.state();
        out.next_line = line + 1;
        if (known(pos, h.digest())) {
            out.matched = true;
            out.match = pos;
            out.match_line = out.next_line;
            out.match_state = out.state;
        }
    }
    return out;
}

/// Hash of bytes [begin, end) of a plain file; nullopt when they cannot all be read.
std::optional<std::uint64_t> range_hash(const std::filesystem::path& p, std::uint64_t begin, std::uint64_t end);

/// Sets the head and tail hashes of [0, offset) from the file on disk (edges = false when it
/// cannot be read that far).
void fill_edges(LedgerEntry& e);

/// Sets the line-end starts of [0, offset) from the file on disk (none when it cannot be read).
void fill_prefixes(LedgerEntry& e);

}  // namespace s3top::ledger_io
