#pragma once
// Amazon CloudFront standard (legacy) access logs: TAB separated, with "#Version:" and
// "#Fields:" header lines naming the columns. The layout comes from the last "#Fields:" line
// seen; without one the 33-field layout AWS documents is assumed, and shorter lines of older
// vintages (23/24 fields) parse as far as they go.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/parse/log_format.hpp"

namespace s3top {

/// The CloudFront columns s3top maps; every other named column is kCfOther (skipped).
enum class CfColumn : std::uint8_t {
    Other,
    Date,
    Time,
    Timestamp,
    TimestampMs,
    EdgeLocation,
    ScBytes,
    CIp,
    CsMethod,
    CsHost,
    CsUriStem,
    ScStatus,
    CsReferer,
    CsUserAgent,
    CsUriQuery,
    CsCookie,
    EdgeResultType,
    EdgeRequestId,
    XHostHeader,
    CsProtocol,
    CsBytes,
    TimeTaken,
    XForwardedFor,
    SslProtocol,
    SslCipher,
    EdgeResponseResultType,
    CsProtocolVersion,
    EdgeDetailedResultType
};

/// The column a "#Fields:" name stands for ("cs-uri-stem" -> CsUriStem; unknown -> Other).
CfColumn cloudfront_column(std::string_view name);

/// CloudFront standard logs as a LineParser. Mapping: time from date+time (UTC) or timestamp;
/// remote_ip = c-ip; method, path = cs-uri-stem, query = cs-uri-query, protocol =
/// cs-protocol-version; status; bytes_sent = sc-bytes, bytes_in = cs-bytes; total_time_ms from
/// time-taken (seconds); referrer; user_agent; host_header = x-host-header (else cs(Host));
/// tls_version = ssl-protocol; cipher_suite = ssl-cipher; request_id = x-edge-request-id;
/// error_code = the detailed result type of "Error" results; key = path without '/'.
/// There is no request line: request_uri stays empty.
///
/// Encoding: cs(Referer) and cs(User-Agent) are decoded, as CloudFront documents them (spaces
/// logged as %20; user agents of some years encoded twice, %2520, are decoded twice): what a
/// user reads and filters on. cs-uri-stem and cs-uri-query stay as logged, percent-encoded, as
/// every format's path, key and query do (org rules and filters decode where they compare).
class CloudFrontLineParser final : public LineParser {
public:
    CloudFrontLineParser();
    std::string_view name() const override { return "cloudfront"; }
    /// "#Fields: ..." replaces the layout; it and every other '#' line return HeaderLine.
    ParseResult parse(std::string_view line) override;
    /// The current layout, one column per field.
    const std::vector<CfColumn>& layout() const { return layout_; }
    /// Sets the layout from a "#Fields:" value ("date time x-edge-location ...").
    void set_fields(std::string_view names);
    /// A data line (not a '#' line, its line end stripped) with the current layout.
    ParseResult parse_record(std::string_view line) const;

private:
    std::vector<CfColumn> layout_;
    std::string user_agent_, referrer_, scratch_;  // decoded values of the last record
    std::size_t required_ = 0;  // fields a line needs: through the last of time, client, method, uri, status
};

/// True when `line` is a data line of the default layout (at least 8 tabs, and it parses):
/// how detection recognises CloudFront without a "#Fields:" header.
bool is_cloudfront_line(std::string_view line);

/// The 33 fields AWS documents for standard logs, as a "#Fields:" value.
inline constexpr std::string_view kCloudFrontDefaultFields =
    "date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) "
    "cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol "
    "cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type "
    "cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte "
    "x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end";

}  // namespace s3top
