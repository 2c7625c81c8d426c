#pragma once
// One failed file operation as a value: what failed, on which path, the errno when the system
// said it, and the words for it. Returned through std::expected by byte sources, the state
// store and the ingestor; the app decides how to say it.
#include <cstdint>
#include <cstring>
#include <expected>
#include <string>

namespace s3top {

struct IoError {
    enum class Code : std::uint8_t {
        Open,     ///< the file (or folder) could not be opened
        Read,     ///< a read failed part-way
        Changed,  ///< not the file planned any more (rotated, truncated, rewritten): plan again
        Gzip,     ///< corrupt compressed data, or a decompression limit passed
        Write,    ///< a write (state file) failed
        Busy,     ///< in use by another process
        Format,   ///< bytes that are not what they should be (a state file's header)
    };
    Code code = Code::Read;
    std::string path;
    int error_number = 0;  ///< errno; 0 when the system did not say
    std::string detail;    ///< what happened, in words (may be empty when errno says it)

    /// The message without the path: the detail, else strerror(errno).
    std::string message() const {
        if (!detail.empty()) return detail;
        return error_number != 0 ? std::string(std::strerror(error_number)) : std::string("failed");
    }
    /// "PATH: message" (the message alone when there is no path): the one line a user reads.
    std::string describe() const { return path.empty() ? message() : path + ": " + message(); }
    /// An error from errno.
    static IoError from_errno(Code code, std::string path, int err) { return IoError{code, std::move(path), err, {}}; }
};

/// Done, or the IoError that stopped it.
using IoStatus = std::expected<void, IoError>;

}  // namespace s3top
