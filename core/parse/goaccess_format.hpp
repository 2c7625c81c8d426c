#pragma once
// GoAccess-compatible --log-format / --date-format / --time-format strings, compiled once into
// a list of steps (literal, field up to a delimiter, skip spaces) and matched per line without
// interpreting the format again.
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/parse/log_format.hpp"
#include "core/parse/time_format.hpp"

namespace s3top {

/// A GoAccess predefined format: the log format and the date/time formats GoAccess pairs with it.
struct GoAccessPreset {
    std::string_view name;
    std::string_view log_format;
    std::string_view date_format;
    std::string_view time_format;
};

/// The predefined formats of GoAccess 1.7 (COMBINED, VCOMBINED, COMMON, VCOMMON, W3C,
/// CLOUDFRONT, CLOUDSTORAGE, AWSELB, SQUID, AWSS3, CADDY, AWSALB), their strings as GoAccess
/// 1.7 defines them. Names compare case-insensitively; nullopt for other names.
std::optional<GoAccessPreset> goaccess_preset(std::string_view name);
/// Their names, in GoAccess's order (for --list log-formats and the shell completions).
std::vector<std::string_view> goaccess_preset_names();

/// What a format specifier fills.
enum class GoSpec : std::uint8_t {
    Skip,        ///< %^ (and specifiers s3top has no field for: %C %M %n)
    Host,        ///< %h; ~h{delims} takes the first address of an X-Forwarded-For list
    Date,        ///< %d
    Time,        ///< %t
    DateTime,    ///< %x
    Request,     ///< %r
    Method,      ///< %m
    Url,         ///< %U (a '?' in it splits off the query)
    Query,       ///< %q
    Protocol,    ///< %H
    Status,      ///< %s
    Bytes,       ///< %b
    Referrer,    ///< %R
    UserAgent,   ///< %u
    VHost,       ///< %v
    User,        ///< %e
    ServeSec,    ///< %T seconds (with fraction)
    ServeUs,     ///< %D microseconds
    ServeMs,     ///< %L milliseconds
    TlsVersion,  ///< %K
    TlsCipher,   ///< %k
};

struct GoStep {
    enum class Kind : std::uint8_t { Literal, Field, SkipSpaces };
    Kind kind = Kind::Literal;
    GoSpec spec = GoSpec::Skip;
    std::string literal;       ///< Literal: the text to match
    char delim = 0;            ///< Field: the character ending it
    bool to_end = false;       ///< Field: the last step, runs to the end of the line (or a space for tokens)
    std::string xff_delims;    ///< ~h: the characters separating the list's addresses
    bool offset_skip = false;  ///< a %^ right after "%t ": a "+hhmm" in it is applied as the offset
};

/// A compiled format. Build it with compile_goaccess_format().
struct CompiledFormat {
    std::vector<GoStep> steps;
    TimeFormat date;
    TimeFormat time;
    TimeFormat date_time;  ///< for %x
    bool json = false;     ///< a JSON format (CADDY): handled by the jsonl parser, not by steps
};

/// Compiles a GoAccess log format (a specifier string or a predefined name) with its date and
/// time formats (each may be empty when the log format is a predefined name, or itself a
/// predefined name). "\t" in the log format stands for a TAB, as in GoAccess.
///
/// Specifiers: %h %d %t %x %r %m %U %q %H %s %b %R %u %v %e %T %D %L %K %k %^ %~ ~h{...}, and
/// %C %M %n accepted and skipped. %x is matched with the date format when date and time formats
/// are equal (%s, %f), else with "<date> <time>". Differences from GoAccess, on purpose: a
/// literal must match exactly; the first of %T/%D/%L wins (as GoAccess says); a %^ directly
/// after "%t " that holds a "+hhmm" offset (the CLF "[%d:%t %^]") is applied, so times are UTC
/// where GoAccess 1.7 would ignore the zone. Errors name the problem.
std::expected<CompiledFormat, std::string> compile_goaccess_format(std::string_view log_format,
                                                                   std::string_view date_format,
                                                                   std::string_view time_format);

/// Matches one line against a compiled format. Views point into `line`. The line must reach
/// the end of the format; text after the last step is tolerated (counted as one extra field).
ParseResult parse_goaccess_line(const CompiledFormat& format, std::string_view line);

class GoAccessLineParser final : public LineParser {
public:
    explicit GoAccessLineParser(CompiledFormat format) : format_(std::move(format)) {}
    std::string_view name() const override { return "goaccess"; }
    ParseResult parse(std::string_view line) override { return parse_goaccess_line(format_, line); }

private:
    CompiledFormat format_;
};

}  // namespace s3top
