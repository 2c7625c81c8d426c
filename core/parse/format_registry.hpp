#pragma once
// Every log format by name: detection from a file's first lines, and a factory.
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/parse/log_format.hpp"

namespace s3top {

/// Names the line parsers answer to: "s3", "cloudfront", "alb", "elb", "combined", "common",
/// "vcombined", "vcommon", "jsonl", "goaccess".
std::span<const std::string_view> line_format_names();

/// Guesses the format of a file from its first lines (give 10-50; empty lines are ignored).
/// Returns "s3", "cloudfront", "alb", "elb", "vcombined", "combined", "vcommon", "common",
/// "jsonl" or "cloudtrail"; nullopt when no line matches any format.
///
/// Rules: a "#Version"/"#Fields:" line is CloudFront; a first line that is only "{" or "[" or
/// a JSON line with "Records", "eventVersion" or "eventSource" is CloudTrail; any other line
/// starting with '{' is jsonl. Every other line votes for the first of s3, cloudfront, alb, elb,
/// the CLF family that parses it (the CLF vote is vcombined/combined/vcommon/common by whether a
/// virtual host and referrer/user agent were present). The name with most votes wins; a tie
/// goes to the earlier name in that order, so S3 lines are always S3, and equal input always
/// gives the same answer.
std::optional<std::string> detect_format(std::span<const std::string_view> first_lines);

/// Makes the LineParser for `name` (see line_format_names(); "goaccess" compiles
/// options.log_format / date_format / time_format, and a JSON GoAccess format such as CADDY gives
/// the jsonl parser). "auto" is not a parser: detect first. "cloudtrail" is a document format:
/// use make_document_parser. Errors say why.
std::expected<std::unique_ptr<LineParser>, std::string> make_line_parser(std::string_view name,
                                                                         const FormatOptions& options);

/// Makes the DocumentParser for `name` ("cloudtrail").
std::expected<std::unique_ptr<DocumentParser>, std::string> make_document_parser(std::string_view name);

/// True for formats read as whole documents rather than lines ("cloudtrail").
bool is_document_format(std::string_view name);

}  // namespace s3top
