#include "core/report/terminal_text.hpp"

#include "core/report/escape.hpp"
#include "core/report/text_table.hpp"

#include <gtest/gtest.h>

#include <random>

namespace s3top {
namespace {

// Every byte of sanitized output is printable: no C0, DEL, and it decodes as valid UTF-8 with
// no C1 controls.
void expect_terminal_safe(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        ASSERT_FALSE(c < 0x20 || c == 0x7F) << "control byte " << int(c) << " at " << i << " in " << s;
        const Decoded d = decode_utf8(s.substr(i));
        ASSERT_TRUE(d.valid) << "invalid UTF-8 at " << i;
        ASSERT_FALSE(d.cp >= 0x80 && d.cp < 0xA0) << "C1 control at " << i;
        i += static_cast<std::size_t>(d.len);
    }
}

// Cells the sanitized text takes when a terminal prints it as is.
int printed_width(std::string_view s) {
    int w = 0;
    for (std::size_t i = 0; i < s.size();) {
        const Decoded d = decode_utf8(s.substr(i));
        w += std::max(0, codepoint_width(d.cp));
        i += static_cast<std::size_t>(d.len);
    }
    return w;
}

TEST(Sanitize, PlainTextIsUnchanged) {
    EXPECT_EQ(terminal_safe("aws-cli/2.15.0 Python/3.11"), "aws-cli/2.15.0 Python/3.11");
    EXPECT_EQ(terminal_safe("Grüße 中文 🚀"), "Grüße 中文 🚀");
    EXPECT_EQ(terminal_safe(""), "");
}

TEST(Sanitize, ControlCharactersBecomeVisibleEscapes) {
    EXPECT_EQ(terminal_safe("a\x1b[2Jb"), "a\\x1b[2Jb");
    EXPECT_EQ(terminal_safe("\x1b]52;c;aGVsbG8=\x07"), "\\x1b]52;c;aGVsbG8=\\x07");  // OSC 52 clipboard write
    EXPECT_EQ(terminal_safe("line\r\nnext\tcol"), "line\\r\\nnext\\tcol");
    EXPECT_EQ(terminal_safe(std::string_view("nul\0byte", 8)), "nul\\x00byte");
    EXPECT_EQ(terminal_safe("del\x7f"), "del\\x7f");
    EXPECT_EQ(terminal_safe("\x08\x0e\x1f"), "\\x08\\x0e\\x1f");
    EXPECT_EQ(terminal_safe("C:\\dir"), "C:\\\\dir");  // a backslash is doubled: escapes stay unambiguous
}

TEST(Sanitize, C1ControlsAndInvisibleOrReorderingCharactersAreEscaped) {
    EXPECT_EQ(terminal_safe("\xc2\x9b"
                            "31m"),
              "\\u009b31m");  // 8-bit CSI
    EXPECT_EQ(terminal_safe("\xc2\x9d"
                            "52;c;x"),
              "\\u009d52;c;x");                                         // 8-bit OSC
    EXPECT_EQ(terminal_safe("abc\u202Egnp.exe"), "abc\\u202egnp.exe");  // right-to-left override
    EXPECT_EQ(terminal_safe("a\u200Bb"), "a\\u200bb");
    EXPECT_EQ(terminal_safe("\U0001F469\u200D\U0001F4BB"), "\U0001F469\\u200d\U0001F4BB");  // ZWJ
    EXPECT_EQ(terminal_safe("\u2764\uFE0F"), "\u2764\\ufe0f");
    EXPECT_EQ(terminal_safe("\U0001F1FA\U0001F1F8"), "\\U0001f1fa\\U0001f1f8");  // flag pair
}

TEST(Sanitize, InvalidUtf8BecomesReplacementCharacters) {
    EXPECT_EQ(terminal_safe("a\xff"
                            "b"),
              "a\uFFFDb");
    EXPECT_EQ(terminal_safe("\xe4\xb8"), "\uFFFD");                            // truncated 3-byte sequence
    EXPECT_EQ(terminal_safe("\xc0\xaf"), "\uFFFD\uFFFD");                      // overlong '/'
    EXPECT_EQ(terminal_safe("\xed\xa0\x80"), "\uFFFD\uFFFD\uFFFD");            // surrogate
    EXPECT_EQ(terminal_safe("\xf4\x90\x80\x80"), "\uFFFD\uFFFD\uFFFD\uFFFD");  // > U+10FFFF
    EXPECT_EQ(terminal_safe("\x80x"), "\uFFFDx");                              // stray continuation (raw C1 byte)
}

TEST(Sanitize, AsciiModeEscapesEverythingNonAscii) {
    EXPECT_EQ(terminal_safe("Grüße", true), "Gr\\u00fc\\u00dfe");
    EXPECT_EQ(terminal_safe("\xff", true), "?");
    EXPECT_EQ(display_width("中", true), 6);
}

TEST(Sanitize, DisplayWidthCountsCellsAsShown) {
    EXPECT_EQ(display_width("abc"), 3);
    EXPECT_EQ(display_width("中文"), 4);
    EXPECT_EQ(display_width("🚀"), 2);
    EXPECT_EQ(display_width("e\u0301"), 1);  // combining acute joins the e
    EXPECT_EQ(display_width("\u0301"), 6);   // ... but alone is escaped: \u0301
    EXPECT_EQ(display_width("\x1b[2J"), 7);  // \x1b[2J
    EXPECT_EQ(display_width("\xff"), 1);
}

TEST(Sanitize, CombiningMarksAreCapped) {
    std::string zalgo = "z";
    for (int i = 0; i < 40; ++i) zalgo += "\u0301";
    const std::string out = terminal_safe(zalgo);
    EXPECT_EQ(display_width(out), 1);
    EXPECT_LE(out.size(), 1 + 2 * 4u);
}

TEST(Truncate, FitsAndEndsWithEllipsis) {
    EXPECT_EQ(truncate_to_width("hello", 5), "hello");
    EXPECT_EQ(truncate_to_width("hello world", 5), "hell…");
    EXPECT_EQ(display_width(truncate_to_width("hello world", 5)), 5);
    EXPECT_EQ(truncate_to_width("hello world", 5, true), "hell~");
    EXPECT_EQ(truncate_to_width("hello", 1), "…");
    EXPECT_EQ(truncate_to_width("hello", 0), "");
}

TEST(Truncate, InTheMiddleKeepsStartAndEnd) {
    EXPECT_EQ(truncate_middle("hello", 5), "hello");
    EXPECT_EQ(truncate_middle("arn:aws:iam::123456789012:user/alice", 15), "arn:aws…r/alice");
    EXPECT_EQ(display_width(truncate_middle("arn:aws:iam::123456789012:user/alice", 15)), 15);
    EXPECT_NE(truncate_middle("arn:aws:iam::123456789012:user/alice", 15),
              truncate_middle("arn:aws:iam::123456789012:user/bob01", 15));
    EXPECT_EQ(truncate_middle("hello world", 6, true), "hel~ld");
    EXPECT_EQ(truncate_middle("中文中文中文", 6), "中…文");  // a wide glyph is never halved
    EXPECT_EQ(truncate_middle("a\x1b[2Jxyz", 8), "a…xyz");   // nor an escape (\x1b: 4 cells)
    EXPECT_EQ(truncate_middle("hello", 2), "h…");
}

TEST(Truncate, NeverSplitsWideGlyphsOrEscapes) {
    EXPECT_EQ(truncate_to_width("中文中文", 5), "中文…");
    EXPECT_EQ(truncate_to_width("中文中文", 4), "中…");  // 3 cells: half a glyph is never shown
    EXPECT_EQ(truncate_to_width("a\x1b[2Jxyz", 6), "a\\x1b…");
    EXPECT_EQ(truncate_to_width("a\x1b[2Jxyz", 5), "a…");
    EXPECT_EQ(truncate_to_width("\x1b[2J", 2), "…");
    EXPECT_LE(display_width(truncate_to_width("🚀🚀🚀", 4)), 4);
}

TEST(Sanitize, RandomBytesAlwaysComeOutSafeAndMeasured) {
    std::mt19937 rng(1234);
    for (int round = 0; round < 2000; ++round) {
        std::string raw(rng() % 40, '\0');
        for (auto& ch : raw) ch = static_cast<char>(rng() % 256);
        const std::string out = terminal_safe(raw);
        expect_terminal_safe(out);
        EXPECT_EQ(printed_width(out), display_width(raw));
        const int w = static_cast<int>(rng() % 20);
        EXPECT_LE(printed_width(truncate_to_width(raw, w)), w);
    }
}

}  // namespace
}  // namespace s3top

