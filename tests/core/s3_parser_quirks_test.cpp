// One test per quirk of real S3 access logs, on lines written here, so the coverage stands
// without the shared corpus.
#include <gtest/gtest.h>

#include <deque>

#include "core/parse/s3_access_log.hpp"

namespace s3top {
namespace {

constexpr std::string_view kOwner = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";

std::string line26(std::string_view uri = R"("GET /bucket/photos/cat.jpg?org=acme-17 HTTP/1.1")",
                   std::string_view ua = R"("curl/8.0")", std::string_view referrer = R"("-")") {
    return std::string(kOwner) + " bucket [06/Feb/2019:00:00:38 +0000] 192.0.2.3 " + std::string(kOwner) +
           " 3E57427F3EXAMPLE REST.GET.OBJECT photos/cat.jpg " + std::string(uri) + " 200 - 2662992 3462992 70 10 " +
           std::string(referrer) + " " + std::string(ua) +
           " - hostid= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader bucket.s3.us-west-1.amazonaws.com TLSv1.2 - -";
}

// Records view their line: keep every parsed line alive for the test's duration.
ParseResult parse(std::string line) {
    static std::deque<std::string> keep;
    keep.push_back(std::move(line));
    return parse_s3_access_log(keep.back());
}

TEST(S3Parser, Parses26FieldLine) {
    const auto r = parse(line26());
    ASSERT_TRUE(r.has_value()) << reject_reason_name(r.error().reason) << " at " << r.error().column;
    EXPECT_EQ(r->bucket_owner, kOwner);
    EXPECT_EQ(r->bucket, "bucket");
    EXPECT_EQ(r->time, 1549411238);
    EXPECT_EQ(r->remote_ip, "192.0.2.3");
    EXPECT_EQ(r->operation, "REST.GET.OBJECT");
    EXPECT_EQ(r->key, "photos/cat.jpg");
    EXPECT_EQ(r->method, "GET");
    EXPECT_EQ(r->path, "/bucket/photos/cat.jpg");
    EXPECT_EQ(r->query, "org=acme-17");
    EXPECT_EQ(r->protocol, "HTTP/1.1");
    EXPECT_EQ(r->status, 200);
    EXPECT_TRUE(r->error_code.empty());
    EXPECT_EQ(r->bytes_sent, 2662992u);
    EXPECT_EQ(r->object_size, 3462992u);
    EXPECT_EQ(r->total_time_ms, 70u);
    EXPECT_EQ(r->turnaround_ms, 10u);
    EXPECT_TRUE(r->referrer.empty());
    EXPECT_EQ(r->user_agent, "curl/8.0");
    EXPECT_EQ(r->host_id, "hostid=");
    EXPECT_EQ(r->signature_version, "SigV4");
    EXPECT_EQ(r->cipher_suite, "ECDHE-RSA-AES128-GCM-SHA256");
    EXPECT_EQ(r->auth_type, "AuthHeader");
    EXPECT_EQ(r->host_header, "bucket.s3.us-west-1.amazonaws.com");
    EXPECT_EQ(r->tls_version, "TLSv1.2");
    EXPECT_EQ(r->field_count, 26);
    EXPECT_EQ(r->extra_fields, 0);
    EXPECT_EQ(r->bytes_in, 0u);
}

TEST(S3Parser, TimeOffsetIsHonoured) {
    std::string l = line26();
    l.replace(l.find("+0000"), 5, "+0200");
    const auto r = parse(l);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->time, 1549411238 - 2 * 3600);
    l.replace(l.find("+0200"), 5, "-0130");
    EXPECT_EQ(parse(l)->time, 1549411238 + 90 * 60);
}

TEST(S3Parser, RejectsBadMonthWithColumn) {
    std::string l = line26();
    l.replace(l.find("Feb"), 3, "XXX");
    const auto r = parse(l);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, RejectReason::BadTimestamp);
    EXPECT_EQ(r.error().field, kS3Time);
    EXPECT_EQ(r.error().column, l.find('['));
}

TEST(S3Parser, RejectsDayPastMonthEnd) {
    std::string l = line26();
    l.replace(l.find("06/Feb"), 6, "30/Feb");
    EXPECT_EQ(parse(l).error().reason, RejectReason::BadTimestamp);
}

