// The S3 client's parts that need no network: the listing and error XML, the settings found
// as the AWS CLI finds them, the URL and addressing, where keys land in the folder, where a
// re-run starts listing, and which answers are retried.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "core/s3/client.hpp"
#include "core/s3/sync.hpp"
#include "core/s3/xml.hpp"

namespace s3top::s3 {
namespace {

TEST(S3Xml, ListPageKeepsEveryObjectAndTheToken) {
    const auto page = parse_list_page(
        R"(<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">)"
        "<Name>b</Name><IsTruncated>true</IsTruncated><NextContinuationToken>tok/+=</NextContinuationToken>"
        "<Contents><Key>logs/a&amp;b</Key><ETag>&quot;abc&quot;</ETag><Size>12</Size>"
        "<LastModified>2024-01-01T00:00:00.000Z</LastModified></Contents>"
        "<Contents><Key>logs/c</Key><Size>0</Size><ETag>\"d\"</ETag></Contents></ListBucketResult>");
    ASSERT_TRUE(page) << page.error();
    ASSERT_EQ(page->objects.size(), 2u);
    EXPECT_EQ(page->objects[0].key, "logs/a&b");
    EXPECT_EQ(page->objects[0].etag, "abc");
    EXPECT_EQ(page->objects[0].size, 12u);
    EXPECT_EQ(page->objects[1].key, "logs/c");
    EXPECT_TRUE(page->truncated);
    EXPECT_EQ(page->next_token, "tok/+=");
}

TEST(S3Xml, BrokenListingsAreErrorsNotPartialResults) {
    EXPECT_FALSE(parse_list_page("<ListBucketResult><Contents><Key>a</Key>"));  // cut short
    EXPECT_FALSE(parse_list_page("<Error><Code>x</Code></Error>"));
    EXPECT_FALSE(
        parse_list_page("<ListBucketResult><Contents><Key>a</Key><Size>-1</Size></Contents></ListBucketResult>"));
    EXPECT_FALSE(parse_list_page("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>"));
    EXPECT_FALSE(parse_list_page("<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>"));
    const XmlError e = parse_error_xml(
        "<Error><Code>AuthorizationHeaderMalformed</Code><Message>m</Message><Region>eu-west-1</Region></Error>");
    EXPECT_EQ(e.code, "AuthorizationHeaderMalformed");
    EXPECT_EQ(e.region, "eu-west-1");
}

TEST(S3Url, BucketAndPrefix) {
    auto u = parse_s3_url("s3://my-logs/access/2024-");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->bucket, "my-logs");
    EXPECT_EQ(u->prefix, "access/2024-");
    EXPECT_EQ(parse_s3_url("s3://my-logs")->prefix, "");
    EXPECT_FALSE(parse_s3_url("s3://"));
    EXPECT_FALSE(parse_s3_url("s3://UPPER/x"));
    EXPECT_FALSE(parse_s3_url("s3://b-b/../x"));
    EXPECT_FALSE(parse_s3_url("s3://b-b/a//x"));
}

class S3SettingsTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("s3settings-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
        env_["AWS_SHARED_CREDENTIALS_FILE"] = (dir_ / "credentials").string();
        env_["AWS_CONFIG_FILE"] = (dir_ / "config").string();
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    void write(const char* name, const char* text) { std::ofstream(dir_ / name) << text; }
    std::expected<S3Settings, S3Error> resolve(S3Request req = {}) {
        return resolve_settings(req, [this](const char* n) -> const char* {
            auto it = env_.find(n);
            return it == env_.end() ? nullptr : it->second.c_str();
        });
    }
    std::filesystem::path dir_;
    std::map<std::string, std::string> env_;
};

