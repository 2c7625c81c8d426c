// CloudTrail S3 events: log files, single events, arrays, NDJSON; data and management events.
#include <gtest/gtest.h>

#include <vector>

#include "core/parse/cloudtrail_log.hpp"
#include "parse_test_util.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

// Records with their strings copied out: Record views die with the callback.
struct Event {
    std::int64_t time = 0;
    std::string remote_ip, requester, operation, bucket, key, user_agent, error_code, request_id, tls_version,
        cipher_suite, host_header, bucket_owner, signature_version, auth_type;
    std::uint64_t bytes_sent = 0, bytes_in = 0;
};

struct Collected {
    std::vector<Event> events;
    std::vector<std::pair<std::string, ParseError>> rejects;
    std::string error;
    bool ok = false;
};

Collected run(CloudTrailParser& p, std::string_view doc) {
    Collected c;
    c.ok = p.parse(
        doc,
        [&](const Record& r) {
            c.events.push_back(
                Event{r.time, std::string(r.remote_ip), std::string(r.requester), std::string(r.operation),
                      std::string(r.bucket), std::string(r.key), std::string(r.user_agent), std::string(r.error_code),
                      std::string(r.request_id), std::string(r.tls_version), std::string(r.cipher_suite),
                      std::string(r.host_header), std::string(r.bucket_owner), std::string(r.signature_version),
                      std::string(r.auth_type), r.bytes_sent, r.bytes_in});
        },
        [&](std::string_view excerpt, ParseError e) { c.rejects.emplace_back(std::string(excerpt), e); }, c.error);
    return c;
}

constexpr std::string_view kGetObject =
    R"({"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:session",)"
    R"("arn":"arn:aws:sts::111122223333:assumed-role/reader/session","accountId":"111122223333"},)"
    R"("eventTime":"2023-05-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject",)"
    R"("awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"[aws-sdk-go/1.44]",)"
    R"("requestParameters":{"bucketName":"media","Host":"media.s3.us-east-1.amazonaws.com","key":"videos/a b.mp4"},)"
    R"("responseElements":null,"additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"ECDHE-RSA-AES128-GCM-SHA256",)"
    R"("bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","bytesTransferredOut":1048576},)"
    R"("requestID":"REQ1","eventID":"e1","readOnly":true,"eventType":"AwsApiCall","managementEvent":false,)"
    R"("recipientAccountId":"111122223333","eventCategory":"Data",)"
    R"("tlsDetails":{"tlsVersion":"TLSv1.2","cipherSuite":"ECDHE-RSA-AES128-GCM-SHA256","clientProvidedHostHeader":"media.s3.amazonaws.com"}})";

TEST(CloudTrail, RecordsFileWithDataAndManagementEvents) {
    CloudTrailParser p;
    const std::string doc =
        std::string(R"({"Records":[)") + std::string(kGetObject) +
        R"(,{"eventTime":"2023-05-01T10:00:05Z","eventName":"ListBuckets","userIdentity":{"type":"Root","principalId":"111122223333"},"sourceIPAddress":"198.51.100.8","errorCode":"AccessDenied"}]})";
    const auto c = run(p, doc);
    ASSERT_TRUE(c.ok) << c.error;
    ASSERT_EQ(c.events.size(), 2u);
    const Event& g = c.events[0];
    EXPECT_EQ(g.time, 1682935200);
    EXPECT_EQ(g.operation, "GetObject");
    EXPECT_EQ(g.requester, "arn:aws:sts::111122223333:assumed-role/reader/session");
    EXPECT_EQ(g.remote_ip, "198.51.100.7");
    EXPECT_EQ(g.bucket, "media");
    EXPECT_EQ(g.key, "videos/a b.mp4");
    EXPECT_EQ(g.bytes_sent, 1048576u);
    EXPECT_EQ(g.bytes_in, 0u);
    EXPECT_EQ(g.user_agent, "[aws-sdk-go/1.44]");
    EXPECT_EQ(g.tls_version, "TLSv1.2");
    EXPECT_EQ(g.host_header, "media.s3.amazonaws.com");
    EXPECT_EQ(g.request_id, "REQ1");
    EXPECT_EQ(g.bucket_owner, "111122223333");
    EXPECT_EQ(g.signature_version, "SigV4");
    EXPECT_EQ(g.auth_type, "AuthHeader");
    const Event& m = c.events[1];
    EXPECT_EQ(m.operation, "ListBuckets");
    EXPECT_EQ(m.requester, "111122223333");  // no arn: the principal id
    EXPECT_EQ(m.error_code, "AccessDenied");
    EXPECT_EQ(m.bytes_sent, 0u);
    EXPECT_TRUE(c.rejects.empty());
}