TEST(S3Parser, CrlfAndTrailingSpace) {
    const auto a = parse(line26() + "\r\n");
    const auto b = parse(line26() + " ");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->acl_required, "");
    EXPECT_EQ(a->field_count, 26);
    EXPECT_EQ(b->field_count, 26);
}

TEST(S3Parser, UnescapedQuotesInsideUriReferrerAndAgent) {
    const auto r = parse(
        line26(R"("GET /bucket/a.txt?response-content-disposition=attachment;%20filename="a b.txt"&org=x HTTP/1.1")",
               R"("pip/19.1 {"ci":null,"cpu":"x86_64"}")", R"("http://x/?q="a" b")"));
    ASSERT_TRUE(r) << reject_reason_name(r.error().reason);
    EXPECT_EQ(r->query, R"(response-content-disposition=attachment;%20filename="a b.txt"&org=x)");
    EXPECT_EQ(r->protocol, "HTTP/1.1");
    EXPECT_EQ(r->user_agent, R"(pip/19.1 {"ci":null,"cpu":"x86_64"})");
    EXPECT_EQ(r->referrer, R"(http://x/?q="a" b)");
    EXPECT_EQ(r->status, 200);
}

TEST(S3Parser, QuoteRightAfterSlashInUri) {
    const auto r = parse(line26(R"("GET /" HTTP/1.1")"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->path, R"(/")");
    EXPECT_EQ(r->request_uri, R"(GET /" HTTP/1.1)");
}

TEST(S3Parser, AgentWithTrailingQuoteAndBareDashReferrer) {
    const auto r = parse(line26(R"("GET /k HTTP/1.1")", R"("Safari/604.1"")", "-"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->user_agent, R"(Safari/604.1")");
    EXPECT_TRUE(r->referrer.empty());
    EXPECT_EQ(r->version_id, "");
    EXPECT_EQ(r->host_id, "hostid=");
}

TEST(S3Parser, TwoSpacesBetweenFields) {
    std::string l = line26();
    l.replace(l.find(" 192.0.2.3 "), 11, " 192.0.2.3  ");
    const auto r = parse(l);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->requester, kOwner);
}

TEST(S3Parser, OldEighteenFieldLine) {
    const std::string l = std::string(kOwner) +
                          " mybucket [06/Feb/2014:00:00:38 +0000] 192.0.2.3 - 3E57427F3EXAMPLE REST.GET.VERSIONING - "
                          "\"GET /mybucket?versioning HTTP/1.1\" 200 - 113 - 7 - \"-\" \"S3Console/0.4\" -";
    const auto r = parse(l);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->field_count, 18);
    EXPECT_TRUE(r->requester.empty());
    EXPECT_TRUE(r->key.empty());
    EXPECT_FALSE(r->has_object_size);
    EXPECT_FALSE(r->has_turnaround);
    EXPECT_EQ(r->total_time_ms, 7u);
    EXPECT_EQ(r->query, "versioning");
}

TEST(S3Parser, SeventeenFieldsEndAtUserAgent) {
    const std::string l = std::string(kOwner) +
                          " b [06/Feb/2014:00:00:38 +0000] 192.0.2.3 - X REST.GET.OBJECT k \"GET /k HTTP/1.1\" 200 - 1 "
                          "1 7 - \"-\" \"ua\"";
    const auto r = parse(l);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->field_count, 17);
    EXPECT_EQ(r->user_agent, "ua");
}

TEST(S3Parser, ALineCutBeforeItsUserAgentIsRejected) {
    // A partial delivery ends right after the referrer: every S3 vintage logs a user agent, so
    // such a line is rejected (it was counted as a record with no agent).
    const std::string l = std::string(kOwner) +
                          " b [06/Feb/2014:00:00:38 +0000] 192.0.2.3 - X REST.GET.OBJECT k \"GET /k HTTP/1.1\" 200 - 1 "
                          "1 7 - \"-\"";
    for (const std::string& cut : {l, l + " ", l + " \"", l + "  \"", std::string(l.begin(), l.end() - 1)}) {
        const auto r = parse(cut);
        ASSERT_FALSE(r) << "accepted: " << cut;
        EXPECT_TRUE(r.error().reason == RejectReason::TooFewFields ||
                    r.error().reason == RejectReason::UnterminatedQuote)
            << reject_reason_name(r.error().reason) << ": " << cut;
    }
    EXPECT_TRUE(parse(l + " \"-\"")) << "the same line with its user agent";
}

TEST(S3Parser, TrailingFieldsBeyondKnownAreTolerated) {
    const auto r = parse(line26() + " us-east-1 future1 future2");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->source_region, "us-east-1");
    EXPECT_EQ(r->extra_fields, 2);
    EXPECT_EQ(r->field_count, 29);
}

