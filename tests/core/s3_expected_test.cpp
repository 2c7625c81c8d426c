// Independent oracle: every value asserted in ../shared/corpus/s3/EXPECTED.md (values that other
// projects' public tests assert for lines of real-samples.log), checked against our parser.
//
// Field names of the source projects are mapped onto our Record:
//   null / nil / None / absent / "" (the log had "-")  -> empty view, has_ flag false, 0 number
//   timestamps                                       -> Record::time (UTC epoch seconds), compared
//                                                       by formatting it in the source's own style
//   url.path / url.query / verb / request / httpversion -> path / query / method / path?query / protocol
//   kdgm "message" (Apache combined conversion)      -> ip, requester[0:10], time, request line,
//                                                       status, bytes (bytes_sent "-" -> 0),
//                                                       referrer, agent, total_time rounded to s
// Each line is found by its 1-based line number AND checked to carry the locator substring.
#include <gtest/gtest.h>

#include <ctime>
#include <list>
#include <string>
#include <vector>

#include "core/parse/s3_access_log.hpp"
#include "core/parse/uri.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

constexpr std::string_view kDocsOwner = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";

// --- time formatting with the C library (independent of our own civil-time code) -----------

std::tm utc_tm(std::int64_t t) {
    const auto tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    return tm;
}

std::string two(int v) {
    std::string s = std::to_string(v);
    return s.size() < 2 ? "0" + s : s;
}

/// "06/Feb/2014:00:00:38 +0000" (CLF, as grok's HTTPDATE and the kdgm filter print it).
std::string clf(std::int64_t t) {
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::tm tm = utc_tm(t);
    return two(tm.tm_mday) + "/" + kMonths[tm.tm_mon] + "/" + std::to_string(tm.tm_year + 1900) + ":" +
           two(tm.tm_hour) + ":" + two(tm.tm_min) + ":" + two(tm.tm_sec) + " +0000";
}

/// "2022-04-06T03:05:53" (sep 'T') or "2020-05-09 22:07:21" (sep ' ').
std::string iso(std::int64_t t, char sep = 'T') {
    const std::tm tm = utc_tm(t);
    return std::to_string(tm.tm_year + 1900) + "-" + two(tm.tm_mon + 1) + "-" + two(tm.tm_mday) + sep +
           two(tm.tm_hour) + ":" + two(tm.tm_min) + ":" + two(tm.tm_sec);
}

/// "241113182419": dandi/s3-log-extraction's YYMMDDhhmmss.
std::string yymmddhhmmss(std::int64_t t) {
    const std::tm tm = utc_tm(t);
    return two(tm.tm_year % 100) + two(tm.tm_mon + 1) + two(tm.tm_mday) + two(tm.tm_hour) + two(tm.tm_min) +
           two(tm.tm_sec);
}

std::string or_dash(std::string_view v) { return v.empty() ? std::string("-") : std::string(v); }

/// The kdgm/logstash-plugins s3_access_log filter's Apache-combined rendering of a record:
/// `ip - <first 10 chars of requester or -> [time] "request" status bytes "referrer" "agent" secs`.
std::string kdgm_message(const Record& r) {
    return or_dash(r.remote_ip) + " - " +
           (r.requester.empty() ? std::string("-") : std::string(r.requester.substr(0, 10))) + " [" + clf(r.time) +
           "] \"" + std::string(r.request_uri) + "\" " + std::to_string(r.status) + " " + std::to_string(r.bytes_sent) +
           " \"" + or_dash(r.referrer) + "\" \"" + or_dash(r.user_agent) + "\" " +
           std::to_string((r.total_time_ms + 500) / 1000);
}

std::string target(const Record& r) {  // the request target as logged: path[?query]
    return std::string(r.path) + (r.query.empty() ? "" : "?" + std::string(r.query));
}

// --- loading lines ----------------------------------------------------------------------------

class S3Expected : public ::testing::Test {
protected:
    void SetUp() override {
        S3TOP_REQUIRE_CORPUS(corpus);
        dir_ = corpus / "s3";
    }

    static const std::vector<std::string>& lines(const std::filesystem::path& file) {
        // Records are views: keep every file's lines alive for the whole run.
        static std::list<std::pair<std::filesystem::path, std::vector<std::string>>> cache;
        for (const auto& [p, l] : cache)
            if (p == file) return l;
        cache.emplace_back(file, test::read_lines(file));
        return cache.back().second;
    }

    /// Parses line `n` (1-based) of `file` after checking that `locator` is on it.
    ::testing::AssertionResult load(std::size_t n, std::string_view locator, Record& out,
                                    std::string_view file = "real-samples.log") {
        const auto& l = lines(dir_ / file);
        if (n == 0 || n > l.size()) return ::testing::AssertionFailure() << file << " has no line " << n;
        const std::string& line = l[n - 1];
        if (line.find(locator) == std::string::npos)
            return ::testing::AssertionFailure() << file << ":" << n << " does not contain locator `" << locator << "`";
        const auto r = parse_s3_access_log(line);
        if (!r)
            return ::testing::AssertionFailure()
                   << file << ":" << n << " rejected: " << reject_reason_name(r.error().reason) << " at column "
                   << r.error().column << " field " << r.error().field;
        out = *r;
        return ::testing::AssertionSuccess();
    }

    std::filesystem::path dir_;
};

// ============================================================================================
// panther-labs/panther  s3_server_access_test.go
// ============================================================================================

