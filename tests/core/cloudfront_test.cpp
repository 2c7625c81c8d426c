// CloudFront standard logs: hand-written lines for each quirk, then the shared corpus.
#include <gtest/gtest.h>

#include "core/agg/dimension.hpp"
#include "core/agg/filter.hpp"
#include "core/parse/cloudfront_log.hpp"
#include "core/parse/uri.hpp"
#include "parse_test_util.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

using test::describe;
using test::keep;

std::string tabs(std::initializer_list<std::string_view> fields) {
    std::string s;
    for (const auto f : fields) {
        if (!s.empty()) s += '\t';
        s += f;
    }
    return s;
}

// A 33-field line as AWS documents it (2019).
std::string line33(std::string_view ua = "curl/8.0", std::string_view query = "-") {
    return tabs({"2019-12-04",
                 "21:02:31",
                 "LAX1",
                 "392",
                 "192.0.2.100",
                 "GET",
                 "d111111abcdef8.cloudfront.net",
                 "/photos/cat%20one.jpg",
                 "200",
                 "https://example.com/",
                 ua,
                 query,
                 "-",
                 "Hit",
                 "reqid==",
                 "assets.example.com",
                 "https",
                 "23",
                 "0.036",
                 "-",
                 "TLSv1.3",
                 "TLS_AES_128_GCM_SHA256",
                 "Hit",
                 "HTTP/2.0",
                 "-",
                 "-",
                 "11040",
                 "0.001",
                 "Hit",
                 "text/html",
                 "78",
                 "-",
                 "-"});
}

// Every field of a 33-field line: tests/core/parser_fields_test.cpp.

// #22 item 4: user agent and referrer shown decoded, as CloudFront documents them; a user
// agent encoded twice (%2520) is decoded twice; the path stays as logged.
TEST(CloudFront, UserAgentAndReferrerAreDecodedTheWayCloudFrontEncodesThem) {
    CloudFrontLineParser p;
    auto r = p.parse(keep(line33("Mozilla/5.0%2520(Windows%2520NT)")));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->user_agent, "Mozilla/5.0 (Windows NT)");
    r = p.parse(keep(line33("curl/8.1%20(x86_64)")));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->user_agent, "curl/8.1 (x86_64)");
    r = p.parse(keep(line33("100%25%20sure")));  // a literal '%' encoded once stays one '%'
    ASSERT_TRUE(r);
    EXPECT_EQ(r->user_agent, "100% sure");
    r = p.parse(keep(line33("plain")));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->user_agent, "plain");
}

TEST(CloudFront, HeaderLinesSetTheLayout) {
    CloudFrontLineParser p;
    auto h = p.parse(keep("#Version: 1.0\n"));
    ASSERT_FALSE(h);
    EXPECT_EQ(h.error().reason, RejectReason::HeaderLine);
    // A custom field order: bytes first, no date/time columns but a timestamp.
    h = p.parse(keep("#Fields: sc-bytes timestamp c-ip cs-method cs-uri-stem sc-status cs-bytes time-taken\r\n"));
    ASSERT_FALSE(h);
    EXPECT_EQ(h.error().reason, RejectReason::HeaderLine);
    ASSERT_EQ(p.layout().size(), 8u);
    const auto r = p.parse(keep(tabs({"500", "1575493351.123", "2001:db8::1", "PUT", "/up", "201", "4096", "1.5"})));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->time, 1575493351);
    EXPECT_EQ(r->bytes_sent, 500u);
    EXPECT_EQ(r->bytes_in, 4096u);
    EXPECT_EQ(r->remote_ip, "2001:db8::1");
    EXPECT_EQ(r->method, "PUT");
    EXPECT_EQ(r->status, 201);
    EXPECT_EQ(r->total_time_ms, 1500u);
}

