#pragma once
// Names for the threads s3top starts, so that `top -H`, `ps -L`, `perf report --sort comm`,
// gdb's `info threads` and /proc/PID/task/*/comm tell the parse workers from the reader, the
// sender, the fetchers and the UI. ARCHITECTURE.md's "Threads" lists every name.
#include <cstddef>
#include <string>
#include <string_view>

namespace s3top {

/// The kernel's limit on a thread's name (16 bytes with the terminating zero).
inline constexpr std::size_t kThreadNameBytes = 15;

/// Names the calling thread `name`, cut to its first kThreadNameBytes bytes (a longer name
/// would be refused whole). Failure is ignored: a name is a hint for whoever watches. A no-op
/// where the system has no thread names (anything but Linux).
void name_this_thread(std::string_view name);

/// Names the calling thread `prefix` + "/" + `n` (e.g. "s3top-parse/3"), cut as above.
void name_this_thread(std::string_view prefix, std::size_t n);

/// The calling thread's name as the system keeps it; empty where there is none to read.
std::string this_thread_name();

}  // namespace s3top