TEST_F(S3Expected, Panther_Line7_GetVersioning) {
    Record r;
    ASSERT_TRUE(load(7, "3E57427F3EXAMPLE REST.GET.VERSIONING", r));
    EXPECT_EQ(r.bucket_owner, "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be");
    EXPECT_EQ(r.bucket, "awsexamplebucket");
    EXPECT_EQ(r.time, 1549411238);
    EXPECT_EQ(iso(r.time) + "Z", "2019-02-06T00:00:38Z");
    EXPECT_EQ(r.remote_ip, "192.0.2.3");
    EXPECT_EQ(r.requester, kDocsOwner);  // "79a59df9...2be"
    EXPECT_EQ(r.request_id, "3E57427F3EXAMPLE");
    EXPECT_EQ(r.operation, "REST.GET.VERSIONING");
    EXPECT_TRUE(r.key.empty());
    EXPECT_EQ(r.request_uri, "GET /awsexamplebucket?versioning HTTP/1.1");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.error_code.empty());
    EXPECT_EQ(r.bytes_sent, 113u);
    EXPECT_FALSE(r.has_object_size);
    EXPECT_EQ(r.object_size, 0u);
    EXPECT_TRUE(r.has_total_time);
    EXPECT_EQ(r.total_time_ms, 7u);
    EXPECT_FALSE(r.has_turnaround);
    EXPECT_TRUE(r.referrer.empty());
    EXPECT_EQ(r.user_agent, "S3Console/0.4");
    EXPECT_TRUE(r.version_id.empty());
    EXPECT_EQ(r.host_id, "s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234=");
    EXPECT_EQ(r.signature_version, "SigV2");
    EXPECT_EQ(r.cipher_suite, "ECDHE-RSA-AES128-GCM-SHA256");
    EXPECT_EQ(r.auth_type, "AuthHeader");
    EXPECT_EQ(r.host_header, "awsexamplebucket.s3.amazonaws.com");
    EXPECT_EQ(r.tls_version, "TLSV1.1");
}

TEST_F(S3Expected, Panther_Line9_GetBucketPolicy404) {
    Record r;
    ASSERT_TRUE(load(9, "A1206F460EXAMPLE REST.GET.BUCKETPOLICY", r));
    EXPECT_EQ(r.request_id, "A1206F460EXAMPLE");
    EXPECT_EQ(r.operation, "REST.GET.BUCKETPOLICY");
    EXPECT_TRUE(r.key.empty());
    EXPECT_EQ(r.request_uri, "GET /awsexamplebucket?policy HTTP/1.1");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.error_code, "NoSuchBucketPolicy");
    EXPECT_EQ(r.bytes_sent, 297u);
    EXPECT_FALSE(r.has_object_size);
    EXPECT_TRUE(r.has_total_time);
    EXPECT_EQ(r.total_time_ms, 38u);
    EXPECT_FALSE(r.has_turnaround);
    EXPECT_EQ(r.user_agent, "S3Console/0.4");
    EXPECT_EQ(r.host_id, "BNaBsXZQQDbssi6xMBdBU2sLt+Yf5kZDmeBUP35sFoKa3sLLeMC78iwEIWxs99CRUrbS4n11234=");
    EXPECT_EQ(r.signature_version, "SigV2");
    EXPECT_EQ(r.tls_version, "TLSV1.1");
}

TEST_F(S3Expected, Panther_Line41_PutObjectByAssumedRole) {
    Record r;
    ASSERT_TRUE(load(41, "PantherLogProcessingRole", r));
    EXPECT_EQ(iso(r.time) + "Z", "2019-02-06T00:00:38Z");
    EXPECT_EQ(r.requester, "arn:aws:sts::123456789012:assumed-role/PantherLogProcessingRole/1579693334126446707");
    EXPECT_EQ(r.request_id, "DD6CC733AEXAMPLE");
    EXPECT_EQ(r.operation, "REST.PUT.OBJECT");
    EXPECT_EQ(r.key, "s3-dg.pdf");
    EXPECT_EQ(r.request_uri, "PUT /awsexamplebucket/s3-dg.pdf HTTP/1.1");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.bytes_sent, 0u);  // BytesSent=null
    EXPECT_TRUE(r.has_object_size);
    EXPECT_EQ(r.object_size, 4406583u);
    EXPECT_EQ(r.total_time_ms, 41754u);
    EXPECT_TRUE(r.has_turnaround);
    EXPECT_EQ(r.turnaround_ms, 28u);
    EXPECT_EQ(r.user_agent, "S3Console/0.4");
    EXPECT_EQ(r.signature_version, "SigV4");
    EXPECT_EQ(r.cipher_suite, "ECDHE-RSA-AES128-SHA");
    EXPECT_EQ(r.auth_type, "AuthHeader");
    EXPECT_EQ(r.host_header, "awsexamplebucket.s3.amazonaws.com");
    EXPECT_EQ(r.tls_version, "TLSV1.1");
}

TEST_F(S3Expected, Panther_Line42_LifecycleExpireWithQuotedDashUri) {
    Record r;
    ASSERT_TRUE(load(42, "128E87669E4C15FA S3.EXPIRE.OBJECT", r));
    EXPECT_EQ(r.bucket_owner, "e45ff2803a4a73e13cca79d315b9aed3cf228184ab5c07725da3feaca1db2c98");
    EXPECT_EQ(r.bucket, "panther-s3-logs-012345678901-us-east-1");
    EXPECT_EQ(iso(r.time) + "Z", "2019-02-06T00:00:38Z");
    EXPECT_TRUE(r.remote_ip.empty());
    EXPECT_EQ(r.requester, "AmazonS3");
    EXPECT_EQ(r.request_id, "128E87669E4C15FA");
    EXPECT_EQ(r.operation, "S3.EXPIRE.OBJECT");
    EXPECT_EQ(r.key, "panther-s3-logs-012345678901-us-east-1/2020-01-11-22-33-30-23B392B734E22958");
    EXPECT_TRUE(r.request_uri.empty());  // the log has "\"-\""
    EXPECT_TRUE(r.method.empty());
    EXPECT_TRUE(r.path.empty());
    EXPECT_EQ(r.status, 0);
    EXPECT_TRUE(r.error_code.empty());
    EXPECT_EQ(r.bytes_sent, 0u);
    EXPECT_TRUE(r.has_object_size);
    EXPECT_EQ(r.object_size, 3922u);
    EXPECT_FALSE(r.has_total_time);
    EXPECT_FALSE(r.has_turnaround);
    EXPECT_TRUE(r.referrer.empty());
    EXPECT_TRUE(r.user_agent.empty());
    EXPECT_EQ(r.version_id, "DkKg9NTmHopKgqKMcgjFyf4oujClO4J1");
    EXPECT_EQ(r.host_id, "JFLmDHDLlTpiqmG5NECMOIsZfzN2Mki0OqHGVbsP20tAVq3176HcY0/F8Y9ONTth");
    EXPECT_TRUE(r.signature_version.empty());
    EXPECT_TRUE(r.cipher_suite.empty());
    EXPECT_TRUE(r.auth_type.empty());
    EXPECT_TRUE(r.host_header.empty());
    EXPECT_TRUE(r.tls_version.empty());
}

