// Apache/nginx common and combined logs: one test per quirk, then the corpus.
#include <gtest/gtest.h>

#include "core/parse/clf_log.hpp"
#include "core/parse/clf_time.hpp"
#include "core/util/civil_time.hpp"
#include "parse_test_util.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

using test::describe;
using test::keep;

TEST(ClfTime, EachTimeIsReadWhateverDateCameBefore) {
    // parse_clf_time keeps the last date it converted: a new date, a date it refused before and
    // a bad clock time under a date it knows must each still be read as if alone.
    const std::int64_t jan30 = 1548806400;  // 2019-01-30T00:00:00Z
    EXPECT_EQ(parse_clf_time("30/Jan/2019:00:00:00 +0000"), jan30);
    EXPECT_EQ(parse_clf_time("30/Jan/2019:01:02:03 +0100"), jan30 + 3723 - 3600);
    EXPECT_EQ(parse_clf_time("31/Jan/2019:00:00:00 +0000"), jan30 + 86400);
    EXPECT_EQ(parse_clf_time("30/Jan/2019:23:59:60 +0000"), jan30 + 86400) << "a leap second";
    EXPECT_EQ(parse_clf_time("30/Jan/2019:24:00:00 +0000"), std::nullopt) << "under a known date";
    EXPECT_EQ(parse_clf_time("28/Feb/2019:00:00:00 +0000"), jan30 + 29 * 86400);
    EXPECT_EQ(parse_clf_time("29/Feb/2019:00:00:00 +0000"), std::nullopt) << "2019 is no leap year";
    EXPECT_EQ(parse_clf_time("29/Feb/2019:00:00:00 +0000"), std::nullopt) << "refused again, not kept";
    EXPECT_EQ(parse_clf_time("29/Feb/2020:00:00:00 +0000"), 1582934400);
    EXPECT_EQ(parse_clf_time("29/feb/2020:00:00:00 +0000"), 1582934400) << "a month in lower case";
    EXPECT_EQ(parse_clf_time("30/Jan/2019:00:00:00 +0000"), jan30) << "back to an earlier date";
}

// The rule read plainly, byte by byte (what parse_clf_time did before it read the clock by words).
std::optional<std::int64_t> clf_time_plainly(std::string_view s) {
    const auto two = [&](std::size_t at) -> int {
        const char a = s[at], b = s[at + 1];
        return a >= '0' && a <= '9' && b >= '0' && b <= '9' ? (a - '0') * 10 + (b - '0') : -1;
    };
    if (s.size() != 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' || s[17] != ':' || s[20] != ' ' ||
        (s[21] != '+' && s[21] != '-'))
        return std::nullopt;
    const int h = two(12), mi = two(15), se = two(18), oh = two(22), om = two(24), day = two(0), y1 = two(7),
              y2 = two(9);
    if (h < 0 || mi < 0 || se < 0 || oh < 0 || om < 0 || day < 0 || y1 < 0 || y2 < 0 || h > 23 || mi > 59 || se > 60 ||
        oh > 14 || om > 59)
        return std::nullopt;
    static constexpr std::string_view kMonths = "janfebmaraprmayjunjulaugsepoctnovdec";
    std::string m(s.substr(3, 3));
    for (char& c : m) c = static_cast<char>(c | 0x20);
    const auto at = kMonths.find(m);
    if (at == std::string_view::npos || at % 3 != 0) return std::nullopt;
    const int year = y1 * 100 + y2;
    const auto month = static_cast<unsigned>(at / 3 + 1);
    if (year < 1970 || day < 1 || static_cast<unsigned>(day) > days_in_month(year, month)) return std::nullopt;
    const std::int64_t local =
        days_from_civil(year, month, static_cast<unsigned>(day)) * 86400 + h * 3600 + mi * 60 + se;
    return local - (oh * 3600 + om * 60) * (s[21] == '-' ? -1 : 1);
}

TEST(ClfTime, EveryByteAtEveryPlaceIsReadAsThePlainRuleReadsIt) {
    // Each byte value at each of the 26 places of a few times (the date the same as the one
    // before, and a new one), checked against the rule read plainly.
    for (const std::string_view good :
         {"06/Feb/2019:00:00:38 +0000", "31/Dec/1999:23:59:60 -1459", "29/Feb/2020:12:34:56 +0530"}) {
        for (std::size_t at = 0; at < good.size(); ++at) {
            for (int b = 0; b < 256; ++b) {
                std::string t(good);
                t[at] = static_cast<char>(b);
                EXPECT_EQ(parse_clf_time(good), clf_time_plainly(good));  // the memo holds good's date
                ASSERT_EQ(parse_clf_time(t), clf_time_plainly(t)) << "[" << t << "]";
            }
        }
    }
}

