// Application and Classic Load Balancer logs: hand-written lines per quirk, then the corpus.
#include <gtest/gtest.h>

#include "core/agg/tier_map.hpp"
#include "core/parse/elb_log.hpp"
#include "parse_test_util.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

using test::describe;
using test::keep;

constexpr std::string_view kAlbHttps =
    R"(https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 )"
    R"(0.086 0.048 0.037 200 200 120 57 "GET https://www.example.com:443/bucket/k%20y?org=acme HTTP/1.1" )"
    R"("curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 )"
    R"(arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 )"
    R"("Root=1-58337281-1d84f3d73c47ec4e58577259" "www.example.com" "arn:aws:acm:us-east-2:1:certificate/1" 1 )"
    R"(2018-07-02T22:22:48.364000Z "authenticate,forward" "-" "-" "10.0.0.1:80" "200" "-" "-")";

// Every field of kAlbHttps: tests/core/parser_fields_test.cpp.

TEST(Alb, BracketedAndBareIpv6Clients) {
    std::string l(kAlbHttps);
    l.replace(l.find("192.168.131.39:2817"), 19, "[2001:db8::1]:443");
    auto r = parse_alb_log(keep(l));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->remote_ip, "2001:db8::1");
    l.replace(l.find("[2001:db8::1]:443"), 17, "2601:6bbc:c529:9dad:6bbc:c529:9dad:6bbc:50599");
    r = parse_alb_log(keep(l));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->remote_ip, "2601:6bbc:c529:9dad:6bbc:c529:9dad:6bbc");
}

TEST(Alb, MinusOneTimingsMeanNoTotal) {
    std::string l(kAlbHttps);
    l.replace(l.find("0.086 0.048 0.037"), 17, "-1 -1 -1");
    const auto r = parse_alb_log(keep(l));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_FALSE(r->has_total_time);
    EXPECT_EQ(r->total_time_ms, 0u);
}

TEST(Alb, MalformedRequestAndAppendedFields) {
    // The load balancer's own 400 for a request it could not parse, with a conn trace id appended.
    const auto r = parse_alb_log(keep(
        R"(http 2021-03-17T18:54:14.216357Z app/x/7f0d 113.241.19.90:15070 - -1 -1 -1 400 - 0 272 )"
        R"("- http://awseb.us-east-1.elb.amazonaws.com:80- -" "-" - - - "-" "-" "-" - 2021-03-17T18:54:13.967000Z )"
        R"("-" "-" "-" "-" "-" "-" "-" TID_dc57 extra1 extra2)"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(r->bytes_sent, 272u);
    EXPECT_TRUE(r->method.empty());
    EXPECT_TRUE(r->protocol.empty());
    EXPECT_EQ(r->host_header, "awseb.us-east-1.elb.amazonaws.com");
    EXPECT_TRUE(r->path.empty());
    EXPECT_EQ(r->field_count, 32);
    EXPECT_EQ(r->extra_fields, 2);
}

TEST(Alb, Rejections) {
    EXPECT_EQ(parse_alb_log("").error().reason, RejectReason::EmptyLine);
    EXPECT_EQ(parse_alb_log(keep("tcp 2018-07-02T22:23:00Z x")).error().reason, RejectReason::BadField);
    std::string l(kAlbHttps);
    l.replace(l.find("2018-07-02T22:23"), 4, "20x8");
    auto r = parse_alb_log(keep(l));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, RejectReason::BadTimestamp);
    EXPECT_EQ(r.error().field, kAlbTime);
    EXPECT_EQ(r.error().column, 6u);
    l = kAlbHttps;
    l.replace(l.find(" 120 "), 5, " 1x0 ");
    r = parse_alb_log(keep(l));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, RejectReason::BadNumber);
    EXPECT_EQ(r.error().field, kAlbReceivedBytes);
    l = kAlbHttps;
    l.erase(l.find(" HTTP/1.1\""));  // the request's quote never closes
    EXPECT_EQ(parse_alb_log(keep(l)).error().reason, RejectReason::UnterminatedQuote);
    EXPECT_EQ(parse_alb_log(keep("http 2018-07-02T22:23:00.1Z app/x 1.2.3.4:5 - 0 0 0 200")).error().reason,
              RejectReason::TooFewFields);
}