// ============================================================================================
// logstash-plugins/logstash-patterns-core  spec/patterns/aws_spec.rb (grok S3_ACCESS_LOG)
// ============================================================================================

TEST_F(S3Expected, Logstash_Line43_LegacyVersioning) {
    Record r;
    ASSERT_TRUE(load(43, "79a5 mybucket", r));
    EXPECT_EQ(r.bucket_owner, "79a5");
    EXPECT_EQ(r.bucket, "mybucket");
    EXPECT_EQ(clf(r.time), "06/Feb/2014:00:00:38 +0000");
    EXPECT_EQ(r.remote_ip, "192.0.2.3");
    EXPECT_EQ(r.requester, "79a5");
    EXPECT_EQ(r.request_id, "3E57427F3EXAMPLE");
    EXPECT_EQ(r.operation, "REST.GET.VERSIONING");
    EXPECT_TRUE(r.key.empty());  // key="-"
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(target(r), "/mybucket?versioning");
    EXPECT_EQ(r.protocol, "HTTP/1.1");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.bytes_sent, 113u);
    EXPECT_EQ(r.total_time_ms, 7u);
    EXPECT_TRUE(r.referrer.empty());  // "\"-\"" in legacy mode
    EXPECT_EQ(r.user_agent, "S3Console/0.4");
    EXPECT_TRUE(r.error_code.empty());
    EXPECT_FALSE(r.has_object_size);
    EXPECT_FALSE(r.has_turnaround);
    EXPECT_TRUE(r.version_id.empty());
}

TEST_F(S3Expected, Logstash_Line44_Legacy304) {
    Record r;
    ASSERT_TRUE(load(44, "79a5 mybucket", r));
    EXPECT_EQ(clf(r.time), "12/May/2014:07:54:01 +0000");
    EXPECT_EQ(r.remote_ip, "10.0.1.2");
    EXPECT_TRUE(r.requester.empty());
    EXPECT_EQ(r.request_id, "7ACC4BE89EXAMPLE");
    EXPECT_EQ(r.operation, "REST.GET.OBJECT");
    EXPECT_EQ(r.key, "foo/bar.html");
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(target(r), "/foo/bar.html");
    EXPECT_EQ(r.protocol, "HTTP/1.1");
    EXPECT_EQ(r.status, 304);
    EXPECT_TRUE(r.has_object_size);
    EXPECT_EQ(r.object_size, 1718u);
    EXPECT_EQ(r.total_time_ms, 10u);
    EXPECT_TRUE(r.referrer.empty());
    EXPECT_EQ(r.user_agent, "Mozilla/5.0");
    EXPECT_EQ(r.bytes_sent, 0u);
    EXPECT_TRUE(r.error_code.empty());
    EXPECT_FALSE(r.has_turnaround);
    EXPECT_TRUE(r.version_id.empty());
}

TEST_F(S3Expected, Logstash_Line45_EcsMode) {
    Record r;
    ASSERT_TRUE(load(
        45, "awsexamplebucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 arn:aws:iam::123456:user/test@elastic.co", r));
    EXPECT_TRUE(r.bucket_owner.starts_with("79a59df9") && r.bucket_owner.ends_with("2be")) << r.bucket_owner;
    EXPECT_EQ(r.bucket, "awsexamplebucket1");
    EXPECT_EQ(r.request_id, "A1206F460EXAMPLE");
    EXPECT_EQ(r.operation, "REST.GET.BUCKETPOLICY");
    EXPECT_EQ(r.bytes_sent, 297u);
    EXPECT_EQ(r.total_time_ms, 38u);
    EXPECT_TRUE(r.has_turnaround);
    EXPECT_EQ(r.turnaround_ms, 12u);
    EXPECT_EQ(r.error_code, "NoSuchBucketPolicy");
    EXPECT_EQ(r.request_uri, "GET /awsexamplebucket1?policy HTTP/1.1");
    EXPECT_EQ(r.host_id, "BNaBsXZQQDbssi6xMBdBU2sLt+Yf5kZDmeBUP35sFoKa3sLLeMC78iwEIWxs99CRUrbS4n11234=");
    EXPECT_EQ(r.signature_version, "SigV2");
    EXPECT_EQ(r.auth_type, "AuthHeader");
    EXPECT_EQ(r.host_header, "awsexamplebucket1.s3.us-west-1.amazonaws.com");
    EXPECT_EQ(r.tls_version, "TLSV1.1");
    EXPECT_EQ(r.cipher_suite, "ECDHE-RSA-AES128-GCM-SHA256");
    EXPECT_EQ(r.remote_ip, "192.0.2.3");
    EXPECT_EQ(r.requester, "arn:aws:iam::123456:user/test@elastic.co");
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.protocol, "HTTP/1.1");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(target(r), "/awsexamplebucket1?policy");
    EXPECT_EQ(r.user_agent,
              "AWS-Support-TrustedAdvisor, aws-internal/3 aws-sdk-java/1.11.590 "
              "Linux/4.9.137-0.1.ac.218.74.329.metal1.x86_64");
    EXPECT_FALSE(r.has_object_size);
    EXPECT_TRUE(r.key.empty());
}

// ============================================================================================
// elastic/integrations  test-s3-server-access.log-expected.json @0513546c
// ============================================================================================

