// GoAccess-compatible format strings: compiling, date/time formats, the predefined formats on
// real lines, and a cross-check against the dedicated combined parser on the corpus.
#include <gtest/gtest.h>

#include "core/parse/clf_log.hpp"
#include "core/parse/cloudfront_log.hpp"
#include "core/parse/uri.hpp"
#include "core/parse/elb_log.hpp"
#include "core/parse/goaccess_format.hpp"
#include "core/parse/time_format.hpp"
#include "parse_test_util.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

using test::describe;
using test::keep;

CompiledFormat compile(std::string_view log, std::string_view date = "", std::string_view time = "") {
    auto f = compile_goaccess_format(log, date, time);
    EXPECT_TRUE(f) << f.error();
    return f ? std::move(*f) : CompiledFormat{};
}

std::optional<std::int64_t> when(std::string_view fmt, std::string_view s) {
    const auto f = TimeFormat::compile(fmt);
    EXPECT_TRUE(f) << f.error();
    TimeParts p;
    if (!f || !f->parse(s, p)) return std::nullopt;
    return time_parts_to_epoch(p);
}

TEST(TimeFormat, CommonSpecifiers) {
    EXPECT_EQ(when("%d/%b/%Y:%H:%M:%S %z", "10/Oct/2023:13:55:36 -0700"), 1696971336);
    EXPECT_EQ(when("%Y-%m-%dT%T%z", "2023-10-10T20:55:36+00:00"), 1696971336);
    EXPECT_EQ(when("%Y-%m-%dT%T%z", "2023-10-10T20:55:36Z"), 1696971336);
    EXPECT_EQ(when("%F %T", "2023-10-10 20:55:36"), 1696971336);
    EXPECT_EQ(when("%s", "1696971336"), 1696971336);
    EXPECT_EQ(when("%f", "1696971336123456"), 1696971336);
    EXPECT_EQ(when("%*", "1696971336123"), 1696971336);
    EXPECT_EQ(when("%a, %d %B %Y %I:%M:%S %p %Z", "Tue, 10 October 2023 08:55:36 PM GMT"), 1696971336);
    EXPECT_EQ(when("%D %R", "10/10/23 20:55"), 1696971300);
    EXPECT_EQ(when("%d/%b/%Y", "29/Feb/2023"), std::nullopt);  // not a leap year
    EXPECT_EQ(when("%d/%b/%Y", "10/Foo/2023"), std::nullopt);
    EXPECT_EQ(when("%H:%M:%S", "20:55:36"), std::nullopt);  // a time without a date is no instant
    EXPECT_FALSE(TimeFormat::compile("%Q"));
    EXPECT_FALSE(TimeFormat::compile("%Y%"));
}

TEST(GoAccess, PresetsAreGoAccess17Definitions) {
    const auto c = goaccess_preset("combined");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->log_format, R"(%h %^[%d:%t %^] "%r" %s %b "%R" "%u")");
    EXPECT_EQ(c->date_format, "%d/%b/%Y");
    EXPECT_EQ(c->time_format, "%H:%M:%S");
    EXPECT_EQ(goaccess_preset("AWSS3")->log_format, R"(%^ %v [%d:%t %^] %h %^"%r" %s %^ %b %^ %L %^ "%R" "%u")");
    EXPECT_EQ(goaccess_preset("SQUID")->date_format, "%s");
    EXPECT_EQ(goaccess_preset("CLOUDSTORAGE")->time_format, "%f");
    for (const char* n : {"COMBINED", "VCOMBINED", "COMMON", "VCOMMON", "W3C", "CLOUDFRONT", "CLOUDSTORAGE", "AWSELB",
                          "SQUID", "AWSS3", "CADDY", "AWSALB"}) {
        const auto f = compile_goaccess_format(n, "", "");
        EXPECT_TRUE(f) << n << ": " << f.error();
    }
    EXPECT_FALSE(goaccess_preset("NGINX"));
    EXPECT_TRUE(compile_goaccess_format("CADDY", "", "")->json);
}

TEST(GoAccess, CompileErrors) {
    EXPECT_FALSE(compile_goaccess_format("", "", ""));
    EXPECT_NE(compile_goaccess_format("%h %Z", "%d", "%T").error().find("%Z"), std::string::npos);
    EXPECT_NE(compile_goaccess_format("%h %s", "%d", "%T").error().find("no date"), std::string::npos);
    EXPECT_FALSE(compile_goaccess_format("%h%s [%d]", "%d/%b/%Y", ""));  // no delimiter between fields
    EXPECT_FALSE(compile_goaccess_format("%h [%d]", "", ""));            // date format needed
    EXPECT_FALSE(compile_goaccess_format("%h [%d]", "%d/%Q", ""));
    EXPECT_FALSE(compile_goaccess_format("~h{ [%d]", "%d", ""));
    EXPECT_FALSE(compile_goaccess_format("%h [%d:%t]", "%d", "%"));
}

