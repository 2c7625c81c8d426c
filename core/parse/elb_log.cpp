#include "core/parse/elb_log.hpp"

#include <array>

#include "core/parse/field_scan.hpp"

namespace s3top {
namespace {

using scan::error;

constexpr std::size_t kMaxFields = 40;

struct Fields {
    std::array<std::string_view, kMaxFields> v{};
    std::size_t n = 0;
    std::uint16_t extra = 0;
};

// Splits on spaces; a field starting with '"' runs to its closing quote (backslash escapes
// honoured) and is stored without the quotes.
std::optional<ParseError> split(std::string_view line, std::uint16_t first_field, Fields& f) {
    std::size_t pos = 0;
    while (pos < line.size()) {
        if (line[pos] == ' ') {
            ++pos;
            continue;
        }
        std::string_view value;
        if (line[pos] == '"') {
            const std::size_t q = scan::closing_quote(line, pos);
            if (q == std::string_view::npos)
                return error(RejectReason::UnterminatedQuote, pos, static_cast<std::uint16_t>(first_field + f.n));
            if (q + 1 < line.size() && line[q + 1] != ' ')
                return error(RejectReason::BadField, q + 1, static_cast<std::uint16_t>(first_field + f.n));
            value = line.substr(pos + 1, q - pos - 1);
            pos = q + 1;
        } else {
            const std::size_t s = pos;
            while (pos < line.size() && line[pos] != ' ') ++pos;
            value = line.substr(s, pos - s);
        }
        if (f.n < kMaxFields) {
            f.v[f.n++] = value;
        } else {
            ++f.extra;
        }
    }
    return std::nullopt;
}

// A Classic load balancer's TCP or SSL listener logs a connection, not an HTTP request: its
// request field is "- - - ".
bool is_connection(std::string_view request) {
    while (!request.empty() && request.back() == ' ') request.remove_suffix(1);
    return request == "- - -";
}

// The request field: "GET http://host:80/p?q HTTP/1.1", or "- http://host:80- -" for requests
// the load balancer could not parse.
void fill_request(std::string_view request, Record& r) {
    if (is_connection(request)) return;  // no method, no target, no key
    r.request_uri = scan::absent(request);
    std::string_view target = r.request_uri;
    if (const auto sp = target.find(' '); sp != std::string_view::npos) {
        r.method = scan::absent(target.substr(0, sp));
        target = target.substr(sp + 1);
        if (const auto last = target.rfind(' '); last != std::string_view::npos) {
            const std::string_view proto = target.substr(last + 1);
            if (proto.starts_with("HTTP/") || proto == "-") {
                r.protocol = scan::absent(proto);
                target = target.substr(0, last);
            }
        }
    }
    const scan::TargetParts tp = scan::split_absolute_target(target);
    if (!tp.authority.empty()) r.host_header = scan::host_without_port(tp.authority, false);
    std::string_view path = tp.rest;
    if (const auto q = path.find('?'); q != std::string_view::npos) {
        r.query = path.substr(q + 1);
        path = path.substr(0, q);
    }
    r.path = path;
    r.key = scan::key_from_path(path);
}

// Fields common to ALB and Classic, starting at the timestamp (`f.v[base]`).
std::optional<ParseError> fill_common(const Fields& f, std::size_t base, std::size_t min_fields, std::string_view line,
                                      Record& r) {
    const auto field = [](std::size_t i) { return static_cast<std::uint16_t>(i); };
    const auto column = [&](std::string_view v) { return static_cast<std::size_t>(v.data() - line.data()); };
    if (f.n < min_fields) return error(RejectReason::TooFewFields, line.size(), field(f.n));
    const auto at = [&](AlbField k) { return f.v[base + k - kAlbTime]; };

    const auto t = scan::parse_iso8601_utc(at(kAlbTime));
    if (!t) return error(RejectReason::BadTimestamp, column(at(kAlbTime)), field(base));
    r.time = *t;
    r.remote_ip = scan::host_without_port(scan::absent(at(kAlbClient)), true);

    std::uint64_t total = 0;
    bool all = true;
    for (AlbField k : {kAlbRequestTime, kAlbTargetTime, kAlbResponseTime}) {
        std::uint64_t us = 0;
        bool present = false;
        if (!scan::parse_duration_us(at(k), 1'000'000, us, present))
            return error(RejectReason::BadNumber, column(at(k)), field(base + k - kAlbTime));
        all = all && present;
        total += us;
    }
    if (all) {
        r.total_time_ms = scan::us_to_ms(total);
        r.has_total_time = true;
    }
    if (!scan::parse_status(at(kAlbElbStatus), r.status))
        return error(RejectReason::BadStatus, column(at(kAlbElbStatus)), field(base + kAlbElbStatus - kAlbTime));
    std::uint16_t target_status = 0;
    if (!scan::parse_status(at(kAlbTargetStatus), target_status))
        return error(RejectReason::BadStatus, column(at(kAlbTargetStatus)), field(base + kAlbTargetStatus - kAlbTime));
    if (!scan::parse_u64(at(kAlbReceivedBytes), r.bytes_in) && at(kAlbReceivedBytes) != "-")
        return error(RejectReason::BadNumber, column(at(kAlbReceivedBytes)),
                     field(base + kAlbReceivedBytes - kAlbTime));
    if (!scan::parse_u64(at(kAlbSentBytes), r.bytes_sent) && at(kAlbSentBytes) != "-")
        return error(RejectReason::BadNumber, column(at(kAlbSentBytes)), field(base + kAlbSentBytes - kAlbTime));
    fill_request(at(kAlbRequest), r);
    // received_bytes of a GET are its headers, no upload (a TCP connection's are its payload).
    if (!is_upload_method(r.method) && !is_connection(at(kAlbRequest))) r.bytes_in = 0;
    const std::size_t have = f.n - base + kAlbTime;  // in ALB numbering
    if (have > kAlbUserAgent) r.user_agent = scan::absent(at(kAlbUserAgent));
    if (have > kAlbSslCipher) r.cipher_suite = scan::absent(at(kAlbSslCipher));
    if (have > kAlbSslProtocol) r.tls_version = scan::absent(at(kAlbSslProtocol));
    return std::nullopt;
}

}  // namespace

bool is_alb_type(std::string_view t) {
    return t == "http" || t == "https" || t == "h2" || t == "grpcs" || t == "ws" || t == "wss";
}

ParseResult parse_alb_log(std::string_view line) {
    line = scan::strip_eol(line);
    while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
    if (line.empty()) return std::unexpected(error(RejectReason::EmptyLine, 0, 0));
    Fields f;
    if (auto e = split(line, 0, f)) return std::unexpected(*e);
    if (f.n == 0 || !is_alb_type(f.v[0])) return std::unexpected(error(RejectReason::BadField, 0, kAlbType));
    Record r;
    if (auto e = fill_common(f, 1, kAlbUserAgent + 1, line, r)) return std::unexpected(*e);
    if (f.n > kAlbTraceId) r.request_id = scan::absent(f.v[kAlbTraceId]);
    if (f.n > kAlbDomainName && r.host_header.empty()) r.host_header = scan::absent(f.v[kAlbDomainName]);
    if (f.n > kAlbErrorReason) r.error_code = scan::absent(f.v[kAlbErrorReason]);
    // Known fields grow with AWS's additions (target lists, classification, conn trace id ...):
    // up to 30 are documented today; anything beyond is extra.
    constexpr std::size_t kDocumented = 30;
    const std::size_t extra = (f.n > kDocumented ? f.n - kDocumented : 0) + f.extra;
    r.field_count = static_cast<std::uint16_t>(f.n + f.extra);
    r.extra_fields = static_cast<std::uint16_t>(extra);
    return r;
}

ParseResult parse_elb_log(std::string_view line) {
    line = scan::strip_eol(line);
    while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
    if (line.empty()) return std::unexpected(error(RejectReason::EmptyLine, 0, 0));
    Fields f;
    if (auto e = split(line, 0, f)) return std::unexpected(*e);
    Record r;
    // Classic: time elb client backend 3 times 2 statuses 2 byte counts "request" [+ "ua" cipher protocol]
    if (auto e = fill_common(f, 0, kAlbRequest - kAlbTime + 1, line, r)) return std::unexpected(*e);
    // A TCP or SSL listener's connection: its own operation (free of request charges), bytes counted.
    if (is_connection(f.v[kAlbRequest - kAlbTime]))
        r.operation = r.cipher_suite.empty() ? kElbTcpConnection : kElbSslConnection;
    constexpr std::size_t kClassicFields = kAlbSslProtocol - kAlbTime + 1;
    const std::size_t extra = (f.n > kClassicFields ? f.n - kClassicFields : 0) + f.extra;
    r.field_count = static_cast<std::uint16_t>(f.n + f.extra);
    r.extra_fields = static_cast<std::uint16_t>(extra);
    return r;
}

}  // namespace s3top