TEST(CloudFront, OlderShorterLinesParseWithTheDefaultLayout) {
    CloudFrontLineParser p;
    // 2014: 24 fields, cs-bytes "-".
    const auto r = p.parse(keep(tabs({"2014-05-23",
                                      "01:13:12",
                                      "LAX1",
                                      "2390282",
                                      "192.0.2.202",
                                      "GET",
                                      "d111111abcdef8.cloudfront.net",
                                      "/soundtrack/happy.mp3",
                                      "304",
                                      "www.unknownsingers.com",
                                      "Mozilla/4.0",
                                      "a=b&c=d",
                                      "zip=98101",
                                      "Hit",
                                      "id==",
                                      "d111111abcdef8.cloudfront.net",
                                      "http",
                                      "-",
                                      "0.002",
                                      "-",
                                      "-",
                                      "-",
                                      "Hit",
                                      "HTTP/1.1"})));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->bytes_sent, 2390282u);
    EXPECT_EQ(r->bytes_in, 0u);
    EXPECT_EQ(r->query, "a=b&c=d");
    EXPECT_TRUE(r->tls_version.empty());
    EXPECT_EQ(r->field_count, 24);
}

TEST(CloudFront, TrailingTabIsAnEmptyExtraField) {
    CloudFrontLineParser p;
    const auto r = p.parse(keep(line33() + "\t"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->field_count, 34);
    EXPECT_EQ(r->extra_fields, 1);
}

TEST(CloudFront, ErrorResultGivesTheDetailedType) {
    CloudFrontLineParser p;
    std::string l = line33();
    l.replace(l.find("\tHit\treqid"), 4, "\tError");
    l.replace(l.rfind("\tHit\t"), 5, "\tOriginDnsError\t");
    const auto r = p.parse(keep(l));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->error_code, "OriginDnsError");
}

// #22 item 4: standard logging v2 may separate fields by single spaces; the "#Fields:" line
// names them as with tabs.
TEST(CloudFront, V2LinesSeparatedBySpacesFollowTheirFieldsLine) {
    CloudFrontLineParser p;
    ASSERT_FALSE(
        p.parse(keep("#Fields: date time c-ip cs-method cs(Host) cs-uri-stem sc-status sc-bytes "
                     "cs(User-Agent) cs-bytes\n")));
    auto r =
        p.parse(keep("2024-11-03 07:15:42 198.51.100.7 GET d1.cloudfront.net /a%20b.mp4 206 1048576 "
                     "Mozilla/5.0%20(X11) 310\n"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->time, 1730618142);
    EXPECT_EQ(r->remote_ip, "198.51.100.7");
    EXPECT_EQ(r->path, "/a%20b.mp4");
    EXPECT_EQ(r->status, 206);
    EXPECT_EQ(r->bytes_sent, 1048576u);
    EXPECT_EQ(r->user_agent, "Mozilla/5.0 (X11)");
    EXPECT_EQ(r->bytes_in, 0u) << "a GET uploads nothing";
    r = p.parse(keep("2024-11-03 07:15:43 198.51.100.7 PUT d1.cloudfront.net /up 200 312 curl 4096\n"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->bytes_in, 4096u) << "a PUT's cs-bytes are its upload";
    r = p.parse(keep("2024-11-03 07:15:44 198.51.100.7 GET d1.cloudfront.net\n"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, RejectReason::TooFewFields);
}

// #22 item 4: status 000 (the viewer went before a response) is its own status, not absent.
TEST(CloudFront, Status000IsItsOwnStatus) {
    CloudFrontLineParser p;
    std::string l = line33();
    l.replace(l.find("\t200\t"), 5, "\t000\t");
    const auto r = p.parse(keep(l));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->status, kStatusNoResponse);
    EXPECT_EQ(status_label(r->status), "000");
    EXPECT_EQ(status_label(0), "") << "absent stays '-'";
    EXPECT_TRUE(parse_filter("status=000").has_value()) << "a status one can filter on";
    EXPECT_FALSE(parse_filter("status=001").has_value());
}

TEST(CloudFront, Rejections) {
    CloudFrontLineParser p;
    EXPECT_EQ(p.parse("").error().reason, RejectReason::EmptyLine);
    EXPECT_EQ(p.parse(keep("2019-12-04\t21:02:31\tLAX1")).error().reason, RejectReason::TooFewFields);
    std::string l = line33();
    l.replace(0, 10, "2019-13-04");
    EXPECT_EQ(p.parse(keep(l)).error().reason, RejectReason::BadTimestamp);
    l = line33();
    l.replace(l.find("\t392\t"), 5, "\tx92\t");
    const auto r = p.parse(keep(l));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, RejectReason::BadNumber);
    EXPECT_EQ(r.error().field, 3);
    EXPECT_EQ(r.error().column, l.find("x92"));
}

// The shared corpus: every record parses, with the values SOURCES.md names.
TEST(CloudFrontCorpus, EveryRealLineParses) {
    S3TOP_REQUIRE_CORPUS(corpus);
    for (const char* file : {"real-samples.log", "dpetzold-cloudfront-multiple.log"}) {
        CloudFrontLineParser p;
        const auto lines = test::read_lines(corpus / "cloudfront" / file);
        ASSERT_FALSE(lines.empty());
        std::size_t records = 0, headers = 0;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            const auto r = p.parse(lines[i]);
            if (!r && r.error().reason == RejectReason::HeaderLine) {
                ++headers;
                continue;
            }
            ASSERT_TRUE(r) << file << ":" << i + 1 << " " << describe(r) << "\n" << lines[i];
            ++records;
            EXPECT_GT(r->time, 1388534400) << i;
            EXPECT_FALSE(r->remote_ip.empty()) << i;
            EXPECT_EQ(r->method, "GET") << i;
            EXPECT_GT(r->status, 0) << i;
            EXPECT_TRUE(test::views_inside(*r, lines[i], {&Record::user_agent, &Record::referrer}));
        }
        EXPECT_EQ(headers, std::string_view(file) == "real-samples.log" ? 0u : 2u);
        EXPECT_GT(records, 5u);
    }
}

