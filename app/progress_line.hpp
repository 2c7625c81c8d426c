#pragma once
// The progress line of a long load: on stderr when it is a terminal, once the load has taken
// longer than a second, redrawn in place and erased when the load ends.
#include <memory>
#include <thread>

#include "core/ingest/progress.hpp"

namespace s3top::app {

class ProgressLine {
public:
    /// Shows `progress` on stderr while this lives, when `wanted` (not --quiet), stderr is a
    /// terminal that can erase a line (TERM is not "dumb"), after the delay
    /// (S3TOP_PROGRESS_DELAY seconds, as git's GIT_PROGRESS_DELAY; default 1).
    ProgressLine(std::shared_ptr<const LoadProgress> progress, bool wanted);
    ~ProgressLine();  ///< stops and erases the line, leaving the terminal as it was
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

private:
    std::jthread thread_;
};

}  // namespace s3top::app
