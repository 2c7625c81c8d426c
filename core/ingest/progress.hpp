#pragma once
// How far a load has got, for a progress line: the loader's threads add to it as they read,
// anyone reads it at any time (relaxed atomics: a display, not an account).
#include <atomic>
#include <cstdint>
#include <string>

namespace s3top {

struct LoadProgress {
    std::atomic<std::uint64_t> files_planned{0};  ///< inputs handed to the loader
    std::atomic<std::uint64_t> files_read{0};     ///< of those, read to their end (or given up)
    /// Stored bytes of the planned inputs (as on disk: compressed for .gz; 0 for stdin) ...
    std::atomic<std::uint64_t> bytes_planned{0};
    std::atomic<std::uint64_t> bytes_read{0};       ///< ... and how many of them were read so far
    std::atomic<std::uint64_t> bytes_unplanned{0};  ///< read from inputs of no known size (stdin)
    std::atomic<std::uint64_t> lines{0};            ///< lines cut from the inputs so far

    /// A consistent enough copy for one display.
    struct Counts {
        std::uint64_t files_planned = 0, files_read = 0, bytes_planned = 0, bytes_read = 0, bytes_unplanned = 0;
        std::uint64_t lines = 0;
    };
    Counts counts() const {
        constexpr auto r = std::memory_order_relaxed;
        return {files_planned.load(r), files_read.load(r),      bytes_planned.load(r),
                bytes_read.load(r),    bytes_unplanned.load(r), lines.load(r)};
    }
};

/// One line for people: "312/1,217 files  410 MiB of 1.26 GiB (32%)  1.2M lines/s  3s left",
/// `seconds` after the load began. Rates and the time left only once they mean something
/// (half a second in, something read); no total (standard input): what was read so far.
std::string progress_text(const LoadProgress::Counts& c, double seconds);

}  // namespace s3top
