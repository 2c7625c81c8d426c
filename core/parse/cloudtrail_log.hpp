#pragma once
// AWS CloudTrail logs of S3: data events (GetObject, PutObject, CopyObject ... with bytes in
// additionalEventData) and management events (ListBuckets, PutBucketAcl ...; no bytes).
#include <memory>
#include <string_view>

#include "core/parse/log_format.hpp"

namespace s3top {

/// CloudTrail as a DocumentParser, on simdjson's on-demand API; one parser is reused for every
/// document. A document may be a CloudTrail log file ({"Records":[...]}), a single event
/// object (pretty-printed or not), an array of events, or several of these one after another
/// (newline-delimited events).
///
/// Mapping: time = eventTime; remote_ip = sourceIPAddress; requester = userIdentity.arn, else
/// .principalId, else .invokedBy, else .type; operation = eventName; bucket / key =
/// requestParameters.bucketName / .key (or .Key); bytes_sent / bytes_in =
/// additionalEventData.bytesTransferredOut / In; user_agent = userAgent; error_code =
/// errorCode; request_id = requestID; bucket_owner = recipientAccountId; tls_version /
/// cipher_suite = tlsDetails.tlsVersion / .cipherSuite (else additionalEventData.CipherSuite);
/// host_header = tlsDetails.clientProvidedHostHeader, else requestParameters.Host / host[0];
/// signature_version, auth_type from additionalEventData. CloudTrail has no HTTP status
/// (status stays 0) and no request line. An event without a valid eventTime is rejected
/// (BadTimestamp); an element of "Records" that is not an object is rejected (BadField).
/// Whether `whole` is CloudTrail by its structure: its first JSON value is a log file
/// ({"Records":[...]} whose first event, if any, names eventVersion and eventSource), an event
/// naming both, or an array whose first element is one. Detection sees only a file's first
/// lines; a manifest or any other JSON document is not CloudTrail.
bool is_cloudtrail_document(std::string_view whole);

class CloudTrailParser final : public DocumentParser {
public:
    CloudTrailParser();
    ~CloudTrailParser() override;
    CloudTrailParser(const CloudTrailParser&) = delete;
    CloudTrailParser& operator=(const CloudTrailParser&) = delete;

    std::string_view name() const override { return "cloudtrail"; }
    bool parse(std::string_view document, const std::function<void(const Record&)>& on_record,
               const std::function<void(std::string_view excerpt, ParseError)>& on_reject, std::string& error) override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace s3top