TEST(GoAccess, CompilesIntoSteps) {
    const auto f = compile("COMBINED");
    // %h ' ' %^ '[' %d ':' %t ' ' %^ '] "' %r '" ' %s ' ' %b ' "' %R '" "' %u '"'
    ASSERT_EQ(f.steps.size(), 20u);
    EXPECT_EQ(f.steps[0].spec, GoSpec::Host);
    EXPECT_EQ(f.steps[0].delim, ' ');
    EXPECT_EQ(f.steps[3].literal, "[");
    EXPECT_TRUE(f.steps[8].offset_skip);
    EXPECT_EQ(f.steps[10].spec, GoSpec::Request);
    EXPECT_EQ(f.steps[10].delim, '"');
    EXPECT_EQ(f.steps.back().literal, "\"");
}

TEST(GoAccess, CombinedLine) {
    const auto f = compile("COMBINED");
    const auto r = parse_goaccess_line(
        f,
        keep(
            R"x(192.0.2.7 - alice [10/Oct/2023:13:55:36 -0700] "GET /a?b=1 HTTP/1.1" 200 2326 "http://r/" "Moz (X)")x"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->time, 1696971336);  // the zone in the skipped field is applied
    EXPECT_EQ(r->remote_ip, "192.0.2.7");
    EXPECT_TRUE(r->requester.empty());  // COMBINED skips ident and user
    EXPECT_EQ(r->path, "/a");
    EXPECT_EQ(r->query, "b=1");
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->bytes_sent, 2326u);
    EXPECT_EQ(r->referrer, "http://r/");
    EXPECT_EQ(r->user_agent, "Moz (X)");
}

TEST(GoAccess, CustomFormatWithTimesUserAndTls) {
    const auto f = compile(R"(%v %h %e [%x] "%m %U %H" %s %b %T %D %K %k ~h{, })", "%Y-%m-%dT%H:%M:%S%z", "");
    const auto r = parse_goaccess_line(
        f,
        keep(
            R"(files.example 192.0.2.9 bob [2023-10-10T20:55:36+0200] "PUT /up?x=1 HTTP/2.0" 201 0 0.250 9000 TLSv1.3 TLS_AES_256_GCM_SHA384 203.0.113.5, 10.0.0.1)"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->host_header, "files.example");
    EXPECT_EQ(r->requester, "bob");
    EXPECT_EQ(r->time, 1696971336 - 7200);
    EXPECT_EQ(r->method, "PUT");
    EXPECT_EQ(r->path, "/up");
    EXPECT_EQ(r->query, "x=1");
    EXPECT_EQ(r->protocol, "HTTP/2.0");
    EXPECT_EQ(r->total_time_ms, 250u);  // %T came first
    EXPECT_EQ(r->tls_version, "TLSv1.3");
    EXPECT_EQ(r->cipher_suite, "TLS_AES_256_GCM_SHA384");
    EXPECT_EQ(r->remote_ip, "203.0.113.5");  // ~h: the last host specifier wins
}

TEST(GoAccess, AwsPresetsOnRealShapes) {
    // CLOUDFRONT (tab-separated, %v = cs(Host)).
    const std::string cf =
        "2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td1.cloudfront.net\t/index.html\t200\t-\t"
        "curl/8\t-\t-\tHit\tid==\td1.cloudfront.net\thttps\t23\t0.001\t-\tTLSv1.2\tECDHE\tHit\tHTTP/2.0\t-";
    auto r = parse_goaccess_line(compile("CLOUDFRONT"), keep(cf));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->time, 1575493351);
    EXPECT_EQ(r->bytes_sent, 392u);
    EXPECT_EQ(r->path, "/index.html");
    EXPECT_EQ(r->tls_version, "TLSv1.2");
    EXPECT_EQ(r->protocol, "HTTP/2.0");
    EXPECT_EQ(r->total_time_ms, 1u);
    // AWSALB: ALB lines (type first); %v is the load balancer.
    const std::string alb =
        R"(https 2018-07-02T22:23:00.186641Z app/my-lb/50dc 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 )"
        R"("GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:x)";
    r = parse_goaccess_line(compile("AWSALB"), keep(alb));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->time, 1530570180);
    EXPECT_EQ(r->remote_ip, "192.168.131.39");
    EXPECT_EQ(r->host_header, "app/my-lb/50dc");
    EXPECT_EQ(r->total_time_ms, 48u);  // %T is the target processing time in GoAccess's definition
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->bytes_sent, 57u);
    EXPECT_EQ(r->cipher_suite, "ECDHE-RSA-AES128-GCM-SHA256");
    // SQUID: epoch with milliseconds, %~ before the padded elapsed time.
    r = parse_goaccess_line(
        compile("SQUID"),
        keep("1286536309.450    123 192.0.2.10 TCP_MISS/200 1024 GET http://example.com/x - DIRECT/1.2.3.4 text/html"));
    ASSERT_FALSE(r);  // GoAccess's SQUID string expects three leading fields and a vhost before the time
    // W3C (IIS)
    r = parse_goaccess_line(
        compile("W3C"), keep("2023-10-10 20:55:36 10.0.0.1 GET /a.png q=1 80 - 192.0.2.3 Mozilla/5.0 - 200 0 0 15"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->method, "GET");
    EXPECT_EQ(r->query, "q=1");
    EXPECT_EQ(r->remote_ip, "192.0.2.3");
    EXPECT_EQ(r->total_time_ms, 15u);
}

