#pragma once
// AWS Signature Version 4 for S3 requests (header-based, as the AWS CLI signs them): the
// canonical request, the string to sign, the signing key and the Authorization header.
// Checked against AWS's published examples (tests/core/s3_sigv4_test.cpp).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace s3top::s3 {

/// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);
/// HMAC-SHA256(key, data), raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);
/// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters kept, everything else
/// %XX upper-case; '/' kept when `keep_slash` (an object key in a path).
std::string uri_encode(std::string_view s, bool keep_slash);

/// Who signs. The secret is used for the signing key only and appears in no output.
struct Credentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;  ///< empty unless temporary credentials
    bool empty() const { return access_key_id.empty() || secret_access_key.empty(); }
};

/// One request to sign. `path` is already URI-encoded (the canonical URI); `query` holds the
/// parameters unencoded (they are encoded and sorted here); `headers` the headers to sign
/// besides host, x-amz-date, x-amz-content-sha256 and x-amz-security-token, which sign()
/// adds.
struct SignRequest {
    std::string method = "GET";
    std::string host;  ///< with ":port" when not the scheme's default
    std::string path = "/";
    std::vector<std::pair<std::string, std::string>> query;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string payload_hash;  ///< sha256_hex of the body (of "" for a GET)
    std::string region;
    std::string service = "s3";
    std::string amz_date;  ///< YYYYMMDDTHHMMSSZ
    /// False: x-amz-content-sha256 is not added (services other than s3, as in AWS's generic
    /// test suite).
    bool content_sha256_header = true;
};

/// The parts of a signature, each checkable against AWS's examples.
struct Signature {
    std::string canonical_request;
    std::string string_to_sign;
    std::string signed_headers;
    std::string signature;      ///< hex
    std::string authorization;  ///< the Authorization header's value
    /// Every header the request must send (name, value), Authorization last.
    std::vector<std::pair<std::string, std::string>> headers;
};

/// The canonical query string: each name and value encoded, sorted by name then value.
std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query);

/// Signs `req` with `creds`.
Signature sign(const SignRequest& req, const Credentials& creds);

/// "YYYYMMDDTHHMMSSZ" of a UTC epoch second.
std::string amz_date(long long epoch_seconds);

}  // namespace s3top::s3
