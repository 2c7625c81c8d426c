#pragma once
// Newline-delimited JSON access logs (one object per line), e.g. Caddy's. Which member holds
// which Record field is a JsonFieldMap of JSON pointers; the defaults read Caddy v2 logs.
#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "core/parse/log_format.hpp"
#include "core/parse/record.hpp"

namespace s3top {

/// JSON pointers (RFC 6901) of the members to read; an empty pointer maps nothing.
struct JsonFieldMap {
    enum class Unit : std::uint8_t { Seconds, Milliseconds, Microseconds, Nanoseconds };

    /// Time: a number (epoch seconds with fraction; values past 1e11/1e14/1e17 are taken as
    /// ms/us/ns) or a string (ISO 8601 with optional fraction and offset, or epoch digits).
    std::string time = "/ts";
    std::string remote_ip = "/request/remote_ip";
    std::string requester = "/user_id";
    std::string method = "/request/method";
    std::string uri = "/request/uri";  ///< path with query: "/p?q=1"
    std::string protocol = "/request/proto";
    std::string host = "/request/host";
    std::string status = "/status";
    std::string bytes_sent = "/size";
    std::string bytes_in = "/bytes_read";
    std::string duration = "/duration";
    Unit duration_unit = Unit::Seconds;
    std::string user_agent = "/request/headers/User-Agent/0";
    std::string referrer = "/request/headers/Referer/0";
    std::string tls_version = "/request/tls/version";  ///< Caddy writes the TLS version number (772 = TLS 1.3)
    std::string cipher_suite = "/request/tls/cipher_suite";
    std::string bucket;
    std::string key;  ///< when empty, the key is the path without its leading '/'
    std::string operation;
};

/// Each pointer of a JsonFieldMap: its key in the config's [log.json] table, and the Record
/// field it fills as plain text (null: the parser reads it its own way: time, uri, status,
/// numbers, the client address without its port, the key with its fallback to the path).
struct JsonField {
    std::string_view name;
    std::string JsonFieldMap::* pointer;
    std::string_view Record::* text = nullptr;
};
inline constexpr std::array<JsonField, 18> kJsonFields = {{
    {"time", &JsonFieldMap::time},
    {"remote_ip", &JsonFieldMap::remote_ip},
    {"requester", &JsonFieldMap::requester, &Record::requester},
    {"method", &JsonFieldMap::method, &Record::method},
    {"uri", &JsonFieldMap::uri},
    {"protocol", &JsonFieldMap::protocol, &Record::protocol},
    {"host", &JsonFieldMap::host, &Record::host_header},
    {"status", &JsonFieldMap::status},
    {"bytes_sent", &JsonFieldMap::bytes_sent},
    {"bytes_in", &JsonFieldMap::bytes_in},
    {"duration", &JsonFieldMap::duration},
    {"user_agent", &JsonFieldMap::user_agent, &Record::user_agent},
    {"referrer", &JsonFieldMap::referrer, &Record::referrer},
    {"tls_version", &JsonFieldMap::tls_version, &Record::tls_version},
    {"cipher_suite", &JsonFieldMap::cipher_suite, &Record::cipher_suite},
    {"bucket", &JsonFieldMap::bucket, &Record::bucket},
    {"key", &JsonFieldMap::key},
    {"operation", &JsonFieldMap::operation, &Record::operation},
}};

/// "jsonl": one JSON object per line, read with simdjson's on-demand API in one pass (the
/// pointers are compiled into a trie). Views point into the line, or for strings with escapes
/// into the parser's own buffer (valid until the next parse). There is no request line:
/// request_uri stays empty. Lines that are not JSON objects are BadField; a missing or bad
/// time is BadTimestamp.
class JsonLineParser final : public LineParser {
public:
    /// Throws std::invalid_argument when a pointer is malformed (construction is not the hot path).
    explicit JsonLineParser(const JsonFieldMap& map = {});
    ~JsonLineParser() override;
    JsonLineParser(const JsonLineParser&) = delete;
    JsonLineParser& operator=(const JsonLineParser&) = delete;

    std::string_view name() const override { return "jsonl"; }
    ParseResult parse(std::string_view line) override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace s3top
