#pragma once
// Why a line was rejected, as a value. Parsers never throw on the hot path.
#include <cstdint>
#include <expected>
#include <string_view>

#include "core/parse/record.hpp"

namespace s3top {

enum class RejectReason : std::uint8_t {
    EmptyLine,
    TooFewFields,        ///< the line ended before the last required field
    BadTimestamp,        ///< "[dd/Mon/yyyy:HH:MM:SS +zzzz]" missing or malformed, or out of range
    UnterminatedQuote,   ///< a quoted field has no closing quote
    BadStatus,           ///< HTTP status not three digits or "-"
    BadNumber,           ///< a numeric field (bytes, size, times) is not a number or overflows
    BadField,            ///< a field has a character it may not have (e.g. a quote in a bare token)
    LineTooLong,         ///< longer than the reader's line limit (set by the reader, not the parser)
    HeaderLine,          ///< a format's comment/header line ("#Fields: ...") rather than a record
    NoFormat,            ///< no known format matched the file (set by the format detector)
    DuplicateRequestId,  ///< a record already counted (same request id and content; --dedupe request-id)
    NotARequest,         ///< a record that is no request (a CloudTrail Insight or service event)
    UnterminatedLine,    ///< a file's last line has no newline in a format whose last fields are optional
    Count_
};

inline constexpr std::size_t kRejectReasonCount = static_cast<std::size_t>(RejectReason::Count_);

/// Stable snake_case name, used in reports, JSON and the rejects file.
constexpr std::string_view reject_reason_name(RejectReason r) {
    switch (r) {
        case RejectReason::EmptyLine: return "empty_line";
        case RejectReason::TooFewFields: return "too_few_fields";
        case RejectReason::BadTimestamp: return "bad_timestamp";
        case RejectReason::UnterminatedQuote: return "unterminated_quote";
        case RejectReason::BadStatus: return "bad_status";
        case RejectReason::BadNumber: return "bad_number";
        case RejectReason::BadField: return "bad_field";
        case RejectReason::LineTooLong: return "line_too_long";
        case RejectReason::HeaderLine: return "header_line";
        case RejectReason::NoFormat: return "no_format";
        case RejectReason::DuplicateRequestId: return "duplicate_request_id";
        case RejectReason::NotARequest: return "not_a_request";
        case RejectReason::UnterminatedLine: return "unterminated_line";
        case RejectReason::Count_: break;
    }
    return "unknown";
}

/// Lines that are no records and were never meant to be: blank lines, a format's header lines,
/// the lines of a file that is no log (a README beside the logs), records that are no requests.
/// They are counted apart as "ignored", so that "rejected" means a line that should have been a
/// record and was not.
constexpr bool is_ignored(RejectReason r) {
    return r == RejectReason::EmptyLine || r == RejectReason::HeaderLine || r == RejectReason::NoFormat ||
           r == RejectReason::NotARequest;
}

/// A rejection: the reason, the 0-based byte column where parsing failed, and which field
/// (the format's own 0-based field index) was being read.
struct ParseError {
    RejectReason reason = RejectReason::EmptyLine;
    std::uint32_t column = 0;
    std::uint16_t field = 0;
};

using ParseResult = std::expected<Record, ParseError>;

}  // namespace s3top
