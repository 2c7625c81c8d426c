#pragma once
// The dimensions a user can group and filter by, as one table (kDims): names, titles, aliases,
// how a record fills each and which stored columns it reads. Stored dimensions keep an interned
// id per record; the others are derived from stored numbers (status, tier), from another
// dimension (key prefix from key) or from the time.
//
// Adding a stored dimension: an enumerator after the last stored one in Dim (stored ones index
// column arrays and the state file's id columns, in this order) and its row in kDims; the
// parsers fill the Record field the row names. The rest is derived.
#include <array>
#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/parse/record.hpp"

namespace s3top {

enum class Dim : std::uint8_t {
    // Stored string columns (first and contiguous: they index column arrays, in the state
    // file's order).
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
    Status,
    StatusClass,
    KeyPrefix,
    Tier,
    Minute,
    Hour,
    Day,
    Month,
    Count_
};

/// Request price tier of an S3 operation: S3 bills PUT, COPY, POST and LIST requests at one
/// price, GET and "all other" at another; DELETE and lifecycle transitions are free
/// (TierMap classifies).
enum class Tier : std::uint8_t { Get, Put, Free };
constexpr std::string_view tier_name(Tier t) { return t == Tier::Get ? "get" : t == Tier::Put ? "put" : "free"; }

/// How a dimension's group key is made.
enum class DimKind : std::uint8_t {
    Stored,     ///< an interned string per record: the id is the key
    Number,     ///< a stored number column, divided (status, its class, the tier)
    KeyPrefix,  ///< the first N '/'-separated segments of a stored string (the key)
    Time,       ///< the start of the record's minute, hour, day or month
};

/// The number column a Number dimension reads.
enum class NumberColumn : std::uint8_t { None, Status, Tier };

/// Where the dimension is in a ClickHouse table of records (for SQL pushdown): a stored
/// column and its type, or an SQL expression of stored columns ("{depth}": a key prefix's N).
struct ClickHouseDim {
    std::string_view column;
    std::string_view type;
    std::string_view expr;  ///< empty: the column itself
};

std::string status_label(std::int64_t status);
std::string status_class_label(std::int64_t status_class);
std::string tier_label(std::int64_t tier);

/// One dimension: everything the code knows about it.
struct DimInfo {
    Dim dim;
    std::string_view name;     ///< canonical: --by, filters, config, CSV/JSON headers
    std::string_view title;    ///< panel and table heading (a key prefix appends its depth)
    std::string_view aliases;  ///< other accepted names, space-separated
    std::string_view usage;    ///< how the help lists it, when not just the name
    DimKind kind;
    /// Stored: the Record field interned (null for org, which the OrgSource picks).
    std::string_view Record::* field = nullptr;
    /// KeyPrefix: the stored dimension it is cut from.
    Dim from = Dim::Count_;
    /// Number: key = column / divisor, below dense_size; label(key) as users see and filter it.
    NumberColumn number = NumberColumn::None;
    std::uint16_t divisor = 1;
    std::uint16_t dense_size = 0;
    std::string (*label)(std::int64_t key) = nullptr;
    ClickHouseDim clickhouse = {};
    /// Logged percent-encoded (an HTTP path; S3's key field): shown decoded ("my file.pdf"),
    /// while groups, stored values and the ledger keep the raw value, and a filter matches
    /// either. A key prefix shows decoded when the dimension it is cut from does.
    bool percent_encoded = false;
};

/// Every dimension, in the order help texts list them.
inline constexpr std::array kDims = {
    DimInfo{.dim = Dim::Org,
            .name = "org",
            .title = "Org",
            .aliases = "",
            .usage = "",
            .kind = DimKind::Stored,
            .clickhouse = {"org", "String", ""}},
    DimInfo{.dim = Dim::Requester,
            .name = "requester",
            .title = "Requester",
            .aliases = "",
            .usage = "",
            .kind = DimKind::Stored,
            .field = &Record::requester,
            .clickhouse = {"requester", "String", ""}},
    DimInfo{.dim = Dim::RemoteIp,
            .name = "ip",
            .title = "Client IP",
            .aliases = "client remote_ip",
            .usage = "ip (client)",
            .kind = DimKind::Stored,
            .field = &Record::remote_ip,
            .clickhouse = {"remote_ip", "String", ""}},
    DimInfo{.dim = Dim::Bucket,
            .name = "bucket",
            .title = "Bucket",
            .aliases = "",
            .usage = "",
            .kind = DimKind::Stored,
            .field = &Record::bucket,
            .clickhouse = {"bucket", "String", ""}},
    DimInfo{.dim = Dim::Operation,
            .name = "operation",
            .title = "Operation",
            .aliases = "op",
            .usage = "",
            .kind = DimKind::Stored,
            .field = &Record::operation,
            .clickhouse = {"operation", "String", ""}},
    DimInfo{.dim = Dim::ErrorCode,
            .name = "error",
            .title = "Error code",
            .aliases = "error_code",
            .usage = "",
            .kind = DimKind::Stored,
            .field = &Record::error_code,
            .clickhouse = {"error_code", "String", ""}},
    DimInfo{.dim = Dim::Key,
            .name = "key",
            .title = "Key",
            .aliases = "",
            .usage = "",
            .kind = DimKind::Stored,
            .field = &Record::key,
            .clickhouse = {"key", "String", ""},
            .percent_encoded = true},
    DimInfo{.dim = Dim::KeyPrefix,
            .name = "prefix",
            .title = "Key prefix /",
            .aliases = "key_prefix",
            .usage = "prefix:N",
            .kind = DimKind::KeyPrefix,
            .from = Dim::Key,
            .clickhouse = {"", "",
                           "arrayStringConcat(arraySlice(splitByChar('/', if(startsWith(key, '/'), "
                           "substring(key, 2), key)), 1, {depth}), '/')"}},
    DimInfo{.dim = Dim::UserAgent,
            .name = "ua",
            .title = "User agent",
            .aliases = "user_agent agent",
            .usage = "",
            .kind = DimKind::Stored,
            .field = &Record::user_agent,
            .clickhouse = {"user_agent", "String", ""}},
    DimInfo{.dim = Dim::Referrer,
            .name = "referrer",
            .title = "Referrer",
            .aliases = "referer",
            .usage = "",
            .kind = DimKind::Stored,
            .field = &Record::referrer,
            .clickhouse = {"referrer", "String", ""}},
    DimInfo{.dim = Dim::HostHeader,
            .name = "host",
            .title = "Host",
            .aliases = "host_header",
            .usage = "",
            .kind = DimKind::Stored,
            .field = &Record::host_header,
            .clickhouse = {"host_header", "String", ""}},
    DimInfo{.dim = Dim::AuthType,
            .name = "auth",
            .title = "Auth type",
            .aliases = "",
            .usage = "",
            .kind = DimKind::Stored,
            .field = &Record::auth_type,
            .clickhouse = {"auth_type", "String", ""}},
    DimInfo{.dim = Dim::TlsVersion,
            .name = "tls",
            .title = "TLS",
            .aliases = "",
            .usage = "",
            .kind = DimKind::Stored,
            .field = &Record::tls_version,
            .clickhouse = {"tls_version", "String", ""}},
    DimInfo{.dim = Dim::Method,
            .name = "method",
            .title = "Method",
            .aliases = "",
            .usage = "",
            .kind = DimKind::Stored,
            .field = &Record::method,
            .clickhouse = {"method", "String", ""}},
    DimInfo{.dim = Dim::Status,
            .name = "status",
            .title = "Status",
            .aliases = "",
            .usage = "",
            .kind = DimKind::Number,
            .number = NumberColumn::Status,
            .divisor = 1,
            .dense_size = 1000,
            .label = status_label,
            .clickhouse = {"status", "UInt16", ""}},
    DimInfo{.dim = Dim::StatusClass,
            .name = "class",
            .title = "Status class",
            .aliases = "status_class",
            .usage = "",
            .kind = DimKind::Number,
            .number = NumberColumn::Status,
            .divisor = 100,
            .dense_size = 10,
            .label = status_class_label,
            .clickhouse = {"", "", "intDiv(status, 100)"}},
    DimInfo{.dim = Dim::Tier,
            .name = "tier",
            .title = "Request tier",
            .aliases = "",
            .usage = "",
            .kind = DimKind::Number,
            .number = NumberColumn::Tier,
            .divisor = 1,
            .dense_size = 3,
            .label = tier_label,
            .clickhouse = {"tier", "UInt8", ""}},
    DimInfo{.dim = Dim::Minute,
            .name = "minute",
            .title = "Minute",
            .aliases = "",
            .usage = "",
            .kind = DimKind::Time,
            .clickhouse = {"", "", "toStartOfMinute(time)"}},
    DimInfo{.dim = Dim::Hour,
            .name = "hour",
            .title = "Hour",
            .aliases = "",
            .usage = "",
            .kind = DimKind::Time,
            .clickhouse = {"", "", "toStartOfHour(time)"}},
    DimInfo{.dim = Dim::Day,
            .name = "day",
            .title = "Day",
            .aliases = "",
            .usage = "",
            .kind = DimKind::Time,
            .clickhouse = {"", "", "toStartOfDay(time)"}},
    DimInfo{.dim = Dim::Month,
            .name = "month",
            .title = "Month",
            .aliases = "",
            .usage = "",
            .kind = DimKind::Time,
            .clickhouse = {"", "", "toStartOfMonth(time)"}},
};

inline constexpr std::size_t kDimCount = static_cast<std::size_t>(Dim::Count_);
static_assert(kDims.size() == kDimCount, "every Dim has exactly one row in kDims");

constexpr std::size_t index(Dim d) { return static_cast<std::size_t>(d); }

namespace dim_detail {
/// Row of each Dim in kDims (built and checked at compile time).
consteval std::array<std::uint8_t, kDimCount> rows() {
    std::array<std::uint8_t, kDimCount> r{};
    std::array<bool, kDimCount> seen{};
    for (std::size_t i = 0; i < kDims.size(); ++i) {
        const auto d = index(kDims[i].dim);
        if (d >= kDimCount || seen[d]) throw "kDims: a Dim is out of range or has two rows";
        seen[d] = true;
        r[d] = static_cast<std::uint8_t>(i);
    }
    return r;
}
inline constexpr auto kRows = rows();

consteval std::size_t stored_count() {
    std::size_t n = 0;
    for (const auto& d : kDims) n += d.kind == DimKind::Stored ? 1 : 0;
    // Stored dimensions index column arrays: they must be Dim's first enumerators.
    for (const auto& d : kDims) {
        if ((d.kind == DimKind::Stored) != (index(d.dim) < n)) throw "kDims: stored dimensions must come first in Dim";
        if (d.kind == DimKind::Stored && d.dim != Dim::Org && d.field == nullptr)
            throw "kDims: a stored row needs its Record field";
        if (d.kind == DimKind::KeyPrefix && d.from == Dim::Count_)
            throw "kDims: a key prefix needs the dimension it cuts";
        // (A number row's label function is checked by DimRow.NumberRowsHaveALabel: GCC
        // cannot compare a function pointer in a constant expression under -fsanitize=undefined.)
        if (d.kind == DimKind::Number && d.number == NumberColumn::None) throw "kDims: a number row needs its column";
    }
    return n;
}
}  // namespace dim_detail

/// The table row of `d`.
constexpr const DimInfo& dim_info(Dim d) { return kDims[dim_detail::kRows[index(d)]]; }

inline constexpr std::size_t kStringDimCount = dim_detail::stored_count();

constexpr bool is_string_dim(Dim d) { return index(d) < kStringDimCount; }
constexpr bool is_time_dim(Dim d) { return dim_info(d).kind == DimKind::Time; }

/// A set of stored string dimensions (the columns a record keeps).
using DimMask = std::bitset<kStringDimCount>;

/// A dimension with its parameter (the depth of a key prefix).
struct DimSpec {
    Dim dim = Dim::Org;
    std::uint8_t depth = 0;  ///< KeyPrefix only: number of leading path segments (>= 1)
    friend bool operator==(const DimSpec&, const DimSpec&) = default;
};

/// The stored string columns grouping or filtering by `d` reads (none for the number and
/// time dimensions: those columns are always kept).
DimMask columns_needed(DimSpec d);

/// Canonical name: "org", "ip", "prefix:2" ... (the table's name, a key prefix with its depth).
std::string dim_name(DimSpec d);
/// Human title for panels and table headers ("Org", "Client IP", "Key prefix /2" ...).
std::string dim_title(DimSpec d);
/// Parses a name or an alias ("client" = ip, "user_agent" = ua, "prefix" = prefix:1 ...);
/// a key prefix takes ":N", N from 1 to 32. nullopt when unknown.
std::optional<DimSpec> parse_dim(std::string_view name);
/// All names, for help texts and error messages.
std::string_view dim_names_help();

/// The first `depth` '/'-separated segments of a key ("a/b/c", 2 -> "a/b"); a leading '/' is
/// skipped. Views `key`.
std::string_view key_prefix(std::string_view key, unsigned depth);

}  // namespace s3top