TEST_F(S3Expected, Elastic_Lines25And36_GetLocation) {
    for (const std::size_t n : {25u, 36u}) {
        SCOPED_TRACE(n);
        Record r;
        ASSERT_TRUE(load(n, "44EE8651683CB4DA", r));
        EXPECT_EQ(r.bytes_sent, 142u);
        EXPECT_TRUE(r.has_total_time);
        EXPECT_EQ(r.total_time_ms, 17u);
        EXPECT_EQ(std::uint64_t{r.total_time_ms} * 1000000u, 17000000u);  // event.duration (ns)
        EXPECT_FALSE(r.has_turnaround);
        EXPECT_FALSE(r.has_object_size);
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.request_uri, "GET /test-s3-ks/?location&aws-account=627959692251 HTTP/1.1");
        EXPECT_EQ(r.path, "/test-s3-ks/");
        EXPECT_EQ(r.query, "location&aws-account=627959692251");
        EXPECT_EQ(r.signature_version, "SigV4");
        EXPECT_EQ(r.cipher_suite, "ECDHE-RSA-AES128-SHA");
        EXPECT_EQ(r.auth_type, "AuthHeader");
        EXPECT_EQ(r.host_header, "s3.ap-southeast-1.amazonaws.com");
        EXPECT_EQ(r.tls_version, "TLSv1.2");
        EXPECT_TRUE(r.key.empty());
    }
}

TEST_F(S3Expected, Elastic_Lines26And37) {
    for (const std::size_t n : {26u, 37u}) {
        SCOPED_TRACE(n);
        Record r;
        ASSERT_TRUE(load(n, "E26222010BCC32B6", r));
        EXPECT_EQ(r.bytes_sent, 142u);
        EXPECT_EQ(r.total_time_ms, 3u);
        EXPECT_FALSE(r.has_turnaround);
        EXPECT_EQ(r.status, 200);
    }
}

TEST_F(S3Expected, Elastic_Lines27And38) {
    for (const std::size_t n : {27u, 38u}) {
        SCOPED_TRACE(n);
        Record r;
        ASSERT_TRUE(load(n, "4DD6D17D1C5C401C", r));
        EXPECT_EQ(r.bytes_sent, 265u);
        EXPECT_EQ(r.total_time_ms, 2u);
        EXPECT_TRUE(r.has_turnaround);
        EXPECT_EQ(r.turnaround_ms, 1u);
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.query, "max-keys=0&encoding-type=url&aws-account=627959692251");
    }
}

TEST_F(S3Expected, Elastic_Lines29And40_BatchDelete) {
    for (const std::size_t n : {29u, 40u}) {
        SCOPED_TRACE(n);
        Record r;
        ASSERT_TRUE(load(n, "8CD7A4A71E2E5C9E", r));
        EXPECT_EQ(r.operation, "BATCH.DELETE.OBJECT");
        EXPECT_EQ(r.status, 204);
        EXPECT_EQ(r.key, "jolokia-war-1.5.0.war");
        EXPECT_TRUE(r.has_object_size);
        EXPECT_EQ(r.object_size, 344017u);
        EXPECT_EQ(r.bytes_sent, 0u);
        EXPECT_FALSE(r.has_total_time);
        EXPECT_FALSE(r.has_turnaround);
        EXPECT_TRUE(r.request_uri.empty());
        EXPECT_TRUE(r.referrer.empty());
        EXPECT_TRUE(r.user_agent.empty());
    }
}

TEST_F(S3Expected, Elastic_Line35_KeyWithPlusIsNotDecoded) {
    Record r;
    ASSERT_TRUE(load(35, "6CE38F1312D32BDD", r));
    EXPECT_EQ(r.remote_ip, "174.29.206.152");
    EXPECT_EQ(r.requester, "arn:aws:iam::123456:user/test@elastic.co");
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(r.key, "Screen+Shot+2019-09-09+at+9.08.44+AM.png");
    std::string decoded;
    url_decode(r.key, decoded, /*plus_is_space=*/false);  // keys keep '+'
    EXPECT_EQ(decoded, "Screen+Shot+2019-09-09+at+9.08.44+AM.png");
    EXPECT_TRUE(r.has_object_size);
    EXPECT_EQ(r.object_size, 57138u);
    EXPECT_EQ(r.host_header, "s3-ap-southeast-1.amazonaws.com");
    EXPECT_EQ(r.tls_version, "TLSv1.2");
    EXPECT_EQ(r.bytes_sent, 0u);
    EXPECT_FALSE(r.has_total_time);
}

// ============================================================================================
// kdgm/logstash-plugins  spec/filters/s3_access_log_spec.rb (Apache combined "message" oracle)
// ============================================================================================

struct KdgmCase {
    std::size_t line;
    const char* locator;
    const char* message;
};