TEST(GoAccess, Rejections) {
    const auto f = compile("COMBINED");
    EXPECT_EQ(parse_goaccess_line(f, "").error().reason, RejectReason::EmptyLine);
    EXPECT_EQ(parse_goaccess_line(f, keep("1.2.3.4 - - [10/Oct/2023:13:55:36 -0700]")).error().reason,
              RejectReason::TooFewFields);
    EXPECT_EQ(parse_goaccess_line(f, keep(R"(1.2.3.4 - - [10/Oct/2023:13:55:36 -0700] "GET / HTTP/1.1" 20x 1 "-" "-")"))
                  .error()
                  .reason,
              RejectReason::BadStatus);
    EXPECT_EQ(parse_goaccess_line(f, keep(R"(1.2.3.4 - - [10/Xxx/2023:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "-")"))
                  .error()
                  .reason,
              RejectReason::BadTimestamp);
    EXPECT_EQ(
        parse_goaccess_line(f, keep(R"(1.2.3.4 - - [10/Oct/2023:13:55:36 -0700] "GET / HTTP/1.1)")).error().reason,
        RejectReason::UnterminatedQuote);
}

// The cross-check: GoAccess's COMBINED and the dedicated parser agree on every corpus line both
// read (COMBINED skips the user, so requester is compared with a format that captures %e).
TEST(GoAccessCorpus, CombinedMatchesTheDedicatedParser) {
    S3TOP_REQUIRE_CORPUS(corpus);
    const auto lines = test::read_lines(corpus / "combined" / "real-samples.log");
    ASSERT_FALSE(lines.empty());
    const auto combined = compile("COMBINED");
    const auto with_user = compile(R"(%h %^ %e [%d:%t %^] "%r" %s %b "%R" "%u")", "%d/%b/%Y", "%H:%M:%S");
    std::size_t both = 0, both_user = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        SCOPED_TRACE(lines[i]);
        const auto dedicated = parse_clf_line(lines[i]);
        ASSERT_TRUE(dedicated) << describe(dedicated);
        if (const auto g = parse_goaccess_line(combined, lines[i])) {
            test::expect_same_record(*g, *dedicated, false);
            ++both;
        }
        if (const auto g = parse_goaccess_line(with_user, lines[i])) {
            test::expect_same_record(*g, *dedicated, true);
            ++both_user;
        }
    }
    // Only the quoted X-Forwarded-For line defeats COMBINED's "%h ".
    EXPECT_EQ(both, lines.size() - 1);
    EXPECT_GE(both_user, lines.size() - 4);
}

TEST(GoAccessCorpus, CloudFrontPresetMatchesTheDedicatedParser) {
    S3TOP_REQUIRE_CORPUS(corpus);
    const auto lines = test::read_lines(corpus / "cloudfront" / "real-samples.log");
    const auto f = compile("CLOUDFRONT");
    CloudFrontLineParser cf;
    std::size_t both = 0;
    for (const auto& line : lines) {
        const auto d = cf.parse(line);
        ASSERT_TRUE(d);
        const auto g = parse_goaccess_line(f, line);
        if (!g) continue;
        ++both;
        EXPECT_EQ(g->time, d->time);
        EXPECT_EQ(g->remote_ip, d->remote_ip);
        EXPECT_EQ(g->bytes_sent, d->bytes_sent);
        EXPECT_EQ(g->status, d->status);
        EXPECT_EQ(g->path, d->path);
        // The dedicated parser decodes the user agent as CloudFront documents it; GoAccess's
        // preset reads the field as a GoAccess format does, as logged.
        std::string ua, twice;
        url_decode(g->user_agent, ua, false);
        if (ua.find('%') != std::string::npos) {
            url_decode(ua, twice, false);
            ua.swap(twice);
        }
        EXPECT_EQ(ua, d->user_agent);
    }
    // The 2014 and 2016 lines (23/24 fields) are shorter than GoAccess's 25-field CLOUDFRONT.
    EXPECT_EQ(both, lines.size() - 3);
}

}  // namespace
}  // namespace s3top
