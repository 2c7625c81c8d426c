#pragma once
// The S3 line parser before the line index, kept as the tests' reference: see
// reference_s3_parser.cpp. Test code only.
#include <string_view>

#include "core/parse/parse_error.hpp"

namespace s3top::reference {

/// What s3top::parse_s3_access_log returned before session 24, for the same line.
ParseResult parse_s3_access_log(std::string_view line);

/// Where two results for the same line differ: the first field (its name) whose value, or view
/// (the same bytes of the line: pointer and length), is not the same; a rejection's reason,
/// column or field; "" when they agree in everything.
const char* difference(const ParseResult& got, const ParseResult& want);

}  // namespace s3top::reference