TEST_F(S3SettingsTest, EnvironmentThenProfileFilesAsTheCliDoes) {
    write("credentials",
          "[default]\naws_access_key_id = DEF\naws_secret_access_key = defsecret\n"
          "[p2]\naws_access_key_id=P2\naws_secret_access_key=p2secret\naws_session_token=tok\n");
    write("config",
          "[default]\nregion = eu-west-1\n[profile p2]\nregion = ap-south-1\ns3 =\n"
          "  addressing_style = virtual\n  endpoint_url = http://minio:9000\n[sso-session x]\nregion=bad\n");
    auto s = resolve();
    ASSERT_TRUE(s);
    EXPECT_EQ(s->credentials.access_key_id, "DEF");
    EXPECT_EQ(s->credential_source, "profile default");
    EXPECT_EQ(s->region, "eu-west-1");
    EXPECT_TRUE(s->endpoint.empty());
    env_["AWS_ACCESS_KEY_ID"] = "ENV";
    env_["AWS_SECRET_ACCESS_KEY"] = "envsecret";
    s = resolve();
    EXPECT_EQ(s->credentials.access_key_id, "ENV");
    EXPECT_EQ(s->credential_source, "environment");
    // --profile wins over the environment's keys; AWS_PROFILE does not.
    s = resolve(S3Request{"p2", {}});
    EXPECT_EQ(s->credentials.access_key_id, "P2");
    EXPECT_EQ(s->credentials.session_token, "tok");
    EXPECT_EQ(s->region, "ap-south-1");
    EXPECT_EQ(s->endpoint, "http://minio:9000");
    EXPECT_EQ(s->addressing, AddressingStyle::Virtual);
    env_["AWS_PROFILE"] = "p2";
    s = resolve();
    EXPECT_EQ(s->credentials.access_key_id, "ENV");
    EXPECT_EQ(s->region, "ap-south-1");
    env_["AWS_REGION"] = "us-west-2";
    env_["AWS_ENDPOINT_URL"] = "http://other:1/";
    s = resolve();
    EXPECT_EQ(s->region, "us-west-2");
    EXPECT_EQ(s->endpoint, "http://other:1");
    env_["AWS_ENDPOINT_URL_S3"] = "https://s3only";
    EXPECT_EQ(resolve()->endpoint, "https://s3only");
    EXPECT_EQ(resolve(S3Request{{}, "http://cli:2"})->endpoint, "http://cli:2");
    EXPECT_FALSE(resolve(S3Request{"missing", {}}));
    EXPECT_FALSE(resolve(S3Request{{}, "ftp://x"}));
}

TEST(S3Settings, TemporaryCredentialsAreFetchedAgainBeforeTheyExpire) {
    // An hour's (or six hours') credentials: 5 minutes before they expire, as the SDKs do.
    EXPECT_EQ(credentials_refresh_time(1000, 1000 + 3600), 1000 + 3600 - 300);
    EXPECT_EQ(credentials_refresh_time(1000, 1000 + 21600), 1000 + 21600 - 300);
    // A shorter life: halfway through it, so they are never used past it.
    EXPECT_EQ(credentials_refresh_time(1000, 1004), 1002);
    EXPECT_EQ(credentials_refresh_time(1000, 1000 + 400), 1000 + 200);
    // Already expired when fetched (a clock ahead of the endpoint's): due at once.
    EXPECT_EQ(credentials_refresh_time(1000, 990), 990);
}

TEST(S3Target, PathStyleWithACustomEndpointVirtualOnAws) {
    S3Settings s;
    s.region = "eu-west-1";
    auto t = target_for(s, "logs");
    EXPECT_EQ(t.url_base, "https://logs.s3.eu-west-1.amazonaws.com");
    s.endpoint = "http://127.0.0.1:9000";
    t = target_for(s, "logs");
    EXPECT_EQ(t.url_base, "http://127.0.0.1:9000/logs");
    EXPECT_EQ(t.host, "127.0.0.1:9000");
    s.addressing = AddressingStyle::Virtual;
    EXPECT_EQ(target_for(s, "logs").host, "logs.127.0.0.1:9000");
    S3Settings aws;
    EXPECT_EQ(target_for(aws, "my.dotted.bucket").url_base, "https://s3.amazonaws.com/my.dotted.bucket");
}

