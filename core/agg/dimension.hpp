#pragma once
// The dimensions a user can group and filter by. String dimensions are stored per record as
// interned ids; the others are derived from stored numbers (status, time) or from another
// dimension (key prefix from key, request tier from operation).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace s3top {

enum class Dim : std::uint8_t {
    // Stored string columns (keep these first and contiguous: they index column arrays).
    Org,
    Requester,
    RemoteIp,
    Bucket,
    Operation,
    ErrorCode,
    Key,
    UserAgent,
    Referrer,
    HostHeader,
    AuthType,
    TlsVersion,
    Method,
    // Derived.
    Status,       ///< "200", or "-" when the log has none
    StatusClass,  ///< "2xx".."5xx", "-"
    KeyPrefix,    ///< first `depth` path segments of the key
    Tier,         ///< S3 request price tier: "get", "put", "free"
    Minute,
    Hour,
    Day,
    Month,
    Count_
};

inline constexpr std::size_t kStringDimCount = static_cast<std::size_t>(Dim::Method) + 1;
inline constexpr std::size_t kDimCount = static_cast<std::size_t>(Dim::Count_);

constexpr bool is_string_dim(Dim d) { return static_cast<std::size_t>(d) < kStringDimCount; }
constexpr bool is_time_dim(Dim d) { return d == Dim::Minute || d == Dim::Hour || d == Dim::Day || d == Dim::Month; }
constexpr std::size_t index(Dim d) { return static_cast<std::size_t>(d); }

/// A dimension with its parameter (the depth of a key prefix).
struct DimSpec {
    Dim dim = Dim::Org;
    std::uint8_t depth = 0;  ///< KeyPrefix only: number of leading path segments (>= 1)
    friend bool operator==(const DimSpec&, const DimSpec&) = default;
};

/// Canonical name: "org", "requester", "ip", "bucket", "operation", "error", "key", "ua",
/// "referrer", "host", "auth", "tls", "method", "status", "class", "prefix:2", "tier",
/// "minute", "hour", "day", "month".
std::string dim_name(DimSpec d);
/// Human title for panels and table headers ("Org", "Client IP", "Key prefix /2" ...).
std::string dim_title(DimSpec d);
/// Parses a name or an alias ("client" = ip, "user_agent" = ua, "error_code" = error,
/// "prefix" = prefix:1, "status_class" = class). nullopt when unknown.
std::optional<DimSpec> parse_dim(std::string_view name);
/// All names, for help texts and error messages.
std::string_view dim_names_help();

/// The first `depth` '/'-separated segments of a key ("a/b/c", 2 -> "a/b"); a leading '/' is
/// skipped. Views `key`.
std::string_view key_prefix(std::string_view key, unsigned depth);

/// Request price tier of an S3 operation: S3 bills PUT, COPY, POST and LIST requests at one
/// price, GET and "all other" at another; DELETE and lifecycle transitions are free.
enum class Tier : std::uint8_t { Get, Put, Free };
Tier classify_operation(std::string_view operation, std::string_view method);
constexpr std::string_view tier_name(Tier t) { return t == Tier::Get ? "get" : t == Tier::Put ? "put" : "free"; }

}  // namespace s3top
