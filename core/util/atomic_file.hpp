#pragma once
// Writing a file so that a crash or a full disk never leaves a half-written file in place of
// a good one: write a temp file beside it, fsync, rename over.
#include <filesystem>
#include <string>
#include <string_view>

namespace s3top {

/// Replaces `path` with `content` atomically. On failure returns false with a message naming
/// the file and the system error; the old file (if any) is untouched and the temp removed.
/// A symlink is followed (the file it names is replaced). A file that exists keeps its mode
/// and, where the process may set it, its owner; a new one is made 0666 less the umask.
bool write_file_atomic(const std::filesystem::path& path, std::string_view content, std::string& error);

}  // namespace s3top
