#include "core/util/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace s3top {

namespace {

// Writes straight into something that is not a regular file (/dev/null, /dev/stdout, a FIFO):
// renaming over it would replace the device node itself.
bool write_direct(const std::filesystem::path& path, std::string_view content, std::string& error) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        error = "cannot write " + path.string() + ": " + std::strerror(errno);
        return false;
    }
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = "cannot write " + path.string() + ": " + std::strerror(errno);
            ::close(fd);
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) {
        error = "cannot write " + path.string() + ": " + std::strerror(errno);
        return false;
    }
    return true;
}

}  // namespace

bool write_file_atomic(const std::filesystem::path& requested, std::string_view content, std::string& error) {
    std::error_code ec;
    std::filesystem::path path = requested;
    // A symlink is followed: the file it names is replaced, not the link.
    if (std::filesystem::is_symlink(std::filesystem::symlink_status(path, ec))) {
        path = std::filesystem::weakly_canonical(path, ec);
        if (ec) path = requested;
    }
    const auto st = std::filesystem::status(path, ec);
    if (!ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st)) {
        if (std::filesystem::is_directory(st)) {
            error = "cannot write " + path.string() + ": it is a folder";
            return false;
        }
        return write_direct(path, content, error);
    }
    const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    std::string tmpl = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0) {
        error = "cannot write " + path.string() + ": " + std::strerror(errno);
        return false;
    }
    auto fail = [&](const char* what) {
        error = "cannot write " + path.string() + ": " + what + ": " + std::strerror(errno);
        ::close(fd);
        ::unlink(tmpl.c_str());
        return false;
    };
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail("write");
        done += static_cast<std::size_t>(n);
    }
    if (::fchmod(fd, 0644) != 0) return fail("chmod");
    if (::fsync(fd) != 0) return fail("fsync");
    if (::close(fd) != 0) {
        error = "cannot write " + path.string() + ": close: " + std::strerror(errno);
        ::unlink(tmpl.c_str());
        return false;
    }
    if (::rename(tmpl.c_str(), path.c_str()) != 0) {
        error = "cannot write " + path.string() + ": rename: " + std::strerror(errno);
        ::unlink(tmpl.c_str());
        return false;
    }
    return true;
}

}  // namespace s3top