TEST(CloudTrail, RequesterFallsBackToInvokedByThenType) {
    CloudTrailParser p;
    const auto c = run(
        p,
        R"({"eventTime":"2023-05-01T10:00:00Z","eventName":"PutObject","userIdentity":{"type":"AWSService","invokedBy":"s3.amazonaws.com"}}
{"eventTime":"2023-05-01T10:00:01Z","eventName":"PutObject","userIdentity":{"type":"AWSAccount"},"requestParameters":{"host":["b.s3.amazonaws.com"],"Key":"K"}})");
    ASSERT_TRUE(c.ok) << c.error;
    ASSERT_EQ(c.events.size(), 2u);  // newline-delimited events
    EXPECT_EQ(c.events[0].requester, "s3.amazonaws.com");
    EXPECT_EQ(c.events[1].requester, "AWSAccount");
    EXPECT_EQ(c.events[1].host_header, "b.s3.amazonaws.com");
    EXPECT_EQ(c.events[1].key, "K");
}

TEST(CloudTrail, ArrayOfEventsAndEscapes) {
    CloudTrailParser p;
    const auto c = run(
        p,
        R"([{"eventTime":"2023-05-01T10:00:00Z","eventName":"GetObject","requestParameters":{"key":"a\"b\u00e9"}}])");
    ASSERT_TRUE(c.ok) << c.error;
    ASSERT_EQ(c.events.size(), 1u);
    EXPECT_EQ(c.events[0].key, "a\"b\xc3\xa9");
}

TEST(CloudTrail, RejectsAndErrors) {
    CloudTrailParser p;
    auto c = run(
        p,
        R"({"Records":[{"eventName":"GetObject"}, 5, {"eventTime":"2023-05-01T10:00:00Z","additionalEventData":{"bytesTransferredOut":"lots"}}]})");
    ASSERT_TRUE(c.ok) << c.error;
    EXPECT_TRUE(c.events.empty());
    ASSERT_EQ(c.rejects.size(), 3u);
    EXPECT_EQ(c.rejects[0].second.reason, RejectReason::BadTimestamp);
    EXPECT_TRUE(c.rejects[0].first.starts_with("{\"eventName\""));
    EXPECT_EQ(c.rejects[1].second.reason, RejectReason::BadField);
    EXPECT_EQ(c.rejects[1].first.substr(0, 1), "5");
    EXPECT_EQ(c.rejects[2].second.reason, RejectReason::BadNumber);
    c = run(p, R"({"Records":[{"eventTime":"2023-05-01T10:00:00Z"})");
    EXPECT_FALSE(c.ok);
    EXPECT_NE(c.error.find("unterminated"), std::string::npos);
    c = run(p, "hello");
    EXPECT_FALSE(c.ok);
    c = run(p, R"({"Records":[{"eventTime":"2023-05-01T10:00:00Z",}]})");
    EXPECT_FALSE(c.ok);
    EXPECT_NE(c.error.find("malformed"), std::string::npos);
    c = run(p, " \n ");
    EXPECT_TRUE(c.ok);
    EXPECT_TRUE(c.events.empty());
}

// #22 item 2: an Insight event (eventCategory Insight, eventType AwsCloudTrailInsight) and other
// events that are no API call are no requests: NotARequest, which the loader counts as ignored.
TEST(CloudTrail, EventsThatAreNoApiCallsAreNoRequests) {
    CloudTrailParser p;
    const std::string doc =
        std::string(R"({"Records":[)") + std::string(kGetObject) +
        R"(,{"eventVersion":"1.08","eventTime":"2023-05-01T10:05:00Z","eventSource":"s3.amazonaws.com",)"
        R"("eventName":"PutObject","eventType":"AwsCloudTrailInsight","eventCategory":"Insight",)"
        R"("insightDetails":{"state":"Start","eventName":"PutObject","insightType":"ApiCallRateInsight"}})"
        R"(,{"eventVersion":"1.08","eventTime":"2023-05-01T10:06:00Z","eventSource":"s3.amazonaws.com",)"
        R"("eventName":"LifecycleExpiration","eventType":"AwsServiceEvent","eventCategory":"Data"})"
        R"(,{"eventVersion":"1.08","eventTime":"2023-05-01T10:07:00Z","eventSource":"s3.amazonaws.com",)"
        R"("eventName":"GetObject","eventCategory":"Insight"}]})";
    const auto c = run(p, doc);
    ASSERT_TRUE(c.ok) << c.error;
    ASSERT_EQ(c.events.size(), 1u);
    EXPECT_EQ(c.events[0].operation, "GetObject");
    ASSERT_EQ(c.rejects.size(), 3u);
    for (const auto& [excerpt, e] : c.rejects) {
        EXPECT_EQ(e.reason, RejectReason::NotARequest) << excerpt;
        EXPECT_TRUE(is_ignored(e.reason));
    }
}

