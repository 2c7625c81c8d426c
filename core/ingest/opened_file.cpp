#include "core/ingest/opened_file.hpp"

#include <unistd.h>

#include <condition_variable>
#include <mutex>

namespace s3top {
namespace {

// The process's count: descriptors are the process's, whatever plan holds them.
struct Held {
    std::mutex m;
    std::condition_variable room;
    std::size_t n = 0;
    std::size_t waiting = 0;  ///< plans waiting for room
};

/// A plan waiting for room is woken once readers have taken this many, not at each take: over
/// 100,000 files a wake-up a file was 40,000 context switches (~0.4 s of system time).
constexpr std::size_t kRefill = OpenedFile::kMaxHeld / 4;

Held& held_files() {
    static Held h;
    return h;
}

void give_back() {
    Held& h = held_files();
    bool wake = false;
    {
        std::lock_guard l(h.m);
        --h.n;
        wake = h.waiting > 0 && h.n == OpenedFile::kMaxHeld - kRefill;
    }
    if (wake) h.room.notify_all();
}

}  // namespace

std::shared_ptr<OpenedFile> OpenedFile::hold(int fd, std::chrono::milliseconds wait) {
    Held& h = held_files();
    {
        std::unique_lock l(h.m);
        ++h.waiting;
        const bool room = h.room.wait_for(l, wait, [&] { return h.n < kMaxHeld; });
        --h.waiting;
        if (room) {
            ++h.n;
            return std::make_shared<OpenedFile>(fd);
        }
    }
    ::close(fd);
    return nullptr;
}

std::size_t OpenedFile::held() {
    Held& h = held_files();
    std::lock_guard l(h.m);
    return h.n;
}

OpenedFile::~OpenedFile() {
    if (const int fd = fd_.exchange(-1); fd >= 0) {
        ::close(fd);
        give_back();
    }
}

int OpenedFile::take() {
    const int fd = fd_.exchange(-1);
    if (fd >= 0) give_back();
    return fd;
}

}  // namespace s3top
