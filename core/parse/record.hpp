#pragma once
// One access-log request as parsed from a line. Every string is a view into the line the
// parser was given: a Record is valid only while that line's buffer lives.
#include <cstdint>
#include <string_view>

namespace s3top {

/// CloudFront's status 000: the viewer closed the connection before a response. Its own status
/// (shown "000"), not absent; its status class is none.
inline constexpr std::uint16_t kStatusNoResponse = 1;

/// Whether an HTTP method uploads (its request bytes are bytes_uploaded where a format logs
/// request bytes for every method: CloudFront's cs-bytes, a load balancer's received_bytes).
constexpr bool is_upload_method(std::string_view method) { return method == "PUT" || method == "POST"; }

/// The fields every supported log format maps onto. Absent fields ("-", "\"-\"", or a
/// field the format does not have) are empty views and zero numbers, with a has_ flag where
/// zero is a real value.
struct Record {
    std::int64_t time = 0;  ///< UTC, seconds since the Unix epoch

    std::string_view bucket_owner;
    std::string_view bucket;
    std::string_view remote_ip;
    std::string_view requester;
    std::string_view request_id;
    std::string_view operation;  ///< S3 operation (REST.GET.OBJECT ...); formats without one leave it empty
    std::string_view key;        ///< as logged (URL-encoded); see url_decode()

    std::string_view request_uri;  ///< without quotes: "GET /b/k?x=1 HTTP/1.1"
    std::string_view method;       ///< split from request_uri
    std::string_view path;
    std::string_view query;  ///< without the '?'
    std::string_view protocol;

    std::uint16_t status = 0;  ///< 0 when the log has "-"; kStatusNoResponse for CloudFront's 000
    std::string_view error_code;

    std::uint64_t bytes_sent = 0;  ///< egress; "-" counts 0
    std::uint64_t object_size = 0;
    /// bytes_uploaded: S3, the object size of PUT/POST/part uploads; CloudTrail,
    /// bytesTransferredIn; CloudFront's cs-bytes and ALB/ELB's received_bytes of PUT and POST
    /// requests (headers included, as they count them) and of ELB TCP/SSL connections.
    std::uint64_t bytes_in = 0;
    std::uint32_t total_time_ms = 0;
    std::uint32_t turnaround_ms = 0;
    bool has_object_size = false;
    bool has_total_time = false;
    bool has_turnaround = false;

    std::string_view referrer;
    std::string_view user_agent;
    std::string_view version_id;
    std::string_view host_id;
    std::string_view signature_version;
    std::string_view cipher_suite;
    std::string_view auth_type;
    std::string_view host_header;
    std::string_view tls_version;
    std::string_view access_point_arn;
    std::string_view acl_required;
    std::string_view source_region;

    std::uint16_t field_count = 0;   ///< fields seen on the line (the time counts as one)
    std::uint16_t extra_fields = 0;  ///< fields past the last one we know, tolerated
};

}  // namespace s3top
