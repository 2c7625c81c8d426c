#include "tui/canvas.hpp"

#include <gtest/gtest.h>

namespace s3top::tui {
namespace {

TEST(Canvas, StartsBlankAndReadsBackRows) {
    Canvas c(10, 3);
    EXPECT_EQ(c.to_string(), "\n\n");
    c.put(2, 1, "hi");
    EXPECT_EQ(c.row(1), "  hi");
    EXPECT_EQ(c.to_string(), "\n  hi\n");
}

TEST(Canvas, PutPrintedShowsBackslashesAsOneAndEscapesTheRest) {
    Canvas c(30, 1);
    c.put_printed(0, 0, "$'a\\x0ab' \\\x1b");
    EXPECT_EQ(c.row(0), "$'a\\x0ab' \\\\x1b");  // a control byte is still escaped
    Canvas narrow(6, 1);
    EXPECT_EQ(narrow.put_printed(0, 0, "a\\b\\c\\d"), 6);
    EXPECT_EQ(narrow.row(0), "a\\b\\c\\");
    c.clear();
    EXPECT_EQ(c.put_printed(2, 0, "x\\y", {}, 2), 2);
    EXPECT_EQ(c.row(0), "  x\\");
}

TEST(Canvas, PutClipsAtTheEdgesAndAtMaxWidth) {
    Canvas c(8, 2);
    EXPECT_EQ(c.put(5, 0, "abcdef"), 3);
    EXPECT_EQ(c.row(0), "     abc");
    EXPECT_EQ(c.put(0, 1, "abcdef", {}, 2), 2);
    EXPECT_EQ(c.row(1), "ab");
    EXPECT_EQ(c.put(-2, 1, "xyz"), 1);
    EXPECT_EQ(c.row(1), "zb");
    EXPECT_EQ(c.put(0, 5, "out of range"), 0);
}

TEST(Canvas, WideGlyphsTakeTwoCellsAndAreNeverCutInHalf) {
    Canvas c(5, 1);
    EXPECT_EQ(c.put(0, 0, "中文中"), 5);  // the third glyph would straddle the edge: a space instead
    EXPECT_EQ(c.at(0, 0).width, 2);
    EXPECT_EQ(c.at(1, 0).width, 0);
    EXPECT_EQ(c.at(4, 0).text, " ");
    EXPECT_EQ(c.row(0), "中文");
}

TEST(Canvas, OverwritingHalfAWideGlyphBlanksTheOtherHalf) {
    Canvas c(4, 1);
    c.put(0, 0, "中文");
    c.put(1, 0, "x");  // right half of 中
    EXPECT_EQ(c.row(0), " x文");
    c.put(2, 0, "y");  // left half of 文
    EXPECT_EQ(c.row(0), " xy");
    EXPECT_EQ(c.at(3, 0).width, 1);
}

TEST(Canvas, HostileTextIsDrawnEscapedAndStaysInItsCells) {
    Canvas c(20, 1);
    EXPECT_EQ(c.put(0, 0, "\x1b[2J\x07\r\n", {}, 16), 15);
    EXPECT_EQ(c.row(0), "\\x1b[2J\\x07\\r\\n");
    c.clear();
    EXPECT_EQ(c.put(0, 0, "\x1b[2J\x07\r\n", {}, 6), 6);  // clipped like any text
    EXPECT_EQ(c.row(0), "\\x1b[2");
    for (int x = 0; x < c.width(); ++x) {
        for (const char ch : c.at(x, 0).text) EXPECT_GE(static_cast<unsigned char>(ch), 0x20);
    }
}

TEST(Canvas, PutFitTruncatesWithEllipsisAndAligns) {
    Canvas c(12, 2);
    c.put_fit(0, 0, "abcdefghij", 6);
    EXPECT_EQ(c.row(0), "abcde…");
    c.put_fit(0, 1, "42", 6, {}, true);
    EXPECT_EQ(c.row(1), "    42");
}

// #20 item 5: a long value is cut in the middle, whole glyphs only, so two values that share
// a long start still look apart.
TEST(Canvas, PutFitMiddleKeepsStartAndEnd) {
    Canvas c(20, 4);
    EXPECT_EQ(c.put_fit_middle(0, 0, "arn:aws:iam::123456789012:user/alice", 15), 15);
    EXPECT_EQ(c.row(0), "arn:aws…r/alice");
    c.put_fit_middle(0, 1, "arn:aws:iam::123456789012:user/bob", 15);
    EXPECT_NE(c.row(0), c.row(1));
    EXPECT_EQ(c.put_fit_middle(0, 2, "short", 15), 5);
    EXPECT_EQ(c.row(2), "short");
    // An escape is never split; a wide glyph takes its two cells or none.
    EXPECT_LE(c.put_fit_middle(0, 3,
                               "abc\x1b"
                               "d中文中文xyz",
                               11),
              9);
    const std::string cut = c.row(3);
    EXPECT_TRUE(cut.find('\\') == std::string::npos || cut.find("\\x1b") != std::string::npos) << cut;
    EXPECT_EQ(cut, "abc…文xyz");
    Canvas ascii(20, 1, false);
    ascii.put_fit_middle(0, 0, "0123456789abcdef", 9);
    EXPECT_EQ(ascii.row(0), "0123~cdef");
}

TEST(Canvas, AsciiCanvasEscapesNonAscii) {
    Canvas c(20, 1, false);
    c.put(0, 0, "é中");
    EXPECT_EQ(c.row(0), "\\u00e9\\u4e2d");
    EXPECT_EQ(c.glyph("█", "#"), "#");
}

TEST(Canvas, FillAndRestyle) {
    Canvas c(4, 2);
    c.fill(1, 0, 2, 2, Style{Role::Bar}, "#");
    EXPECT_EQ(c.to_string(), " ##\n ##");
    c.restyle(0, 0, 4, Style{Role::Selected, false, true});
    EXPECT_EQ(c.at(3, 0).style.role, Role::Selected);
    EXPECT_EQ(c.at(3, 1).style.role, Role::Normal);
}

}  // namespace
}  // namespace s3top::tui