namespace s3top {
namespace {

// Text reports and the dashboard share terminal_safe(): what hides or reorders text is
// escaped in a report too, and report columns are sized in cells.
TEST(TerminalText, ReportsEscapeLikeTheDashboard) {
    EXPECT_EQ(terminal_safe("evil\xE2\x80\xAEgnp.exe"), "evil\\u202egnp.exe");  // RIGHT-TO-LEFT OVERRIDE
    EXPECT_EQ(terminal_safe("a\x1b[31m\\"), "a\\x1b[31m\\\\");
    EXPECT_EQ(safe_text_width(terminal_safe("中文\x01")), 4 + 4);
    EXPECT_EQ(text_table({{"Key", "N"}, {"中文", "1"}, {"ab", "22"}}, 1, true, false),
              "Key    N\n--------\n中文   1\nab    22\n");
}

// One UTF-8 walk: an invalid sequence is one U+FFFD however many bytes its maximal invalid
// prefix has, in JSON, HTML/CSV (to_valid_utf8) and terminal text alike.
TEST(TerminalText, EscapersAgreeOnInvalidUtf8) {
    const std::string_view truncated =
        "a\xE2\x80"
        "b";  // a 3-byte sequence cut after 2
    EXPECT_EQ(to_valid_utf8(truncated),
              "a\xEF\xBF\xBD"
              "b");
    EXPECT_EQ(json_quote(truncated), "\"a\\ufffdb\"");
    EXPECT_EQ(terminal_safe(truncated),
              "a\xEF\xBF\xBD"
              "b");
    EXPECT_EQ(utf8_sequence_length(truncated, 1), 0u);
    EXPECT_EQ(utf8_sequence_length("\xF0\x9F\x9A\x80", 0), 4u);
    EXPECT_EQ(json_quote("\xE2\x80\xA8\x7f\""), "\"\\u2028\\u007f\\\"\"");
}

TEST(TerminalText, JsonEscapesC1ControlsSoItIsSafeOnATerminal) {
    // U+009B is CSI to terminals that take 8-bit controls: `report --format json` on a tty
    // must not pass it (nor ESC) raw. The value parsed back is the same.
    EXPECT_EQ(json_quote("\xC2\x9B"
                         "2J\x1b]0;x\x07"),
              "\"\\u009b2J\\u001b]0;x\\u0007\"");
    EXPECT_EQ(json_quote("\xC2\x80\xC2\x9F\xC2\xA0"), "\"\\u0080\\u009f\xC2\xA0\"");  // NBSP is printable
}

}  // namespace
}  // namespace s3top
