// Query parameters (core/parse/uri.hpp): a name matches when it decodes to the one asked for
// ("%6Frg", "o%72g"), the value is decoded ('+' a space, "%20"), the first match wins; checked by
// hand and, on random queries over the bytes that matter, against the first plain reading of the
// rule (decode every name, then compare), which is what query_param did before its shortcuts.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/parse/uri.hpp"

namespace s3top {
namespace {

// The rule read plainly: every name decoded, then compared.
std::optional<std::string> by_the_rule(std::string_view query, std::string_view name) {
    std::size_t pos = 0;
    while (pos <= query.size()) {
        std::size_t amp = query.find('&', pos);
        if (amp == std::string_view::npos) amp = query.size();
        const std::string_view pair = query.substr(pos, amp - pos);
        const std::size_t eq = pair.find('=');
        const std::string_view k = pair.substr(0, eq);
        std::string decoded_name;
        url_decode(k, decoded_name, true);
        if (!k.empty() && decoded_name == name) {
            std::string value;
            url_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), value, true);
            return value;
        }
        pos = amp + 1;
    }
    return std::nullopt;
}

TEST(QueryParam, NamesMatchOnceDecodedValuesAreDecodedTheFirstMatchWins) {
    std::string scratch;
    auto get = [&](std::string_view q, std::string_view n) {
        const auto v = query_param(q, n, scratch);
        return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
    };
    EXPECT_EQ(get("org=acme-17", "org"), "acme-17");
    EXPECT_EQ(get("x-id=GetObject&org=acme", "org"), "acme");
    EXPECT_EQ(get("orgx=1&or=2&org=3&org=4", "org"), "3");
    EXPECT_EQ(get("%6Frg=a", "org"), "a");
    EXPECT_EQ(get("o%72g=b&org=c", "org"), "b");
    EXPECT_EQ(get("org=a%20b+c", "org"), "a b c");
    EXPECT_EQ(get("org", "org"), "");
    EXPECT_EQ(get("org=", "org"), "");
    EXPECT_EQ(get("org+=x&org=y", "org"), "y");  // "org " is not "org"
    EXPECT_EQ(get("%6=x&org=y", "org"), "y");    // a broken escape stays as written
    EXPECT_EQ(get("or=1&rg=2", "org"), std::nullopt);
    EXPECT_EQ(get("", "org"), std::nullopt);
    // A name asked for that holds '+' or '%' matches only what decodes to it byte for byte.
    EXPECT_EQ(get("a+b=1", "a+b"), std::nullopt);
    EXPECT_EQ(get("a%2Bb=2", "a+b"), "2");
    EXPECT_EQ(get("a+b=3", "a b"), "3");
}

// A small random sequence of its own (the same queries on every machine).
struct Lcg {
    std::uint64_t state;
    std::uint32_t operator()() {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<std::uint32_t>(state >> 33);
    }
};

// query_param gives each name what the rule read plainly gives, on query q.
void expect_the_rule(const std::string& q, std::span<const std::string_view> names, std::string& scratch) {
    for (const auto name : names) {
        const auto got = query_param(q, name, scratch);
        const auto want = by_the_rule(q, name);
        ASSERT_EQ(got.has_value(), want.has_value()) << "[" << q << "] " << name;
        if (got) {
            ASSERT_EQ(std::string(*got), *want) << "[" << q << "] " << name;
        }
    }
}

TEST(QueryParam, RandomQueriesGiveWhatTheRuleReadPlainlyGives) {
    Lcg next{0x51554552ull};  // "QUER"
    static constexpr std::string_view kBytes = "org%6F72+=&aA2Bb ";
    static constexpr std::string_view kNames[] = {"org", "o", "a+b", "a b", "or%g", "x-id"};
    std::string scratch;
    for (int i = 0; i < 200000; ++i) {
        std::string q(next() % 24, ' ');
        for (char& c : q) c = kBytes[next() % kBytes.size()];
        expect_the_rule(q, kNames, scratch);
        if (HasFatalFailure()) return;
    }
}

// Queries of every length to 80 bytes, mostly without escapes (names then compare as written),
// names of 1 to 9 bytes, some inserted whole at a pair's start, against the rule read plainly.
TEST(QueryParam, LongerQueriesMostlyWithoutEscapesGiveWhatTheRuleGives) {
    Lcg next{0x4c4f4e47ull};  // "LONG"
    static constexpr std::string_view kPlain = "orgxid=&&==abcdefgh-";
    static constexpr std::string_view kNames[] = {"org", "o", "x-id", "abcdefgh", "abcdefghi", "or", "g=", "a&b"};
    std::string scratch;
    for (int i = 0; i < 200000; ++i) {
        std::string q(next() % 80, ' ');
        for (char& c : q) c = kPlain[next() % kPlain.size()];
        if (next() % 8 == 0 && !q.empty()) q[next() % q.size()] = next() % 2 ? '%' : '+';
        if (next() % 2 == 0 && !q.empty()) {
            const std::string_view name = kNames[next() % std::size(kNames)];
            const std::size_t at = next() % q.size();
            q.insert(at, std::string(name) + (next() % 3 ? "=v" : "&"));
            if (at > 0) q[at - 1] = '&';
        }
        expect_the_rule(q, kNames, scratch);
        if (HasFatalFailure()) return;
    }
}

}  // namespace
}  // namespace s3top
