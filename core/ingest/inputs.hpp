#pragma once
// Turning what the user named (files, folders, "-") into the list of log files to read.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace s3top {

struct InputFile {
    /// "-" for standard input. A string, not a std::filesystem::path: a path splits itself
    /// into components when made, and a restart lists 100,000 of these.
    std::string path;
    std::uint64_t size = 0;
    std::int64_t mtime = 0;  ///< UTC epoch seconds
    bool gzip = false;       ///< by name (.gz) or magic bytes
    /// stat(2) when listed (stated = true): the ledger plans with it instead of asking again.
    bool stated = false;
    std::uint64_t dev = 0, ino = 0;
    std::int64_t mtime_ns = 0;
    std::int64_t ctime_ns = 0;
};

struct InputProblem {
    /// What the totals miss of the input: all of it, the rest after its counted lines, or
    /// nothing (a folder already listed through another link).
    enum class Effect : std::uint8_t { NotRead, ReadInPart, NothingMissing };
    std::string path;
    std::string message;
    Effect effect = Effect::NotRead;
};

/// True for names a sync tool uses while a file is still being written (s3cmd's
/// ".s3cmd.tmp" / "-s3cmd", aws cli's ".XXXXXXXX" suffix files, rsync's ".name.XXXXXX",
/// "*.tmp", "*.part", "*.partial", ".*"): they are skipped until renamed into place.
bool is_temporary_name(std::string_view filename);

/// How a folder's regular files are listed. `Listed`: each is stat'ed (size, times, device and
/// inode: InputFile::stated), which a plan against a ledger needs to tell unchanged files. `WhenOpened`:
/// by name only (stated false, gzip by name) when the folder says the entry is a regular file; the
/// plan takes its stat from the descriptor it opens to read the head. For a run whose ledger is
/// empty (no state file): over 100,000 files that is a system call a file fewer, and none before
/// the plan starts. Named files, links and entries of unknown type are stat'ed either way.
enum class StatFiles : std::uint8_t { Listed, WhenOpened };

/// Expands paths: files as they are, folders recursed (symlinked folders too, each folder
/// once: a link back to one already listed, a loop, is named in `problems`), "-" kept. Files come sorted by path
/// (bytewise) within each named folder, so every run reads in the same order. Temporary files are skipped; unreadable
/// entries are reported in `problems` and skipped. A folder is read with readdir and each
/// file stat'ed relative to its folder (no path lookup from the root per file).
std::vector<InputFile> collect_inputs(const std::vector<std::string>& paths, std::vector<InputProblem>& problems,
                                      StatFiles stat = StatFiles::Listed);

}  // namespace s3top
