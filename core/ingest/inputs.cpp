#include "core/ingest/inputs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include "core/util/parallel_for.hpp"

namespace s3top {

bool is_temporary_name(std::string_view name) {
    if (name.empty() || name.front() == '.') return true;
    auto ends = [&](std::string_view s) { return name.ends_with(s); };
    if (ends(".tmp") || ends(".part") || ends(".partial") || ends(".s3cmd.tmp") || ends("-s3cmd") ||
        ends(".crdownload") || ends("~"))
        return true;
    // aws s3 sync writes "<name>.<8 alphanumerics>" then renames; S3 log names never contain '.'
    // followed by exactly 8 alphanumerics at the end unless they are such temp files.
    const auto dot = name.rfind('.');
    if (dot != std::string_view::npos && name.size() - dot - 1 == 8 && dot > 0) {
        const std::string_view tail = name.substr(dot + 1);
        const bool alnum = std::all_of(tail.begin(), tail.end(), [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        });
        const bool digit = std::any_of(tail.begin(), tail.end(), [](char c) { return c >= '0' && c <= '9'; });
        const bool letter = std::any_of(tail.begin(), tail.end(), [](char c) { return c > '9'; });
        if (alnum && digit && letter) return true;  // not a date suffix like ".20240301"
    }
    return false;
}

namespace {

/// A fifo, socket or device met in a folder: not read, and nothing of a log missing for it.
InputProblem not_a_file(std::string path) {
    return {std::move(path), "not a regular file (a fifo, socket or device): not read",
            InputProblem::Effect::NothingMissing};
}

InputFile input_of(std::string path, std::string_view filename, const struct stat& st) {
    InputFile f;
    f.path = std::move(path);
    f.size = static_cast<std::uint64_t>(st.st_size);
    f.mtime = static_cast<std::int64_t>(st.st_mtim.tv_sec);
    f.gzip = filename.size() > 3 && filename.ends_with(".gz");  // "x.gz", not the hidden ".gz"
    f.stated = true;
    f.dev = static_cast<std::uint64_t>(st.st_dev);
    f.ino = static_cast<std::uint64_t>(st.st_ino);
    f.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    f.ctime_ns = static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
    return f;
}

/// A folder entry that may be a file, and what fstatat said of it.
struct Entry {
    std::string name;
    unsigned char type = DT_UNKNOWN;
    bool temporary = false;
    int error = 0;  ///< fstatat's errno; 0: `st` holds the file's stat
    struct stat st{};
};

/// fstatat of every entry, relative to the folder open as `fd`; on every core when there are
/// many (a sync folder of 100,000 files is 100,000 calls, the most of a restart's listing).
void stat_entries(int fd, std::vector<Entry>& entries) {
    parallel_for("s3top-stat", entries.size(), 2048, 256, [&](std::size_t i) {
        Entry& e = entries[i];
        if (::fstatat(fd, e.name.c_str(), &e.st, 0) != 0) e.error = errno;
    });
}

/// Lists the folder open as `fd` (closed here): `prefix` is its path ending in '/', `shown` its
/// path as named in problems. Files are stat'ed relative to the folder (one fstatat each; none
/// for temporary names the folder says are regular files, nor for any regular file when `stat`
/// is StatFiles::WhenOpened). Files are sorted by path and
/// subfolders by path plus '/', and merged: the whole walk comes out in the byte order of full
/// paths (every path under folder "a" starts with "a/") without one sort of every path.
/// Folders listed so far in one collect_inputs() call, by device and inode: a symlinked folder
/// is followed once, and a link back to a folder already listed (a loop) is named, not walked.
using Seen = std::set<std::pair<std::uint64_t, std::uint64_t>>;

/// A sub-folder to walk: its path plus '/', and whether a symlink leads to it.
struct Folder {
    std::string path;
    bool link = false;
    friend bool operator<(const Folder& a, const Folder& b) { return a.path < b.path; }
};

/// A regular file listed by name only (StatFiles::WhenOpened): the plan stats its descriptor.
InputFile unstated_input(std::string path, std::string_view filename) {
    InputFile f;
    f.path = std::move(path);
    f.gzip = filename.size() > 3 && filename.ends_with(".gz");
    return f;
}

void walk(int fd, const std::string& prefix, const std::string& shown, std::vector<InputFile>& out,
          std::vector<InputProblem>& problems, Seen& seen, bool linked, StatFiles stat) {
    if (struct stat self{};
        ::fstat(fd, &self) == 0 &&
        !seen.emplace(static_cast<std::uint64_t>(self.st_dev), static_cast<std::uint64_t>(self.st_ino)).second) {
        if (linked)
            problems.push_back({shown,
                                "a symlinked folder that leads back to a folder already listed (a loop?): not followed",
                                InputProblem::Effect::NothingMissing});
        ::close(fd);
        return;
    }
    DIR* dir = ::fdopendir(fd);
    if (!dir) {
        problems.push_back({shown, std::strerror(errno)});
        ::close(fd);
        return;
    }
    std::vector<InputFile> files;
    std::vector<Folder> folders;
    std::vector<Entry> entries;  ///< what may be a file, in readdir order
    for (;;) {
        errno = 0;
        const dirent* de = ::readdir(dir);
        if (!de) {
            // The listing cannot be trusted after an error: name the folder, keep what was read.
            if (errno != 0) problems.push_back({shown, std::strerror(errno)});
            break;
        }
        const std::string_view name = de->d_name;
        if (name == "." || name == "..") continue;
        const unsigned char type = de->d_type;
        if (type == DT_DIR) {
            if (name.front() != '.') folders.push_back({prefix + std::string(name) + '/'});  // not .git, .s3top
            continue;
        }
        const bool temporary = is_temporary_name(name);
        if (type != DT_REG && type != DT_LNK && type != DT_UNKNOWN) {
            // A fifo, socket or device holds no log file to read (a fifo would block): named,
            // as a dangling link is, so nothing in the folder passes unsaid.
            if (!temporary) problems.push_back(not_a_file(prefix + std::string(name)));
            continue;
        }
        if (type == DT_REG && temporary) continue;
        if (type == DT_REG && stat == StatFiles::WhenOpened) {
            files.push_back(unstated_input(prefix + std::string(name), name));
            continue;
        }
        entries.push_back(Entry{std::string(name), type, temporary});
    }
    stat_entries(fd, entries);
    for (const Entry& e : entries) {
        const std::string_view name = e.name;
        const struct stat& st = e.st;
        if (e.error != 0) {  // fstatat follows a link: a loop or dangling link is named
            // A link in a folder that leads nowhere holds no log: nothing is missing from the
            // figures (a file named on the command line that cannot be read is another matter).
            const bool nowhere = e.type == DT_LNK && (e.error == ELOOP || e.error == ENOENT);
            if (!e.temporary)
                problems.push_back({prefix + e.name, std::strerror(e.error),
                                    nowhere ? InputProblem::Effect::NothingMissing : InputProblem::Effect::NotRead});
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            // A symlinked folder (or one the file system did not type) is walked too; `seen`
            // keeps a loop from being walked again.
            if (name.front() == '.') continue;
            struct stat own{};
            const bool link = e.type == DT_LNK ||
                              (::fstatat(fd, e.name.c_str(), &own, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(own.st_mode));
            folders.push_back({prefix + std::string(name) + '/', link});
            continue;
        }
        if (e.temporary) continue;
        if (!S_ISREG(st.st_mode)) {  // a link to a fifo, socket or device
            problems.push_back(not_a_file(prefix + e.name));
            continue;
        }
        files.push_back(input_of(prefix + e.name, name, st));
    }
    std::sort(files.begin(), files.end(), [](const InputFile& a, const InputFile& b) { return a.path < b.path; });
    std::sort(folders.begin(), folders.end());
    if (out.empty() && folders.empty()) {
        out = std::move(files);  // a folder of files only, listed first: its list is the list
        ::closedir(dir);         // closes fd
        return;
    }
    out.reserve(out.size() + files.size());
    auto file = files.begin();
    for (const auto& [folder, link] : folders) {
        for (; file != files.end() && file->path < folder; ++file) out.push_back(std::move(*file));
        const std::string name = folder.substr(prefix.size(), folder.size() - prefix.size() - 1);
        std::string path = folder.substr(0, folder.size() - 1);
        // skip_permission_denied would pass over it in silence: a folder of logs not read must
        // be named.
        if (::faccessat(fd, name.c_str(), R_OK | X_OK, 0) != 0) {
            problems.push_back({std::move(path), std::strerror(errno)});
            continue;
        }
        const int sub = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | (link ? 0 : O_NOFOLLOW) | O_CLOEXEC);
        if (sub < 0) {
            problems.push_back({std::move(path), std::strerror(errno)});
            continue;
        }
        walk(sub, folder, path, out, problems, seen, link, stat);
    }
    for (; file != files.end(); ++file) out.push_back(std::move(*file));
    ::closedir(dir);  // closes fd
}

}  // namespace

std::vector<InputFile> collect_inputs(const std::vector<std::string>& paths, std::vector<InputProblem>& problems,
                                      StatFiles stat) {
    std::vector<InputFile> out;
    for (const auto& name : paths) {
        if (name == "-") {
            out.push_back(InputFile{"-", 0, 0, false});
            continue;
        }
        struct stat st{};
        if (::stat(name.c_str(), &st) != 0) {
            problems.push_back({name, std::strerror(errno)});
            continue;
        }
        if (S_ISREG(st.st_mode)) {
            const auto slash = name.rfind('/');
            out.push_back(input_of(
                name, slash == std::string::npos ? std::string_view(name) : std::string_view(name).substr(slash + 1),
                st));
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            problems.push_back({name, "not a regular file or folder"});
            continue;
        }
        const int fd = ::open(name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            problems.push_back({name, std::strerror(errno)});
            continue;
        }
        Seen seen;  // per named folder: one named twice is listed twice, as before
        walk(fd, name.ends_with('/') ? name : name + '/', name, out, problems, seen, false, stat);
    }
    return out;
}

}  // namespace s3top
