#pragma once
// A file the plan opened to read its head, held open for the job that reads it: the reader
// takes the descriptor instead of opening the path again. Over 100,000 small files that is an
// open and a close a file fewer (a third of the system time a file took), and the reader reads
// the very file whose head the plan judged.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>

namespace s3top {

class OpenedFile {
public:
    /// Descriptors held for readers at most, in the whole process (its limit is often 1,024).
    static constexpr std::size_t kMaxHeld = 256;

    /// Holds `fd` when fewer than kMaxHeld are held, waiting up to `wait` for a reader to take
    /// one; else closes it and gives null.
    static std::shared_ptr<OpenedFile> hold(int fd, std::chrono::milliseconds wait);
    /// How many are held now (tests).
    static std::size_t held();

    explicit OpenedFile(int fd) : fd_(fd) {}
    OpenedFile(const OpenedFile&) = delete;
    OpenedFile& operator=(const OpenedFile&) = delete;
    /// Closes the descriptor when no reader took it.
    ~OpenedFile();

    /// The descriptor, once (the caller closes it); -1 after. Copies of a job share one.
    int take();

private:
    std::atomic<int> fd_;
};

}  // namespace s3top