TEST(Elb, ClassicLineWithAndWithoutUserAgent) {
    auto r = parse_elb_log(keep(
        R"(2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000086 0.001048 0.001337 )"
        R"(200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.38.0" DHE-RSA-AES128-SHA TLSv1.2)"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->time, 1431560383);
    EXPECT_EQ(r->remote_ip, "192.168.131.39");
    EXPECT_EQ(r->path, "/");
    EXPECT_EQ(r->host_header, "www.example.com");
    EXPECT_EQ(r->total_time_ms, 2u);  // 2471 us
    EXPECT_EQ(r->user_agent, "curl/7.38.0");
    EXPECT_EQ(r->tls_version, "TLSv1.2");
    EXPECT_EQ(r->field_count, 15);
    r = parse_elb_log(keep(R"(2015-04-10T08:11:09.865823Z media 49.150.87.133:55128 - -1 -1 -1 408 - 1294336 0 )"
                           R"("PUT https://media.example.com:443/videos/F4 HTTP/1.1")"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->status, 408);
    EXPECT_EQ(r->bytes_in, 1294336u);
    EXPECT_EQ(r->bytes_sent, 0u);
    EXPECT_FALSE(r->has_total_time);
    EXPECT_EQ(r->method, "PUT");
    EXPECT_EQ(r->field_count, 12);
}

TEST(Elb, EscapedQuotesInUserAgent) {
    const auto r = parse_elb_log(keep(
        R"(2018-12-13T15:16:57.132252Z elb 93.113.124.199:44444 10.25.30.166:80 0.000048 0.000504 0.000025 301 301 )"
        R"(0 178 "GET http://10.25.25.42:80/ HTTP/1.0" "\"nlpproject.info research\"" - -)"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->user_agent, R"(\"nlpproject.info research\")");
    EXPECT_TRUE(r->cipher_suite.empty());
}

// #22 item 3: a TCP or SSL listener logs connections (request "- - - "), not HTTP requests: no
// method, path or key (not a GET of the key "- - "), their own operation, their bytes counted,
// and free of request charges (TierMap).
TEST(Elb, TcpAndSslListenerLinesAreConnectionsNotRequests) {
    const std::string_view tcp = keep(
        R"(2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.001065 0.000015 0.000023 )"
        R"(- - 57 502 "- - - " "-" - -)");
    auto r = parse_elb_log(tcp);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->operation, kElbTcpConnection);
    EXPECT_TRUE(r->method.empty());
    EXPECT_TRUE(r->path.empty());
    EXPECT_TRUE(r->key.empty());
    EXPECT_TRUE(r->request_uri.empty());
    EXPECT_EQ(r->status, 0);
    EXPECT_EQ(r->bytes_in, 57u);
    EXPECT_EQ(r->bytes_sent, 502u);
    EXPECT_EQ(TierMap::defaults().classify(r->operation, r->method), Tier::Free);
    r = parse_elb_log(keep(
        R"(2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.001065 0.000015 0.000023 )"
        R"(- - 57 502 "- - - " "-" ECDHE-ECDSA-AES128-GCM-SHA256 TLSv1.2)"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->operation, kElbSslConnection);
    EXPECT_EQ(r->tls_version, "TLSv1.2");
    EXPECT_TRUE(r->key.empty());
    // An HTTP request the balancer could not parse stays a request.
    r = parse_elb_log(keep(R"(2015-05-13T23:39:43.945958Z lb 192.168.131.39:2817 - -1 -1 -1 400 - 0 0 )"
                           R"("- http://www.example.com:80- -" "-" - -)"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_TRUE(r->operation.empty());
}

TEST(AlbCorpus, EveryRealLineParses) {
    S3TOP_REQUIRE_CORPUS(corpus);
    const auto lines = test::read_lines(corpus / "alb" / "real-samples.log");
    ASSERT_EQ(lines.size(), 17u);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto r = parse_alb_log(lines[i]);
        ASSERT_TRUE(r) << i + 1 << ": " << describe(r) << "\n" << lines[i];
        EXPECT_GT(r->time, 1500000000);
        EXPECT_FALSE(r->remote_ip.empty());
        EXPECT_TRUE(test::views_inside(*r, lines[i]));
    }
    // VRL's assertions for line 13: no method or protocol, 400, 0 received, 272 sent, -1 timings.
    auto r = parse_alb_log(lines[12]);
    EXPECT_TRUE(r->method.empty());
    EXPECT_TRUE(r->protocol.empty());
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(r->bytes_in, 0u);
    EXPECT_EQ(r->bytes_sent, 272u);
    EXPECT_FALSE(r->has_total_time);
    EXPECT_EQ(r->remote_ip, "113.241.19.90");
    // Line 15: IPv6 client with an unbracketed port.
    r = parse_alb_log(lines[14]);
    EXPECT_EQ(r->remote_ip, "2601:6bbc:c529:9dad:6bbc:c529:9dad:6bbc");
    EXPECT_EQ(r->method, "POST");
    EXPECT_EQ(r->path, "/api/deposits/transactions:search");
    EXPECT_EQ(r->query, "detailsLevel=FULL&offset=0&limit=50");
    EXPECT_EQ(r->bytes_in, 589u);
    EXPECT_EQ(r->bytes_sent, 2084u);
    EXPECT_EQ(r->total_time_ms, 53u);
    // Line 11: authentication error, -1 timings, TLS 1.3, error reason.
    r = parse_alb_log(lines[10]);
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(r->tls_version, "TLSv1.3");
    EXPECT_EQ(r->error_code, "AuthInvalidAWSALBAuthNonce");
    EXPECT_FALSE(r->has_total_time);
    // Line 12 is line 17 plus the appended TID field: same record, one more field.
    const auto a = parse_alb_log(lines[11]);
    const auto b = parse_alb_log(lines[16]);
    test::expect_same_record(*a, *b);
    EXPECT_EQ(a->field_count, b->field_count + 1);
    // Line 7: Lambda target failed.
    r = parse_alb_log(lines[6]);
    EXPECT_EQ(r->error_code, "LambdaInvalidResponse");
    EXPECT_EQ(r->status, 502);
}

TEST(ElbCorpus, EveryClassicLineParses) {
    S3TOP_REQUIRE_CORPUS(corpus);
    const auto lines = test::read_lines(corpus / "alb" / "classic-elb-samples.log");
    ASSERT_EQ(lines.size(), 6u);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto r = parse_elb_log(lines[i]);
        ASSERT_TRUE(r) << i + 1 << ": " << describe(r) << "\n" << lines[i];
        EXPECT_TRUE(test::views_inside(*r, lines[i]));
        EXPECT_FALSE(parse_alb_log(lines[i])) << "a Classic line is not an ALB line";
    }
    // logstash spec, line 3.
    const auto r = parse_elb_log(lines[2]);
    EXPECT_EQ(r->remote_ip, "49.150.87.133");
    EXPECT_EQ(r->status, 408);
    EXPECT_EQ(r->bytes_in, 1294336u);
    EXPECT_EQ(r->bytes_sent, 0u);
    EXPECT_FALSE(r->has_total_time);
}

}  // namespace
}  // namespace s3top
