#include "core/agg/dimension.hpp"

#include <charconv>

#include "core/agg/tier_map.hpp"

namespace s3top {
namespace {

struct NameEntry {
    std::string_view name;
    Dim dim;
};

constexpr std::array<NameEntry, 21> kNames = {{
    {"org", Dim::Org},          {"requester", Dim::Requester}, {"ip", Dim::RemoteIp},
    {"bucket", Dim::Bucket},    {"operation", Dim::Operation}, {"error", Dim::ErrorCode},
    {"key", Dim::Key},          {"ua", Dim::UserAgent},        {"referrer", Dim::Referrer},
    {"host", Dim::HostHeader},  {"auth", Dim::AuthType},       {"tls", Dim::TlsVersion},
    {"method", Dim::Method},    {"status", Dim::Status},       {"class", Dim::StatusClass},
    {"prefix", Dim::KeyPrefix}, {"tier", Dim::Tier},           {"minute", Dim::Minute},
    {"hour", Dim::Hour},        {"day", Dim::Day},             {"month", Dim::Month},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kAliases = {{
    {"client", "ip"},
    {"remote_ip", "ip"},
    {"user_agent", "ua"},
    {"agent", "ua"},
    {"error_code", "error"},
    {"status_class", "class"},
    {"op", "operation"},
    {"referer", "referrer"},
    {"host_header", "host"},
    {"key_prefix", "prefix"},
}};

}  // namespace

std::string dim_name(DimSpec d) {
    for (const auto& e : kNames) {
        if (e.dim == d.dim) {
            if (d.dim == Dim::KeyPrefix) return std::string(e.name) + ":" + std::to_string(d.depth);
            return std::string(e.name);
        }
    }
    return "?";
}

std::string dim_title(DimSpec d) {
    switch (d.dim) {
        case Dim::Org: return "Org";
        case Dim::Requester: return "Requester";
        case Dim::RemoteIp: return "Client IP";
        case Dim::Bucket: return "Bucket";
        case Dim::Operation: return "Operation";
        case Dim::ErrorCode: return "Error code";
        case Dim::Key: return "Key";
        case Dim::UserAgent: return "User agent";
        case Dim::Referrer: return "Referrer";
        case Dim::HostHeader: return "Host";
        case Dim::AuthType: return "Auth type";
        case Dim::TlsVersion: return "TLS";
        case Dim::Method: return "Method";
        case Dim::Status: return "Status";
        case Dim::StatusClass: return "Status class";
        case Dim::KeyPrefix: return "Key prefix /" + std::to_string(d.depth);
        case Dim::Tier: return "Request tier";
        case Dim::Minute: return "Minute";
        case Dim::Hour: return "Hour";
        case Dim::Day: return "Day";
        case Dim::Month: return "Month";
        case Dim::Count_: break;
    }
    return "?";
}

std::optional<DimSpec> parse_dim(std::string_view name) {
    std::string_view base = name;
    std::string_view param;
    if (const auto colon = name.find(':'); colon != std::string_view::npos) {
        base = name.substr(0, colon);
        param = name.substr(colon + 1);
    }
    for (const auto& [alias, target] : kAliases) {
        if (base == alias) base = target;
    }
    for (const auto& e : kNames) {
        if (e.name != base) continue;
        DimSpec d{e.dim, 0};
        if (e.dim == Dim::KeyPrefix) {
            unsigned depth = 1;
            if (!param.empty()) {
                const auto [p, ec] = std::from_chars(param.data(), param.data() + param.size(), depth);
                if (ec != std::errc{} || p != param.data() + param.size() || depth < 1 || depth > 32) return std::nullopt;
            }
            d.depth = static_cast<std::uint8_t>(depth);
        } else if (!param.empty()) {
            return std::nullopt;
        }
        return d;
    }
    return std::nullopt;
}

std::string_view dim_names_help() {
    return "org, requester, ip (client), bucket, operation, error, key, prefix:N, ua, referrer, host, auth, tls, "
           "method, status, class, tier, minute, hour, day, month";
}

// The first `depth` '/'-separated segments of a key ("a/b/c", 2 -> "a/b"). A leading '/'
// is skipped.
std::string_view key_prefix(std::string_view key, unsigned depth) {
    if (!key.empty() && key.front() == '/') key.remove_prefix(1);
    std::size_t pos = 0;
    for (unsigned i = 0; i < depth; ++i) {
        const auto slash = key.find('/', pos);
        if (slash == std::string_view::npos) return key;
        pos = slash + 1;
    }
    return key.substr(0, pos - 1);
}

Tier classify_operation(std::string_view op, std::string_view method) {
    return TierMap::defaults().classify(op, method);
}

}  // namespace s3top
