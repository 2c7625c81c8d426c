#pragma once
// Elastic Load Balancing access logs: Application Load Balancer (leading type field, fields
// appended over the years) and Classic Load Balancer (no type field, 12 or 15 fields).
#include <string_view>

#include "core/parse/log_format.hpp"

namespace s3top {

/// The operation of a Classic load balancer's TCP or SSL listener line (request "- - - "): a
/// connection, not an HTTP request; no method, path or key; its bytes count.
inline constexpr std::string_view kElbTcpConnection = "ELB.TCP.CONNECTION";
inline constexpr std::string_view kElbSslConnection = "ELB.SSL.CONNECTION";

/// Field indices of the ALB format (the Classic format is the same from kAlbTime to
/// kAlbSslProtocol, without the type and shifted by one), as reported in ParseError::field.
enum AlbField : std::uint16_t {
    kAlbType,
    kAlbTime,
    kAlbElb,
    kAlbClient,
    kAlbTarget,
    kAlbRequestTime,
    kAlbTargetTime,
    kAlbResponseTime,
    kAlbElbStatus,
    kAlbTargetStatus,
    kAlbReceivedBytes,
    kAlbSentBytes,
    kAlbRequest,
    kAlbUserAgent,
    kAlbSslCipher,
    kAlbSslProtocol,
    kAlbTargetGroupArn,
    kAlbTraceId,
    kAlbDomainName,
    kAlbChosenCertArn,
    kAlbMatchedRulePriority,
    kAlbRequestCreationTime,
    kAlbActionsExecuted,
    kAlbRedirectUrl,
    kAlbErrorReason,
    kAlbFieldCount
};

/// Parses one Application Load Balancer log line. remote_ip is the client without its port
/// (IPv6 clients may be written "[v6]:port" or unbracketed "v6:port"); bytes_sent is
/// sent_bytes, bytes_in received_bytes; total_time_ms the sum of the three processing times
/// (absent when any is -1); the request target's scheme and authority ("http://host:80") are
/// dropped from path and the host goes to host_header (else the TLS SNI domain_name);
/// request_id is the X-Amzn-Trace-Id, error_code the error_reason. Fields past the known ones
/// are counted in extra_fields. Views point into `line`.
ParseResult parse_alb_log(std::string_view line);

/// Parses one Classic Load Balancer line (the same mapping; no trace id or SNI).
ParseResult parse_elb_log(std::string_view line);

class AlbLineParser final : public LineParser {
public:
    std::string_view name() const override { return "alb"; }
    ParseResult parse(std::string_view line) override { return parse_alb_log(line); }
};

class ElbLineParser final : public LineParser {
public:
    std::string_view name() const override { return "elb"; }
    ParseResult parse(std::string_view line) override { return parse_elb_log(line); }
};

/// True for the ALB "type" values ("http", "https", "h2", "grpcs", "ws", "wss").
bool is_alb_type(std::string_view t);

}  // namespace s3top
