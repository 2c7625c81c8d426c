// The filter language (`--filter`, the dashboard's `/` prompt, drill-down), table by table:
// what parses and prints back the same, what is refused and with which word, how one term
// judges one value, and how filters combine. Selection over real records is in engine_test.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "core/agg/filter.hpp"

namespace s3top {
namespace {

// ---------------------------------------------------------------------------------------------
// Parse, then print: the canonical text reads back to an equal filter, and is what we expect
// (aliases become the dimension's name, a 5xx status its class, a pattern is quoted).

struct RoundTrip {
    std::string_view text;
    std::string_view canonical;
};

void PrintTo(const RoundTrip& r, std::ostream* os) { *os << r.text; }

class FilterRoundTrip : public ::testing::TestWithParam<RoundTrip> {};

TEST_P(FilterRoundTrip, ParsesPrintsAndReadsBackEqual) {
    const auto& [text, canonical] = GetParam();
    const auto f = parse_filter(text);
    ASSERT_TRUE(f) << text << ": " << f.error();
    EXPECT_EQ(f->to_string(), canonical);
    const auto again = parse_filter(f->to_string());
    ASSERT_TRUE(again) << f->to_string() << ": " << again.error();
    EXPECT_EQ(*f, *again) << text;
}

INSTANTIATE_TEST_SUITE_P(
    Language, FilterRoundTrip,
    ::testing::Values(RoundTrip{"", ""}, RoundTrip{"org=acme-17", "org=acme-17"},
                      RoundTrip{"org=a,b status=5xx", "org=a,b class=5xx"},
                      RoundTrip{"  org=a   status=404,403  ", "org=a status=404,403"},
                      RoundTrip{"ua~\"Mozilla/5.0 (X11)\"", "ua~\"Mozilla/5.0 (X11)\""},
                      RoundTrip{"key!~tmp", "key!~tmp"}, RoundTrip{"key~/\\.mp4$/", "key~\"/\\\\.mp4$/\""},
                      RoundTrip{"key!~/^tmp\\//", "key!~\"/^tmp\\\\//\""}, RoundTrip{"org=-", "org=-"},
                      RoundTrip{"tier=put", "tier=put"}, RoundTrip{"class=4xx", "class=4xx"},
                      RoundTrip{"prefix:2=data/2024", "prefix:2=data/2024"}, RoundTrip{"client=1.2.3.4", "ip=1.2.3.4"},
                      RoundTrip{"user_agent~curl", "ua~curl"}, RoundTrip{"status=-", "status=-"},
                      RoundTrip{"status=404,503", "status=404,503"}, RoundTrip{"class=1xx,5xx", "class=1xx,5xx"},
                      RoundTrip{"tier=get,put,free", "tier=get,put,free"},
                      RoundTrip{"key=\"a,b.csv\",c.csv", "key=\"a,b.csv\",c.csv"},
                      RoundTrip{"key=\"x y,z\"", "key=\"x y,z\""}, RoundTrip{"ua~\"a,b\"", "ua~\"a,b\""},
                      RoundTrip{"key~/a{1,3}/", "key~\"/a{1,3}/\""}));

// ---------------------------------------------------------------------------------------------
// Refused, with a message that names what is wrong.

struct Refused {
    std::string_view text;
    std::string_view names;  ///< a word the one-line message must contain
};

void PrintTo(const Refused& r, std::ostream* os) { *os << r.text; }

class FilterRefused : public ::testing::TestWithParam<Refused> {};

TEST_P(FilterRefused, WithAMessageNamingTheTerm) {
    const auto& [text, names] = GetParam();
    const auto f = parse_filter(text);
    ASSERT_FALSE(f) << text << " parsed as " << f->to_string();
    EXPECT_NE(f.error().find(names), std::string::npos) << text << ": " << f.error();
    EXPECT_EQ(f.error().find('\n'), std::string::npos) << "one line: " << f.error();
}

INSTANTIATE_TEST_SUITE_P(
    Language, FilterRefused,
    ::testing::Values(Refused{"bogus=1", "bogus"}, Refused{"org", "org"}, Refused{"from=yesterday", "yesterday"},
                      Refused{"key~/[/", "key"}, Refused{"ua=\"open", "unterminated quote"},
                      // std::regex reads these numbers into a long without an overflow check (UB:
                      // fuzz_filter found the first one) or expands a count into that many states.
                      Refused{"key~/\\4444444444444444444444444444.mk/", "too large"},
                      Refused{"key~/a{99999999999999999999}/", "too large"},
                      Refused{"ua~/x{2,99999999999999999999}/", "too large"},
                      Refused{"ua~/(x{1000}){1001}/", "too large"}, Refused{"key!~/a{1001,}/", "too large"},
                      Refused{"key~/[\\99999999999999999999]/", "too large"}, Refused{"key~/\\100/", "too large"},
                      // Values a dimension can never take: an empty report would look like an answer.
                      Refused{"status=9xx", "9xx"}, Refused{"class=6xx", "1xx, 2xx, 3xx, 4xx, 5xx"},
                      Refused{"status=200,999", "999"}, Refused{"status=42", "100 to 599"},
                      Refused{"tier=bogus", "get, put, free"}, Refused{"tier!=gets", "gets"},
                      Refused{"status=abc", "abc"}, Refused{"from=2024-03-02 to=2024-03-01", "before"},
                      Refused{"from=2024-03-01 to=2024-03-01", "before"}));

// What std::regex is good at still works: counts up to 1000, small back-references, long
// literal digits (an account id), braces and digits that are literal.
class FilterRegexAccepted : public ::testing::TestWithParam<std::string_view> {};
TEST_P(FilterRegexAccepted, Parses) {
    const auto f = parse_filter(GetParam());
    EXPECT_TRUE(f) << GetParam() << ": " << (f ? "" : f.error());
}
INSTANTIATE_TEST_SUITE_P(Language, FilterRegexAccepted,
                         ::testing::Values("key~/a{1000}/", "key~/(a)(b)\\2\\1/",
                                           "requester~/123456789012345678901234/", "key~/\\{123456789\\}/",
                                           "key~/[{]12345678901/", "key~/x{3,1000}y/"));

// ---------------------------------------------------------------------------------------------
// One term against one value as panels show it ("" = absent, written "-").

struct Judged {
    std::string_view term;
    std::string_view value;
    bool matches;
};

void PrintTo(const Judged& j, std::ostream* os) { *os << j.term << " on '" << j.value << "'"; }

class FilterTermValue : public ::testing::TestWithParam<Judged> {};

TEST_P(FilterTermValue, MatchesAsDocumented) {
    const auto& [text, value, matches] = GetParam();
    const auto f = parse_filter(text);
    ASSERT_TRUE(f && f->terms.size() == 1) << text;
    const FilterTerm& t = f->terms.front();
    const bool is_re = t.op == FilterTerm::Op::Regex || t.op == FilterTerm::Op::NotRegex;
    const std::regex re = is_re ? std::regex(t.values.front(), std::regex::ECMAScript) : std::regex();
    EXPECT_EQ(term_matches_value(t, value, re), matches) << text << " on '" << value << "'";
}

INSTANTIATE_TEST_SUITE_P(
    Language, FilterTermValue,
    ::testing::Values(Judged{"org=acme", "acme", true}, Judged{"org=acme", "acme-17", false},
                      Judged{"org=acme", "ACME", false},  // equality is exact
                      Judged{"org=a,b", "b", true}, Judged{"org!=a,b", "b", false}, Judged{"org!=a,b", "c", true},
                      Judged{"org=-", "", true}, Judged{"org=-", "x", false}, Judged{"org!=-", "", false},
                      Judged{"ua~curl", "CURL/8.1", true},  // contains: case-insensitive
                      Judged{"ua~curl", "wget", false}, Judged{"ua!~curl", "wget", true},
                      Judged{"ua!~curl", "libcurl", false}, Judged{"key~/\\.mp4$/", "v/a.mp4", true},
                      Judged{"key~/\\.mp4$/", "v/a.mp4.part", false}, Judged{"key!~/^tmp\\//", "tmp/x", false},
                      Judged{"key!~/^tmp\\//", "data/tmp/x", true},
                      Judged{"ua=\"Mozilla/5.0 (X11)\"", "Mozilla/5.0 (X11)", true}));

// ---------------------------------------------------------------------------------------------

TEST(Filter, CombineKeepsBothTermsAndTheNarrowerTimeRange) {
    const auto a = parse_filter("org=a from=2024-03-01 to=2024-04-01");
    const auto b = parse_filter("status=5xx from=2024-03-10 to=2024-05-01");
    ASSERT_TRUE(a && b);
    const Filter c = combine(*a, *b);
    EXPECT_EQ(c.terms.size(), 2u);
    EXPECT_EQ(c.from, b->from);
    EXPECT_EQ(c.to, a->to);
    EXPECT_TRUE(Filter{}.empty());
    EXPECT_FALSE(c.empty());
}

TEST(Filter, ClosestValuesSuggestNearMissesOnly) {
    const std::vector<std::string> orgs = {"acme-17", "acme-7", "globex", "initech", "ACME-71", "umbrella"};
    EXPECT_EQ(closest_values("acme-71", orgs, 3),
              (std::vector<std::string>{"ACME-71", "acme-7", "acme-17"}));  // 0, 1, 2 edits
    EXPECT_EQ(closest_values("globx", orgs, 3), (std::vector<std::string>{"globex"}));
    EXPECT_TRUE(closest_values("zzzzzz", orgs, 3).empty()) << "nothing close: no suggestion";
    EXPECT_EQ(closest_values("acme-71", orgs, 1).size(), 1u);
}

TEST(Filter, DrillDownAddsAndPops) {
    Filter f;
    f.add_eq(DimSpec{Dim::Org, 0}, "acme-17");
    f.add_eq(DimSpec{Dim::Status, 0}, "404");
    EXPECT_EQ(f.to_string(), "org=acme-17 status=404");
    f.pop();
    EXPECT_EQ(f.to_string(), "org=acme-17");
    f.add_eq(DimSpec{Dim::Org, 0}, "");
    EXPECT_EQ(f.to_string(), "org=acme-17 org=-");
}

// A value holding a comma (an S3 key "report,2024.csv") is one value: quoted when printed,
// and a comma in quotes does not split it. Before, drilling into such a key gave a filter of
// two values that matched other keys, or none.
TEST(Filter, ACommaInsideQuotesIsPartOfTheValue) {
    Filter f;
    f.add_eq(DimSpec{Dim::Key, 0}, "report,2024.csv");
    EXPECT_EQ(f.to_string(), "key=\"report,2024.csv\"");
    const auto back = parse_filter(f.to_string());
    ASSERT_TRUE(back) << back.error();
    EXPECT_EQ(*back, f);
    const auto two = parse_filter("key=\"a,b\",c org=\"x\",\"y,z\"");
    ASSERT_TRUE(two) << two.error();
    EXPECT_EQ(two->terms[0].values, (std::vector<std::string>{"a,b", "c"}));
    EXPECT_EQ(two->terms[1].values, (std::vector<std::string>{"x", "y,z"}));
    EXPECT_EQ(quote_filter_value("a,b"), "\"a,b\"");
    EXPECT_EQ(last_value_start("acme,\"g,l"), 5u);
    EXPECT_EQ(last_value_start("\"a,b\",c"), 6u);
    EXPECT_EQ(last_value_start("\"a,b"), 0u);
}

}  // namespace
}  // namespace s3top
