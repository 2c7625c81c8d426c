#include "core/ingest/inputs.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace s3top {
namespace fs = std::filesystem;

bool is_temporary_name(const std::string& name) {
    if (name.empty() || name.front() == '.') return true;
    auto ends = [&](std::string_view s) { return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0; };
    if (ends(".tmp") || ends(".part") || ends(".partial") || ends(".s3cmd.tmp") || ends("-s3cmd") || ends(".crdownload") ||
        ends("~"))
        return true;
    // aws s3 sync writes "<name>.<8 alphanumerics>" then renames; S3 log names never contain '.'
    // followed by exactly 8 alphanumerics at the end unless they are such temp files.
    const auto dot = name.rfind('.');
    if (dot != std::string::npos && name.size() - dot - 1 == 8 && dot > 0) {
        const std::string_view tail = std::string_view(name).substr(dot + 1);
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

void add_file(const fs::path& p, std::vector<InputFile>& out, std::vector<InputProblem>& problems) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) {  // one stat per file: a folder may hold 100,000
        problems.push_back({p.string(), std::strerror(errno)});
        return;
    }
    InputFile f;
    f.path = p;
    f.size = static_cast<std::uint64_t>(st.st_size);
    f.mtime = static_cast<std::int64_t>(st.st_mtim.tv_sec);
    f.gzip = p.extension() == ".gz";
    f.stated = true;
    f.dev = static_cast<std::uint64_t>(st.st_dev);
    f.ino = static_cast<std::uint64_t>(st.st_ino);
    f.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    out.push_back(std::move(f));
}

}  // namespace

std::vector<InputFile> collect_inputs(const std::vector<std::string>& paths, std::vector<InputProblem>& problems) {
    std::vector<InputFile> out;
    for (const auto& name : paths) {
        if (name == "-") {
            out.push_back(InputFile{"-", 0, 0, false});
            continue;
        }
        const fs::path p(name);
        std::error_code ec;
        const auto st = fs::status(p, ec);
        if (ec || !fs::exists(st)) {
            problems.push_back({name, ec ? ec.message() : "no such file or directory"});
            continue;
        }
        if (fs::is_regular_file(st)) {
            add_file(p, out, problems);
            continue;
        }
        if (!fs::is_directory(st)) {
            problems.push_back({name, "not a regular file or folder"});
            continue;
        }
        std::vector<InputFile> found;
        fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec);
        if (ec) {
            problems.push_back({name, ec.message()});
            continue;
        }
        for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
            if (ec) {
                // The iterator cannot be trusted after an error: name it, stop this folder.
                problems.push_back({name, ec.message()});
                break;
            }
            const auto& entry = *it;
            const std::string fname = entry.path().filename().string();
            std::error_code e2;
            if (entry.is_directory(e2)) {
                if (!fname.empty() && fname.front() == '.') {
                    it.disable_recursion_pending();  // .git, .s3top
                } else if (!entry.is_symlink(e2) && ::access(entry.path().c_str(), R_OK | X_OK) != 0) {
                    // skip_permission_denied would pass over it in silence: a folder of logs
                    // not read must be named.
                    problems.push_back({entry.path().string(), std::strerror(errno)});
                    it.disable_recursion_pending();
                }
                continue;
            }
            const bool regular = entry.is_regular_file(e2);
            if (e2) {
                // A symlink loop or a dangling link: named, not skipped in silence.
                if (!is_temporary_name(fname)) problems.push_back({entry.path().string(), e2.message()});
                continue;
            }
            if (!regular || is_temporary_name(fname)) continue;
            add_file(entry.path(), found, problems);
        }
        // By the path's bytes: path::compare goes component by component, too slow for 100,000.
        std::sort(found.begin(), found.end(),
                  [](const InputFile& a, const InputFile& b) { return a.path.native() < b.path.native(); });
        out.insert(out.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
    }
    return out;
}

}  // namespace s3top
