#include "core/s3/sigv4.hpp"

#include "core/s3/sha256.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>
#include <map>

namespace s3top::s3 {
namespace {

std::string hex(const unsigned char* p, std::size_t n) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out(n * 2, '0');
    for (std::size_t i = 0; i < n; ++i) {
        out[2 * i] = kDigits[p[i] >> 4];
        out[2 * i + 1] = kDigits[p[i] & 15];
    }
    return out;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/// A header value as SigV4 canonicalises it: trimmed, runs of spaces made one.
std::string trim_value(std::string_view v) {
    std::string out;
    bool space = false;
    for (char c : v) {
        if (c == ' ' || c == '\t') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
    const Sha256::Digest d = Sha256::of(data);
    return hex(d.data(), d.size());
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    // RFC 2104: a key longer than the block is hashed first; then H(K ^ opad, H(K ^ ipad, data)).
    std::array<unsigned char, 64> k{};
    if (key.size() > k.size()) {
        const Sha256::Digest d = Sha256::of(key);
        std::copy(d.begin(), d.end(), k.begin());
    } else {
        std::copy(key.begin(), key.end(), k.begin());
    }
    std::array<char, 64> pad;
    auto padded = [&](unsigned char with) {
        for (std::size_t i = 0; i < pad.size(); ++i) pad[i] = static_cast<char>(k[i] ^ with);
        return std::string_view(pad.data(), pad.size());
    };
    Sha256 inner;
    inner.update(padded(0x36));
    inner.update(data);
    const Sha256::Digest in = inner.finish();
    Sha256 outer;
    outer.update(padded(0x5c));
    outer.update(std::string_view(reinterpret_cast<const char*>(in.data()), in.size()));
    const Sha256::Digest mac = outer.finish();
    return std::string(reinterpret_cast<const char*>(mac.data()), mac.size());
}

std::string uri_encode(std::string_view s, bool keep_slash) {
    std::string out;
    out.reserve(s.size());
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
            out += ch;
        } else {
            out += fmt::format("%{:02X}", c);
        }
    }
    return out;
}

std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query) {
    std::vector<std::pair<std::string, std::string>> enc;
    enc.reserve(query.size());
    for (const auto& [k, v] : query) enc.emplace_back(uri_encode(k, false), uri_encode(v, false));
    std::sort(enc.begin(), enc.end());
    std::string out;
    for (const auto& [k, v] : enc) out += (out.empty() ? "" : "&") + k + "=" + v;
    return out;
}

std::string amz_date(long long epoch_seconds) {
    const std::time_t t = static_cast<std::time_t>(epoch_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

Signature sign(const SignRequest& req, const Credentials& creds) {
    std::map<std::string, std::string> headers;  // sorted by lower-case name
    for (const auto& [k, v] : req.headers) headers[lower(k)] = trim_value(v);
    headers["host"] = req.host;
    headers["x-amz-date"] = req.amz_date;
    if (req.content_sha256_header) headers["x-amz-content-sha256"] = req.payload_hash;
    if (!creds.session_token.empty()) headers["x-amz-security-token"] = creds.session_token;

    Signature s;
    std::string canonical_headers;
    for (const auto& [k, v] : headers) {
        canonical_headers += k + ":" + v + "\n";
        s.signed_headers += (s.signed_headers.empty() ? "" : ";") + k;
    }
    s.canonical_request = fmt::format("{}\n{}\n{}\n{}\n{}\n{}", req.method, req.path, canonical_query(req.query),
                                      canonical_headers, s.signed_headers, req.payload_hash);
    const std::string day = req.amz_date.substr(0, 8);
    const std::string scope = fmt::format("{}/{}/{}/aws4_request", day, req.region, req.service);
    s.string_to_sign =
        fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", req.amz_date, scope, sha256_hex(s.canonical_request));
    std::string key = hmac_sha256("AWS4" + creds.secret_access_key, day);
    key = hmac_sha256(key, req.region);
    key = hmac_sha256(key, req.service);
    key = hmac_sha256(key, "aws4_request");
    const std::string mac = hmac_sha256(key, s.string_to_sign);
    s.signature = hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
    s.authorization = fmt::format("AWS4-HMAC-SHA256 Credential={}/{},SignedHeaders={},Signature={}",
                                  creds.access_key_id, scope, s.signed_headers, s.signature);
    for (const auto& [k, v] : headers) {
        if (k != "host") s.headers.emplace_back(k, v);
    }
    s.headers.emplace_back("authorization", s.authorization);
    return s;
}

}  // namespace s3top::s3
