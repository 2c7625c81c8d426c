#pragma once
// Every log format as one table (log_formats()): each format judges its own lines, makes its
// parser and says whether it is read by lines or as a whole document and whether its records
// carry request ids. Detection and the factory walk the table.
//
// Adding a format: its parser, and its row in kFormats (format_registry.cpp) with a sample line.
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/parse/log_format.hpp"

namespace s3top {

enum class FormatKind : std::uint8_t {
    Line,      ///< a LineParser per file, fed line by line
    Document,  ///< a DocumentParser given the whole file (CloudTrail's {"Records":[...]})
};

/// One line of a file's start, as detection shows it to each format.
struct SampleLine {
    std::string_view raw;   ///< as read (what the parsers take)
    std::string_view text;  ///< without surrounding blanks and the line end; never empty
    bool first = false;     ///< the file's first non-blank line
    /// text starts with '{' or '[': only formats with json_lines judge it, and only those
    /// judge nothing else.
    bool json = false;
};

using LineParserResult = std::expected<std::unique_ptr<LineParser>, std::string>;
using DocumentParserResult = std::expected<std::unique_ptr<DocumentParser>, std::string>;

struct LogFormat {
    std::string_view name;  ///< as --log-format takes it and the "formats detected" note says it
    FormatKind kind = FormatKind::Line;
    bool request_ids = false;  ///< its records carry a per-request id (--dedupe request-id)
    bool json_lines = false;   ///< judges the lines that start with '{' or '[' (see SampleLine)
    /// Its last fields are optional (AWS appends fields over the years), so a line cut inside
    /// them reads as a shorter line holding half a last field. Every line of such a log ends in
    /// a newline; a file's last line without one was cut short and is rejected.
    bool open_tail = false;
    /// A header line that names this format wherever it is in the file (weighs as 1000 lines).
    bool (*header)(std::string_view text) = nullptr;
    /// Whether `line` is one of this format's lines. Null: never detected, only named.
    bool (*takes)(const SampleLine& line) = nullptr;
    /// A line format whose parser is this one stateless parse and whose takes() is that it
    /// succeeds on the raw line (S3, ALB, ELB): detection keeps the records it made judging a
    /// file's first lines, and the reader hands them on, so those lines are not parsed twice.
    ParseResult (*parse)(std::string_view raw) = nullptr;
    /// Line formats: the parser (options: GoAccess strings, the JSON field map).
    LineParserResult (*make_line)(const FormatOptions& options) = nullptr;
    /// Document formats: the parser.
    DocumentParserResult (*make_document)() = nullptr;
    /// Document formats: whether the whole text is one of its documents (detection saw only the
    /// start), and what one is, for the message when it is not.
    bool (*is_document)(std::string_view whole) = nullptr;
    std::string_view document_shape = {};
    /// A line of the format that detection must recognise (the table's tests walk them).
    std::string_view sample = {};
};

/// Every format, in detection's tie order: on equal votes the earlier row wins, so S3 lines are
/// always S3 and equal input always gives the same answer.
std::span<const LogFormat> log_formats();
/// The row named `name`; null when none is.
const LogFormat* find_format(std::string_view name);

/// Names the line parsers answer to ("s3", "cloudfront", ..., "jsonl", "goaccess").
std::vector<std::string_view> line_format_names();

/// Guesses the format of a file from its first lines (give 10-50; blank lines are ignored).
/// Each line votes for the first format in the table that takes it; a format's header line
/// (CloudFront's "#Version"/"#Fields:") weighs 1000. The name with most votes wins, ties to the
/// earlier row. nullopt when no line matches any format. Once one format leads by more than
/// the remaining lines could change, the rest are only checked for headers.
std::optional<std::string> detect_format(std::span<const std::string_view> first_lines);

/// Makes the LineParser for `name` ("goaccess" compiles options.log_format / date_format /
/// time_format, and a JSON GoAccess format such as CADDY gives the jsonl parser). "auto" is not
/// a parser: detect first. A document format: use make_document_parser. Errors say why.
LineParserResult make_line_parser(std::string_view name, const FormatOptions& options);

/// Makes the DocumentParser for `name` ("cloudtrail").
DocumentParserResult make_document_parser(std::string_view name);

/// True for formats read as whole documents rather than lines ("cloudtrail").
bool is_document_format(std::string_view name);

/// A line detection parsed while it judged a file's first lines, and the record it made
/// (views into `line`): what the chosen format's parser gives for those very bytes.
struct ParsedLine {
    std::string_view line;
    Record record;
};

/// A file's format and its line parser (null for a document format: the file is read whole
/// and given to make_document_parser(name)).
struct ChosenFormat {
    std::string name;
    std::unique_ptr<LineParser> parser;
    /// Detected with a format that has LogFormat::parse: the lines among `first_lines` it took,
    /// in order, with their records.
    std::vector<ParsedLine> parsed = {};
};

/// The format for a file: `format` as named, "auto" (detected from `first_lines`), or a
/// GoAccess predefined name or specifier string ("goaccess", compiled from `format` unless
/// options.log_format is set), with its line parser made. The error says why there is none.
std::expected<ChosenFormat, std::string> choose_format(std::string_view format,
                                                       std::span<const std::string_view> first_lines,
                                                       const FormatOptions& options);

}  // namespace s3top
