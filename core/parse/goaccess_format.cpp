#include "core/parse/goaccess_format.hpp"

#include <expected>

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "core/parse/field_scan.hpp"
#include "core/parse/uri.hpp"

namespace s3top {
namespace {

using scan::error;

// GoAccess 1.7's definitions (src/settings.c), byte for byte; "\\t" is GoAccess's TAB escape.
constexpr std::string_view kApacheDate = "%d/%b/%Y";
constexpr std::string_view kW3cDate = "%Y-%m-%d";
constexpr std::string_view kTime24 = "%H:%M:%S";
constexpr std::array<GoAccessPreset, 12> kPresets{{
    {"COMBINED", R"(%h %^[%d:%t %^] "%r" %s %b "%R" "%u")", kApacheDate, kTime24},
    {"VCOMBINED", R"(%v:%^ %h %^[%d:%t %^] "%r" %s %b "%R" "%u")", kApacheDate, kTime24},
    {"COMMON", R"(%h %^[%d:%t %^] "%r" %s %b)", kApacheDate, kTime24},
    {"VCOMMON", R"(%v:%^ %h %^[%d:%t %^] "%r" %s %b)", kApacheDate, kTime24},
    {"W3C", "%d %t %^ %m %U %q %^ %^ %h %u %R %s %^ %^ %L", kW3cDate, kTime24},
    {"CLOUDFRONT",
     R"(%d\t%t\t%^\t%b\t%h\t%m\t%v\t%U\t%s\t%R\t%u\t%q\t%^\t%C\t%^\t%^\t%^\t%^\t%T\t%^\t%K\t%k\t%^\t%H\t%^)", kW3cDate,
     kTime24},
    {"CLOUDSTORAGE", R"("%x","%h",%^,%^,"%m","%U","%s",%^,"%b","%D",%^,"%R","%u")", "%f", "%f"},
    {"AWSELB", R"(%^ %dT%t.%^ %^ %h:%^ %^ %^ %T %^ %s %^ %^ %b "%r" "%u" %k %K %^ "%^" "%v")", kW3cDate, kTime24},
    {"SQUID", "%^ %^ %^ %v %^: %x.%^ %~%L %h %^/%s %b %m %U", "%s", "%s"},
    {"AWSS3", R"(%^ %v [%d:%t %^] %h %^"%r" %s %^ %b %^ %L %^ "%R" "%u")", kApacheDate, kTime24},
    {"CADDY",
     R"({ "ts": "%x.%^", "request": { "remote_ip": "%h", "proto":"%H", "method": "%m", "host": "%v", "uri": "%U", )"
     R"("headers": {"User-Agent": ["%u"], "Referer": ["%R"] }, "tls": { "cipher_suite":"%k", "proto": "%K" } }, )"
     R"("duration": "%T", "size": "%b","status": "%s", "resp_headers": { "Content-Type": ["%M"] } })",
     "%s", "%s"},
    {"AWSALB", R"(%^ %dT%t.%^ %v %h:%^ %^ %^ %T %^ %s %^ %^ %b "%r" "%u" %k %K %^)", kW3cDate, kTime24},
}};

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto up = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; };
        if (up(a[i]) != up(b[i])) return false;
    }
    return true;
}

std::optional<GoSpec> spec_of(char c) {
    switch (c) {
        case 'h': return GoSpec::Host;
        case 'd': return GoSpec::Date;
        case 't': return GoSpec::Time;
        case 'x': return GoSpec::DateTime;
        case 'r': return GoSpec::Request;
        case 'm': return GoSpec::Method;
        case 'U': return GoSpec::Url;
        case 'q': return GoSpec::Query;
        case 'H': return GoSpec::Protocol;
        case 's': return GoSpec::Status;
        case 'b': return GoSpec::Bytes;
        case 'R': return GoSpec::Referrer;
        case 'u': return GoSpec::UserAgent;
        case 'v': return GoSpec::VHost;
        case 'e': return GoSpec::User;
        case 'T': return GoSpec::ServeSec;
        case 'D': return GoSpec::ServeUs;
        case 'L': return GoSpec::ServeMs;
        case 'K': return GoSpec::TlsVersion;
        case 'k': return GoSpec::TlsCipher;
        case '^':
        case 'C':
        case 'M':
        case 'n': return GoSpec::Skip;
        default: return std::nullopt;
    }
}