// #22 item 7: CloudTrail by its structure, not by its first lines.
TEST(CloudTrail, IsKnownByItsStructure) {
    EXPECT_TRUE(is_cloudtrail_document(std::string(R"({"Records":[)") + std::string(kGetObject) + "]}"));
    EXPECT_TRUE(is_cloudtrail_document(R"( {"Records" : []} )")) << "a log file of no events";
    EXPECT_TRUE(is_cloudtrail_document(kGetObject)) << "one event";
    EXPECT_TRUE(is_cloudtrail_document("[" + std::string(kGetObject) + "]"));
    EXPECT_TRUE(is_cloudtrail_document(std::string(kGetObject) + "\n" + std::string(kGetObject) + "\n"))
        << "newline-delimited events";
    // An S3 Inventory manifest, other JSON, JSON that only looks the part.
    EXPECT_FALSE(is_cloudtrail_document(R"({"sourceBucket":"b","destinationBucket":"arn:aws:s3:::d",)"
                                        R"("version":"2016-11-30","fileFormat":"CSV","files":[{"key":"k"}]})"));
    EXPECT_FALSE(is_cloudtrail_document(R"({"eventVersion":"1.08","eventTime":"2023-05-01T10:00:00Z"})"));
    EXPECT_FALSE(is_cloudtrail_document(R"({"Records":[{"eventTime":"x"}]})"));
    EXPECT_FALSE(is_cloudtrail_document(R"({"Records":"none"})"));
    EXPECT_FALSE(is_cloudtrail_document("[]"));
    EXPECT_FALSE(is_cloudtrail_document("[1,2]"));
    EXPECT_FALSE(is_cloudtrail_document("{\"Records\":["));
    EXPECT_FALSE(is_cloudtrail_document(""));
    EXPECT_FALSE(is_cloudtrail_document("hello"));
}

TEST(CloudTrailCorpus, EveryEventBecomesARecord) {
    S3TOP_REQUIRE_CORPUS(corpus);
    CloudTrailParser p;  // one parser for every file
    auto c = run(p, test::read_file(corpus / "cloudtrail" / "aws-docs-s3-management-events.json"));
    ASSERT_TRUE(c.ok) << c.error;
    ASSERT_EQ(c.events.size(), 3u);
    EXPECT_EQ(c.events[0].operation, "ListBuckets");
    EXPECT_EQ(c.events[0].requester, "arn:aws:iam::111122223333:user/myUserName");
    EXPECT_EQ(c.events[0].time, 1548991099);
    EXPECT_EQ(c.events[0].host_header, "s3.us-west-2.amazonaws.com");
    EXPECT_EQ(c.events[1].operation, "PutBucketAcl");
    EXPECT_EQ(c.events[1].cipher_suite, "ECDHE-RSA-AES128-SHA");
    EXPECT_EQ(c.events[2].bucket, "DOC-EXAMPLE-BUCKET1");
    for (const auto& e : c.events) EXPECT_EQ(e.bytes_sent, 0u);

    c = run(p, test::read_file(corpus / "cloudtrail" / "aws-docs-s3-outposts-putobject.json"));
    ASSERT_TRUE(c.ok) << c.error;
    ASSERT_EQ(c.events.size(), 1u);
    EXPECT_EQ(c.events[0].operation, "PutObject");
    EXPECT_EQ(c.events[0].bucket, "DOC-EXAMPLE-BUCKET1");
    EXPECT_EQ(c.events[0].key, "path/upload.sh");
    EXPECT_EQ(c.events[0].bytes_in, 10u);
    EXPECT_EQ(c.events[0].bytes_sent, 20u);
    EXPECT_EQ(c.events[0].remote_ip, "26.29.66.20");

    c = run(p, test::read_file(corpus / "cloudtrail" / "elastic-integrations-copy-object.json"));
    ASSERT_TRUE(c.ok) << c.error;
    ASSERT_EQ(c.events.size(), 1u);
    const Event& e = c.events[0];
    EXPECT_EQ(e.operation, "CopyObject");
    EXPECT_EQ(e.requester, "arn:aws:iam::000000000:user/test@elastic.co");
    EXPECT_EQ(e.bucket, "elastic-cspm-cloudtrail-test-bucket");
    EXPECT_EQ(e.key, "test-copy-object/README-copy.md");
    EXPECT_EQ(e.bytes_sent, 224u);
    EXPECT_EQ(e.bytes_in, 0u);
    EXPECT_EQ(e.tls_version, "TLSv1.3");
    EXPECT_EQ(e.cipher_suite, "TLS_AES_128_GCM_SHA256");
    EXPECT_EQ(e.host_header, "elastic-cspm-cloudtrail-test-bucket.s3.us-east-1.amazonaws.com");
    EXPECT_EQ(e.time, 1728390256);
}

}  // namespace
}  // namespace s3top
