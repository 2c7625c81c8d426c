// The SigV4 signer against AWS's published examples: two of the generic Signature Version 4
// test suite (service "service", AKIDEXAMPLE) and the S3 developer guide's header-signed
// GET Object and ListObjects examples. The expected values are in tests/data/sigv4/.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fstream>
#include <map>
#include <sstream>

#include "core/s3/sha256.hpp"
#include "core/s3/sigv4.hpp"

namespace s3top::s3 {
namespace {

/// tests/data/sigv4/NAME: "key: value" lines (values may hold ':').
std::map<std::string, std::string> vector_file(const std::string& name) {
    std::ifstream in(std::string(S3TOP_SOURCE_DIR) + "/tests/data/sigv4/" + name);
    EXPECT_TRUE(in) << name;
    std::map<std::string, std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto colon = line.find(": ");
        out[line.substr(0, colon)] = line.substr(colon + 2);
    }
    return out;
}

TEST(SigV4, Sha256AndHmacMatchTheirStandards) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // RFC 4231 test case 2.
    const std::string mac = hmac_sha256("Jefe", "what do ya want for nothing?");
    std::string hex;
    for (unsigned char c : mac) hex += fmt::format("{:02x}", c);
    EXPECT_EQ(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// The signer's own SHA-256 and HMAC (core/s3/sha256.cpp) give OpenSSL's bytes for every length
// around the block's edges (55, 56, 63, 64 ... bytes: where the padding takes a second block),
// fed whole or in pieces, and for keys shorter than, as long as and longer than a block (hashed
// first); and the FIPS 180 two-block and million-byte messages.
TEST(SigV4, Sha256AndHmacGiveOpenSslsBytesForEveryLength) {
    std::string text;
    std::uint32_t x = 12345;
    for (int i = 0; i < 300; ++i) {
        x = x * 1103515245u + 12345u;
        text += static_cast<char>(x >> 24);
    }
    auto openssl_sha = [](std::string_view d) {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        EVP_Digest(d.data(), d.size(), md, &n, EVP_sha256(), nullptr);
        std::string hex;
        for (unsigned int i = 0; i < n; ++i) hex += fmt::format("{:02x}", md[i]);
        return hex;
    };
    for (std::size_t n = 0; n <= text.size(); ++n) {
        const std::string_view d(text.data(), n);
        ASSERT_EQ(sha256_hex(d), openssl_sha(d)) << n << " bytes";
        Sha256 pieces;  // the same bytes in pieces of 1, 2, 3 ... bytes
        for (std::size_t at = 0, step = 1; at < n; at += step, ++step) pieces.update(d.substr(at, step));
        const auto digest = pieces.finish();
        std::string hex;
        for (unsigned char c : digest) hex += fmt::format("{:02x}", c);
        ASSERT_EQ(hex, openssl_sha(d)) << n << " bytes in pieces";
    }
    for (std::size_t k = 0; k <= 150; ++k) {
        const std::string_view key(text.data() + 100, k), data(text.data(), 77);
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &n);
        ASSERT_EQ(hmac_sha256(key, data), std::string(reinterpret_cast<const char*>(md), n)) << k << "-byte key";
    }
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(SigV4, UriEncodingKeepsOnlyUnreserved) {
    EXPECT_EQ(uri_encode("a b/c~d_e.f-g", true), "a%20b/c~d_e.f-g");
    EXPECT_EQ(uri_encode("a b/c", false), "a%20b%2Fc");
    EXPECT_EQ(uri_encode("é+=&", false), "%C3%A9%2B%3D%26");
    EXPECT_EQ(canonical_query({{"prefix", "J"}, {"max-keys", "2"}}), "max-keys=2&prefix=J");
    EXPECT_EQ(canonical_query({{"Param2", "value2"}, {"Param1", "value1"}}), "Param1=value1&Param2=value2");
}

class SigV4Vectors : public ::testing::TestWithParam<const char*> {};

TEST_P(SigV4Vectors, SignatureMatchesAws) {
    auto v = vector_file(GetParam());
    SignRequest r;
    r.method = v["method"];
    r.host = v["host"];
    r.path = v["path"];
    if (!v["query"].empty()) {
        std::stringstream q(v["query"]);
        std::string kv;
        while (std::getline(q, kv, '&')) r.query.emplace_back(kv.substr(0, kv.find('=')), kv.substr(kv.find('=') + 1));
    }
    if (!v["header"].empty())
        r.headers.emplace_back(v["header"].substr(0, v["header"].find(':')),
                               v["header"].substr(v["header"].find(':') + 1));
    r.payload_hash = v["payload_hash"];
    r.region = v["region"];
    r.service = v["service"];
    r.amz_date = v["amz_date"];
    r.content_sha256_header = v["service"] == "s3";
    const Signature s = sign(r, Credentials{v["access_key"], v["secret_key"], {}});
    if (v.contains("string_to_sign_hash")) {
        EXPECT_EQ(s.string_to_sign.substr(s.string_to_sign.rfind('\n') + 1), v["string_to_sign_hash"]);
    }
    EXPECT_EQ(s.signed_headers, v["signed_headers"]);
    EXPECT_EQ(s.signature, v["signature"]);
    EXPECT_NE(s.authorization.find("Signature=" + v["signature"]), std::string::npos);
    // The secret is in no header.
    for (const auto& [k, val] : s.headers) EXPECT_EQ(val.find(v["secret_key"]), std::string::npos) << k;
}

INSTANTIATE_TEST_SUITE_P(Aws, SigV4Vectors,
                         ::testing::Values("get-vanilla", "get-vanilla-query-order-key-case", "s3-get-object",
                                           "s3-list-objects"));

TEST(SigV4, SessionTokenIsSignedAndSent) {
    SignRequest r;
    r.host = "b.s3.amazonaws.com";
    r.payload_hash = sha256_hex("");
    r.region = "us-east-1";
    r.amz_date = "20240101T000000Z";
    const Signature s = sign(r, Credentials{"AKID", "SECRET", "TOKEN"});
    EXPECT_EQ(s.signed_headers, "host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
    const Signature without = sign(r, Credentials{"AKID", "SECRET", {}});
    EXPECT_NE(s.signature, without.signature);
    EXPECT_EQ(amz_date(1369353600), "20130524T000000Z");
}

}  // namespace
}  // namespace s3top::s3