// Fields that are single tokens: when one ends the format it stops at a space.
bool is_token(GoSpec s) {
    switch (s) {
        case GoSpec::Host:
        case GoSpec::Status:
        case GoSpec::Bytes:
        case GoSpec::ServeSec:
        case GoSpec::ServeUs:
        case GoSpec::ServeMs:
        case GoSpec::Skip:
        case GoSpec::TlsVersion:
        case GoSpec::TlsCipher:
        case GoSpec::Method:
        case GoSpec::Protocol: return true;
        default: return false;
    }
}

std::string unescape_tabs(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 't') {
            out.push_back('\t');
            ++i;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

constexpr int kMaxQuoteCandidates = 8;

}  // namespace

std::vector<std::string_view> goaccess_preset_names() {
    std::vector<std::string_view> names;
    for (const auto& p : kPresets) names.push_back(p.name);
    return names;
}

std::optional<GoAccessPreset> goaccess_preset(std::string_view name) {
    for (const auto& p : kPresets) {
        if (iequals(name, p.name)) return p;
    }
    return std::nullopt;
}

std::expected<CompiledFormat, std::string> compile_goaccess_format(std::string_view log_format,
                                                                   std::string_view date_format,
                                                                   std::string_view time_format) {
    if (auto p = goaccess_preset(log_format)) {
        log_format = p->log_format;
        if (date_format.empty()) date_format = p->date_format;
        if (time_format.empty()) time_format = p->time_format;
    }
    if (auto p = goaccess_preset(date_format)) date_format = p->date_format;
    if (auto p = goaccess_preset(time_format)) time_format = p->time_format;
    while (!log_format.empty() && log_format.front() == ' ') log_format.remove_prefix(1);
    if (log_format.empty()) return std::unexpected(std::string("empty log format"));

    CompiledFormat f;
    if (log_format.front() == '{') {
        f.json = true;
        return f;
    }
    const std::string fmt = unescape_tabs(log_format);
    bool has_date = false, has_time = false, has_datetime = false;
    std::string literal;
    auto flush = [&]() {
        if (literal.empty()) return;
        GoStep s;
        s.kind = GoStep::Kind::Literal;
        s.literal = std::move(literal);
        literal.clear();
        f.steps.push_back(std::move(s));
    };
    for (std::size_t i = 0; i < fmt.size(); ++i) {
        const char c = fmt[i];
        GoStep s;
        s.kind = GoStep::Kind::Field;
        if (c == '~' && i + 2 < fmt.size() && fmt[i + 1] == 'h' && fmt[i + 2] == '{') {
            const auto close = fmt.find('}', i + 3);
            if (close == std::string::npos || close == i + 3)
                return std::unexpected(fmt::format("unterminated or empty ~h{{...}} at column {}", i));
            s.spec = GoSpec::Host;
            s.xff_delims = fmt.substr(i + 3, close - i - 3);
            i = close;
        } else if (c == '%') {
            if (i + 1 == fmt.size()) return std::unexpected(std::string("log format ends with '%'"));
            const char sc = fmt[++i];
            if (sc == '~') {
                flush();
                GoStep sk;
                sk.kind = GoStep::Kind::SkipSpaces;
                f.steps.push_back(std::move(sk));
                continue;
            }
            const auto spec = spec_of(sc);
            if (!spec) return std::unexpected(fmt::format("unknown log format specifier %{} at column {}", sc, i - 1));
            s.spec = *spec;
        } else {
            literal.push_back(c);
            continue;
        }
        // A field: its delimiter is the character that follows it in the format.
        flush();
        if (i + 1 == fmt.size()) {
            s.to_end = true;
        } else {
            s.delim = fmt[i + 1];
            if (s.delim == '%' && !(i + 2 < fmt.size() && fmt[i + 2] == '~'))
                return std::unexpected(fmt::format(
                    "specifier at column {} must be followed by a delimiter, not another specifier", i - 1));
            if (s.delim == '%') s.delim = ' ';  // "%L" before "%~": a token
            if (s.delim == '~') return std::unexpected("a field may not be followed by '~'");
        }
        if (s.spec == GoSpec::Date) has_date = true;
        if (s.spec == GoSpec::Time) has_time = true;
        if (s.spec == GoSpec::DateTime) has_datetime = true;
        const std::size_t n = f.steps.size();
        if (s.spec == GoSpec::Skip && n >= 2 && f.steps[n - 1].kind == GoStep::Kind::Literal &&
            f.steps[n - 1].literal == " " && f.steps[n - 2].kind == GoStep::Kind::Field &&
            f.steps[n - 2].spec == GoSpec::Time)
            s.offset_skip = true;
        f.steps.push_back(std::move(s));
    }
    flush();

    if (!has_date && !has_datetime) return std::unexpected(std::string("log format has no date (%d or %x)"));
    if (has_date || has_datetime) {
        if (date_format.empty()) return std::unexpected(std::string("a date format is required"));
        auto d = TimeFormat::compile(date_format);
        if (!d) return std::unexpected(d.error());
        f.date = std::move(*d);
    }
    if (has_time || (has_datetime && !time_format.empty() && time_format != date_format)) {
        if (time_format.empty()) return std::unexpected(std::string("a time format is required"));
        auto t = TimeFormat::compile(time_format);
        if (!t) return std::unexpected(t.error());
        f.time = std::move(*t);
    }
    if (has_datetime) {
        const std::string dt = time_format.empty() || time_format == date_format
                                   ? std::string(date_format)
                                   : fmt::format("{} {}", date_format, time_format);
        auto x = TimeFormat::compile(dt);
        if (!x) return std::unexpected(x.error());
        f.date_time = std::move(*x);
    }
    return f;
}