TEST_F(S3Expected, Kdgm_MessagesMatchCombinedRendering) {
    const KdgmCase cases[] =
        {
            {112, "A5A6B08FB9342F4D",
             R"m(77.168.122.24 - 2cf7e6b063 [24/Mar/2013:10:22:56 +0000] "GET /10010160/2013-03-24-0930.mp3?Signature=75eBWlMvIpO357%2FqKLdn0sZRP08%3D&Expires=1364127776&AWSAccessKeyId=1VYKRTJ5FFKT5B6F4NR2 HTTP/1.1" 200 18547033 "http://kerkdienstgemist.nl/mp3/recorder.php?id=452" "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; WOW64; Trident/5.0)" 17)m"},
            {113, "2B8A7289376A942E",
             R"m(10.1.155.11 - 9ab8c38136 [04/Jun/2012:16:44:26 +0000] "GET /n-e-w-legacy?logging HTTP/1.1" 200 239 "-" "S3Console/0.4" 0)m"},
            {114, "F5FB585AB1B363ED",
             R"m(10.2.7.13 - 9ab8c38136 [04/Jun/2012:16:44:26 +0000] "GET /n-e-w-legacy?prefix=&max-keys=100&marker=&delimiter=/ HTTP/1.1" 200 434 "-" "S3Console/0.4" 0)m"},
            {117, "8132F75D0BDCFF70",
             R"m(10.3.77.81 - 9ab8c38136 [04/Jun/2012:16:46:31 +0000] "GET /n-e-w-legacy?lifecycle HTTP/1.1" 404 313 "-" "S3Console/0.4" 0)m"},
            {118, "784FD457838EFF42",
             R"m(10.32.219.38 - 3272ee65a9 [10/Feb/2010:07:17:01 +0000] "GET /?acl HTTP/1.1" 200 1384 "-" "Jakarta Commons-HttpClient/3.0" 0)m"},
            {119, "6E239BC5A4AC757C",
             R"m(10.32.219.38 - 3272ee65a9 [10/Feb/2010:07:17:02 +0000] "POST /soap/ HTTP/1.1" 200 797 "-" "Axis/1.3" 0)m"},
            {120, "0B76C90B3634290B",
             R"m(10.217.37.15 - - [10/Feb/2010:07:24:40 +0000] "GET /?acl HTTP/1.1" 307 488 "-" "Jakarta Commons-HttpClient/3.0" 0)m"},
            {121, "5E493280357FAC3B REST.COPY.OBJECT 10518050/2014-08-31-0930.mp3",
             R"m(79.125.24.185 - 2cf7e6b063 [09/Sep/2014:18:33:15 +0000] "PUT /10518050/2014-08-31-0930.mp3 HTTP/1.1" 200 234 "-" "-" 1)m"},
            {125, "4F911681022807C6",
             R"m(82.168.113.55 - 2cf7e6b063 [02/Oct/2010:18:29:16 +0000] "GET /10028050/2010-09-26-1830.mp3?Signature=E3ehd6nkXjNg7vr%2F4b3LtxCWads%3D&Expires=1286051333&AWSAccessKeyId=AKIAI3XHXJPFSJW2UQAQ HTTP/1.1" 206 4194304 "-" "VLC media player - version 1.0.5 Goldeneye - (c) 1996-2010 the VideoLAN team" 2)m"},
            {128, "50F3B3FA4D044EF4",
             R"m(84.31.184.148 - 2cf7e6b063 [19/Sep/2014:07:57:28 +0000] "GET /13325060/2014-05-12-1400.mp3?Signature=jXRvfsf9W7mGaCulqa5t7013kuM%3D&Expires=1411120647&AWSAccessKeyId=1VYKRTJ5FFKT5B6F4NR2 HTTP/1.1" 304 0 "-" "NSPlayer/12.00.7601.17514 WMFSDK/12.00.7601.17514" 0)m"},
            {129, "F8E64FC85895C101",
             R"m(79.125.24.185 - 2cf7e6b063 [19/Sep/2014:07:53:40 +0000] "DELETE /90704041-v1037416/20140914090032_15200524-mp4.mp4 HTTP/1.1" 204 0 "-" "-" 0)m"},
            {130, "2C1FAFE37EA7067F",
             R"m(195.64.67.149 - 2cf7e6b063 [19/Sep/2014:07:53:11 +0000] "PUT /92221041-v1014211%2F20140914075120_15201610-mp4.mp4?acl HTTP/1.1" 200 0 "-" "Cyberduck/4.2.1 (Mac OS X/10.9.4) (i386)" 0)m"},
            {131, "465300DDC1822DE5",
             R"m(89.99.28.243 - 2cf7e6b063 [19/Sep/2014:06:57:05 +0000] "GET /11723021/2014-09-17-1430.mp3?Signature=BanH0VrdfI%2FXCouvXFXivLBS2PE%3D&Expires=1411116501&AWSAccessKeyId=1VYKRTJ5FFKT5B6F4NR2 HTTP/1.1" 304 0 "-" "AppleCoreMedia/1.0.0.11B554a (iPad; U; CPU OS 7_0_4 like Mac OS X; nl_nl)" 0)m"},
            {132, "93B36098060014B9",
             R"m(95.96.20.131 - 2cf7e6b063 [19/Dec/2015:14:49:22 +0000] "GET /11506070-v1159918/20151216095500_15248755-mp4.mp4?Signature=hQVMyGYcvev%2Fi8jndOOlWAzhQ8I%3D&Expires=1450543754&AWSAccessKeyId=1VYKRTJ5FFKT5B6F4NR2 HTTP/1.1" 200 4852709 "http://kerkdienstgemist.nl/assets/1241862-Afscheidsdienst-dhr-J-de-Vos/embed" "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko" 0)m"},
            {134, "49810B026E01F80E",
             R"m(77.167.232.181 - 2cf7e6b063 [19/Dec/2015:19:40:25 +0000] "GET /90701051-v1127425/20151217185400_15249572-mp4.mp4?Signature=loSAbSlTKuvHBQDA%2Buph1Z1CdwE%3D&Expires=1450560528&AWSAccessKeyId=1VYKRTJ5FFKT5B6F4NR2 HTTP/1.1" 206 8745905 "http://kerkdienstgemist.nl/playlists/9783/embed?media=video&playerheight=480" "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko" 10)m"},
        };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.line);
        Record r;
        ASSERT_TRUE(load(c.line, c.locator, r));
        EXPECT_EQ(kdgm_message(r), c.message);
    }
}

TEST_F(S3Expected, Kdgm_FieldNotes) {
    Record r;
    ASSERT_TRUE(load(112, "A5A6B08FB9342F4D", r));
    EXPECT_EQ(r.total_time_ms, 17344u);  // -> 17
    EXPECT_TRUE(r.error_code.empty());
    EXPECT_TRUE(r.version_id.empty());
    EXPECT_EQ(r.bytes_sent, 18547033u);

    ASSERT_TRUE(load(117, "8132F75D0BDCFF70", r));
    EXPECT_EQ(r.error_code, "NoSuchLifecycleConfiguration");

    ASSERT_TRUE(load(118, "784FD457838EFF42", r));
    EXPECT_TRUE(r.requester.starts_with("3272ee65"));
    EXPECT_NE(r.requester, r.bucket_owner);

    ASSERT_TRUE(load(119, "6E239BC5A4AC757C", r));
    EXPECT_EQ(r.operation, "SOAP.PUT.OBJECT");
    EXPECT_TRUE(r.has_object_size);
    EXPECT_EQ(r.object_size, 686u);

    ASSERT_TRUE(load(120, "0B76C90B3634290B", r));
    EXPECT_TRUE(r.requester.empty());
    EXPECT_EQ(r.error_code, "TemporaryRedirect");

    ASSERT_TRUE(load(121, "5E493280357FAC3B REST.COPY.OBJECT 10518050/2014-08-31-0930.mp3", r));
    EXPECT_EQ(r.total_time_ms, 723u);  // -> 1

    ASSERT_TRUE(load(125, "4F911681022807C6", r));
    EXPECT_EQ(r.bytes_sent, 4194304u);  // raw, with recalculate_partial_content=false
    EXPECT_EQ(r.total_time_ms, 1600u);  // -> 2

    ASSERT_TRUE(load(126, "BCA2E0AB004F2273", r));  // must parse without failure
    EXPECT_EQ(r.bytes_sent, 6854150u);
    EXPECT_EQ(r.status, 206);
    EXPECT_EQ(r.object_size, 1251270047u);

    ASSERT_TRUE(load(130, "2C1FAFE37EA7067F", r));  // key has "/" where the URI has %2F
    EXPECT_EQ(r.key, "92221041-v1014211/20140914075120_15201610-mp4.mp4");
    EXPECT_EQ(r.path, "/92221041-v1014211%2F20140914075120_15201610-mp4.mp4");

    ASSERT_TRUE(load(134, "49810B026E01F80E", r));
    EXPECT_EQ(r.total_time_ms, 10424u);  // -> 10

    ASSERT_TRUE(load(127, "B29B27C9138CCF11", r));
    EXPECT_EQ(r.method, "HEAD");
    EXPECT_EQ(clf(r.time), "14/Sep/2014:17:04:09 +0000");
    EXPECT_EQ(r.bytes_sent, 0u);  // "-"
    EXPECT_TRUE(r.has_object_size);
    EXPECT_EQ(r.object_size, 431614646u);
}

// Line 122 has no request line ("-"); the kdgm filter then synthesises
// `"POST /<key> HTTP/1.1"` and puts the operation in the referrer slot:
// `85.113.244.146 - 2cf7e6b063 [17/Sep/2010:13:38:36 +0000] "POST /10010150/2010-08-29-0930.mp3 HTTP/1.1" 200 0
// "REST.COPY.OBJECT_GET" "-" 0`
TEST_F(S3Expected, Kdgm_Line122_CopyObjectGetWithoutRequest) {
    Record r;
    ASSERT_TRUE(load(122, "71F7D2AAA93B0A05", r));
    EXPECT_EQ(r.remote_ip, "85.113.244.146");
    EXPECT_EQ(r.requester.substr(0, 10), "2cf7e6b063");
    EXPECT_EQ(clf(r.time), "17/Sep/2010:13:38:36 +0000");
    EXPECT_TRUE(r.request_uri.empty());
    EXPECT_TRUE(r.method.empty());
    EXPECT_EQ("/" + std::string(r.key), "/10010150/2010-08-29-0930.mp3");  // synthesised request target
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.bytes_sent, 0u);                     // "-" -> 0
    EXPECT_EQ(r.operation, "REST.COPY.OBJECT_GET");  // the synthesised "referrer"
    EXPECT_TRUE(r.referrer.empty());
    EXPECT_TRUE(r.user_agent.empty());
    EXPECT_EQ((r.total_time_ms + 500) / 1000, 0u);
    EXPECT_TRUE(r.has_object_size);
    EXPECT_EQ(r.object_size, 13538337u);
}

