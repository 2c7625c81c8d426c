#include "core/util/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
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

/// The process's umask, read without changing it (/proc/self/status), so that no other
/// thread ever creates a file under a umask of 0. Falls back to setting it back at once.
mode_t current_umask() {
    if (std::FILE* f = std::fopen("/proc/self/status", "re")) {
        char line[256];
        unsigned mask = 0;
        bool found = false;
        while (!found && std::fgets(line, sizeof line, f)) found = std::sscanf(line, "Umask: %o", &mask) == 1;
        std::fclose(f);
        if (found) return static_cast<mode_t>(mask);
    }
    const mode_t mask = ::umask(022);
    ::umask(mask);
    return mask;
}

/// The temp file gets what `path` would have had had it been written in place: an existing
/// file's mode and owner (a report kept 0600 stays 0600), a new one 0666 less the umask, as
/// open(2) would make it. Usage reports name customers: never wider than the user asked.
bool take_mode_of(int fd, const std::filesystem::path& path) {
    struct stat st{};
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
        // The owner can only be kept by root or when it is us already; otherwise the group is
        // still tried. Neither failing loses data, and the mode below never widens.
        const bool owned =
            ::fchown(fd, st.st_uid, st.st_gid) == 0 || ::fchown(fd, static_cast<uid_t>(-1), st.st_gid) == 0;
        static_cast<void>(owned);
        return ::fchmod(fd, st.st_mode & 07777) == 0;
    }
    return ::fchmod(fd, 0666 & ~current_umask()) == 0;
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
    if (!take_mode_of(fd, path)) return fail("chmod");
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
