// shell_quote: every word, however hostile, is read back by a shell byte for byte and stays one
// printable line (the dashboard's export shows the command it stands for).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/report/escape.hpp"

namespace s3top {
namespace {

/// What `shell` reads `word` (a quoted word) as: printf '%s' WORD, run from a script file.
std::string read_back(const std::string& shell, const std::string& word) {
    const auto dir = std::filesystem::temp_directory_path() / ("s3top-shq-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "s.sh") << "printf '%s' " << word << " > " << (dir / "out").string() << "\n";
    const std::string cmd = shell + " " + (dir / "s.sh").string();
    EXPECT_EQ(std::system(cmd.c_str()), 0) << word;
    std::ifstream in(dir / "out", std::ios::binary);
    std::stringstream got;
    got << in.rdbuf();
    std::filesystem::remove_all(dir);
    return got.str();
}

TEST(ShellQuote, PlainWordsStayAsTheyAre) {
    EXPECT_EQ(shell_quote("org=acme-17"), "org=acme-17");
    EXPECT_EQ(shell_quote("/var/log/s3/2024-03-01.log"), "/var/log/s3/2024-03-01.log");
    EXPECT_EQ(shell_quote("s3://bucket/prefix/"), "s3://bucket/prefix/");
}

TEST(ShellQuote, SpecialCharactersAreSingleQuoted) {
    EXPECT_EQ(shell_quote(""), "''");
    EXPECT_EQ(shell_quote("a b"), "'a b'");
    EXPECT_EQ(shell_quote("$HOME `id` *"), "'$HOME `id` *'");
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
    EXPECT_EQ(shell_quote("Grüße"), "'Grüße'");
}

TEST(ShellQuote, ControlBytesAndInvalidUtf8AreHexInAnsiCQuotes) {
    EXPECT_EQ(shell_quote("a\nb"), "$'a\\x0ab'");
    EXPECT_EQ(shell_quote("it's\t\\"), "$'it\\'s\\x09\\\\'");
    EXPECT_EQ(shell_quote("\xff\x1b[2J"), "$'\\xff\\x1b[2J'");
}

TEST(ShellQuote, BashReadsEveryWordBackByteForByte) {
    if (std::system("command -v bash >/dev/null 2>&1") != 0) GTEST_SKIP() << "bash not installed";
    const std::string words[] = {
        "org=acme-17",
        "key=a'b\"c$d`e`f\\g h",
        "key=it's $(id) `id` $HOME\nsecond line",
        "key=\x1b]0;title\x07 \xff\xfe tail \r",
        "Grüße 中文 🚀 '",
        "!event *glob? [x] ~user #c ;&|<>(){}",
        "\\x41 \\\\ \\'",
    };
    for (const std::string& w : words) {
        const std::string q = shell_quote(w);
        EXPECT_EQ(to_valid_utf8(q), q) << q;
        EXPECT_TRUE(std::none_of(q.begin(), q.end(), [](char c) { return c == 0x7F || (c >= 0 && c < 0x20); }))
            << "not one printable line: " << q;
        EXPECT_EQ(read_back("bash", q), w) << q;
    }
}

TEST(ShellQuote, PosixShReadsBackWhatHasNoControlBytes) {
    if (std::system("command -v sh >/dev/null 2>&1") != 0) GTEST_SKIP() << "sh not installed";
    for (const std::string w : {"a'b\"c$d`e`f\\g h", "Grüße 中文 '", "!x *y? ~z #c ;&|<>(){}"})
        EXPECT_EQ(read_back("sh", shell_quote(w)), w);
}

}  // namespace
}  // namespace s3top
