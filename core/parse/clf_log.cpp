#include "core/parse/clf_log.hpp"

#include <array>

#include "core/parse/clf_time.hpp"
#include "core/parse/field_scan.hpp"
#include "core/parse/uri.hpp"

namespace s3top {
namespace {

using scan::error;

// How many '[' / '"' candidates we try before giving up; real lines need one.
constexpr int kMaxCandidates = 8;
constexpr std::size_t kMaxPrefixTokens = 16;
constexpr std::size_t kClfTimeLen = 26;  // "06/Feb/2019:00:00:38 +0000"

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The first address of a comma-separated list ("10.0.0.2, 10.0.0.1"), trimmed.
std::string_view first_address(std::string_view list) {
    const auto comma = list.find(',');
    std::string_view a = list.substr(0, comma);
    while (!a.empty() && a.back() == ' ') a.remove_suffix(1);
    while (!a.empty() && a.front() == ' ') a.remove_prefix(1);
    return a;
}

struct Item {
    std::string_view text;
    bool list = false;
};

// Position of the '[' that opens the timestamp, or npos. Sets `bad` to the first '[' that
// looked like a timestamp but did not parse.
std::size_t find_time(std::string_view line, std::size_t& bad, std::int64_t& time) {
    bad = std::string_view::npos;
    std::size_t pos = 0;
    for (int tries = 0; tries < kMaxCandidates; ++tries) {
        pos = line.find('[', pos);
        if (pos == std::string_view::npos) return pos;
        if (pos > 0 && line[pos - 1] == ' ') {
            const std::size_t close = pos + 1 + kClfTimeLen;
            if (close < line.size() && line[close] == ']') {
                if (auto t = parse_clf_time(line.substr(pos + 1, kClfTimeLen))) {
                    time = *t;
                    return pos;
                }
            }
            if (bad == std::string_view::npos) bad = pos;
        }
        ++pos;
    }
    return std::string_view::npos;
}

// The end of the quoted field opening at `open`: the first unescaped '"' followed by the end
// of the line or a space and something `next_ok` accepts.
template <typename NextOk>
std::size_t quoted_end(std::string_view line, std::size_t open, NextOk next_ok) {
    std::size_t q = open;
    for (int tries = 0; tries < kMaxCandidates; ++tries) {
        q = scan::closing_quote(line, q);
        if (q == std::string_view::npos) return q;
        if (q + 1 == line.size()) return q;
        if (line[q + 1] == ' ') {
            std::size_t n = q + 1;
            while (n < line.size() && line[n] == ' ') ++n;
            if (n == line.size() || next_ok(line[n])) return q;
        }
    }
    return std::string_view::npos;
}

/// The part before the time: [vhost] [xff list] host ident user. Fills the client address,
/// the virtual host and the user into `r`, what the line holds into `sh`.
std::optional<ParseError> parse_prefix(std::string_view prefix, std::size_t lb, Record& r, ClfShape& sh) {
    // The prefix: [vhost] [xff list] host ident user.
    std::array<std::string_view, kMaxPrefixTokens> tok{};
    std::array<bool, kMaxPrefixTokens> quoted{};
    std::size_t n = 0;
    for (std::size_t p = 0; p < prefix.size();) {
        if (prefix[p] == ' ') {
            ++p;
            continue;
        }
        if (n == kMaxPrefixTokens) return error(RejectReason::BadField, p, kClfHost);
        if (prefix[p] == '"') {
            const std::size_t q = scan::closing_quote(prefix, p);
            if (q == std::string_view::npos) return error(RejectReason::UnterminatedQuote, p, kClfHost);
            tok[n] = prefix.substr(p + 1, q - p - 1);
            quoted[n++] = true;
            p = q + 1;
            continue;
        }
        const std::size_t s = p;
        while (p < prefix.size() && prefix[p] != ' ') ++p;
        tok[n] = prefix.substr(s, p - s);
        quoted[n++] = false;
    }
    if (n < 3) return error(RejectReason::TooFewFields, lb, static_cast<std::uint16_t>(kClfHost + (3 - n) - 1));
    r.requester = scan::absent(tok[n - 1]);

    // Group the host tokens: "a," "b" is one list; a quoted token is one list.
    std::array<Item, kMaxPrefixTokens> items{};
    std::size_t m = 0;
    for (std::size_t i = 0; i + 2 < n; ++i) {
        if (quoted[i]) {
            items[m++] = Item{tok[i], true};
            continue;
        }
        const char* begin = tok[i].data();
        bool list = false;
        while (tok[i].ends_with(',') && i + 3 < n && !quoted[i + 1]) {
            list = true;
            ++i;
        }
        const char* end = tok[i].data() + tok[i].size();
        items[m++] = Item{std::string_view(begin, static_cast<std::size_t>(end - begin)), list};
    }
    if (m == 1) {
        r.remote_ip = first_address(items[0].text);
        sh.has_xff = items[0].list;
    } else if (items[0].list) {
        r.remote_ip = first_address(items[0].text);
        sh.has_xff = true;
    } else {
        r.host_header = scan::host_without_port(items[0].text, false);
        sh.has_vhost = true;
        r.remote_ip = first_address(items[1].text);
        sh.has_xff = items[1].list || m > 2;
    }
    r.remote_ip = scan::absent(r.remote_ip);
    if (r.remote_ip.find('"') != std::string_view::npos) return error(RejectReason::BadField, 0, kClfHost);

    return std::nullopt;
}

}  // namespace

ParseResult parse_clf_line(std::string_view line, ClfShape* shape) {
    line = scan::strip_eol(line);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (line.empty()) return std::unexpected(error(RejectReason::EmptyLine, 0, 0));

    Record r;
    std::size_t bad = 0;
    const std::size_t lb = find_time(line, bad, r.time);
    if (lb == std::string_view::npos) {
        if (bad != std::string_view::npos) return std::unexpected(error(RejectReason::BadTimestamp, bad, kClfTime));
        return std::unexpected(error(RejectReason::TooFewFields, line.size(), kClfTime));
    }

    ClfShape sh;
    if (const auto e = parse_prefix(line.substr(0, lb), lb, r, sh)) return std::unexpected(*e);

    // "request"
    std::size_t pos = lb + 1 + kClfTimeLen + 1;
    while (pos < line.size() && line[pos] == ' ') ++pos;
    if (pos >= line.size()) return std::unexpected(error(RejectReason::TooFewFields, pos, kClfRequest));
    if (line[pos] != '"') return std::unexpected(error(RejectReason::BadField, pos, kClfRequest));
    const std::size_t rq = quoted_end(line, pos, [](char c) { return is_digit(c) || c == '-'; });
    if (rq == std::string_view::npos) return std::unexpected(error(RejectReason::UnterminatedQuote, pos, kClfRequest));
    r.request_uri = scan::absent(line.substr(pos + 1, rq - pos - 1));
    pos = rq + 1;

    auto token = [&]() {
        while (pos < line.size() && line[pos] == ' ') ++pos;
        const std::size_t s = pos;
        while (pos < line.size() && line[pos] != ' ') ++pos;
        return line.substr(s, pos - s);
    };
    std::string_view t = token();
    if (t.empty()) return std::unexpected(error(RejectReason::TooFewFields, pos, kClfStatus));
    if (!scan::parse_status(t, r.status))
        return std::unexpected(error(RejectReason::BadStatus, pos - t.size(), kClfStatus));
    t = token();
    if (t.empty()) return std::unexpected(error(RejectReason::TooFewFields, pos, kClfBytes));
    if (t != "-" && !scan::parse_u64(t, r.bytes_sent))
        return std::unexpected(error(RejectReason::BadNumber, pos - t.size(), kClfBytes));

    std::uint16_t fields = kClfBytes + 1;
    // Optional "referrer" "user agent", then whatever a custom format appends.
    auto quoted_field = [&](std::uint16_t field, std::string_view& out) -> std::optional<ParseError> {
        while (pos < line.size() && line[pos] == ' ') ++pos;
        if (line[pos] != '"') {
            out = scan::absent(token());
            return std::nullopt;
        }
        const std::size_t q = quoted_end(line, pos, [](char) { return true; });
        if (q == std::string_view::npos) return error(RejectReason::UnterminatedQuote, pos, field);
        out = scan::absent(line.substr(pos + 1, q - pos - 1));
        pos = q + 1;
        return std::nullopt;
    };
    while (pos < line.size() && line[pos] == ' ') ++pos;
    if (pos < line.size()) {
        if (auto e = quoted_field(kClfReferrer, r.referrer)) return std::unexpected(*e);
        ++fields;
        sh.has_referrer = true;
        while (pos < line.size() && line[pos] == ' ') ++pos;
        if (pos < line.size()) {
            if (auto e = quoted_field(kClfUserAgent, r.user_agent)) return std::unexpected(*e);
            ++fields;
        }
    }
    std::uint16_t extra = 0;
    for (int guard = 0; guard < 4096; ++guard) {
        while (pos < line.size() && line[pos] == ' ') ++pos;
        if (pos >= line.size()) break;
        if (line[pos] == '"') {
            const std::size_t q = scan::closing_quote(line, pos);
            pos = q == std::string_view::npos ? line.size() : q + 1;
        } else {
            (void)token();
        }
        ++extra;
    }

    const RequestLine rl = split_request_line(r.request_uri);
    r.method = rl.method;
    r.path = rl.path;
    r.query = rl.query;
    r.protocol = rl.protocol;
    r.key = scan::key_from_path(r.path);
    r.field_count = static_cast<std::uint16_t>(fields + extra);
    r.extra_fields = extra;
    if (shape) *shape = sh;
    return r;
}

}  // namespace s3top
