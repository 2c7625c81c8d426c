// scan::find_either / find_byte (core/parse/byte_find.hpp): the first of two bytes in a view, by
// words loaded from inside it. Checked against string_view's own search for every length up to
// past memchr's hand-over, every start, needles at every place (and twice, and none), and views
// that end on the last byte before an unreadable page: a word read past the end would crash.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <random>
#include <string>
#include <string_view>

#include "core/parse/byte_find.hpp"

namespace s3top {
namespace {

std::size_t plainly(std::string_view s, char a, char b, std::size_t from) {
    if (from >= s.size()) return std::string_view::npos;
    const std::size_t i = s.find(a, from), j = s.find(b, from);
    return std::min(i, j);
}

// Every length 0..100 (across the 4-, 8-, 16-byte and SSE2 paths and into memchr's), every start,
// one or two needles at every position, bytes high and low around them.
TEST(ByteFind, FindsTheFirstOfTwoBytesAsStringViewDoesForEveryLengthStartAndPlace) {
    std::mt19937 rng(7);
    const char kFill[] = {'a', 'Z', '0', '\x7f', '\x80', '\xff', '\x01', '%' - 1, '%' + 1};
    for (std::size_t len = 0; len <= 100; ++len) {
        for (int round = 0; round < 20; ++round) {
            std::string s(len, 'x');
            for (char& c : s) c = kFill[rng() % sizeof kFill];
            const std::size_t first = len ? rng() % len : 0, second = len ? rng() % len : 0;
            if (len && round % 4 != 0) s[first] = '%';
            if (len && round % 3 == 0) s[second] = '+';
            for (std::size_t from = 0; from <= len + 1; ++from) {
                EXPECT_EQ(scan::find_either(s, '%', '+', from), plainly(s, '%', '+', from))
                    << "len " << len << " from " << from << " s " << s;
                EXPECT_EQ(scan::find_byte(s, '%', from), plainly(s, '%', '%', from)) << "len " << len;
                EXPECT_EQ(scan::find_byte(s, '+', from), plainly(s, '+', '+', from)) << "len " << len;
            }
        }
    }
}

// A zero byte asked for, and found only where it is (a zero word above a 4-byte word's bytes is
// not a match).
TEST(ByteFind, FindsAZeroByteOnlyWhereItIs) {
    for (std::size_t len = 1; len <= 40; ++len) {
        std::string s(len, 'q');
        EXPECT_EQ(scan::find_byte(s, '\0'), std::string_view::npos) << len;
        s[len - 1] = '\0';
        EXPECT_EQ(scan::find_byte(s, '\0'), len - 1) << len;
    }
}

// Views ending on the last readable byte of a page, the next page unmapped: every length and
// needle place reads inside the view, or this test dies of SIGSEGV.
TEST(ByteFind, ReadsOnlyInsideTheView) {
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    void* map = ::mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(map, MAP_FAILED);
    char* base = static_cast<char*>(map);
    ASSERT_EQ(::mprotect(base + page, page, PROT_NONE), 0);
    std::memset(base, 'k', page);
    for (std::size_t len = 0; len <= 100; ++len) {
        const std::string_view s(base + page - len, len);
        EXPECT_EQ(scan::find_either(s, '&', '='), std::string_view::npos) << len;
        if (len) {
            base[page - 1] = '=';
            EXPECT_EQ(scan::find_either(s, '&', '='), len - 1) << len;
            base[page - 1] = 'k';
        }
    }
    ::munmap(map, 2 * page);
}

}  // namespace
}  // namespace s3top
