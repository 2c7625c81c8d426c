#include "core/parse/uri.hpp"

#include "core/parse/byte_find.hpp"
#include "core/parse/field_scan.hpp"
#include "core/parse/record.hpp"

namespace s3top {

template <class Parts>
void split_request_line_to(std::string_view uri, std::size_t first, std::size_t last, Parts& out) {
    constexpr std::size_t npos = std::string_view::npos;
    // Each part stored once, where it ends up (a chain `a = b = {}` would read back its own store).
    std::string_view method, protocol, path, query;
    if (!uri.empty() && uri != "-") {
        path = uri;  // "GET" or a bare target when there is no space
        if (first != npos) {
            method = uri.substr(0, first);
            path = uri.substr(first + 1);
            if (last != npos && scan::begins(uri.substr(last + 1), "HTTP/")) {
                protocol = uri.substr(last + 1);
                path = uri.substr(first + 1, last - first - 1);
            }
        }
        if (const auto q = scan::find_byte(path, '?'); q != npos) {
            query = path.substr(q + 1);
            path = path.substr(0, q);
        }
    }
    out.method = method;
    out.path = path;
    out.query = query;
    out.protocol = protocol;
}

template void split_request_line_to(std::string_view, std::size_t, std::size_t, RequestLine&);
template void split_request_line_to(std::string_view, std::size_t, std::size_t, Record&);

RequestLine split_request_line(std::string_view uri) {
    const auto first = scan::find_byte(uri, ' ');
    const auto last = first == std::string_view::npos ? first : uri.rfind(' ');
    RequestLine r;
    split_request_line_to(uri, first, last == first ? std::string_view::npos : last, r);
    return r;
}

namespace {
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

bool needs_url_decode(std::string_view in, bool plus_is_space) {
    return scan::find_either(in, '%', plus_is_space ? '+' : '%') != std::string_view::npos;
}

void url_decode(std::string_view in, std::string& out, bool plus_is_space) {
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '%' && i + 2 < in.size()) {
            const int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.push_back(c == '+' && plus_is_space ? ' ' : c);
    }
}

namespace {
// Compares a possibly-encoded query name with a plain one without allocating in the common case.
bool name_equals(std::string_view encoded, std::string_view plain) {
    if (!needs_url_decode(encoded, true)) return encoded == plain;
    std::string tmp;
    url_decode(encoded, tmp, true);
    return tmp == plain;
}

// name_equals for a `plain` that holds no '%' or '+' (so a name equal to it decodes to itself):
// equal bytes answer at once; decoding never lengthens a name, and one with nothing to decode is
// what it reads.
bool name_is(std::string_view encoded, std::string_view plain) {
    if (encoded == plain) return true;
    if (encoded.size() < plain.size() || !needs_url_decode(encoded, true)) return false;
    std::string tmp;
    url_decode(encoded, tmp, true);
    return tmp == plain;
}
}  // namespace

std::optional<std::string_view> query_param_raw(std::string_view query, std::string_view name) {
    // The name asked for is short and the same line after line: a byte loop, not two searches.
    bool plain = true;
    for (const char c : name) plain &= c != '%' && c != '+';
    std::size_t pos = 0;
    while (pos <= query.size()) {
        auto amp = scan::find_byte(query, '&', pos);
        if (amp == std::string_view::npos) amp = query.size();
        const std::string_view pair = query.substr(pos, amp - pos);
        const auto eq = scan::find_byte(pair, '=');
        const std::string_view k = eq == std::string_view::npos ? pair : pair.substr(0, eq);
        if (!k.empty() && (plain ? name_is(k, name) : name_equals(k, name))) {
            return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        }
        pos = amp + 1;
    }
    return std::nullopt;
}

namespace uri_detail {

namespace {
// A name that reads as itself in a query: no escape to decode, and no '&' or '=' (a pair would
// end, or its name stop, inside it).
bool plain_name(std::string_view name) {
    bool plain = true;
    for (const char c : name) plain &= c != '%' && c != '+' && c != '&' && c != '=';
    return plain;
}
}  // namespace

std::optional<std::string_view> query_param_of(std::string_view query, std::string_view name, std::string& scratch) {
    // Most queries that carry the name carry it first, unencoded, with nothing to decode in its
    // value ("org=acme-17", "org=acme-17&x-id=GetObject"): that value without the pairs' loop.
    // A first pair named so is the first match when the name holds no '%' or '+' (it then
    // decodes to itself) and no '&' or '=' (the pair would end or its name stop inside it); any
    // escape in the value, or such a name, takes the rule's loop below.
    const std::size_t n = name.size();
    if (n != 0 && query.size() > n && query[n] == '=' && query.starts_with(name)) {
        const std::string_view rest = query.substr(n + 1);
        const std::size_t stop = scan::find_either(rest, '&', '%');
        const bool whole = stop == std::string_view::npos;
        const std::string_view value = whole ? rest : rest.substr(0, stop);
        if ((whole               ? scan::find_byte(rest, '+')
             : rest[stop] == '&' ? scan::find_either(value, '%', '+')
                                 : 0) == std::string_view::npos &&
            plain_name(name))
            return value;
    }
    auto raw = query_param_raw(query, name);
    if (!raw || !needs_url_decode(*raw, true)) return raw;
    url_decode(*raw, scratch, true);
    return std::string_view{scratch};
}

}  // namespace uri_detail

}  // namespace s3top
