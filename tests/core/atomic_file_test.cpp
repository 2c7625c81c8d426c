// Atomic writes replace regular files whole, but never a device node, FIFO or symlink itself.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "core/util/atomic_file.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

TEST(AtomicFile, ReplacesARegularFileWhole) {
    test::TempDir d;
    const auto p = d.write("out.json", "old");
    std::string err;
    ASSERT_TRUE(write_file_atomic(p, "new content", err)) << err;
    EXPECT_EQ(test::read_file(p), "new content");
    for (const auto& e : std::filesystem::directory_iterator(d.path())) EXPECT_EQ(e.path(), p);  // no temp left
}

TEST(AtomicFile, WritesIntoDevNullWithoutReplacingIt) {
    std::string err;
    ASSERT_TRUE(write_file_atomic("/dev/null", "x", err)) << err;
    struct stat st{};
    ASSERT_EQ(::stat("/dev/null", &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode)) << "/dev/null was replaced by a regular file";
}

TEST(AtomicFile, FullDeviceGivesAClearError) {
    struct stat st{};
    if (::stat("/dev/full", &st) != 0 || !S_ISCHR(st.st_mode)) GTEST_SKIP() << "no /dev/full";
    std::string err;
    EXPECT_FALSE(write_file_atomic("/dev/full", std::string(1 << 16, 'x'), err));
    EXPECT_NE(err.find("/dev/full"), std::string::npos) << err;
    ASSERT_EQ(::stat("/dev/full", &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST(AtomicFile, FollowsSymlinksAndRefusesFolders) {
    test::TempDir d;
    const auto target = d.write("real.txt", "old");
    const auto link = d.path() / "link.txt";
    std::filesystem::create_symlink(target, link);
    std::string err;
    ASSERT_TRUE(write_file_atomic(link, "new", err)) << err;
    EXPECT_TRUE(std::filesystem::is_symlink(link));
    EXPECT_EQ(test::read_file(target), "new");
    EXPECT_FALSE(write_file_atomic(d.path(), "x", err));
    EXPECT_NE(err.find("folder"), std::string::npos);
}

TEST(AtomicFile, MissingFolderIsAnError) {
    std::string err;
    EXPECT_FALSE(write_file_atomic("/nonexistent-dir-s3top/x.json", "x", err));
    EXPECT_NE(err.find("/nonexistent-dir-s3top/x.json"), std::string::npos) << err;
}

mode_t mode_of(const std::filesystem::path& p) {
    struct stat st{};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
}

/// Sets the umask for one test and puts the old one back.
struct Umask {
    explicit Umask(mode_t m) : old(::umask(m)) {}
    ~Umask() { ::umask(old); }
    mode_t old;
};

TEST(AtomicFile, ANewFileHonoursTheUmask) {
    test::TempDir d;
    std::string err;
    {
        Umask u(027);
        ASSERT_TRUE(write_file_atomic(d.path() / "a.csv", "x", err)) << err;
    }
    EXPECT_EQ(mode_of(d.path() / "a.csv"), 0640u);
    {
        Umask u(077);
        ASSERT_TRUE(write_file_atomic(d.path() / "b.csv", "x", err)) << err;
    }
    EXPECT_EQ(mode_of(d.path() / "b.csv"), 0600u) << "usage reports name customers: never wider than the umask";
}

TEST(AtomicFile, ARewriteKeepsTheFilesModeAlsoThroughASymlink) {
    test::TempDir d;
    const auto p = d.write("usage.csv", "old");
    std::filesystem::permissions(p, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::string err;
    Umask u(022);
    ASSERT_TRUE(write_file_atomic(p, "new", err)) << err;
    EXPECT_EQ(mode_of(p), 0600u) << "a 0600 report rewritten became wider";
    const auto target = d.write("real.csv", "old");
    std::filesystem::permissions(target, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                             std::filesystem::perms::group_read);
    const auto link = d.path() / "link.csv";
    std::filesystem::create_symlink(target, link);
    ASSERT_TRUE(write_file_atomic(link, "new", err)) << err;
    EXPECT_TRUE(std::filesystem::is_symlink(link));
    EXPECT_EQ(mode_of(target), 0640u);
    struct stat before{}, after{};
    ASSERT_EQ(::stat(p.c_str(), &before), 0);
    ASSERT_TRUE(write_file_atomic(p, "again", err)) << err;
    ASSERT_EQ(::stat(p.c_str(), &after), 0);
    EXPECT_EQ(after.st_uid, before.st_uid);
    EXPECT_EQ(after.st_gid, before.st_gid);
}

}  // namespace
}  // namespace s3top
