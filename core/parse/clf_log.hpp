#pragma once
// Apache / nginx access logs: Common Log Format and Combined, each with or without a leading
// virtual host ("%v:%p %h ..." or "%v %h ..."), and with X-Forwarded-For lists in front of
// the client address ("10.0.0.2, 10.0.0.1 - - [...]" or "\"a, b\" 10.2.1.185 - - [...]").
#include <string>
#include <string_view>

#include "core/parse/log_format.hpp"

namespace s3top {

/// Field indices of the CLF family, as reported in ParseError::field.
enum ClfField : std::uint16_t {
    kClfHost,
    kClfIdent,
    kClfUser,
    kClfTime,
    kClfRequest,
    kClfStatus,
    kClfBytes,
    kClfReferrer,
    kClfUserAgent,
    kClfFieldCount
};

/// What a CLF-family line looked like, for format detection.
struct ClfShape {
    bool has_vhost = false;     ///< a virtual host stood before the client
    bool has_xff = false;       ///< the client came from an X-Forwarded-For list
    bool has_referrer = false;  ///< combined: referrer and user agent followed the bytes
};

/// Parses one common/combined line, with or without virtual host. The client (remote_ip) is
/// the first address of an X-Forwarded-For list when one is present; the virtual host (port
/// dropped) goes to host_header, the authenticated user to requester, and "-" bytes count 0.
/// Quoted fields honour backslash escapes (Apache writes \" inside them; nginx writes \x22,
/// which is kept as it is). Never allocates; views point into `line`.
ParseResult parse_clf_line(std::string_view line, ClfShape* shape = nullptr);

/// The CLF family as a LineParser. One parser reads all four variants; `name` is what the
/// caller asked for ("combined", "common", "vcombined", "vcommon").
class ClfLineParser final : public LineParser {
public:
    explicit ClfLineParser(std::string name = "combined") : name_(std::move(name)) {}
    std::string_view name() const override { return name_; }
    ParseResult parse(std::string_view line) override { return parse_clf_line(line); }

private:
    std::string name_;
};

}  // namespace s3top
