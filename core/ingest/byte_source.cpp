#include "core/ingest/byte_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

namespace s3top {
namespace {

/// zlib's words without the name it gives the stream ("<fd:3>: invalid block type"): the
/// message names the file itself.
std::string zlib_message(const char* msg) {
    std::string_view m = msg && *msg ? std::string_view(msg) : std::string_view("corrupt data");
    if (m.starts_with("<fd:")) {
        if (const auto colon = m.find(">: "); colon != std::string_view::npos) m.remove_prefix(colon + 3);
    }
    return std::string(m);
}

/// A local file (plain, or gzip by its magic bytes) or standard input (descriptor 0).
class FileSource final : public ByteSource {
public:
    /// `confirm`: the descriptor is the planned file, but whether it is still as long as planned is
    /// looked at only when the first read ends short of `size` (confirm_length()).
    FileSource(std::string path, int fd, const GzipLimits& limits, std::optional<std::uint64_t> size,
               bool confirm = false)
        : path_(std::move(path)), limits_(limits), fd_(fd), size_(size), checked_(fd == 0), confirm_(confirm && size) {}
    ~FileSource() override {
        if (gz_) {
            gzclose_r(gz_);  // closes fd_
        } else if (fd_ > 0) {
            ::close(fd_);
        }
    }
    FileSource(const FileSource&) = delete;
    FileSource& operator=(const FileSource&) = delete;

    bool gzip() const override { return gz_ != nullptr; }
    bool unfinished() const override { return unfinished_; }

    std::expected<std::size_t, IoError> read(char* buf, std::size_t n) override {
        if (!checked_) {
            // The magic bytes are looked for in the first read itself, not by a read of their
            // own: over 100,000 small files every system call per file counts.
            checked_ = true;
            auto got = read_plain(buf, n);
            if (!got || *got < 2 || static_cast<unsigned char>(buf[0]) != 0x1f ||
                static_cast<unsigned char>(buf[1]) != 0x8b)
                return got;
            if (::lseek(fd_, 0, SEEK_SET) < 0)
                return std::unexpected(IoError::from_errno(IoError::Code::Read, path_, errno));
            if (auto gz = open_gzip(); !gz) return std::unexpected(gz.error());
        }
        return gz_ ? read_gzip(buf, n) : read_plain(buf, n);
    }

    std::expected<void, IoError> skip(std::uint64_t n) override {
        if (!checked_) {
            checked_ = true;
            unsigned char magic[2] = {0, 0};
            if (::pread(fd_, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
                if (auto gz = open_gzip(); !gz) return gz;
            }
        }
        if (!gz_ && fd_ > 0 && ::lseek(fd_, static_cast<off_t>(n), SEEK_SET) >= 0) {
            pos_ = n;
            return {};
        }
        std::vector<char> tmp(1 << 16);
        while (n > 0) {
            auto got = read(tmp.data(), static_cast<std::size_t>(std::min<std::uint64_t>(n, tmp.size())));
            if (!got) return std::unexpected(got.error());
            if (*got == 0)
                return std::unexpected(
                    IoError{IoError::Code::Changed, path_, 0, "shorter than before (truncated?); looked at again"});
            n -= *got;
        }
        return {};
    }

    std::optional<std::string> bytes_before(std::uint64_t begin, std::uint64_t n) const override {
        if (fd_ <= 0 || gz_ || n > begin) return std::nullopt;
        std::string buf(static_cast<std::size_t>(n), '\0');
        std::size_t done = 0;
        while (done < buf.size()) {
            const ssize_t got =
                ::pread(fd_, buf.data() + done, buf.size() - done, static_cast<off_t>(begin - n + done));
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) return std::nullopt;
            done += static_cast<std::size_t>(got);
        }
        return buf;
    }

    std::uint64_t stored_offset() const override {
        if (!gz_) return pos_;
        const z_off_t raw = gzoffset(gz_);  // the compressed bytes read from the descriptor
        return raw > 0 ? static_cast<std::uint64_t>(raw) : 0;
    }

private:
    std::expected<void, IoError> open_gzip() {
        gz_ = gzdopen(fd_, "rb");
        if (!gz_) return std::unexpected(IoError{IoError::Code::Gzip, path_, 0, "cannot open gzip stream"});
        gzbuffer(gz_, 256 * 1024);
        return {};
    }

    std::expected<std::size_t, IoError> read_plain(char* buf, std::size_t n) {
        if (at_end_) return 0;
        while (true) {
            const ssize_t got = ::read(fd_, buf, n);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) return std::unexpected(IoError::from_errno(IoError::Code::Read, path_, errno));
            pos_ += static_cast<std::uint64_t>(got);
            if (confirm_) {
                confirm_ = false;
                if (pos_ < *size_) {
                    if (auto as_planned = confirm_length(); !as_planned) return std::unexpected(as_planned.error());
                }
            }
            // A short read that reached the listed size is the end: no read to be told so.
            if (got > 0 && static_cast<std::size_t>(got) < n && size_ && pos_ >= *size_) at_end_ = true;
            return static_cast<std::size_t>(got);
        }
    }

