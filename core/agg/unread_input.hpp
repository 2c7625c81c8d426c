#pragma once
// An input the totals leave out, wholly or in part: every report and statement names it, so a
// number never reads as complete when it is not.
#include <string>

namespace s3top {

struct UnreadInput {
    std::string path;
    std::string reason;   ///< why, in words (for a part: up to which line it is counted)
    bool partly = false;  ///< its lines up to where reading stopped are counted, the rest not
};

}  // namespace s3top
