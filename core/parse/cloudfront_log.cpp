#include "core/parse/cloudfront_log.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "core/parse/field_scan.hpp"
#include "core/parse/uri.hpp"

namespace s3top {
namespace {

using scan::error;

constexpr std::array<std::pair<std::string_view, CfColumn>, 27> kNames{{
    {"date", CfColumn::Date},
    {"time", CfColumn::Time},
    {"timestamp", CfColumn::Timestamp},
    {"timestamp(ms)", CfColumn::TimestampMs},
    {"x-edge-location", CfColumn::EdgeLocation},
    {"sc-bytes", CfColumn::ScBytes},
    {"c-ip", CfColumn::CIp},
    {"cs-method", CfColumn::CsMethod},
    {"cs(host)", CfColumn::CsHost},
    {"cs-uri-stem", CfColumn::CsUriStem},
    {"sc-status", CfColumn::ScStatus},
    {"cs(referer)", CfColumn::CsReferer},
    {"cs(user-agent)", CfColumn::CsUserAgent},
    {"cs-uri-query", CfColumn::CsUriQuery},
    {"cs(cookie)", CfColumn::CsCookie},
    {"x-edge-result-type", CfColumn::EdgeResultType},
    {"x-edge-request-id", CfColumn::EdgeRequestId},
    {"x-host-header", CfColumn::XHostHeader},
    {"cs-protocol", CfColumn::CsProtocol},
    {"cs-bytes", CfColumn::CsBytes},
    {"time-taken", CfColumn::TimeTaken},
    {"x-forwarded-for", CfColumn::XForwardedFor},
    {"ssl-protocol", CfColumn::SslProtocol},
    {"ssl-cipher", CfColumn::SslCipher},
    {"x-edge-response-result-type", CfColumn::EdgeResponseResultType},
    {"cs-protocol-version", CfColumn::CsProtocolVersion},
    {"x-edge-detailed-result-type", CfColumn::EdgeDetailedResultType},
}};

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] | 0x20) : a[i];
        if (x != b[i]) return false;
    }
    return true;
}

bool is_required(CfColumn c) {
    return c == CfColumn::Date || c == CfColumn::Time || c == CfColumn::Timestamp || c == CfColumn::TimestampMs ||
           c == CfColumn::CIp || c == CfColumn::CsMethod || c == CfColumn::CsUriStem || c == CfColumn::ScStatus;
}

// "1705314000.123" (seconds) or "1705314000123" (ms) to whole seconds.
bool parse_epoch(std::string_view t, bool millis, std::int64_t& out) {
    const auto dot = t.find('.');
    std::uint64_t v = 0;
    if (!scan::parse_u64(t.substr(0, dot), v) || v > 100'000'000'000'000ULL) return false;
    if (dot != std::string_view::npos) {
        for (const char c : t.substr(dot + 1)) {
            if (c < '0' || c > '9') return false;
        }
    }
    out = static_cast<std::int64_t>(millis ? v / 1000 : v);
    return true;
}

// A percent-encoded value as CloudFront documents it, decoded into `out`; twice when it was
// encoded twice (%2520). The value itself when nothing needs decoding.
std::string_view decoded(std::string_view v, std::string& out, std::string& scratch) {
    if (!needs_url_decode(v, false)) return v;
    url_decode(v, out, false);
    if (v.find("%25") != std::string_view::npos && needs_url_decode(out, false)) {
        url_decode(out, scratch, false);
        out.swap(scratch);
    }
    return out;
}

}  // namespace

bool is_cloudfront_line(std::string_view line) {
    static const CloudFrontLineParser kDefault;
    line = scan::strip_eol(line);
    if (line.empty() || line.front() == '#' || std::count(line.begin(), line.end(), '\t') < 8) return false;
    return kDefault.parse_record(line).has_value();
}

CfColumn cloudfront_column(std::string_view name) {
    for (const auto& [n, c] : kNames) {
        if (iequals(name, n)) return c;
    }
    return CfColumn::Other;
}

CloudFrontLineParser::CloudFrontLineParser() { set_fields(kCloudFrontDefaultFields); }

void CloudFrontLineParser::set_fields(std::string_view names) {
    layout_.clear();
    required_ = 0;
    std::size_t pos = 0;
    while (pos < names.size()) {
        while (pos < names.size() && (names[pos] == ' ' || names[pos] == '\t')) ++pos;
        const std::size_t s = pos;
        while (pos < names.size() && names[pos] != ' ' && names[pos] != '\t') ++pos;
        if (pos > s) {
            layout_.push_back(cloudfront_column(names.substr(s, pos - s)));
            if (is_required(layout_.back())) required_ = layout_.size();
        }
    }
}