namespace {

/// What the steps of one line captured before they are combined into the Record.
struct Captured {
    std::string_view date, time, datetime, offset, request, method, url, query, protocol;
    bool have_serve = false;  ///< the first time-served specifier wins
};

/// Where the value of step `si` that starts at `pos` ends, or why the line has none.
std::expected<std::size_t, RejectReason> value_end(const CompiledFormat& f, std::size_t si, std::string_view line,
                                                   std::size_t pos) {
    const GoStep& st = f.steps[si];
    if (st.to_end) {
        const std::size_t end = is_token(st.spec) ? line.find(' ', pos) : line.size();
        return end == std::string_view::npos ? line.size() : end;
    }
    if (st.delim != '"') {
        const std::size_t end = line.find(st.delim, pos);
        if (end == std::string_view::npos) return std::unexpected(RejectReason::TooFewFields);
        return end;
    }
    // The closing quote: unescaped, and followed by what the format says comes next.
    const std::string_view next = si + 1 < f.steps.size() && f.steps[si + 1].kind == GoStep::Kind::Literal
                                      ? std::string_view(f.steps[si + 1].literal)
                                      : std::string_view("\"");
    std::size_t q = pos;
    for (int tries = 0; tries < kMaxQuoteCandidates; ++tries) {
        q = scan::next_unescaped_quote(line, q);
        if (q == std::string_view::npos) break;
        if (line.substr(q, next.size()) == next) return q;
        ++q;
    }
    return std::unexpected(RejectReason::UnterminatedQuote);
}

/// Puts one specifier's value where it belongs: the Record, or `c` for what is combined later.
std::optional<RejectReason> store_value(const GoStep& st, std::string_view v, Captured& c, Record& r) {
    switch (st.spec) {
        case GoSpec::Skip:
            if (st.offset_skip) c.offset = v;
            break;
        case GoSpec::Host: {
            std::string_view h = v;
            if (!st.xff_delims.empty()) {
                const auto cut = h.find_first_of(st.xff_delims);
                h = h.substr(0, cut);
            } else if (h.ends_with(',')) {
                h.remove_suffix(1);  // "a, b ..." X-Forwarded-For list: the client is the first
            }
            while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
            if (h.empty() || h.find('"') != std::string_view::npos) return RejectReason::BadField;
            r.remote_ip = scan::absent(h);
            break;
        }
        case GoSpec::Date: c.date = v; break;
        case GoSpec::Time: c.time = v; break;
        case GoSpec::DateTime: c.datetime = v; break;
        case GoSpec::Request: c.request = v; break;
        case GoSpec::Method: c.method = scan::absent(v); break;
        case GoSpec::Url: c.url = scan::absent(v); break;
        case GoSpec::Query: c.query = scan::absent(v); break;
        case GoSpec::Protocol: c.protocol = scan::absent(v); break;
        case GoSpec::Status:
            if (!scan::parse_status(v, r.status)) return RejectReason::BadStatus;
            break;
        case GoSpec::Bytes:
            if (v != "-" && !scan::parse_u64(v, r.bytes_sent)) return RejectReason::BadNumber;
            break;
        case GoSpec::Referrer: r.referrer = scan::absent(v); break;
        case GoSpec::UserAgent: r.user_agent = scan::absent(v); break;
        case GoSpec::VHost: r.host_header = scan::absent(v); break;
        case GoSpec::User: r.requester = scan::absent(v); break;
        case GoSpec::ServeSec:
        case GoSpec::ServeUs:
        case GoSpec::ServeMs: {
            if (c.have_serve) break;
            c.have_serve = true;
            const std::uint64_t scale = st.spec == GoSpec::ServeSec  ? 1'000'000
                                        : st.spec == GoSpec::ServeMs ? 1'000
                                                                     : 1;
            std::uint64_t us = 0;
            if (!scan::parse_duration_us(v, scale, us, r.has_total_time)) return RejectReason::BadNumber;
            r.total_time_ms = scan::us_to_ms(us);
            break;
        }
        case GoSpec::TlsVersion: r.tls_version = scan::absent(v); break;
        case GoSpec::TlsCipher: r.cipher_suite = scan::absent(v); break;
    }
    return std::nullopt;
}

/// The record's time from the captured date, time, date-time and offset; nullopt when none parses.
std::optional<std::int64_t> time_of(const CompiledFormat& f, const Captured& c) {
    TimeParts tp;
    bool ok = false;
    if (!c.datetime.empty() || c.date.empty()) {
        ok = !c.datetime.empty() && f.date_time.parse(c.datetime, tp);
    } else {
        ok = f.date.parse(c.date, tp) && (c.time.empty() || f.time.empty() || f.time.parse(c.time, tp));
    }
    if (ok && !tp.has_offset && c.offset.size() == 5 && (c.offset[0] == '+' || c.offset[0] == '-')) {
        TimeParts off;
        static const TimeFormat kOffset = *TimeFormat::compile("%z");
        if (kOffset.parse(c.offset, off)) {
            tp.has_offset = true;
            tp.offset_s = off.offset_s;
        }
    }
    return ok ? time_parts_to_epoch(tp) : std::nullopt;
}

/// The request line, or the method/URL/query/protocol specifiers given apart, into `r`.
void fill_request(const Captured& c, Record& r) {
    if (!c.request.empty()) {
        r.request_uri = scan::absent(c.request);
        const RequestLine rl = split_request_line(r.request_uri);
        r.method = rl.method;
        r.path = rl.path;
        r.query = rl.query;
        r.protocol = rl.protocol;
    }
    if (!c.method.empty()) r.method = c.method;
    if (!c.protocol.empty()) r.protocol = c.protocol;
    if (!c.url.empty()) {
        const auto q = c.url.find('?');
        r.path = c.url.substr(0, q);
        if (q != std::string_view::npos) r.query = c.url.substr(q + 1);
    }
    if (!c.query.empty()) r.query = c.query.front() == '?' ? c.query.substr(1) : c.query;
    r.key = scan::key_from_path(r.path);
}

}  // namespace