TEST(S3Parser, LifecycleLineWithQuotedDashUri) {
    const std::string l =
        std::string(kOwner) +
        " logs [06/Feb/2019:00:00:38 +0000] - AmazonS3 128E87669E4C15FA S3.EXPIRE.OBJECT a/b \"-\" - - "
        "- 3922 - - \"-\" \"-\" Dk JF - - - - -";
    const auto r = parse(l);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->remote_ip.empty());
    EXPECT_TRUE(r->request_uri.empty());
    EXPECT_TRUE(r->method.empty());
    EXPECT_EQ(r->status, 0);
    EXPECT_EQ(r->bytes_sent, 0u);
    EXPECT_EQ(r->object_size, 3922u);
    EXPECT_EQ(r->version_id, "Dk");
}

TEST(S3Parser, SizesPast4GiB) {
    std::string l = line26();
    l.replace(l.find(" 2662992 3462992 "), 17, " 422868123111 422868123111 ");
    const auto r = parse(l);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->bytes_sent, 422868123111ull);
}

TEST(S3Parser, NumberPast2To64IsRejected) {
    std::string l = line26();
    l.replace(l.find(" 2662992 "), 9, " 18446744073709551616 ");
    const auto r = parse(l);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, RejectReason::BadNumber);
    EXPECT_EQ(r.error().field, kS3BytesSent);
}

TEST(S3Parser, UploadCountsObjectSizeAsIngress) {
    std::string l = line26(R"("PUT /bucket/x HTTP/1.1")");
    l.replace(l.find("REST.GET.OBJECT"), 15, "REST.PUT.OBJECT");
    const auto r = parse(l);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->bytes_in, 3462992u);
}

TEST(S3Parser, RejectionsAreTyped) {
    EXPECT_EQ(parse("").error().reason, RejectReason::EmptyLine);
    EXPECT_EQ(parse("\r\n").error().reason, RejectReason::EmptyLine);
    EXPECT_EQ(parse("owner bucket").error().reason, RejectReason::TooFewFields);
    EXPECT_EQ(parse("owner bucket 06/Feb/2019").error().reason, RejectReason::BadTimestamp);
    std::string l = line26();
    EXPECT_EQ(parse(l.substr(0, l.find(" 200 "))).error().reason, RejectReason::TooFewFields);
    l.replace(l.find(" 200 "), 5, " 2x0 ");
    EXPECT_EQ(parse(l).error().reason, RejectReason::BadStatus);
    const std::string open = line26().substr(0, line26().find("\"GET") + 10);
    EXPECT_EQ(parse(open).error().reason, RejectReason::UnterminatedQuote);
}

TEST(S3Parser, HostileLineOfQuotesStaysLinear) {
    std::string l = line26().substr(0, line26().find("\"GET"));
    l += '"';
    for (int i = 0; i < 200000; ++i) l += "\" 200 - x ";
    const auto r = parse(l);
    EXPECT_FALSE(r);
}

}  // namespace
}  // namespace s3top

namespace s3top {
namespace {
// A damaged status after a quoted "-" request-URI must not be "repaired" by taking a later
// quote (the user agent's) as the URI's end: that would count a garbage line.
TEST(S3Parser, NoFalseAcceptByLaterQuoteCandidate) {
    const std::string l =
        "221961a4 logs [01/Mar/2024:09:24:07 +0000] - AmazonS3 51299AEF34F92C89 S3.EXPIRE.OBJECT data/f.bin \"-\" "
        "2OO - - 102931 - - \"-\" \"-\" - VHBrV+Yff= - - - ";
    const auto r = parse(l);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, RejectReason::BadStatus);
    const std::string short_line = "o b [01/Mar/2024:03:40:12 +0000] - AmazonS3 X S3.EXPIRE.OBJECT k \"-\" 20x - -";
    EXPECT_EQ(parse(short_line).error().reason, RejectReason::BadStatus);
}
}  // namespace
}  // namespace s3top
