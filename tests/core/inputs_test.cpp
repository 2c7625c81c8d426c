// Listing inputs: folders walked with readdir and fstatat relative to each folder, files in the
// byte order of their full paths, temporary and hidden names skipped, links to files followed,
// links to folders not, what cannot be listed named.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "core/ingest/inputs.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> paths_of(const std::vector<InputFile>& files) {
    std::vector<std::string> out;
    for (const auto& f : files) out.push_back(f.path);
    return out;
}

TEST(Inputs, FilesComeInTheByteOrderOfTheirFullPaths) {
    test::TempDir d;
    // Names whose order as names differs from the order of the paths under them: '-' and '.'
    // sort before '/', '0' after it, so "a/..." falls between "a.log" and "a0.log".
    for (const char* name : {"b.log", "a0.log", "a/x.log", "a.log", "a-b.log", "ab/y.log", "a/b/z.log", "a/b.log",
                             "a/a/deep/w.log", "Z.log", "a/b-c/v.log"})
        d.write(std::string("logs/") + name, "x\n");
    std::vector<InputProblem> problems;
    const auto files = collect_inputs({(d.path() / "logs").string()}, problems);
    EXPECT_TRUE(problems.empty());
    const auto got = paths_of(files);
    auto want = got;
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want);
    ASSERT_EQ(got.size(), 11u);
    const std::string root = (d.path() / "logs").string() + "/";
    EXPECT_EQ(got.front(), root + "Z.log");
    EXPECT_EQ(got[1], root + "a-b.log");
    EXPECT_EQ(got[2], root + "a.log");
    EXPECT_EQ(got[3], root + "a/a/deep/w.log");
    EXPECT_EQ(got.back(), root + "b.log");
}

TEST(Inputs, NamedPathsKeepTheirOrderAndSpelling) {
    test::TempDir d;
    d.write("one/b.log", "x\n");
    d.write("one/a.log", "x\n");
    const fs::path single = d.write("two.log.gz", "not really gzip\n");
    std::vector<InputProblem> problems;
    // A folder named with a trailing '/' gives "one/a.log", not "one//a.log"; a file named
    // first stays first.
    const auto files = collect_inputs({single.string(), (d.path() / "one").string() + "/", "-"}, problems);
    EXPECT_TRUE(problems.empty());
    ASSERT_EQ(files.size(), 4u);
    EXPECT_EQ(files[0].path, single.string());
    EXPECT_TRUE(files[0].gzip) << "a .gz name";
    EXPECT_EQ(files[1].path, (d.path() / "one" / "a.log").string());
    EXPECT_FALSE(files[1].gzip);
    EXPECT_EQ(files[2].path, (d.path() / "one" / "b.log").string());
    EXPECT_EQ(files[3].path, "-");
}

TEST(Inputs, EachFileCarriesItsStat) {
    test::TempDir d;
    const fs::path p = d.write("logs/sub/a.log", "hello\n");
    std::vector<InputProblem> problems;
    const auto files = collect_inputs({(d.path() / "logs").string()}, problems);
    ASSERT_EQ(files.size(), 1u);
    struct stat st{};
    ASSERT_EQ(::stat(p.c_str(), &st), 0);
    const InputFile& f = files[0];
    EXPECT_TRUE(f.stated);
    EXPECT_EQ(f.size, 6u);
    EXPECT_EQ(f.dev, static_cast<std::uint64_t>(st.st_dev));
    EXPECT_EQ(f.ino, static_cast<std::uint64_t>(st.st_ino));
    EXPECT_EQ(f.mtime, static_cast<std::int64_t>(st.st_mtim.tv_sec));
    EXPECT_EQ(f.mtime_ns, static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec);
}