TEST(CloudFrontCorpus, ValuesNamedInSources) {
    S3TOP_REQUIRE_CORPUS(corpus);
    const auto lines = test::read_lines(corpus / "cloudfront" / "real-samples.log");
    ASSERT_GE(lines.size(), 11u);
    CloudFrontLineParser p;
    // Line 9 (logstash spec): IAD53, Miss, time_taken 0.036, TLSv1.2, double-encoded UA.
    auto r = p.parse(lines[8]);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->total_time_ms, 36u);
    EXPECT_EQ(r->tls_version, "TLSv1.2");
    EXPECT_EQ(r->path, "/content/sample/thing.pdf");
    EXPECT_EQ(r->bytes_sent, 224281u);
    EXPECT_EQ(r->host_header, "host.example.com");
    EXPECT_EQ(r->user_agent.find('%'), std::string_view::npos) << "decoded twice: " << r->user_agent;
    EXPECT_EQ(r->field_count, 23);
    // Line 10: 33 fields, 192.0.2.100.
    r = p.parse(lines[9]);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->remote_ip, "192.0.2.100");
    EXPECT_EQ(r->time, 1575493351);
    // Line 11: IPv6 client, line ends with a TAB.
    r = p.parse(lines[10]);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->remote_ip, "2001:db8:85a3:8d3:1319:8a2e:370:7348");
    EXPECT_EQ(r->tls_version, "TLSv1.3");
    EXPECT_EQ(r->extra_fields, 1);
    // Line 4: 502 OriginDnsError from www.example.com.
    r = p.parse(lines[3]);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 502);
    EXPECT_EQ(r->error_code, "OriginDnsError");
    EXPECT_EQ(r->host_header, "www.example.com");
    EXPECT_EQ(r->bytes_in, 0u) << "its cs-bytes (675) are a GET's headers, not an upload";
    EXPECT_EQ(r->total_time_ms, 102u);
}

}  // namespace
}  // namespace s3top
