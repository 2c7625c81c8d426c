#pragma once
// How many bytes a load is likely to read while its plan is still going, for the engine's
// column growth (Engine::expect_bytes): a run without a state file lists a folder's files by
// name only, so their sizes are known only as the plan opens them. Told only what is known,
// the engine projected too few rows and its columns doubled three or four times during the
// load (once from 1.93 M rows to 3.89 M at the end of the bench's 2 M lines: ~70 MB copied and
// over 150 MB at the dashboard's first frame). The files listed by name only that the plan has
// not reached are taken at the mean size of those it has.
#include <cstddef>
#include <cstdint>

namespace s3top {

class ByteEstimate {
public:
    /// `stated`: the bytes of the inputs whose size the listing gave (told the engine already);
    /// `unstated`: how many inputs were listed by name only.
    ByteEstimate(std::uint64_t stated, std::size_t unstated) : known_(stated), told_(stated), left_(unstated) {}

    /// The plan made jobs of `files` inputs listed by name only, of `bytes` in all: the bytes
    /// to add to what the engine expects (0 when the estimate did not grow).
    std::uint64_t planned(std::uint64_t bytes, std::size_t files) {
        known_ += bytes;
        found_bytes_ += bytes;
        found_files_ += files;
        left_ = files < left_ ? left_ - files : 0;
        const double mean = found_files_ ? static_cast<double>(found_bytes_) / static_cast<double>(found_files_) : 0;
        const auto want = known_ + static_cast<std::uint64_t>(mean * static_cast<double>(left_));
        if (want <= told_) return 0;
        const std::uint64_t more = want - told_;
        told_ = want;
        return more;
    }
    /// What the engine was told beyond the bytes the plan found (call once the plan is over:
    /// inputs it made no job of, or files smaller than the mean, leave an estimate too high).
    std::uint64_t overshoot() const { return told_ > known_ ? told_ - known_ : 0; }
    /// The bytes known: the stated ones and those the plan found.
    std::uint64_t known() const { return known_; }

private:
    std::uint64_t known_;
    std::uint64_t told_;
    std::size_t left_;  // inputs listed by name only the plan has not made a job of
    std::uint64_t found_bytes_ = 0;
    std::size_t found_files_ = 0;
};

}  // namespace s3top
