#pragma once
// Writing what a command prints: one function for report, bill, and the reports of --follow
// and --replay, so they cannot drift apart.
#include <string_view>

#include "app/cli.hpp"
#include "core/report/report_writer.hpp"

namespace s3top::app {

/// Writes `text` to -o FILE (atomically: temp file, fsync, rename; the terminating signals held
/// until the file is whole) or to standard output. On a terminal, CSV and HTML are made
/// terminal-safe (a log value cannot retitle or clear the screen); to a file or a pipe the
/// bytes are exact. On failure says so on stderr, naming `what`, and returns false.
bool write_output(const Options& opt, std::string_view text, std::string_view what);

/// How the text table is written: human units unless --exact (a table in a file is exact, see
/// resolve_options); keys cut in the middle on a terminal, never in a file or a pipe.
TableOptions table_options(const Options& opt);

/// `text` as it may reach a terminal: each line through terminal_safe(), line ends kept.
std::string terminal_safe_lines(std::string_view text);

}  // namespace s3top::app