    /// After a first read that ended short of the planned size: the file must still be at least
    /// that long (else it was truncated since the plan: IoError::Code::Changed, and the first read's
    /// bytes are not taken). What open_byte_source checks of a descriptor it opens, asked only
    /// when a read could not already tell.
    std::expected<void, IoError> confirm_length() const {
        struct stat st{};
        if (::fstat(fd_, &st) != 0) return std::unexpected(IoError::from_errno(IoError::Code::Read, path_, errno));
        if (static_cast<std::uint64_t>(st.st_size) < *size_)
            return std::unexpected(
                IoError{IoError::Code::Changed, path_, 0, "truncated while being read (rotated?); looked at again"});
        return {};
    }

    std::expected<std::size_t, IoError> read_gzip(char* buf, std::size_t n) {
        if (unfinished_) return 0;
        const int got = gzread(gz_, buf, static_cast<unsigned>(std::min<std::size_t>(n, 1u << 30)));
        int code = Z_OK;
        const char* msg = gzerror(gz_, &code);
        if (got >= 0 && code == Z_BUF_ERROR) {
            // "unexpected end of file": the stream stops short (a .gz still being written).
            // The bytes before are its start; the reader keeps whole lines only.
            unfinished_ = true;
        } else if (got < 0 || (code != Z_OK && code != Z_STREAM_END)) {
            return std::unexpected(
                IoError{IoError::Code::Gzip, path_, 0,
                        "gzip: " + zlib_message(msg) + " at compressed byte " + std::to_string(stored_offset())});
        }
        return check_gzip_limits(static_cast<std::size_t>(std::max(got, 0)));
    }

    /// Decompressed bytes are bounded per file, so a small .gz cannot make us read (and parse)
    /// without end: an error with the reason once a limit is passed.
    std::expected<std::size_t, IoError> check_gzip_limits(std::size_t got) {
        out_ += got;
        const std::uint64_t mib = 1 << 20;
        if (limits_.max_decompressed_bytes && out_ > limits_.max_decompressed_bytes) {
            return std::unexpected(
                IoError{IoError::Code::Gzip, path_, 0,
                        "gzip: stopped after " + std::to_string(out_ / mib) + " MiB decompressed, the limit per file"});
        }
        if (limits_.max_ratio && out_ > limits_.bomb_check_bytes) {
            const auto in = static_cast<std::uint64_t>(std::max<z_off_t>(gzoffset(gz_), 1));
            if (out_ / in > limits_.max_ratio) {
                return std::unexpected(IoError{IoError::Code::Gzip, path_, 0,
                                               "gzip: stopped after " + std::to_string(out_ / mib) +
                                                   " MiB decompressed from " + std::to_string(in / 1024) +
                                                   " KiB: expands more than " + std::to_string(limits_.max_ratio) +
                                                   ":1 (a decompression bomb?)"});
            }
        }
        return got;
    }

    std::string path_;
    GzipLimits limits_;
    int fd_ = -1;
    gzFile gz_ = nullptr;
    std::optional<std::uint64_t> size_;  ///< the size the listing saw
    bool checked_ = false;               ///< gzip magic looked for
    std::uint64_t pos_ = 0;              ///< plain file offset
    bool at_end_ = false;
    bool unfinished_ = false;
    bool confirm_ = false;   ///< confirm_length() after the first read, when it ends short
    std::uint64_t out_ = 0;  ///< decompressed so far
};

}  // namespace

std::expected<std::unique_ptr<ByteSource>, IoError> open_byte_source(const InputFile& f, const GzipLimits& limits,
                                                                     int fd) {
    if (f.path == "-") return std::make_unique<FileSource>(f.path, 0, limits, std::nullopt);  // read as it comes
    const bool held = fd >= 0;
    if (!held) fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::unexpected(IoError::from_errno(IoError::Code::Open, f.path, errno));
    const std::optional<std::uint64_t> size = f.stated ? std::optional(f.size) : std::nullopt;
    // Held by the plan, which checked its fstat: the very file planned. Its length is checked by
    // the first read (a small file's only one), and by fstat only when that read ends short.
    if (held) return std::make_unique<FileSource>(f.path, fd, limits, size, true);
    auto source = std::make_unique<FileSource>(f.path, fd, limits, size);
    if (!f.stated) return source;
    // Opened once, by path: the descriptor must be the file the plan looked at. A rotation
    // between the plan and this open (renamed away, or truncated by copytruncate) would have us
    // read another file's bytes from the planned offset.
    struct stat st{};
    if (::fstat(fd, &st) != 0) return std::unexpected(IoError::from_errno(IoError::Code::Open, f.path, errno));
    if (static_cast<std::uint64_t>(st.st_dev) != f.dev || static_cast<std::uint64_t>(st.st_ino) != f.ino)
        return std::unexpected(
            IoError{IoError::Code::Changed, f.path, 0, "replaced while being read (rotated?); looked at again"});
    if (static_cast<std::uint64_t>(st.st_size) < f.size)
        return std::unexpected(
            IoError{IoError::Code::Changed, f.path, 0, "truncated while being read (rotated?); looked at again"});
    return source;
}

}  // namespace s3top
