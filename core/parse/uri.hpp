#pragma once
// Request lines, query strings and percent-decoding.
#include <optional>
#include <string>
#include <string_view>

namespace s3top {

/// "GET /bucket/key?org=a HTTP/1.1" split into its parts (views into the input).
struct RequestLine {
    std::string_view method;
    std::string_view path;
    std::string_view query;  ///< without '?'
    std::string_view protocol;
};

/// Splits a request line. Tolerates a missing protocol ("GET /x"), a target with spaces or
/// quotes inside (S3 never escapes them), and a lone "-" (all empty).
RequestLine split_request_line(std::string_view uri);

/// split_request_line for a caller that knows where uri's first and last spaces are (npos: none;
/// `last` npos also when the first is the only one): the S3 parser, from its line index. It
/// writes the four parts into `out` (a RequestLine, or a Record: the same four fields), every one
/// of them: a RequestLine returned through memory was stored view by view as two words and read
/// back as one, which the store buffer cannot forward (~2-3 ns a line, session 27).
template <class Parts>
void split_request_line_to(std::string_view uri, std::size_t first, std::size_t last, Parts& out);

/// Percent-decodes `in` into `out` (cleared first). With plus_is_space, '+' becomes ' ' (query
/// strings); keys in S3's key field keep '+'. Malformed escapes are copied as they are.
void url_decode(std::string_view in, std::string& out, bool plus_is_space);

/// True when `in` has anything url_decode would change.
bool needs_url_decode(std::string_view in, bool plus_is_space);

/// Looks up the first `name=value` pair in a query string ("a=1&org=x"), returning the raw
/// (still encoded) value; a bare `name` yields an empty value. Names compare after decoding.
std::optional<std::string_view> query_param_raw(std::string_view query, std::string_view name);

namespace uri_detail {
/// query_param of a query that is not empty.
std::optional<std::string_view> query_param_of(std::string_view query, std::string_view name, std::string& scratch);
}  // namespace uri_detail

/// As query_param_raw, decoded. The result views the query when nothing needed decoding, else
/// `scratch`. Inline for the lines with no query (a third of the bench's): a call for nothing
/// cost them ~9 ns.
inline std::optional<std::string_view> query_param(std::string_view query, std::string_view name,
                                                   std::string& scratch) {
    if (query.empty()) return std::nullopt;  // no pair has a name
    return uri_detail::query_param_of(query, name, scratch);
}

}  // namespace s3top
