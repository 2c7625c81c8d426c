// One table for the first line of every line format: the line, and every field our Record
// holds for it, written out as `name=value` lines. The whole Record is compared, so a field
// that is filled by mistake shows as well as one that is missing. Quirks of each format have
// their own tests beside the parser (s3_*_test, elb_test, cloudfront_test, clf_test ...).
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "core/parse/clf_log.hpp"
#include "core/parse/cloudfront_log.hpp"
#include "core/parse/elb_log.hpp"
#include "core/parse/s3_access_log.hpp"
#include "parse_test_util.hpp"

namespace s3top {
namespace {

/// Every field of `r` that is set, one `name=value` line each, in Record's order.
std::string fields_of(const Record& r) {
    std::string out;
    auto text = [&](const char* name, std::string_view v) {
        if (!v.empty()) out += std::string(name) + "=" + std::string(v) + "\n";
    };
    auto number = [&](const char* name, std::uint64_t v, bool present = true) {
        if (present && v != 0) out += std::string(name) + "=" + std::to_string(v) + "\n";
    };
    number("time", static_cast<std::uint64_t>(r.time));
    text("bucket_owner", r.bucket_owner);
    text("bucket", r.bucket);
    text("remote_ip", r.remote_ip);
    text("requester", r.requester);
    text("request_id", r.request_id);
    text("operation", r.operation);
    text("key", r.key);
    text("request_uri", r.request_uri);
    text("method", r.method);
    text("path", r.path);
    text("query", r.query);
    text("protocol", r.protocol);
    number("status", r.status);
    text("error_code", r.error_code);
    number("bytes_sent", r.bytes_sent);
    number("object_size", r.object_size, r.has_object_size);
    number("bytes_in", r.bytes_in);
    if (r.has_total_time) out += "total_time_ms=" + std::to_string(r.total_time_ms) + "\n";
    if (r.has_turnaround) out += "turnaround_ms=" + std::to_string(r.turnaround_ms) + "\n";
    text("referrer", r.referrer);
    text("user_agent", r.user_agent);
    text("version_id", r.version_id);
    text("host_id", r.host_id);
    text("signature_version", r.signature_version);
    text("cipher_suite", r.cipher_suite);
    text("auth_type", r.auth_type);
    text("host_header", r.host_header);
    text("tls_version", r.tls_version);
    text("access_point_arn", r.access_point_arn);
    text("acl_required", r.acl_required);
    text("source_region", r.source_region);
    number("field_count", r.field_count);
    number("extra_fields", r.extra_fields);
    return out;
}

struct Case {
    std::string_view name;
    std::function<ParseResult(std::string_view)> parse;
    std::string_view line;
    std::string_view fields;  ///< fields_of() of the parsed line
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class ParserFields : public ::testing::TestWithParam<Case> {};

TEST_P(ParserFields, EveryFieldAsDocumented) {
    const Case& c = GetParam();
    const ParseResult r = c.parse(c.line);
    ASSERT_TRUE(r) << test::describe(r);
    EXPECT_EQ(fields_of(*r), c.fields);
    EXPECT_TRUE(test::views_inside(*r, c.line, {&Record::user_agent, &Record::referrer}))
        << "a field does not view the line (CloudFront decodes these two into storage of its own)";
}

ParseResult cloudfront(std::string_view line) {
    static thread_local CloudFrontLineParser p;
    return p.parse(line);
}
ParseResult clf(std::string_view line) { return parse_clf_line(line); }

INSTANTIATE_TEST_SUITE_P(
    Formats, ParserFields,
    ::testing::Values(
        Case{"S3_2024", parse_s3_access_log,
             "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be DOC-EXAMPLE-BUCKET1 "
             "[06/Feb/2019:00:00:38 +0000] 192.0.2.3 arn:aws:iam::123456789012:user/alice 3E57427F3EXAMPLE "
             "REST.GET.VERSIONING - \"GET /DOC-EXAMPLE-BUCKET1?versioning&org=acme HTTP/1.1\" 200 - 113 - 7 - "
             "\"-\" \"S3Console/0.4\" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= "
             "SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader DOC-EXAMPLE-BUCKET1.s3.us-west-1.amazonaws.com TLSv1.2 "
             "- Yes us-east-1",
             "time=1549411238\n"
             "bucket_owner=79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\n"
             "bucket=DOC-EXAMPLE-BUCKET1\nremote_ip=192.0.2.3\nrequester=arn:aws:iam::123456789012:user/alice\n"
             "request_id=3E57427F3EXAMPLE\noperation=REST.GET.VERSIONING\n"
             "request_uri=GET /DOC-EXAMPLE-BUCKET1?versioning&org=acme HTTP/1.1\nmethod=GET\n"
             "path=/DOC-EXAMPLE-BUCKET1\nquery=versioning&org=acme\nprotocol=HTTP/1.1\nstatus=200\n"
             "bytes_sent=113\ntotal_time_ms=7\nuser_agent=S3Console/0.4\n"
             "host_id=s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234=\n"
             "signature_version=SigV4\ncipher_suite=ECDHE-RSA-AES128-GCM-SHA256\nauth_type=AuthHeader\n"
             "host_header=DOC-EXAMPLE-BUCKET1.s3.us-west-1.amazonaws.com\ntls_version=TLSv1.2\n"
             "acl_required=Yes\nsource_region=us-east-1\nfield_count=27\n"},
        Case{
            "ALB_https", parse_alb_log,
            R"(https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 )"
            R"(0.086 0.048 0.037 200 200 120 57 "GET https://www.example.com:443/bucket/k%20y?org=acme HTTP/1.1" )"
            R"("curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 )"
            R"(arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 )"
            R"("Root=1-58337281-1d84f3d73c47ec4e58577259" "www.example.com" "arn:aws:acm:us-east-2:1:certificate/1" 1 )"
            R"(2018-07-02T22:22:48.364000Z "authenticate,forward" "-" "-" "10.0.0.1:80" "200" "-" "-")",
            "time=1530570180\nremote_ip=192.168.131.39\nrequest_id=Root=1-58337281-1d84f3d73c47ec4e58577259\n"
            "key=bucket/k%20y\nrequest_uri=GET https://www.example.com:443/bucket/k%20y?org=acme HTTP/1.1\n"
            "method=GET\npath=/bucket/k%20y\nquery=org=acme\nprotocol=HTTP/1.1\nstatus=200\nbytes_sent=57\n"
            "total_time_ms=171\nuser_agent=curl/7.46.0\ncipher_suite=ECDHE-RSA-AES128-GCM-SHA256\n"
            "host_header=www.example.com\ntls_version=TLSv1.2\nfield_count=29\n"},
        Case{"CloudFront_33", cloudfront,
             "2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t"
             "/photos/cat%20one.jpg\t200\thttps://example.com/\tMozilla/5.0%20(X11)\torg=acme&x=1\t-\tHit\treqid==\t"
             "assets.example.com\thttps\t23\t0.036\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tHit\tHTTP/2.0\t-\t-\t11040\t"
             "0.001\tHit\ttext/html\t78\t-\t-",
             "time=1575493351\nremote_ip=192.0.2.100\nrequest_id=reqid==\nkey=photos/cat%20one.jpg\nmethod=GET\n"
             "path=/photos/cat%20one.jpg\nquery=org=acme&x=1\nprotocol=HTTP/2.0\nstatus=200\nbytes_sent=392\n"
             "total_time_ms=36\nreferrer=https://example.com/\nuser_agent=Mozilla/5.0 (X11)\n"
             "cipher_suite=TLS_AES_128_GCM_SHA256\nhost_header=assets.example.com\ntls_version=TLSv1.3\n"
             "field_count=33\n"},
        Case{"Combined", clf,
             R"(192.0.2.7 - alice [10/Oct/2023:13:55:36 -0700] "GET /bucket/a%20b.png?org=x HTTP/1.1" 200 2326 )"
             R"x("http://example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)")x",
             "time=1696971336\nremote_ip=192.0.2.7\nrequester=alice\nkey=bucket/a%20b.png\n"
             "request_uri=GET /bucket/a%20b.png?org=x HTTP/1.1\nmethod=GET\npath=/bucket/a%20b.png\nquery=org=x\n"
             "protocol=HTTP/1.1\nstatus=200\nbytes_sent=2326\nreferrer=http://example.com/start.html\n"
             "user_agent=Mozilla/4.08 [en] (Win98; I ;Nav)\nfield_count=9\n"}));

}  // namespace
}  // namespace s3top
