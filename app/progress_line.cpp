#include "app/progress_line.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "core/report/terminal_text.hpp"
#include "core/util/thread_name.hpp"

namespace s3top::app {
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds delay_from_env() {
    const char* v = std::getenv("S3TOP_PROGRESS_DELAY");
    if (!v || !*v) return std::chrono::seconds(1);
    char* end = nullptr;
    const double s = std::strtod(v, &end);
    if (end == v || *end != '\0' || !(s >= 0) || s > 3600) return std::chrono::seconds(1);
    return std::chrono::milliseconds(static_cast<long long>(s * 1000));
}

bool stderr_can_redraw() {
    if (::isatty(STDERR_FILENO) == 0) return false;
    const char* term = std::getenv("TERM");
    return !(term && std::strcmp(term, "dumb") == 0);
}

/// Columns of the terminal on stderr (80 when it cannot be told).
int stderr_columns() {
    winsize ws{};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return 80;
}

void write_all(const std::string& s) {
    std::size_t done = 0;
    while (done < s.size()) {
        const ssize_t n = ::write(STDERR_FILENO, s.data() + done, s.size() - done);
        if (n <= 0) return;  // a display only: nothing to do about a failed write
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace

ProgressLine::ProgressLine(std::shared_ptr<const LoadProgress> progress, bool wanted) {
    if (!wanted || !progress || !stderr_can_redraw()) return;
    thread_ = std::jthread([progress = std::move(progress), delay = delay_from_env()](std::stop_token stop) {
        name_this_thread("s3top-progress");
        std::mutex m;
        std::condition_variable_any cv;
        std::unique_lock lock(m);
        const auto start = Clock::now();
        if (!cv.wait_for(lock, stop, delay, [] { return false; }) && stop.stop_requested()) return;
        std::string shown;
        do {
            const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
            // One row, never wrapped: "\r" and erase-line go back over exactly what was drawn.
            std::string text = "s3top: reading " + progress_text(progress->counts(), seconds);
            text = truncate_to_width(text, std::max(stderr_columns() - 1, 10));
            if (text != shown) {
                write_all("\r\x1b[K" + text);
                shown = std::move(text);
            }
        } while (!cv.wait_for(lock, stop, std::chrono::milliseconds(250), [] { return false; }) &&
                 !stop.stop_requested());
        write_all("\r\x1b[K");
    });
}

ProgressLine::~ProgressLine() = default;  // the jthread asks the thread to stop and joins it

}  // namespace s3top::app