// ============================================================================================
// knil-sama/s3-access-log-rust  tests/integration_test.rs: complete expected record
// ============================================================================================

TEST_F(S3Expected, KnilSama_Line180_CompleteRecord) {
    Record r;
    ASSERT_TRUE(load(180, "YDYP07R0QHFNH76W", r));
    EXPECT_EQ(r.bucket_owner, "7e1c2dcc1527ebbd9a81efbefb6a7d5945b7c6fe00160f682c2b7c056d301e83");
    EXPECT_EQ(r.bucket, "aws-website-demonchy-5v3aj");
    EXPECT_EQ(iso(r.time) + "Z", "2023-11-11T03:37:50Z");
    EXPECT_EQ(r.remote_ip, "130.176.48.151");
    EXPECT_TRUE(r.requester.empty());
    EXPECT_EQ(r.request_id, "YDYP07R0QHFNH76W");
    EXPECT_EQ(r.operation, "WEBSITE.GET.OBJECT");
    EXPECT_EQ(r.key, "favicon.ico");
    EXPECT_EQ(r.request_uri, "GET /favicon.ico HTTP/1.1");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.error_code, "NoSuchKey");
    EXPECT_EQ(r.bytes_sent, 346u);
    EXPECT_FALSE(r.has_object_size);
    EXPECT_TRUE(r.has_total_time);
    EXPECT_EQ(r.total_time_ms, 39u);
    EXPECT_FALSE(r.has_turnaround);
    EXPECT_TRUE(r.referrer.empty());  // the Rust crate keeps the literal "-"; ours is absent
    EXPECT_EQ(r.user_agent, "Amazon CloudFront");
    EXPECT_TRUE(r.version_id.empty());
    EXPECT_EQ(r.host_id, "m3PGwDN1s8smqpOSEELewHILMcdm7xri7/UsWHBhRrT0w23Pp0YcEmgboXyHFTv7qR7RvFMrUgo=");
    EXPECT_TRUE(r.signature_version.empty());
    EXPECT_TRUE(r.cipher_suite.empty());
    EXPECT_TRUE(r.auth_type.empty());
    EXPECT_EQ(r.host_header, "aws-website-demonchy-5v3aj.s3-website-us-east-1.amazonaws.com");
    EXPECT_TRUE(r.tls_version.empty());
    EXPECT_TRUE(r.access_point_arn.empty());
    EXPECT_TRUE(r.acl_required.empty());
    EXPECT_EQ(r.field_count, 26);  // 26 fields ending "- - -"
}

// ============================================================================================
// scalingdata/go-grok  cgrok/grok_test.go
// ============================================================================================

TEST_F(S3Expected, GoGrok_Lines181And182) {
    Record r;
    ASSERT_TRUE(load(181, "FC206D08A83F5300", r));
    EXPECT_EQ(clf(r.time), "11/Apr/2015:03:27:40 +0000");
    EXPECT_EQ(r.user_agent, "S3Console/0.4");  // QS keeps the quotes; our view is inside them
    EXPECT_EQ(r.bytes_sent, 370u);

    ASSERT_TRUE(load(182, "A2AD9CC02C12642F", r));
    EXPECT_EQ(clf(r.time), "24/Jul/2015:01:34:43 +0000");
    EXPECT_EQ(r.user_agent, "curl/7.37.1");
    EXPECT_EQ(r.bytes_sent, 0u);  // INT:bytes="" (the log had "-")
    EXPECT_TRUE(r.has_object_size);
    EXPECT_EQ(r.object_size, 836u);
}