// StatFiles::WhenOpened: a folder's regular files come by name only (the plan stats the
// descriptor it opens), in the same order and with the same names; a file named on the command
// line and a link are stat'ed as before (a link may lead to a folder or a fifo).
TEST(Inputs, FilesListedByNameOnlyComeInTheSameOrderWithoutAStat) {
    test::TempDir d;
    const fs::path logs = d.path() / "logs";
    d.write("logs/b.log", "bb\n");
    d.write("logs/a/x.log.gz", "xx\n");
    d.write("logs/.hidden.log", "x\n");
    d.write("logs/c.part", "x\n");
    const fs::path target = d.write("target.log", "target\n");
    fs::create_symlink(target, logs / "link.log");
    std::vector<InputProblem> problems;
    const auto listed = collect_inputs({logs.string(), target.string()}, problems);
    const auto named = collect_inputs({logs.string(), target.string()}, problems, StatFiles::WhenOpened);
    ASSERT_EQ(paths_of(named), paths_of(listed));
    ASSERT_EQ(named.size(), 4u);
    std::map<std::string, InputFile> by_path;
    for (const auto& f : named) by_path[f.path] = f;
    const InputFile& gz = by_path[(logs / "a" / "x.log.gz").string()];
    EXPECT_FALSE(gz.stated);
    EXPECT_TRUE(gz.gzip) << "by name";
    EXPECT_EQ(gz.size, 0u);
    EXPECT_EQ(gz.ino, 0u);
    EXPECT_FALSE(by_path[(logs / "b.log").string()].stated);
    EXPECT_TRUE(by_path[(logs / "link.log").string()].stated) << "a link is stat'ed";
    EXPECT_EQ(by_path[(logs / "link.log").string()].size, 7u);
    EXPECT_TRUE(by_path[target.string()].stated) << "a file named itself is stat'ed";
    EXPECT_TRUE(problems.empty());
}

TEST(Inputs, HiddenAndTemporaryEntriesAreSkippedSpecialOnesNamedLinksFollowed) {
    test::TempDir d;
    const fs::path logs = d.path() / "logs";
    d.write("logs/good.log", "x\n");
    d.write("logs/.git/hidden.log", "x\n");  // a hidden folder: not walked
    d.write("logs/.hidden.log", "x\n");      // a hidden file
    d.write("logs/c.log.s3cmd.tmp", "x\n");  // still being written
    d.write("logs/d.log.a1b2c3d4", "x\n");   // aws s3 sync's temp name
    d.write("logs/e.part", "x\n");
    d.write("elsewhere/inner.log", "x\n");
    d.write("target.log", "x\n");
    fs::create_directory_symlink(d.path() / "elsewhere", logs / "linked-folder");  // followed
    fs::create_symlink(d.path() / "target.log", logs / "link.log");                // followed
    fs::create_symlink(logs / "nowhere", logs / "dangling.log");                   // named
    fs::create_symlink(logs / "nowhere", logs / "dangling.tmp");                   // temporary: not named
    ASSERT_EQ(::mkfifo((logs / "pipe.log").c_str(), 0600), 0);                     // not a file: named
    ASSERT_EQ(::mkfifo((d.path() / "fifo").c_str(), 0600), 0);
    fs::create_symlink(d.path() / "fifo", logs / "to-fifo.log");  // a link to one: named
    ASSERT_EQ(::mkfifo((logs / "q.part").c_str(), 0600), 0);      // a temporary name: not named
    std::vector<InputProblem> problems;
    const auto files = collect_inputs({logs.string()}, problems);
    EXPECT_EQ(paths_of(files), (std::vector<std::string>{(logs / "good.log").string(), (logs / "link.log").string(),
                                                         (logs / "linked-folder" / "inner.log").string()}));
    EXPECT_EQ(files[1].size, 2u) << "the stat of the link's target";
    std::map<std::string, std::string> named;
    for (const auto& p : problems) {
        named[p.path] = p.message;
        EXPECT_EQ(p.effect, InputProblem::Effect::NothingMissing) << p.path;
    }
    EXPECT_EQ(problems.size(), 3u);
    EXPECT_FALSE(named[(logs / "dangling.log").string()].empty());
    EXPECT_EQ(named[(logs / "pipe.log").string()], "not a regular file (a fifo, socket or device): not read");
    EXPECT_EQ(named[(logs / "to-fifo.log").string()], "not a regular file (a fifo, socket or device): not read");
}

