#pragma once
// The inputs a report or statement leaves out (could not be read, or only in part), in each
// output format alike: every writer of a report and of a statement appends these.
#include <string>
#include <vector>

#include "core/agg/unread_input.hpp"

namespace s3top {

/// Text: a heading line, then one line per input ("not read" / "read in part", path, reason),
/// terminal-safe. Empty when every input was read.
std::string unread_table(const std::vector<UnreadInput>& unread);

/// CSV: an empty line, then a table of its own (`input,read,reason`; read is "no" or "in part").
/// Empty when every input was read.
std::string unread_csv(const std::vector<UnreadInput>& unread);

/// JSON: the member `"unread_inputs":[{"path":..,"read":"none"|"part","reason":..},..]`, always
/// present (an empty array when every input was read), without a leading comma.
std::string unread_json(const std::vector<UnreadInput>& unread);

/// HTML: a warning paragraph and a list. Empty when every input was read.
std::string unread_html(const std::vector<UnreadInput>& unread);

}  // namespace s3top
