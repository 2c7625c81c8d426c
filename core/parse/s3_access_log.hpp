#pragma once
// Amazon S3 server access logs, every variant seen in the wild: the 17/18-field format of
// 2010, the 24-field one with signature/TLS, 25-27 fields with access point, aclRequired and
// source region, and whatever AWS appends later (tolerated, counted in extra_fields).
#include <string_view>

#include "core/parse/parse_error.hpp"

namespace s3top {

/// Field indices of the S3 format, as reported in ParseError::field.
enum S3Field : std::uint16_t {
    kS3BucketOwner,
    kS3Bucket,
    kS3Time,
    kS3RemoteIp,
    kS3Requester,
    kS3RequestId,
    kS3Operation,
    kS3Key,
    kS3RequestUri,
    kS3Status,
    kS3ErrorCode,
    kS3BytesSent,
    kS3ObjectSize,
    kS3TotalTime,
    kS3TurnAround,
    kS3Referrer,
    kS3UserAgent,
    kS3VersionId,
    kS3HostId,
    kS3SignatureVersion,
    kS3CipherSuite,
    kS3AuthType,
    kS3HostHeader,
    kS3TlsVersion,
    kS3AccessPointArn,
    kS3AclRequired,
    kS3SourceRegion,
    kS3FieldCount
};

/// Parses one S3 server access log line (without or with its "\n" / "\r\n").
///
/// Returns the Record (views into `line`) or the reason and column it was rejected at. S3
/// writes double quotes inside the quoted request-URI, referrer and user agent unescaped; the
/// parser finds each quoted field's real end from what must follow it. It never reads outside
/// `line`, allocates nothing and runs in time linear in the line's length.
ParseResult parse_s3_access_log(std::string_view line);

/// True for operations whose object size is uploaded data (ingress): PUT object, upload part,
/// POST object (browser upload), SOAP put.
bool s3_is_upload_operation(std::string_view operation);

}  // namespace s3top