// ============================================================================================
// dandi/s3-log-parser  reduction_example_2 expected_output/2022/04/06.tsv
// The reducer keeps successful GET object requests: (timestamp, ip, object_key, bytes_sent).
// ============================================================================================

TEST_F(S3Expected, DandiParser_ReducedOutput) {
    Record r;
    ASSERT_TRUE(load(107, "5PCGX9WKFQMJH6FB", r));
    EXPECT_EQ(r.operation, "REST.GET.OBJECT");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(iso(r.time), "2022-04-06T03:05:53");
    EXPECT_EQ(r.remote_ip, "192.0.2.0");
    EXPECT_EQ(r.key, "blobs/080/1d9/0801d996-200e-4173-ab49-d1784427e96a");
    EXPECT_EQ(r.bytes_sent, 6616308u);
    EXPECT_EQ(r.object_size, 422868123111u);  // must not overflow

    ASSERT_TRUE(load(108, "J42N2W7ET0EC03CV", r));
    EXPECT_EQ(r.operation, "REST.GET.OBJECT");
    EXPECT_EQ(iso(r.time), "2022-04-06T05:06:35");
    EXPECT_EQ(r.remote_ip, "192.0.2.0");
    EXPECT_EQ(r.bytes_sent, 512u);
    EXPECT_EQ(r.status, 206);

    ASSERT_TRUE(load(109, "NWC7V1KE70QZYJ5Q", r));
    EXPECT_EQ(r.operation, "REST.GET.OBJECT");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(iso(r.time), "2022-04-06T23:06:42");
    EXPECT_EQ(r.remote_ip, "192.0.2.0");
    EXPECT_EQ(r.bytes_sent, 1443u);
    std::string scratch;
    const auto version = query_param(r.query, "versionId", scratch);  // request URI has ?versionId=
    ASSERT_TRUE(version.has_value());
    EXPECT_FALSE(r.version_id.empty());  // version-id field present
    EXPECT_EQ(*version, r.version_id);
}

TEST_F(S3Expected, DandiParser_Line101_404WithInjectionPayloadIsTokenised) {
    Record r;
    ASSERT_TRUE(load(101, "MJH1XJ8DHPSZFND7", r));
    EXPECT_EQ(r.status, 404);  // not in the reduced output
    EXPECT_EQ(r.error_code, "NoSuchKey");
    // Tokenised correctly despite quotes, backslashes and <?php ... ?> in request and referrer:
    EXPECT_EQ(r.request_id, "MJH1XJ8DHPSZFND7");
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.protocol, "HTTP/1.1");
    EXPECT_TRUE(r.path.starts_with(R"(//)")) << r.path;
    EXPECT_TRUE(r.query.starts_with(R"(s=index/\think\template\driver\file/write&cacheFile=robots.php)")) << r.query;
    EXPECT_TRUE(r.query.ends_with(R"($ch[1].$ch[3].$ch[4]);?>)")) << r.query;
    EXPECT_EQ(r.bytes_sent, 272u);
    EXPECT_FALSE(r.has_object_size);
    EXPECT_EQ(r.total_time_ms, 9u);
    EXPECT_FALSE(r.has_turnaround);
    EXPECT_TRUE(r.referrer.starts_with(R"(https://dandiarchive.s3.amazonaws.com//?s=index/\think)")) << r.referrer;
    EXPECT_TRUE(r.referrer.ends_with(R"(;?>)")) << r.referrer;
    EXPECT_EQ(r.user_agent, "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)");
    EXPECT_EQ(r.host_id, "V9t1ypjyDY4plW1QdEvZxgIn2dEET3gncqHpXCat9UyAups5FXGyiU0kcrI2fWZmTh66E67H/tI=");
    EXPECT_EQ(r.tls_version, "TLSv1.2");
    EXPECT_EQ(r.field_count, 26);
    // Neighbouring lines are unaffected.
    ASSERT_TRUE(load(100, "5PCGX9WKFQMJH6FB", r));
    EXPECT_EQ(r.request_id, "5PCGX9WKFQMJH6FB");
    ASSERT_TRUE(load(102, "FNA3VGASCWKR5MNR", r));
    EXPECT_EQ(r.request_id, "FNA3VGASCWKR5MNR");
    EXPECT_EQ(r.status, 304);
}

// ============================================================================================
// dandi/s3-log-extraction  expected_output/extraction/.../{bytes_sent,timestamps,ips,download}.txt
// timestamps YYMMDDhhmmss; bytes_sent "-" counts 0; download=1 for a full (200) GET, 0 for 206.
// ============================================================================================

struct DandiExtraction {
    std::size_t line;
    const char* locator;
    std::uint64_t bytes_sent;
    const char* timestamp;
    int download;
};

TEST_F(S3Expected, DandiExtraction_CountedLines) {
    const DandiExtraction cases[] = {
        {103, "T6MT8PE3QR7CG9BC", 1194552, "241113182419", 1}, {105, "5TB566JS2BNS9M26", 0, "231113215516", 1},
        {106, "SAV964NQBF0SD0RV", 0, "220803202641", 0},       {100, "5PCGX9WKFQMJH6FB", 12, "220406030553", 1},
        {98, "W3VJKP0HM8TV2N46", 1409, "200101224258", 1},     {97, "J42N2W7ET0EC03CV", 384, "200101050635", 0},
        {99, "NWC7V1KE70QZYJ5Q", 6284696, "200101230642", 1},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.line);
        Record r;
        ASSERT_TRUE(load(c.line, c.locator, r));
        EXPECT_EQ(r.operation, "REST.GET.OBJECT");
        EXPECT_EQ(r.bytes_sent, c.bytes_sent);
        EXPECT_EQ(yymmddhhmmss(r.time), c.timestamp);
        EXPECT_EQ(r.remote_ip, "192.0.2.0");
        EXPECT_EQ(r.status == 200 ? 1 : 0, c.download);
        EXPECT_TRUE(r.status == 200 || r.status == 206) << r.status;  // counted lines are successes
    }
}

