// Newline-delimited JSON access logs (Caddy by default, other layouts through a field map).
#include <gtest/gtest.h>

#include "core/parse/jsonl_log.hpp"
#include "parse_test_util.hpp"

namespace s3top {
namespace {

using test::describe;
using test::keep;

// A Caddy v2 access log line (http.log.access), as Caddy writes it.
constexpr std::string_view kCaddy =
    R"({"level":"info","ts":1646861401.5241024,"logger":"http.log.access.log0","msg":"handled request",)"
    R"("request":{"remote_ip":"192.0.2.44","remote_port":"51746","proto":"HTTP/2.0","method":"GET",)"
    R"("host":"files.example.com","uri":"/bucket/photo%201.jpg?org=acme","headers":{"User-Agent":["curl/7.82.0"],)"
    R"("Referer":["https://example.com/"],"Accept":["*/*"]},"tls":{"resumed":false,"version":772,)"
    R"("cipher_suite":4865,"proto":"h2","server_name":"files.example.com"}},"user_id":"alice",)"
    R"("duration":0.000929675,"size":10900,"status":200,"bytes_read":17,"resp_headers":{"Server":["Caddy"]}})";

TEST(Jsonl, CaddyDefaults) {
    JsonLineParser p;
    const std::string_view line = keep(std::string(kCaddy) + "\n");
    const auto r = p.parse(line);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->time, 1646861401);
    EXPECT_EQ(r->remote_ip, "192.0.2.44");
    EXPECT_EQ(r->requester, "alice");
    EXPECT_EQ(r->method, "GET");
    EXPECT_EQ(r->path, "/bucket/photo%201.jpg");
    EXPECT_EQ(r->key, "bucket/photo%201.jpg");
    EXPECT_EQ(r->query, "org=acme");
    EXPECT_EQ(r->protocol, "HTTP/2.0");
    EXPECT_EQ(r->host_header, "files.example.com");
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->bytes_sent, 10900u);
    EXPECT_EQ(r->bytes_in, 17u);
    EXPECT_TRUE(r->has_total_time);
    EXPECT_EQ(r->total_time_ms, 1u);
    EXPECT_EQ(r->user_agent, "curl/7.82.0");
    EXPECT_EQ(r->referrer, "https://example.com/");
    EXPECT_EQ(r->tls_version, "772");
    EXPECT_EQ(r->cipher_suite, "4865");
    EXPECT_TRUE(r->request_uri.empty());
    // Strings without escapes are views into the line itself.
    EXPECT_TRUE(test::views_inside(*r, line));
}

TEST(Jsonl, EscapedStringsAreUnescaped) {
    JsonLineParser p;
    const auto r = p.parse(
        keep(R"({"ts":"2024-03-01T04:05:06.5+01:00","request":{"remote_ip":"10.0.0.1","method":"GET",)"
             R"("uri":"/a\"b","headers":{"User-Agent":["Mozilla \"quoted\" \u00e9"]}},"status":404,"size":0})"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->time, 1709262306);  // 2024-03-01T03:05:06Z
    EXPECT_EQ(r->path, "/a\"b");
    EXPECT_EQ(r->user_agent, "Mozilla \"quoted\" \xc3\xa9");
    EXPECT_EQ(r->status, 404);
    EXPECT_FALSE(r->has_total_time);
}