TEST(S3Sync, KeysLandAsAwsS3SyncLaysThemOut) {
    const S3Url url{"b", "logs/2024-"};
    EXPECT_EQ(local_name(url, "logs/2024-01-01-x"), "2024-01-01-x");
    EXPECT_EQ(local_name(S3Url{"b", "logs/"}, "logs/sub/a"), "sub/a");
    EXPECT_EQ(local_name(S3Url{"b", ""}, "logs/a"), "logs/a");
    EXPECT_EQ(local_name(url, "logs/"), "");             // a folder marker
    EXPECT_EQ(local_name(url, "logs/a/../../etc"), "");  // never outside the folder
    EXPECT_EQ(local_name(url, "logs//a"), "");
    EXPECT_EQ(local_name(url, "logs/a\nb"), "");
    EXPECT_EQ(local_name(url, "other/a"), "");
}

TEST(S3Sync, ReRunsListFromTheNewestLogLessTheMargin) {
    const S3Url url{"b", "logs/"};
    const std::vector<std::string> keys{"logs/2024-03-01-10-00-00-AAAA", "logs/2024-03-02-06-30-00-BBBB"};
    EXPECT_EQ(start_after_for(url, keys, std::chrono::hours(6)), "logs/2024-03-02-00-30-00");
    EXPECT_EQ(start_after_for(url, {}, std::chrono::hours(6)), "");
    // Any other name: the whole prefix is listed.
    EXPECT_EQ(start_after_for(url, {"logs/2024-03-01-10-00-00-AAAA", "logs/notes.txt"}, std::chrono::hours(6)), "");
    EXPECT_EQ(start_after_for(url, {"logs/2024/03/01/2024-03-01-10-00-00-AAAA"}, std::chrono::hours(6)), "");
}

TEST(S3Client, RetriesServerTroubleOnlyAndSaysEachErrorInOneLine) {
    EXPECT_TRUE(retryable(503, "SlowDown"));
    EXPECT_TRUE(retryable(500, ""));
    EXPECT_TRUE(retryable(400, "RequestTimeout"));
    EXPECT_FALSE(retryable(403, "AccessDenied"));
    EXPECT_FALSE(retryable(404, "NoSuchKey"));
    S3Settings s;
    s.credentials = {"AKID", "the-secret", {}};
    s.credential_source = "environment";
    const S3Client c(s);
    auto err = [&](long status, const std::string& xml) {
        HttpResponse r;
        r.status = status;
        r.body = xml;
        return c.error_of(r);
    };
    EXPECT_EQ(err(403, "<Error><Code>SignatureDoesNotMatch</Code></Error>").kind, S3Error::Kind::BadCredentials);
    EXPECT_EQ(err(403, "<Error><Code>AccessDenied</Code></Error>").kind, S3Error::Kind::AccessDenied);
    EXPECT_EQ(err(404, "<Error><Code>NoSuchBucket</Code></Error>").kind, S3Error::Kind::NoSuchBucket);
    const S3Error region = err(301, "<Error><Code>PermanentRedirect</Code><Region>eu-west-1</Region></Error>");
    EXPECT_EQ(region.kind, S3Error::Kind::WrongRegion);
    EXPECT_NE(region.message.find("eu-west-1, not us-east-1"), std::string::npos);
    EXPECT_EQ(err(503, "<Error><Code>SlowDown</Code></Error>").kind, S3Error::Kind::Server);
    for (long st : {301L, 400L, 403L, 404L, 500L}) {
        const S3Error e = err(st, "<Error><Code>X</Code><Message>a\nb</Message></Error>");
        EXPECT_EQ(e.message.find('\n'), std::string::npos);
        EXPECT_EQ(e.message.find("the-secret"), std::string::npos);
    }
}

}  // namespace
}  // namespace s3top::s3