// Symlinked sub-folders are walked, each folder once: a link back up (a loop) or to a folder
// already listed is named, not walked again; a symlinked folder named itself is followed.
TEST(Inputs, SymlinkedFoldersAreFollowedOnceAndALoopIsNamed) {
    test::TempDir d;
    const fs::path logs = d.path() / "logs";
    d.write("logs/a/one.log", "x\n");
    d.write("other/two.log", "x\n");
    fs::create_directory_symlink(d.path() / "other", logs / "b-link");
    fs::create_directory_symlink(logs, logs / "a" / "loop");  // back to the root
    fs::create_directory_symlink(d.path() / "other", logs / "c-again");
    std::vector<InputProblem> problems;
    auto files = collect_inputs({logs.string()}, problems);
    EXPECT_EQ(paths_of(files),
              (std::vector<std::string>{(logs / "a" / "one.log").string(), (logs / "b-link" / "two.log").string()}));
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_EQ(problems[0].path, (logs / "a" / "loop").string());
    EXPECT_NE(problems[0].message.find("loop"), std::string::npos);
    EXPECT_EQ(problems[1].path, (logs / "c-again").string());
    // A symlinked folder named on the command line.
    fs::create_directory_symlink(logs, d.path() / "root-link");
    problems.clear();
    files = collect_inputs({(d.path() / "root-link").string()}, problems);
    EXPECT_EQ(files.size(), 2u);
}

// Over 2048 entries a folder's files are stat'ed on every core: each file still gets its own
// stat, in path order, and a dangling link among them is named once.
TEST(Inputs, AFolderOfThousandsOfFilesGetsEachFilesOwnStat) {
    test::TempDir d;
    const fs::path logs = d.path() / "logs";
    constexpr int kFiles = 3000;
    for (int i = 0; i < kFiles; ++i) d.write("logs/f" + std::to_string(100000 + i), std::string(1 + i % 97, 'x'));
    d.write("logs/busy.log.s3cmd.tmp", "x\n");
    fs::create_symlink(logs / "nowhere", logs / "dangling.log");
    fs::create_symlink(logs / "nowhere", logs / "dangling.tmp");
    std::vector<InputProblem> problems;
    const auto files = collect_inputs({logs.string()}, problems);
    ASSERT_EQ(files.size(), static_cast<std::size_t>(kFiles));
    for (int i = 0; i < kFiles; ++i) {
        ASSERT_EQ(files[i].path, (logs / ("f" + std::to_string(100000 + i))).string());
        ASSERT_EQ(files[i].size, static_cast<std::uint64_t>(1 + i % 97)) << files[i].path;
        ASSERT_TRUE(files[i].stated);
    }
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].path, (logs / "dangling.log").string());
}

TEST(Inputs, MissingPathsAreNamed) {
    test::TempDir d;
    std::vector<InputProblem> problems;
    const auto files = collect_inputs({(d.path() / "missing").string()}, problems);
    EXPECT_TRUE(files.empty());
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].path, (d.path() / "missing").string());
    EXPECT_FALSE(problems[0].message.empty());
}

TEST(Inputs, TemporaryNames) {
    for (const char* name :
         {".x", "a.tmp", "a.part", "a.partial", "a.s3cmd.tmp", "a-s3cmd", "a.crdownload", "a~", "a.Ab3dE5f7"})
        EXPECT_TRUE(is_temporary_name(name)) << name;
    for (const char* name : {"a.log", "a.log.gz", "2024-03-01-12-00-00-ABCDEF0123456789", "a.20240301", "a.abcdefgh"})
        EXPECT_FALSE(is_temporary_name(name)) << name;
}

}  // namespace
}  // namespace s3top
