#pragma once
// One interface over every log format s3top reads. A LineParser is made per input file
// (formats such as CloudFront change their layout through header lines), used by one thread.
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/parse/parse_error.hpp"

namespace s3top {

struct JsonFieldMap;

/// Options a format may need: GoAccess-style format strings, a JSON field mapping.
struct FormatOptions {
    std::string log_format;   ///< GoAccess --log-format (a specifier string or a predefined name)
    std::string date_format;  ///< GoAccess --date-format
    std::string time_format;  ///< GoAccess --time-format
    std::shared_ptr<const JsonFieldMap> json_fields = {};  ///< "jsonl": where each field is; null = Caddy's
};

/// Parses one line-oriented log format.
class LineParser {
public:
    virtual ~LineParser() = default;
    /// Stable short name: "s3", "cloudfront", "alb", "elb", "combined", "common", "goaccess", "jsonl" ...
    virtual std::string_view name() const = 0;
    /// Parses one line (its "\n"/"\r\n" may be present). A format's header or comment line
    /// is rejected with RejectReason::HeaderLine after the parser has taken what it needs from
    /// it. Views in the Record point into `line`, or into storage the parser owns that stays
    /// valid until the next call.
    virtual ParseResult parse(std::string_view line) = 0;

    static constexpr std::size_t npos = std::string_view::npos;
    /// Parses the line `rest` starts with (`rest` runs on to the end of the bytes at hand),
    /// finding the line's end as it goes, into `out`, which may hold an earlier line's result:
    /// returns the line's length (up to its '\n', which is not part of it; rest.size() when none
    /// follows). The result is parse()'s of that line. npos when this parser does not (the
    /// default) or not for this line: the caller then finds the line's end and calls parse().
    virtual std::size_t parse_first_line(std::string_view rest, ParseResult& out) {
        (void)rest;
        (void)out;
        return npos;
    }
};

/// Parses a whole document that is not line-oriented (CloudTrail's {"Records":[...]}).
class DocumentParser {
public:
    virtual ~DocumentParser() = default;
    virtual std::string_view name() const = 0;
    /// Calls `on_record` for each record and `on_reject` for each rejected element (with an
    /// excerpt of its text). Record views are valid only during the callback. Returns false
    /// (and an error text) when the document as a whole is malformed.
    virtual bool parse(std::string_view document, const std::function<void(const Record&)>& on_record,
                       const std::function<void(std::string_view excerpt, ParseError)>& on_reject,
                       std::string& error) = 0;
};

/// The S3 server access log format.
class S3LineParser final : public LineParser {
public:
    std::string_view name() const override { return "s3"; }
    ParseResult parse(std::string_view line) override;
    std::size_t parse_first_line(std::string_view rest, ParseResult& out) override;
};

}  // namespace s3top
