#pragma once
// Where records go or are read from: clickhouse://[USER[:PASSWORD]@]HOST:PORT[,HOST:PORT...]/DB?table=NAME
// [&compress=gzip|none] (the HTTP interface; several hosts are the shards an ingest spreads its
// files over). The
// user and password come from the URL, else S3TOP_CLICKHOUSE_USER / S3TOP_CLICKHOUSE_PASSWORD;
// they are never part of what describe() says.
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace s3top::clickhouse {

struct Host {
    std::string name;  ///< host name or IPv4 address
    std::uint16_t port = 8123;
};

struct Target {
    std::vector<Host> hosts;
    std::string database = "default";
    std::string table = "s3top_records";
    std::string user = "default";
    std::string password;
    /// Inserts are sent gzip-compressed (compress=gzip): the default unless every host is this
    /// machine (127.x.x.x, localhost), where compressing costs CPU at both ends and saves no
    /// network (compress=none).
    bool gzip = true;
    /// "clickhouse://HOST:PORT[,...]/DB?table=NAME": what messages name (no credentials).
    std::string describe() const;
    /// "http://HOST:PORT/" of host `i`.
    std::string base_url(std::size_t i) const;
};

bool is_clickhouse_url(std::string_view s);

/// The user and password a config file gives ([clickhouse] user, password), if any.
struct Credentials {
    std::optional<std::string> user, password;
};

/// Parses a clickhouse:// URL. The user and the password each come from the URL, else from
/// `getenv` (S3TOP_CLICKHOUSE_USER, S3TOP_CLICKHOUSE_PASSWORD), else from `config`. The error
/// (one line, without the password) says what is wrong.
std::expected<Target, std::string> parse_target(std::string_view url,
                                                const std::function<const char*(const char*)>& getenv,
                                                const Credentials& config = {});

}  // namespace s3top::clickhouse