TEST(Clf, CombinedLineShape) {
    // Every field of this line: tests/core/parser_fields_test.cpp. Here: the shape it reports.
    ClfShape shape;
    const auto r = parse_clf_line(
        keep(R"(192.0.2.7 - alice [10/Oct/2023:13:55:36 -0700] "GET /bucket/a%20b.png?org=x HTTP/1.1" 200 2326 )"
             R"x("http://example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)")x"
             "\r\n"),
        &shape);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->user_agent, "Mozilla/4.08 [en] (Win98; I ;Nav)") << "CRLF is not part of the last field";
    EXPECT_FALSE(shape.has_vhost);
    EXPECT_FALSE(shape.has_xff);
    EXPECT_TRUE(shape.has_referrer);
}

TEST(Clf, CommonLineWithDashBytes) {
    ClfShape shape;
    const auto r = parse_clf_line(keep(R"(10.1.1.1 - - [01/Jan/2024:00:00:00 +0000] "HEAD / HTTP/1.0" 304 -)"), &shape);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->bytes_sent, 0u);
    EXPECT_EQ(r->status, 304);
    EXPECT_TRUE(r->requester.empty());
    EXPECT_TRUE(r->user_agent.empty());
    EXPECT_FALSE(shape.has_referrer);
    EXPECT_EQ(r->field_count, 7);
}

TEST(Clf, VirtualHostWithAndWithoutPort) {
    ClfShape shape;
    auto r = parse_clf_line(
        keep(R"(www.example.com:443 192.0.2.7 - - [10/Oct/2023:13:55:36 +0000] "GET / HTTP/2.0" 200 5 "-" "ua")"),
        &shape);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->host_header, "www.example.com");
    EXPECT_EQ(r->remote_ip, "192.0.2.7");
    EXPECT_TRUE(shape.has_vhost);
    r = parse_clf_line(keep(R"(files.example.org 2001:db8::2 - - [10/Oct/2023:13:55:36 +0000] "GET / HTTP/1.1" 200 5)"),
                       &shape);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->host_header, "files.example.org");
    EXPECT_EQ(r->remote_ip, "2001:db8::2");
    EXPECT_TRUE(shape.has_vhost);
    EXPECT_FALSE(shape.has_referrer);
}

TEST(Clf, ForwardedForListsGiveTheFirstAddress) {
    ClfShape shape;
    auto r = parse_clf_line(
        keep(R"(10.0.0.2, 10.0.0.1, 127.0.0.1 - - [07/Dec/2016:11:05:07 +0100] "GET /o HTTP/1.1" 200 5)"), &shape);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->remote_ip, "10.0.0.2");
    EXPECT_TRUE(shape.has_xff);
    EXPECT_FALSE(shape.has_vhost);
    r = parse_clf_line(
        keep(R"("10.5.102.222, 199.96.1.1" 10.2.1.185 - - [22/Jan/2016:13:18:29 +0000] "GET /a HTTP/1.1" 200 1)"),
        &shape);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->remote_ip, "10.5.102.222");
    EXPECT_TRUE(shape.has_xff);
    r = parse_clf_line(
        keep(R"(2a03::8000, 10.225.192.17 10.2.2.121 - - [30/Dec/2016:06:47:09 +0000] "GET /t HTTP/1.1" 404 8)"),
        &shape);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->remote_ip, "2a03::8000");
}

