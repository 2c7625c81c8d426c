#include "core/ingest/follower.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <utility>

namespace s3top {
namespace fs = std::filesystem;

Follower::Follower(Ingestor& ingestor, FollowOptions options) : ingestor_(ingestor), options_(std::move(options)) {
    if (::pipe2(stop_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) stop_pipe_[0] = stop_pipe_[1] = -1;
}

Follower::~Follower() {
    if (inotify_fd_ >= 0) ::close(inotify_fd_);
    for (int fd : stop_pipe_) {
        if (fd >= 0) ::close(fd);
    }
}

void Follower::stop() {
    stopped_.store(true);
    if (stop_pipe_[1] >= 0) {
        const char c = 1;
        [[maybe_unused]] const auto n = ::write(stop_pipe_[1], &c, 1);
    }
}

IngestResult Follower::round() {
    std::vector<InputProblem> problems;
    const auto inputs = collect_inputs(options_.roots, problems);
    return ingestor_.ingest(inputs, true, &stopped_);
}

void Follower::add_watches(const std::string& dir) {
    // Files appear (closed after writing, or renamed in), folders appear, plain logs grow.
    // IN_ATTRIB: a file that could not be read becomes readable by a chmod, which changes
    // neither its size nor its mtime.
    constexpr std::uint32_t kMask =
        IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_ONLYDIR;
    // Sub-folders as collect_inputs walks them: symlinked ones too, each folder once (a loop
    // is not followed round).
    std::set<std::pair<std::uint64_t, std::uint64_t>> seen;
    std::vector<std::string> todo{dir};
    while (!todo.empty()) {
        const std::string d = std::move(todo.back());
        todo.pop_back();
        struct stat st{};
        if (::stat(d.c_str(), &st) != 0 ||
            !seen.emplace(static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)).second)
            continue;
        const int wd = ::inotify_add_watch(inotify_fd_, d.c_str(), kMask);
        if (wd < 0) continue;
        watched_[wd] = d;
        std::error_code ec;
        for (fs::directory_iterator it(d, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
             it.increment(ec)) {
            std::error_code e2;
            const auto name = it->path().filename().string();
            if (name.empty() || name.front() == '.' || !it->is_directory(e2)) continue;  // .git, .s3top: not read
            todo.push_back(it->path().string());
        }
    }
}

std::optional<std::string> Follower::input_path(const std::string& path) const {
    const fs::path p(path);
    if (is_temporary_name(p.filename().string())) return std::nullopt;
    const fs::path normal = p.lexically_normal();
    for (const auto& r : options_.roots) {
        if (r == "-") continue;
        const fs::path root(r);
        std::error_code ec;
        if (fs::is_directory(root, ec)) {
            const fs::path rel = normal.lexically_relative(root.lexically_normal());
            if (!rel.empty() && *rel.begin() != "..") return path;
        } else if (normal == root.lexically_normal()) {
            return r;  // the file as the user named it: the ledger knows it by that name
        }
    }
    return std::nullopt;
}

IngestResult Follower::round(const std::vector<std::string>& paths) {
    std::vector<std::string> files;
    for (const auto& p : paths) {
        if (auto in = input_path(p)) files.push_back(std::move(*in));
    }
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    std::vector<InputFile> inputs;
    std::vector<InputProblem> problems;
    for (const auto& f : files) {
        std::error_code ec;
        if (!fs::is_regular_file(f, ec)) continue;  // gone again, or a folder
        auto one = collect_inputs({f}, problems);
        inputs.insert(inputs.end(), std::make_move_iterator(one.begin()), std::make_move_iterator(one.end()));
    }
    return ingestor_.ingest(inputs, true, &stopped_);
}

void Follower::watch() {
    watch_called_ = true;
    watched_at_ = std::chrono::steady_clock::now();
    if (!options_.use_inotify || inotify_fd_ >= 0) return;
    inotify_fd_ = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (inotify_fd_ < 0) return;
    for (const auto& r : options_.roots) {
        std::error_code ec;
        if (r == "-") continue;
        if (fs::is_directory(r, ec)) {
            add_watches(r);
        } else {
            const auto parent = fs::path(r).parent_path();
            add_watches(parent.empty() ? "." : parent.string());
        }
    }
    watching_.store(true);
}

namespace {
/// A message with its numbers left out: a .gz still being written is said once, not once per
/// round with the offset it has reached.
std::string without_numbers(std::string_view m) {
    std::string out;
    for (const char c : m) {
        if (c < '0' || c > '9') {
            out += c;
        } else if (out.empty() || out.back() != '#') {
            out += '#';
        }
    }
    return out;
}
}  // namespace

void MessageFilter::filter(IngestResult& r) {
    for (FileResult& f : r.load.files) {
        const auto it = said_.find(f.path);
        if (f.error.empty()) {
            if (it != said_.end()) said_.erase(it);  // read cleanly: a new problem is news again
        } else if (std::string key = without_numbers(f.error); it != said_.end() && it->second == key) {
            f.error.clear();
        } else {
            said_[f.path] = std::move(key);
        }
    }
    std::vector<std::string> now = r.notes;
    std::erase_if(r.notes,
                  [&](const std::string& n) { return std::find(notes_.begin(), notes_.end(), n) != notes_.end(); });
    notes_ = std::move(now);
}

void Follower::run(const std::function<void(const IngestResult&)>& on_round) {
    // Watched before the caller's own load: what arrived since then is in the event queue.
    const bool caught_up = watch_called_ && inotify_fd_ >= 0;
    if (!watch_called_) watch();
    using Clock = std::chrono::steady_clock;
    MessageFilter once;
    auto report = [&](IngestResult r) {
        once.filter(r);
        if (!r.load.files.empty() || !r.notes.empty() || r.counts.duplicate > 0) on_round(r);
    };
    Clock::time_point last_full;
    Clock::duration full_cost{};
    auto full_round = [&] {
        const auto t0 = Clock::now();
        report(round());
        last_full = Clock::now();
        full_cost = last_full - t0;
        ++full_rounds_;
    };
    if (caught_up) {
        // The caller's listing and load stand for the first full look; their cost bounds its own.
        last_full = Clock::now();
        full_cost = last_full - watched_at_;
    } else {
        full_round();  // whatever arrived since the caller's own load
    }
    alignas(inotify_event) char buf[64 * 1024];
    while (!stopped_.load()) {
        // Without inotify a full look every poll interval; with it, the events name the files
        // and a full look (a safety net) comes at most every 20 times its own cost (<= 60 s).
        const Clock::duration interval =
            inotify_fd_ >= 0 ? std::clamp<Clock::duration>(
                                   20 * full_cost, options_.poll_interval,
                                   std::max<Clock::duration>(options_.poll_interval, std::chrono::seconds(60)))
                             : options_.poll_interval;
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(last_full + interval - Clock::now());
        pollfd fds[2] = {{stop_pipe_[0], POLLIN, 0}, {inotify_fd_, POLLIN, 0}};
        const int nfds = inotify_fd_ >= 0 ? 2 : 1;
        const int n = ::poll(fds, static_cast<nfds_t>(nfds), static_cast<int>(std::max<std::int64_t>(0, wait.count())));
        if (stopped_.load()) break;
        std::vector<std::string> changed;
        bool rescan = false;
        if (n > 0 && nfds == 2 && (fds[1].revents & POLLIN)) {
            // Let a burst of events settle, then read them all.
            ::poll(nullptr, 0, static_cast<int>(options_.settle.count()));
            while (true) {
                const ssize_t len = ::read(inotify_fd_, buf, sizeof buf);
                if (len <= 0) break;
                for (ssize_t off = 0; off < len;) {
                    const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
                    off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
                    if (ev->mask & IN_Q_OVERFLOW) rescan = true;  // events lost: look at everything
                    const auto dir = watched_.find(ev->wd);
                    if (ev->mask & IN_IGNORED) {
                        if (dir != watched_.end()) watched_.erase(dir);
                        continue;
                    }
                    if (dir == watched_.end() || ev->len == 0) continue;
                    const std::string name(ev->name);
                    if (name.front() == '.' && (ev->mask & IN_ISDIR)) continue;  // .git, .s3top: not read
                    const std::string path = (fs::path(dir->second) / name).string();
                    if (ev->mask & IN_ISDIR) {
                        if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
                            add_watches(path);  // a new folder: watch it, and read what it holds
                            rescan = true;
                        }
                    } else if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MODIFY | IN_ATTRIB)) {
                        changed.push_back(path);
                    }
                }
            }
        }
        if (rescan || Clock::now() >= last_full + interval) {
            full_round();
        } else if (!changed.empty()) {
            report(round(changed));
        }
    }
    ingestor_.sync();
}

}  // namespace s3top