ParseResult CloudFrontLineParser::parse(std::string_view line) {
    line = scan::strip_eol(line);
    if (line.empty()) return std::unexpected(error(RejectReason::EmptyLine, 0, 0));
    if (line.front() == '#') {
        constexpr std::string_view kFields = "#Fields:";
        if (line.starts_with(kFields)) set_fields(line.substr(kFields.size()));
        return std::unexpected(error(RejectReason::HeaderLine, 0, 0));
    }
    auto r = parse_record(line);
    if (r) {
        r->user_agent = decoded(r->user_agent, user_agent_, scratch_);
        r->referrer = decoded(r->referrer, referrer_, scratch_);
    }
    return r;
}

ParseResult CloudFrontLineParser::parse_record(std::string_view line) const {
    Record r;
    std::string_view date, time, result_type, detailed, cs_host, timestamp;
    bool timestamp_ms = false;
    std::size_t i = 0;
    std::size_t pos = 0;
    const char* const base = line.data();
    // Tabs (legacy and v2's default); standard logging v2 may also separate by single spaces
    // (its values are URL-encoded, so a space is never inside one).
    const char sep = std::memchr(base, '\t', line.size()) ? '\t' : ' ';
    while (true) {
        const void* tab = std::memchr(base + pos, sep, line.size() - pos);
        const std::size_t end = tab ? static_cast<std::size_t>(static_cast<const char*>(tab) - base) : line.size();
        const std::string_view v = line.substr(pos, end - pos);
        const auto fail = [&](RejectReason why) {
            return std::unexpected(error(why, pos, static_cast<std::uint16_t>(i)));
        };
        if (i < layout_.size()) {
            switch (layout_[i]) {
                case CfColumn::Date: date = v; break;
                case CfColumn::Time: time = v; break;
                case CfColumn::Timestamp: timestamp = v; break;
                case CfColumn::TimestampMs:
                    timestamp = v;
                    timestamp_ms = true;
                    break;
                case CfColumn::ScBytes:
                    if (v != "-" && !scan::parse_u64(v, r.bytes_sent)) return fail(RejectReason::BadNumber);
                    break;
                case CfColumn::CIp: r.remote_ip = scan::absent(v); break;
                case CfColumn::CsMethod: r.method = scan::absent(v); break;
                case CfColumn::CsHost: cs_host = scan::absent(v); break;
                case CfColumn::CsUriStem: r.path = scan::absent(v); break;
                case CfColumn::ScStatus:
                    // CloudFront writes 000 when the viewer closed the connection first.
                    if (v == "000") {
                        r.status = kStatusNoResponse;
                        break;
                    }
                    if (!scan::parse_status(v, r.status)) return fail(RejectReason::BadStatus);
                    break;
                case CfColumn::CsReferer: r.referrer = scan::absent(v); break;
                case CfColumn::CsUserAgent: r.user_agent = scan::absent(v); break;
                case CfColumn::CsUriQuery: r.query = scan::absent(v); break;
                case CfColumn::EdgeResultType: result_type = v; break;
                case CfColumn::EdgeRequestId: r.request_id = scan::absent(v); break;
                case CfColumn::XHostHeader: r.host_header = scan::absent(v); break;
                case CfColumn::CsBytes:
                    if (v != "-" && !scan::parse_u64(v, r.bytes_in)) return fail(RejectReason::BadNumber);
                    break;
                case CfColumn::TimeTaken: {
                    std::uint64_t us = 0;
                    if (!scan::parse_duration_us(v, 1'000'000, us, r.has_total_time))
                        return fail(RejectReason::BadNumber);
                    r.total_time_ms = scan::us_to_ms(us);
                    break;
                }
                case CfColumn::SslProtocol: r.tls_version = scan::absent(v); break;
                case CfColumn::SslCipher: r.cipher_suite = scan::absent(v); break;
                case CfColumn::CsProtocolVersion: r.protocol = scan::absent(v); break;
                case CfColumn::EdgeDetailedResultType: detailed = scan::absent(v); break;
                default: break;
            }
        }
        ++i;
        if (!tab) break;
        pos = end + 1;
    }
    if (i < required_)
        return std::unexpected(error(RejectReason::TooFewFields, line.size(), static_cast<std::uint16_t>(i)));

    if (!timestamp.empty()) {
        if (!parse_epoch(timestamp, timestamp_ms, r.time))
            return std::unexpected(error(RejectReason::BadTimestamp, 0, 0));
    } else {
        const auto t = scan::parse_date_time_columns(date, time);
        if (!t) return std::unexpected(error(RejectReason::BadTimestamp, 0, 0));
        r.time = *t;
    }
    if (r.host_header.empty()) r.host_header = cs_host;
    if (!is_upload_method(r.method)) r.bytes_in = 0;  // cs-bytes of a GET are its headers, no upload
    if (result_type == "Error") r.error_code = detailed.empty() ? result_type : detailed;
    r.key = scan::key_from_path(r.path);
    r.field_count = static_cast<std::uint16_t>(i > 0xFFFF ? 0xFFFF : i);
    r.extra_fields =
        static_cast<std::uint16_t>(i > layout_.size() ? std::min<std::size_t>(i - layout_.size(), 0xFFFF) : 0);
    return r;
}

}  // namespace s3top