TEST(Clf, EscapedQuotesAndOddRequests) {
    // Apache escapes '"' as \" inside quoted fields; nginx writes \x22.
    auto r = parse_clf_line(
        keep(R"(x.x.x.x - - [16/Apr/2018:16:19:20 +0000] "POST /u HTTP/1.1" 200 8 "-" "Alba 10\" Build")"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->user_agent, R"(Alba 10\" Build)");
    r = parse_clf_line(
        keep(R"(1.2.3.4 - - [16/Apr/2018:16:19:20 +0000] "GET /a\"b HTTP/1.1" 200 8 "-" "pip {\x22a\x22:1}")"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->path, R"(/a\"b)");
    EXPECT_EQ(r->user_agent, R"(pip {\x22a\x22:1})");
    // An empty request line (nginx 400) and a request with a raw, unescaped quote.
    r = parse_clf_line(keep(R"(127.0.0.1 - - [12/Apr/2018:09:48:40 +0200] "" 400 0 "-" "-")"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_TRUE(r->request_uri.empty());
    EXPECT_TRUE(r->method.empty());
    r = parse_clf_line(keep(R"(1.2.3.4 - - [12/Apr/2018:09:48:40 +0200] "GET /x"y HTTP/1.1" 200 3)"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->request_uri, R"(GET /x"y HTTP/1.1)");
    // A bracketed IPv6 client before the time is not mistaken for it.
    r = parse_clf_line(keep(R"([2001:db8::1] - - [12/Apr/2018:09:48:40 +0200] "GET / HTTP/1.1" 200 3)"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->remote_ip, "[2001:db8::1]");
}

TEST(Clf, TrailingFieldsAreExtras) {
    const auto r = parse_clf_line(keep(
        R"(172.17.0.1 - - [29/May/2017:19:02:48 +0000] "GET /s HTTP/1.1" 404 612 "-" "Firefox" "-" 0.003 upstream)"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->extra_fields, 3);
    EXPECT_EQ(r->field_count, 12);
}

TEST(Clf, Rejections) {
    EXPECT_EQ(parse_clf_line("  \n").error().reason, RejectReason::EmptyLine);
    auto r = parse_clf_line(keep(R"(1.2.3.4 - - [32/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1)"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, RejectReason::BadTimestamp);
    EXPECT_EQ(r.error().column, 12u);
    EXPECT_EQ(parse_clf_line(keep("just some text")).error().reason, RejectReason::TooFewFields);
    EXPECT_EQ(
        parse_clf_line(keep(R"(1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 2000 1)")).error().reason,
        RejectReason::BadStatus);
    EXPECT_EQ(
        parse_clf_line(keep(R"(1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1k)")).error().reason,
        RejectReason::BadNumber);
    EXPECT_EQ(parse_clf_line(keep(R"(1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1)")).error().reason,
              RejectReason::UnterminatedQuote);
    EXPECT_EQ(parse_clf_line(keep(R"(- [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1)")).error().reason,
              RejectReason::TooFewFields);
}

TEST(ClfCorpus, EveryRealLineParses) {
    S3TOP_REQUIRE_CORPUS(corpus);
    const auto lines = test::read_lines(corpus / "combined" / "real-samples.log");
    ASSERT_EQ(lines.size(), 20u);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto r = parse_clf_line(lines[i]);
        ASSERT_TRUE(r) << i + 1 << ": " << describe(r) << "\n" << lines[i];
        EXPECT_GT(r->time, 1230768000);
        EXPECT_FALSE(r->remote_ip.empty());
        EXPECT_TRUE(test::views_inside(*r, lines[i]));
    }
    auto r = parse_clf_line(lines[1]);  // user and empty referrer ""
    EXPECT_EQ(r->requester, "username@example.com");
    EXPECT_TRUE(r->referrer.empty());
    EXPECT_EQ(r->status, 400);
    r = parse_clf_line(lines[2]);  // status "-" and +0100
    EXPECT_EQ(r->status, 0);
    EXPECT_EQ(r->method, "OPTIONS");
    EXPECT_EQ(r->time, 1578780327);
    r = parse_clf_line(lines[3]);  // X-Forwarded-For list
    EXPECT_EQ(r->remote_ip, "10.0.0.2");
    r = parse_clf_line(lines[7]);  // quoted X-Forwarded-For list
    EXPECT_EQ(r->remote_ip, "10.5.102.222");
    EXPECT_EQ(r->user_agent, "Amazon CloudFront");
    r = parse_clf_line(lines[8]);  // IPv6 in the list
    EXPECT_EQ(r->remote_ip, "2a03:0000:10ff:f00f:0000:0000:0:8000");
    r = parse_clf_line(lines[9]);  // empty request
    EXPECT_TRUE(r->request_uri.empty());
    EXPECT_EQ(r->status, 400);
    r = parse_clf_line(lines[17]);  // Googlebot 301 with bytes "-"
    EXPECT_EQ(r->status, 301);
    EXPECT_EQ(r->bytes_sent, 0u);
    r = parse_clf_line(lines[10]);
    EXPECT_EQ(r->bytes_sent, 16731u);
    EXPECT_EQ(r->time, 1248169691);  // 02:48:11 -0700
}

}  // namespace
}  // namespace s3top
