#pragma once
// Writing what a command prints: one function for report, bill, and the reports of --follow
// and --replay, so they cannot drift apart.
#include <string_view>

#include "app/cli.hpp"

namespace s3top::app {

/// Writes `text` to -o FILE (atomically: temp file, fsync, rename; the terminating signals held
/// until the file is whole) or to standard output. On a terminal, CSV and HTML are made
/// terminal-safe (a log value cannot retitle or clear the screen); to a file or a pipe the
/// bytes are exact. On failure says so on stderr, naming `what`, and returns false.
bool write_output(const Options& opt, std::string_view text, std::string_view what);

/// `text` as it may reach a terminal: each line through terminal_safe(), line ends kept.
std::string terminal_safe_lines(std::string_view text);

}  // namespace s3top::app
