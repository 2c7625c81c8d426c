#pragma once
// Helpers shared by the test suites: where the shared corpus is, reading files, temp folders.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/ingest/io_error.hpp"

namespace s3top::test {

/// The shared real-log corpus folder ($S3TOP_CORPUS or ../shared/corpus beside the checkout),
/// or nullopt when it is not there (a user's clone): tests then GTEST_SKIP.
std::optional<std::filesystem::path> corpus_dir();

/// Whole file as bytes; throws std::runtime_error when unreadable (tests only).
std::string read_file(const std::filesystem::path& p);

/// Lines of a file without their "\n" (a "\r" stays).
std::vector<std::string> read_lines(const std::filesystem::path& p);

/// The name of every thread of this process (/proc/self/task/*/comm), in no order; nullopt
/// where /proc is not there to read.
std::optional<std::vector<std::string>> thread_names_in_proc();

/// A fresh empty folder under the system temp dir, removed when the object dies.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    /// Writes `content` to path()/name (creating parent folders) and returns the full path.
    std::filesystem::path write(const std::string& name, const std::string& content) const;

private:
    std::filesystem::path path_;
};

/// `s` gzip-compressed (one member, level 6), as a .gz file holds it.
std::string gzip(const std::string& s);

/// An IoStatus as a gtest result: its error's one line when it failed.
inline ::testing::AssertionResult ok(const IoStatus& status) {
    if (status) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << status.error().describe();
}

}  // namespace s3top::test

#define S3TOP_REQUIRE_CORPUS(var)                                                            \
    const auto var##_opt = ::s3top::test::corpus_dir();                                      \
    if (!var##_opt) GTEST_SKIP() << "shared corpus not present (../shared/corpus); skipped"; \
    const std::filesystem::path var = *var##_opt
