// scan::parse_u64_within (core/parse/field_scan.hpp): a number of up to 8 digits read as one
// word must give parse_u64's answer for every token: the bytes around it (more digits, a space,
// the buffer's end) never change the value, and a byte just outside '0'..'9' anywhere in it
// rejects it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "core/parse/field_scan.hpp"

namespace s3top {
namespace {

// The rule read plainly: one or more digits, at most 20, no overflow.
std::optional<std::uint64_t> by_the_rule(std::string_view t) {
    if (t.empty() || t.size() > 20) return std::nullopt;
    std::uint64_t v = 0;
    for (const char c : t) {
        if (c < '0' || c > '9') return std::nullopt;
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (v > (UINT64_MAX - d) / 10) return std::nullopt;
        v = v * 10 + d;
    }
    return v;
}

void expect_as_the_rule(std::string_view t, const char* end) {
    std::uint64_t got = 12345;
    const bool ok = scan::parse_u64_within(t, end, got);
    const auto want = by_the_rule(t);
    ASSERT_EQ(ok, want.has_value()) << "token '" << t << "'";
    if (want) {
        EXPECT_EQ(got, *want) << "token '" << t << "'";
    }
}

// Hand cases: leading zeros, the largest of each length, the bytes next to '0' and '9' (and the
// same with the high bit set) at every place of an 8-digit token.
TEST(ParseU64Within, TakesWhatParseU64TakesByHand) {
    const std::string tail = " 12345678 and more";
    for (const std::string t : {"0", "7", "00000000", "00000001", "99999999", "12345678", "10000000", "9", "99",
                                "123456789", "18446744073709551615", "18446744073709551616", "", "-", "+1", "1-"}) {
        const std::string buf = t + tail;
        expect_as_the_rule(std::string_view(buf).substr(0, t.size()), buf.data() + buf.size());
    }
    for (std::size_t len = 1; len <= 8; ++len) {
        for (std::size_t at = 0; at < len; ++at) {
            for (const int bad : {0x2f, 0x3a, 0x3f, 0x40, 0x20, 0x00, 0xb0, 0xb9, 0xaf, 0xff, 0x70, 0x39 + 0x80}) {
                std::string buf = std::string(len, '5') + "99999999";
                buf[at] = static_cast<char>(bad);
                expect_as_the_rule(std::string_view(buf).substr(0, len), buf.data() + buf.size());
            }
        }
    }
}

// Random tokens of 0..22 bytes, mostly digits, followed by random bytes or ending the buffer.
TEST(ParseU64Within, TakesWhatParseU64TakesOnRandomTokens) {
    std::mt19937 rng(11);
    for (int i = 0; i < 200000; ++i) {
        const std::size_t len = rng() % 23;
        std::string buf;
        for (std::size_t k = 0; k < len; ++k) {
            const auto r = static_cast<unsigned>(rng() % 40);
            buf.push_back(r < 36 ? static_cast<char>('0' + r % 10) : static_cast<char>(rng() % 256));
        }
        const std::size_t after = rng() % 3 == 0 ? 0 : rng() % 12;
        for (std::size_t k = 0; k < after; ++k) buf.push_back(static_cast<char>('0' + rng() % 10));
        expect_as_the_rule(std::string_view(buf).substr(0, len), buf.data() + buf.size());
        if (HasFatalFailure()) return;
    }
}

// scan::is / scan::begins against string_view's own compare, for literals of every word size
// (1 to 17 bytes), the view equal, one byte off at every place, shorter and longer.
template <std::size_t N>
void check_literal(const char (&lit)[N]) {
    const std::string_view l(lit, N - 1);
    for (std::size_t len = 0; len <= l.size() + 2; ++len) {
        std::string t =
            std::string(l.substr(0, std::min(len, l.size()))) + std::string(len > l.size() ? len - l.size() : 0, 'x');
        EXPECT_EQ(scan::is(t, lit), t == l) << "[" << t << "] " << l;
        EXPECT_EQ(scan::begins(t, lit), t.starts_with(l)) << "[" << t << "] " << l;
        for (std::size_t i = 0; i < std::min(len, l.size()); ++i) {
            std::string u = t;
            u[i] = static_cast<char>(u[i] ^ 0x20);
            EXPECT_EQ(scan::is(u, lit), u == l) << "[" << u << "] " << l;
            EXPECT_EQ(scan::begins(u, lit), u.starts_with(l)) << "[" << u << "] " << l;
        }
    }
}

TEST(Literal, IsAndBeginsCompareAsStringViewDoes) {
    check_literal("-");
    check_literal("ab");
    check_literal("Yes");
    check_literal("SigV");
    check_literal("HTTP/");
    check_literal("abcdefg");
    check_literal("abcdefgh");
    check_literal("REST.PUT.PART");
    check_literal("REST.POST.OBJECT");
    check_literal("REST.POST.OBJECTS");
}

}  // namespace
}  // namespace s3top