TEST(Jsonl, CustomFieldMap) {
    JsonFieldMap m;
    m.time = "/time_ms";
    m.remote_ip = "/client/ip";
    m.requester = "/auth/user";
    m.method = "/verb";
    m.uri = "/path";
    m.status = "/code";
    m.bytes_sent = "/out";
    m.bytes_in = "/in";
    m.duration = "/ms";
    m.duration_unit = JsonFieldMap::Unit::Milliseconds;
    m.user_agent = "/ua";
    m.bucket = "/b";
    m.key = "/k";
    m.operation = "/op";
    m.referrer = "/h~1x";  // RFC 6901: "~1" is '/'
    JsonLineParser p(m);
    const auto r = p.parse(keep(R"({"time_ms":1700000000123,"client":{"ip":"[2001:db8::5]:443"},"auth":{"user":"svc"},)"
                                R"("verb":"PUT","path":"/up","code":"201","out":0,"in":4096,"ms":12.6,"ua":"sdk",)"
                                R"("b":"bkt","k":"dir/obj","op":"PutObject","h/x":"ref"})"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->time, 1700000000);
    EXPECT_EQ(r->remote_ip, "2001:db8::5");
    EXPECT_EQ(r->requester, "svc");
    EXPECT_EQ(r->method, "PUT");
    EXPECT_EQ(r->status, 201);
    EXPECT_EQ(r->bytes_in, 4096u);
    EXPECT_EQ(r->total_time_ms, 13u);
    EXPECT_EQ(r->bucket, "bkt");
    EXPECT_EQ(r->key, "dir/obj");
    EXPECT_EQ(r->operation, "PutObject");
    EXPECT_EQ(r->referrer, "ref");
    JsonFieldMap bad;
    bad.time = "no-slash";
    EXPECT_THROW(JsonLineParser{bad}, std::invalid_argument);
}

TEST(Jsonl, Rejections) {
    JsonLineParser p;
    EXPECT_EQ(p.parse(" \n").error().reason, RejectReason::EmptyLine);
    EXPECT_EQ(p.parse(keep("not json")).error().reason, RejectReason::BadField);
    EXPECT_EQ(p.parse(keep(R"({"ts":1646861401.5,"status":200)")).error().reason, RejectReason::BadField);
    EXPECT_EQ(p.parse(keep(R"({"status":200})")).error().reason, RejectReason::BadTimestamp);
    EXPECT_EQ(p.parse(keep(R"({"ts":"yesterday"})")).error().reason, RejectReason::BadTimestamp);
    EXPECT_EQ(p.parse(keep(R"({"ts":1646861401,"status":"ok"})")).error().reason, RejectReason::BadStatus);
    EXPECT_EQ(p.parse(keep(R"({"ts":1646861401,"size":-5})")).error().reason, RejectReason::BadNumber);
    // #22: a number field holding an object or an array is no number (it read as absent: 0
    // bytes); null is "not logged".
    EXPECT_EQ(p.parse(keep(R"({"ts":1646861401,"status":{}})")).error().reason, RejectReason::BadStatus);
    EXPECT_EQ(p.parse(keep(R"({"ts":1646861401,"size":[1]})")).error().reason, RejectReason::BadNumber);
    EXPECT_EQ(p.parse(keep(R"({"ts":1646861401,"duration":{"s":1}})")).error().reason, RejectReason::BadNumber);
    EXPECT_TRUE(p.parse(keep(R"({"ts":1646861401,"status":null,"size":null})")));
    // Text members of other types where a scalar is expected are absent, not errors.
    const auto r = p.parse(keep(R"({"ts":1646861401,"request":{"remote_ip":["x"],"uri":null},"size":1e3})"));
    ASSERT_FALSE(r);  // 1e3 is not an integer byte count as written
    const auto ok = p.parse(keep(R"({"ts":1646861401,"request":{"remote_ip":["x"],"uri":null},"duration":1.5e-07})"));
    ASSERT_TRUE(ok) << describe(ok);
    EXPECT_TRUE(ok->remote_ip.empty());
    EXPECT_EQ(ok->total_time_ms, 0u);
}

TEST(Jsonl, ParserIsReusedAcrossLines) {
    JsonLineParser p;
    for (int i = 0; i < 100; ++i) {
        const std::string line =
            R"({"ts":)" + std::to_string(1646861401 + i) + R"(,"status":200,"size":)" + std::to_string(i) + "}";
        const auto r = p.parse(line);
        ASSERT_TRUE(r) << describe(r);
        EXPECT_EQ(r->time, 1646861401 + i);
        EXPECT_EQ(r->bytes_sent, static_cast<std::uint64_t>(i));
    }
}

}  // namespace
}  // namespace s3top
