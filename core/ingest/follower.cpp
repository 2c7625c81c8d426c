#include "core/ingest/follower.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <filesystem>

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
    constexpr std::uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY | IN_DELETE_SELF | IN_ONLYDIR;
    if (::inotify_add_watch(inotify_fd_, dir.c_str(), kMask) < 0) return;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
         it.increment(ec)) {
        std::error_code e2;
        if (!it->is_directory(e2) || it->is_symlink(e2)) continue;
        const auto name = it->path().filename().string();
        if (!name.empty() && name.front() == '.') {
            it.disable_recursion_pending();
            continue;
        }
        (void)::inotify_add_watch(inotify_fd_, it->path().c_str(), kMask);
    }
}

void Follower::run(const std::function<void(const IngestResult&)>& on_round) {
    if (options_.use_inotify) {
        inotify_fd_ = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        if (inotify_fd_ >= 0) {
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
    }
    auto do_round = [&] {
        IngestResult r = round();
        if (!r.load.files.empty() || !r.notes.empty()) on_round(r);
    };
    do_round();  // whatever arrived since the caller's own load
    alignas(inotify_event) char buf[64 * 1024];
    while (!stopped_.load()) {
        pollfd fds[2] = {{stop_pipe_[0], POLLIN, 0}, {inotify_fd_, POLLIN, 0}};
        const int nfds = inotify_fd_ >= 0 ? 2 : 1;
        const int n = ::poll(fds, static_cast<nfds_t>(nfds), static_cast<int>(options_.poll_interval.count()));
        if (stopped_.load()) break;
        if (n > 0 && nfds == 2 && (fds[1].revents & POLLIN)) {
            // Let a burst of events settle, then read them all; new folders get watches.
            ::poll(nullptr, 0, static_cast<int>(options_.settle.count()));
            while (true) {
                const ssize_t len = ::read(inotify_fd_, buf, sizeof buf);
                if (len <= 0) break;
                for (ssize_t off = 0; off < len;) {
                    const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
                    off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
                    (void)ev;
                }
            }
            // New folders: watch them (adding an existing watch is harmless).
            for (const auto& r : options_.roots) {
                std::error_code ec;
                if (r != "-" && fs::is_directory(r, ec)) add_watches(r);
            }
        }
        do_round();
    }
    ingestor_.sync();
}

}  // namespace s3top