TEST_F(S3Expected, DandiExtraction_LineNotes) {
    Record r;
    // 103: raw quotes inside the request URI's query; QueryString auth; TLSv1.3.
    ASSERT_TRUE(load(103, "T6MT8PE3QR7CG9BC", r));
    std::string scratch;
    const auto disposition = query_param(r.query, "response-content-disposition", scratch);
    ASSERT_TRUE(disposition.has_value());
    EXPECT_EQ(*disposition, R"(attachment; filename="dataset_description.json")");
    EXPECT_EQ(r.auth_type, "QueryString");
    EXPECT_EQ(r.tls_version, "TLSv1.3");
    EXPECT_EQ(r.protocol, "HTTP/1.1");

    // 105 is counted with bytes_sent "-"; the 304 line with the same request id (104) is not.
    ASSERT_TRUE(load(105, "5TB566JS2BNS9M26", r));
    EXPECT_EQ(r.status, 200);
    ASSERT_TRUE(load(104, "5TB566JS2BNS9M26", r));
    EXPECT_EQ(r.status, 304);

    // 106: TWO spaces after the remote IP.
    ASSERT_TRUE(load(106, "SAV964NQBF0SD0RV", r));
    EXPECT_EQ(r.remote_ip, "192.0.2.0");
    EXPECT_EQ(r.requester, "arn:aws:iam::123:user/dandi-api-heroku");
    EXPECT_EQ(r.status, 206);

    // 100: the user agent field starts with two double quotes: the agent itself begins with one.
    ASSERT_TRUE(load(100, "5PCGX9WKFQMJH6FB", r));
    EXPECT_TRUE(r.referrer.empty());
    EXPECT_TRUE(r.user_agent.starts_with(R"("Mozilla/5.0 (Windows NT 10.0; Win64; x64))")) << r.user_agent;
    EXPECT_TRUE(r.user_agent.ends_with("Safari/537.36")) << r.user_agent;
    EXPECT_TRUE(r.version_id.empty());
    EXPECT_EQ(r.host_id, "A54Zaz7Sl0ygUFZ4lEOYCXHxImvTGXnvR+rr9+JcM/gceQWDObRkwnP9nO+wK70lpMaaE78SWvA=");
}

// ============================================================================================
// ncbi/ncbi-logging  parser/v1/aws_test_parse.cpp @d2eabcae
// ============================================================================================

void expect_ncbi_line169(const Record& r) {
    EXPECT_EQ(r.bucket_owner, "922194806485875312b252374a3644f1feecd16802a50d4729885c1d11e1fd37");
    EXPECT_EQ(r.bucket, "sra-pub-src-14");
    EXPECT_EQ(iso(r.time, ' '), "2020-05-09 22:07:21");  // offset 0
    EXPECT_EQ(r.remote_ip, "18.207.254.142");
    EXPECT_EQ(r.requester,
              "arn:aws:sts::783971887864:assumed-role/sra-developer-instance-profile-role/i-0d76b79326eb0165a");
    EXPECT_EQ(r.request_id, "B6301F55C2486C74");
    EXPECT_EQ(r.operation, "REST.PUT.PART");
    EXPECT_EQ(r.key, "SRR9612637/DRGHT.TC.307_interleaved.fq.1");
    EXPECT_EQ(r.method, "PUT");
    // request.path="/SRR9612637/DRGHT.TC.307_interleaved.fq.1?partNumber=1&uploadId=rl6y...MAw--"
    const std::string t = target(r);
    EXPECT_TRUE(t.starts_with("/SRR9612637/DRGHT.TC.307_interleaved.fq.1?partNumber=1&uploadId=rl6y")) << t;
    EXPECT_TRUE(t.ends_with("MAw--")) << t;
    EXPECT_EQ(r.protocol, "HTTP/1.1");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.error_code.empty());
    EXPECT_EQ(r.bytes_sent, 0u);  // res_len=""
    EXPECT_TRUE(r.has_object_size);
    EXPECT_EQ(r.object_size, 8388608u);
    EXPECT_EQ(r.total_time_ms, 557u);
    EXPECT_TRUE(r.has_turnaround);
    EXPECT_EQ(r.turnaround_ms, 12u);
    EXPECT_TRUE(r.referrer.empty());
    EXPECT_TRUE(r.version_id.empty());
    EXPECT_EQ(r.host_id, "fV92QmqOf5ZNYPIj7KZeQWiqAOFqdFtMlOn82aRYjwQHt8QfsWfS3TTOft1Be+bY01d9TObk5Qg=");
    EXPECT_EQ(r.signature_version, "SigV4");
    EXPECT_EQ(r.cipher_suite, "ECDHE-RSA-AES128-GCM-SHA256");
    EXPECT_EQ(r.auth_type, "AuthHeader");
    EXPECT_EQ(r.host_header, "sra-pub-src-14.s3.amazonaws.com");
    EXPECT_EQ(r.tls_version, "TLSv1.2");
}

TEST_F(S3Expected, Ncbi_Line169_PutPart) {
    Record r;
    ASSERT_TRUE(load(169, "B6301F55C2486C74", r));
    expect_ncbi_line169(r);
}

TEST_F(S3Expected, Ncbi_Line169_AlsoCrlfLine1) {
    Record r;
    ASSERT_TRUE(load(1, "B6301F55C2486C74", r, "real-samples-crlf.log"));
    ASSERT_TRUE(lines(dir_ / "real-samples-crlf.log")[0].ends_with("\r"));
    expect_ncbi_line169(r);  // tls_version "TLSv1.2": the CR is not part of it
}

TEST_F(S3Expected, Ncbi_Line148_TurnaroundIsDash) {
    Record r;
    ASSERT_TRUE(load(148, "EF87C0499CB7FDCA", r));
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.error_code.empty());
    EXPECT_EQ(r.bytes_sent, 0u);
    EXPECT_TRUE(r.has_object_size);
    EXPECT_EQ(r.object_size, 1318480u);
    EXPECT_EQ(r.total_time_ms, 30u);
    EXPECT_FALSE(r.has_turnaround);
    EXPECT_TRUE(r.referrer.empty());
}

}  // namespace
}  // namespace s3top