ParseResult parse_goaccess_line(const CompiledFormat& f, std::string_view line) {
    line = scan::strip_eol(line);
    if (line.empty()) return std::unexpected(error(RejectReason::EmptyLine, 0, 0));
    if (f.json) return std::unexpected(error(RejectReason::NoFormat, 0, 0));

    Record r;
    Captured c;
    std::size_t pos = 0;
    std::uint16_t field = 0;
    for (std::size_t si = 0; si < f.steps.size(); ++si) {
        const GoStep& st = f.steps[si];
        if (st.kind == GoStep::Kind::Literal) {
            const std::string_view have = line.substr(std::min(pos, line.size()), st.literal.size());
            if (have != st.literal) {
                // The line ending inside the literal means fields are missing, not wrong.
                const bool cut = have.size() < st.literal.size() && std::string_view(st.literal).starts_with(have);
                return std::unexpected(error(cut ? RejectReason::TooFewFields : RejectReason::BadField, pos, field));
            }
            pos += st.literal.size();
            continue;
        }
        if (st.kind == GoStep::Kind::SkipSpaces) {
            while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
            continue;
        }
        const auto end = value_end(f, si, line, pos);
        if (!end) {
            const std::size_t col = end.error() == RejectReason::TooFewFields ? line.size() : pos;
            return std::unexpected(error(end.error(), col, field));
        }
        if (const auto why = store_value(st, line.substr(pos, *end - pos), c, r))
            return std::unexpected(error(*why, pos, field));
        pos = *end;
        ++field;
    }
    const auto epoch = time_of(f, c);
    if (!epoch) return std::unexpected(error(RejectReason::BadTimestamp, 0, 0));
    r.time = *epoch;
    fill_request(c, r);
    r.field_count = field;
    if (pos < line.size()) {
        r.extra_fields = 1;
        ++r.field_count;
    }
    return r;
}

}  // namespace s3top
