#pragma once
// The lines a report or statement was made from and their fate, in each output format alike:
// read = parsed + rejected + ignored, each of the last two broken down by reason.
#include <string>

#include "core/agg/batch.hpp"

namespace s3top {

/// Text: "lines read 11, parsed 5, rejected 2 (bad_timestamp 2), ignored 4 (empty_line 1,
/// no_format 3)". Duplicate records (--dedupe request-id) are among the rejected lines but
/// not in the breakdown: `about_rejected` (the writer's words on them) follows the breakdown.
std::string lines_text(const LineCounters& lines, std::string_view about_rejected = {});

/// JSON members, without braces or a leading comma: "read", "parsed", "rejected", "ignored",
/// "bytes", "rejected_by_reason" and "ignored_by_reason" (objects of the non-zero reasons).
std::string lines_json(const LineCounters& lines);

}  // namespace s3top
