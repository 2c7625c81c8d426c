#include "core/parse/s3_access_log.hpp"

#include <array>
#include <bit>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <limits>

#include "core/parse/byte_find.hpp"
#include "core/parse/clf_time.hpp"
#include "core/parse/field_scan.hpp"
#include "core/parse/line_index.hpp"
#include "core/parse/log_format.hpp"
#include "core/parse/uri.hpp"

namespace s3top {
namespace {

using scan::slice;

[[gnu::always_inline]] constexpr bool is_dash(std::string_view v) { return v.size() == 1 && v[0] == '-'; }

[[gnu::always_inline]] constexpr std::string_view absent(std::string_view v) {
    return v.size() == 1 && v[0] == '-' ? std::string_view{} : v;
}

// How many closing-quote candidates of the request-URI we try in full before giving up. Real
// lines need one or two; the bound keeps a hostile line full of quotes linear.
constexpr int kMaxUriCandidates = 8;

// The tail after the user agent: version id ... source region, and room to see extras.
constexpr std::size_t kTailKnown = kS3FieldCount - kS3VersionId;

// The index of the first ' ' in d[pos, n), or n. With `quote`, also reports whether a '"'
// comes before it. Sixteen bytes at a time where SSE2 is there (every x86-64).
[[gnu::always_inline]] inline std::size_t find_space(const char* d, std::size_t pos, std::size_t n, bool* quote) {
#if defined(__SSE2__)
    const __m128i space = _mm_set1_epi8(' ');
    const __m128i dquote = _mm_set1_epi8('"');
    while (pos + 16 <= n) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + pos));
        const auto spaces = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, space)));
        if (quote) {
            auto quotes = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, dquote)));
            if (spaces) quotes &= (spaces & (0u - spaces)) - 1;  // only those before the space
            if (quotes) *quote = true;
        }
        if (spaces) return pos + static_cast<std::size_t>(std::countr_zero(spaces));
        pos += 16;
    }
    if (pos < n && n >= 16) {
        // The last few bytes: the line's last sixteen, shifted past those already seen (a
        // byte-wise loop here took a twentieth of the parse: the tail's tokens are short).
        const std::size_t seen = pos - (n - 16);
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + n - 16));
        const auto spaces = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, space))) >> seen;
        if (quote) {
            auto quotes = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, dquote))) >> seen;
            if (spaces) quotes &= (spaces & (0u - spaces)) - 1;
            if (quotes) *quote = true;
        }
        return spaces ? pos + static_cast<std::size_t>(std::countr_zero(spaces)) : n;
    }
#endif
    for (; pos < n; ++pos) {
        if (d[pos] == ' ') return pos;
        if (quote && d[pos] == '"') *quote = true;
    }
    return n;
}

struct Cursor {
    std::string_view line;
    std::size_t pos = 0;

    [[gnu::always_inline]] void skip_spaces() {
        // Most tokens are one space apart: that case without a loop.
        if (pos + 1 < line.size() && line[pos] == ' ' && line[pos + 1] != ' ') {
            ++pos;
            return;
        }
        while (pos < line.size() && line[pos] == ' ') ++pos;
    }
    bool at_end() const { return pos >= line.size(); }
    std::uint32_t column() const { return static_cast<std::uint32_t>(pos); }
    /// The next space-separated token; empty at the end of the line.
    [[gnu::always_inline]] std::string_view token(bool* quote = nullptr) {
        skip_spaces();
        const std::size_t start = pos;
        pos = find_space(line.data(), pos, line.size(), quote);
        return slice(line, start, pos - start);
    }
};

using scan::error;
using scan::parse_status;
using scan::parse_u64;

// A numeric field: "-" leaves `present` false. Returns false on garbage or overflow.
// A number or "-", the token inside a line that ends at `end`.
[[gnu::always_inline]] inline bool parse_optional_u64(std::string_view t, const char* end, std::uint64_t& out,
                                                      bool& present) {
    present = false;
    out = 0;
    if (is_dash(t)) return true;
    present = scan::parse_u64_within(t, end, out);
    return present;
}

[[gnu::always_inline]] inline bool parse_optional_u32(std::string_view t, const char* end, std::uint32_t& out,
                                                      bool& present) {
    std::uint64_t v = 0;
    if (!parse_optional_u64(t, end, v, present)) return false;
    if (v > std::numeric_limits<std::uint32_t>::max()) return false;
    out = static_cast<std::uint32_t>(v);
    return true;
}

bool is_signature_version(std::string_view t) { return scan::is(t, "SigV2") || scan::is(t, "SigV4") || is_dash(t); }

// Whether `t` can be the tail field at index `i` (0 = version id). Loose on purpose: any
// "SigV..." is a signature version, so a future one does not push the line's tail into extras.
bool fits_tail_slot(std::size_t i, std::string_view t) {
    if (is_dash(t)) return true;
    switch (i + kS3VersionId) {
        case kS3SignatureVersion: return scan::begins(t, "SigV");
        case kS3AccessPointArn: return scan::begins(t, "arn:");
        case kS3AclRequired: return scan::is(t, "Yes");
        default: return true;
    }
}

// Finds the end of a quoted referrer that starts at `open`, given that the user agent closes
// at `last_quote`: the first `"` followed by spaces and another `"`. Returns npos when the
// referrer runs to last_quote (no user agent on the line).
std::size_t referrer_close(std::string_view line, std::size_t open, std::size_t last_quote) {
    std::size_t q = open + 1;
    while (true) {
        q = line.find('"', q);
        if (q == std::string_view::npos || q >= last_quote) return std::string_view::npos;
        std::size_t n = q + 1;
        if (n < line.size() && line[n] == ' ') {
            while (n < line.size() && line[n] == ' ') ++n;
            if (n < last_quote && line[n] == '"') return q;
        }
        ++q;
    }
}

// Each field set to its empty value on its own: a chain `a = b = {}` stores b, then reads it back
// for a (the S3 parse's profile showed those reloads stalled).
template <class... Field>
[[gnu::always_inline]] inline void clear(Field&... f) {
    ((f = {}), ...);
}

// The fields parse_after_uri sets, back to zero: what an earlier, failed attempt on the same
// line may have set.
void reset_after_uri(Record& r) {
    r.status = 0;
    clear(r.error_code, r.referrer, r.user_agent, r.bytes_sent, r.object_size, r.total_time_ms, r.turnaround_ms,
          r.has_object_size, r.has_total_time, r.has_turnaround, r.version_id, r.host_id, r.signature_version,
          r.cipher_suite, r.auth_type, r.host_header, r.tls_version, r.access_point_arn, r.acl_required,
          r.source_region, r.field_count, r.extra_fields);
}

// One token of the tail, kept without the zeroing a std::string_view array costs per line.
struct Span {
    const char* p;
    std::size_t n;
    std::string_view view() const { return {p, n}; }
};

// The tail's slots with a documented value set (fits_tail_slot): every other slot takes any token.
constexpr std::size_t kSignatureSlot = kS3SignatureVersion - kS3VersionId;
constexpr std::size_t kArnSlot = kS3AccessPointArn - kS3VersionId;
constexpr std::size_t kAclSlot = kS3AclRequired - kS3VersionId;
static_assert(kSignatureSlot < kArnSlot && kArnSlot < kAclSlot && kAclSlot < kTailKnown);

// How many of a tail's n tokens (token(i): the i-th) are its fields. Tokens past the last field a
// line's vintage has (a test harness's or a pipeline's appendix) would otherwise land in the next
// known slots. The slots with a documented value set tell them apart: signature version
// ("SigV..."), access point ARN ("arn:..."), aclRequired ("Yes"), each or "-". From the first
// token that does not fit, the rest are extras; the host id came in with the signature version,
// so it goes with it. Only those three slots are looked at: no other can refuse a token.
template <class Token>
[[gnu::always_inline]] inline std::size_t tail_fields(std::size_t n, const Token& token) {
    if (n > kSignatureSlot && !fits_tail_slot(kSignatureSlot, token(kSignatureSlot))) return kSignatureSlot - 1;
    if (n > kArnSlot && !fits_tail_slot(kArnSlot, token(kArnSlot))) return kArnSlot;
    if (n > kAclSlot && !fits_tail_slot(kAclSlot, token(kAclSlot))) return kAclSlot;
    return n < kTailKnown ? n : kTailKnown;
}

// The tail's first n tokens (n <= kTailKnown) into their fields of `r`.
template <class Token>
[[gnu::always_inline]] inline void assign_tail(std::size_t n, const Token& token, Record& r) {
    static_assert(kTailKnown == 10);
    switch (n) {
        case 10: r.source_region = absent(token(9)); [[fallthrough]];
        case 9: r.acl_required = absent(token(8)); [[fallthrough]];
        case 8: r.access_point_arn = absent(token(7)); [[fallthrough]];
        case 7: r.tls_version = absent(token(6)); [[fallthrough]];
        case 6: r.host_header = absent(token(5)); [[fallthrough]];
        case 5: r.auth_type = absent(token(4)); [[fallthrough]];
        case 4: r.cipher_suite = absent(token(3)); [[fallthrough]];
        case 3: r.signature_version = absent(token(2)); [[fallthrough]];
        case 2: r.host_id = absent(token(1)); [[fallthrough]];
        case 1: r.version_id = absent(token(0)); [[fallthrough]];
        default: break;
    }
}

// A known damaged shape: one stray token between version id and host id, which shifts the
// signature version out of place.
template <class Token>
[[gnu::always_inline]] inline bool stray_before_host_id(std::size_t n, const Token& token) {
    return n >= 4 && !is_signature_version(token(2)) && is_signature_version(token(3));
}

// The tail's tokens (the first n of `tail`, `extra` more already counted) into their fields of
// `r`, and the line's field counts: `fields` is how many came before the tail.
void set_tail(Span* tail, std::size_t n, std::uint16_t extra, std::uint16_t fields, Record& r) {
    const auto token = [&](std::size_t i) { return tail[i].view(); };
    // Drop the stray token when that realigns the line.
    if (stray_before_host_id(n, token)) {
        for (std::size_t i = 1; i + 1 < n; ++i) tail[i] = tail[i + 1];
        --n;
        ++extra;
    }
    const std::size_t keep = tail_fields(n, token);
    assign_tail(keep, token, r);
    extra = static_cast<std::uint16_t>(extra + (n - keep));
    r.field_count = static_cast<std::uint16_t>(fields + keep + extra);
    r.extra_fields = extra;
}

// Everything after the request-URI: status ... user agent, then the tail, into `r`, whose
// fields from status on are zero. `c` stands just after the URI.
// `uri_quoted`: S3 quotes the user agent whenever it quotes the request-URI, so a bare agent
// then means the URI's closing quote was guessed wrong (or the line is damaged).
std::optional<ParseError> parse_after_uri(Cursor c, std::size_t last_quote, bool uri_quoted, Record& r) {
    const char* const line_end = c.line.data() + c.line.size();
    auto need = [&](std::uint16_t field, std::string_view& out)
                    __attribute__((always_inline)) -> std::optional<ParseError> {
        out = c.token();
        if (out.empty()) return error(RejectReason::TooFewFields, c.pos, field);
        return std::nullopt;
    };
    std::string_view t;
    if (auto e = need(kS3Status, t)) return e;
    if (!parse_status(t, r.status)) return error(RejectReason::BadStatus, c.pos - t.size(), kS3Status);
    if (auto e = need(kS3ErrorCode, t)) return e;
    r.error_code = absent(t);

    bool present = false;
    if (auto e = need(kS3BytesSent, t)) return e;
    if (!parse_optional_u64(t, line_end, r.bytes_sent, present))
        return error(RejectReason::BadNumber, c.pos - t.size(), kS3BytesSent);
    if (auto e = need(kS3ObjectSize, t)) return e;
    if (!parse_optional_u64(t, line_end, r.object_size, r.has_object_size))
        return error(RejectReason::BadNumber, c.pos - t.size(), kS3ObjectSize);
    if (auto e = need(kS3TotalTime, t)) return e;
    if (!parse_optional_u32(t, line_end, r.total_time_ms, r.has_total_time))
        return error(RejectReason::BadNumber, c.pos - t.size(), kS3TotalTime);
    if (auto e = need(kS3TurnAround, t)) return e;
    if (!parse_optional_u32(t, line_end, r.turnaround_ms, r.has_turnaround))
        return error(RejectReason::BadNumber, c.pos - t.size(), kS3TurnAround);

    // Referrer: quoted, or a bare "-" (seen in real logs).
    c.skip_spaces();
    if (c.at_end()) return error(RejectReason::TooFewFields, c.pos, kS3Referrer);
    if (c.line[c.pos] == '"') {
        if (last_quote == std::string_view::npos || last_quote <= c.pos)
            return error(RejectReason::UnterminatedQuote, c.pos, kS3Referrer);
        const std::size_t close = referrer_close(c.line, c.pos, last_quote);
        if (close == std::string_view::npos) {
            // The referrer runs to the line's last quote: no user agent follows. Every S3
            // vintage (17 fields from 2010 on) logs one, so the line was cut (a partial
            // delivery, `... "-"` or `... "-" "`): rejected, never half a record.
            return error(RejectReason::TooFewFields, last_quote + 1, kS3UserAgent);
        }
        r.referrer = absent(slice(c.line, c.pos + 1, close - c.pos - 1));
        c.pos = close + 1;
    } else {
        r.referrer = absent(c.token());
    }

    c.skip_spaces();
    if (c.at_end()) return error(RejectReason::TooFewFields, c.pos, kS3UserAgent);
    if (c.line[c.pos] == '"') {
        if (last_quote == std::string_view::npos || last_quote <= c.pos)
            return error(RejectReason::UnterminatedQuote, c.pos, kS3UserAgent);
        r.user_agent = absent(slice(c.line, c.pos + 1, last_quote - c.pos - 1));
        c.pos = last_quote + 1;
    } else {
        if (uri_quoted) return error(RejectReason::BadField, c.pos, kS3UserAgent);
        r.user_agent = absent(c.token());
    }
    const std::uint16_t fields = kS3UserAgent + 1;
    if (!c.at_end() && c.line[c.pos] != ' ') return error(RejectReason::BadField, c.pos, fields);

    // The tail: unquoted tokens, as many as this line's vintage has.
    Span tail[kTailKnown + 1];  // the first n are set
    std::size_t n = 0;
    std::uint16_t extra = 0;
    for (std::string_view tok = c.token(); !tok.empty(); tok = c.token()) {
        if (n < std::size(tail)) {
            tail[n++] = Span{tok.data(), tok.size()};
        } else {
            ++extra;
        }
    }
    set_tail(tail, n, extra, fields, r);
    return std::nullopt;
}

}  // namespace

bool s3_is_upload_operation(std::string_view op) {
    return scan::is(op, "REST.PUT.OBJECT") || scan::is(op, "REST.PUT.PART") || scan::is(op, "REST.POST.OBJECT") ||
           scan::is(op, "SOAP.PUT.OBJECT");
}

namespace {

// The request line's parts into r.
[[gnu::always_inline]] inline void set_request_line(Record& r, const RequestLine& rl) {
    r.method = rl.method;
    r.path = rl.path;
    r.query = rl.query;
    r.protocol = rl.protocol;
}

// The line in the shape S3 writes nearly every line in: one space between tokens, the request-URI,
// referrer and user agent quoted with no quote inside the URI and referrer (or bare, as in its
// batch deletes), the time where S3 puts it. Its tokens are taken by the positions of its spaces (LineIndex), with no
// scan a token and no retry. False when the line is of any other shape, or a field is one the general path would
// reject: the caller then parses it the general way (from a zeroed record). What it accepts, the general path accepts
// with the same fields (checked against the reference parser on every mutant in S3Mutation.* and every input of
// fuzz/fuzz_s3_parser.cpp).
// Writes every field of `r` when it returns true (a record reused from an earlier line is whole
// again), any of them when false.
bool parse_common_shape(std::string_view line, const LineIndex& ix, Record& r) {
    const std::size_t n = line.size();
    const char* const end = line.data() + n;
    const std::uint16_t* sp = ix.at;
    if (ix.spaces < 9 || line[0] == ' ' || ix.double_space) return false;
    // The token between spaces i - 1 and i (the first: from the line's start).
    auto between = [&](std::size_t from, std::size_t to)
                       __attribute__((always_inline)) { return slice(line, from + 1, to - from - 1); };

    r.bucket_owner = absent(slice(line, 0, sp[0]));
    r.bucket = absent(between(sp[0], sp[1]));
    // "[06/Feb/2019:00:00:38 +0000]": one space inside, ']' at 27.
    const std::size_t open = sp[1] + 1;
    if (line[open] != '[' || sp[2] != open + 21 || sp[3] != open + 28 || line[open + 27] != ']') return false;
    const auto time = parse_clf_time(slice(line, open + 1, 26));
    if (!time) return false;
    r.time = *time;
    r.remote_ip = absent(between(sp[3], sp[4]));
    r.requester = absent(between(sp[4], sp[5]));
    r.request_id = absent(between(sp[5], sp[6]));
    r.operation = absent(between(sp[6], sp[7]));
    r.key = absent(between(sp[7], sp[8]));

    // The request-URI: quoted, the line's first quote opens it and the next closes it, followed
    // by a status or "-"; or a bare token ("-" in S3's batch deletes). No token before holds a
    // quote.
    const std::size_t uri_open = sp[8] + 1;
    if (ix.next_quote(0) < uri_open) return false;
    const bool uri_quoted = line[uri_open] == '"';
    std::size_t j = 9;  // the number of the space after the URI
    if (uri_quoted) {
        const std::size_t uri_close = ix.next_quote(uri_open + 1);
        if (uri_close == LineIndex::npos || uri_close + 2 >= n || line[uri_close + 1] != ' ') return false;
        if (const char c = line[uri_close + 2]; c != '-' && (c < '0' || c > '9')) return false;
        r.request_uri = absent(slice(line, uri_open + 1, uri_close - uri_open - 1));
        j = ix.space_number(uri_close + 1);
        // The spaces inside the quotes are those numbered 9 to j - 1.
        constexpr std::size_t npos = std::string_view::npos;
        split_request_line_to(r.request_uri, j > 9 ? sp[9] - uri_open - 1 : npos,
                              j > 10 ? sp[j - 1] - uri_open - 1 : npos, r);
    } else {
        if (ix.spaces < 10) return false;
        r.request_uri = absent(between(sp[8], sp[9]));
        split_request_line_to(r.request_uri, std::string_view::npos, std::string_view::npos, r);  // no space
    }

    // Status ... turnaround time: the six tokens after the URI.
    if (j + 6 >= ix.spaces) return false;
    if (!parse_status(between(sp[j], sp[j + 1]), r.status)) return false;
    r.error_code = absent(between(sp[j + 1], sp[j + 2]));
    bool present = false;
    if (!parse_optional_u64(between(sp[j + 2], sp[j + 3]), end, r.bytes_sent, present)) return false;
    if (!parse_optional_u64(between(sp[j + 3], sp[j + 4]), end, r.object_size, r.has_object_size)) return false;
    if (!parse_optional_u32(between(sp[j + 4], sp[j + 5]), end, r.total_time_ms, r.has_total_time)) return false;
    if (!parse_optional_u32(between(sp[j + 5], sp[j + 6]), end, r.turnaround_ms, r.has_turnaround)) return false;

    // The referrer: quoted, closed by the first quote after it, which a space and the user
    // agent's opening quote follow; or a bare token. The user agent: quoted, running to the
    // line's last quote; or, after a bare request-URI, a bare token.
    const std::size_t ref_open = sp[j + 6] + 1;
    std::size_t after;  // where the user agent ends
    if (line[ref_open] == '"') {
        const std::size_t last_quote = ix.last_quote();
        if (last_quote == LineIndex::npos || last_quote <= ref_open) return false;
        const std::size_t ref_close = ix.next_quote(ref_open + 1);
        if (ref_close + 2 >= last_quote || line[ref_close + 1] != ' ' || line[ref_close + 2] != '"') return false;
        r.referrer = absent(slice(line, ref_open + 1, ref_close - ref_open - 1));
        r.user_agent = absent(slice(line, ref_close + 3, last_quote - ref_close - 3));
        after = last_quote + 1;
    } else {
        if (j + 7 >= ix.spaces) return false;
        r.referrer = absent(between(sp[j + 6], sp[j + 7]));
        const std::size_t ua_open = sp[j + 7] + 1;
        if (line[ua_open] == '"') {
            const std::size_t last_quote = ix.last_quote();
            if (last_quote == LineIndex::npos || last_quote <= ua_open) return false;
            r.user_agent = absent(slice(line, ua_open + 1, last_quote - ua_open - 1));
            after = last_quote + 1;
        } else {
            if (uri_quoted) return false;
            after = sp[j + 8];  // the line's end when j + 8 == spaces
            r.user_agent = absent(slice(line, ua_open, after - ua_open));
        }
    }
    if (after < n && line[after] != ' ') return false;

    // The tail: the tokens after the user agent, between the spaces from `first` on (at[spaces]
    // is the line's end). A stray token before the host id: the general path realigns it.
    const std::size_t first = after < n ? ix.space_number(after) : ix.spaces;
    const std::size_t count = ix.spaces - first;
    const auto token = [&](std::size_t i)
                           __attribute__((always_inline)) { return between(sp[first + i], sp[first + i + 1]); };
    if (stray_before_host_id(count, token)) return false;
    const std::size_t keep = tail_fields(count, token);
    clear(r.version_id, r.host_id, r.signature_version, r.cipher_suite, r.auth_type, r.host_header, r.tls_version,
          r.access_point_arn, r.acl_required, r.source_region);
    assign_tail(keep, token, r);
    r.field_count = static_cast<std::uint16_t>(kS3UserAgent + 1 + count);
    r.extra_fields = static_cast<std::uint16_t>(count - keep);
    return true;
}

// The bytes uploaded, which follow from the fields.
void set_bytes_in(Record& r) {
    r.bytes_in = r.has_object_size && s3_is_upload_operation(r.operation) ? r.object_size : 0;
}

// What follows from the fields: the request line's parts, the bytes uploaded.
void finish_record(Record& r) {
    set_request_line(r, split_request_line(r.request_uri));
    set_bytes_in(r);
}

// Every field of Record is written by parse_common_shape and finish_record (a reused record):
// a field added to Record must be added there too, then here.
static_assert(sizeof(void*) != 8 || sizeof(Record) == 464,
              "a new Record field: set it in parse_common_shape or finish_record");

std::optional<ParseError> parse_general(std::string_view line, Record& r);

// The fields of `line` into `r` (all of it zero before); a rejection's reason when it is none.
std::optional<ParseError> parse_s3_fields(std::string_view line, Record& r) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) return error(RejectReason::EmptyLine, 0, 0);

    if (LineIndex ix; ix.build(line) && parse_common_shape(line, ix, r)) {
        set_bytes_in(r);
        return std::nullopt;
    }
    r = Record{};
    return parse_general(line, r);
}

// Any line, token by token (`r` all zero before).
std::optional<ParseError> parse_general(std::string_view line, Record& r) {
    Cursor c{line};
    std::string_view t;
    auto need = [&](std::uint16_t field) __attribute__((always_inline)) -> std::optional<ParseError> {
        bool quote = false;
        t = c.token(&quote);
        if (t.empty()) return error(RejectReason::TooFewFields, c.pos, field);
        if (quote) return error(RejectReason::BadField, c.pos - t.size(), field);
        return std::nullopt;
    };

    if (auto e = need(kS3BucketOwner)) return *e;
    r.bucket_owner = absent(t);
    if (auto e = need(kS3Bucket)) return *e;
    r.bucket = absent(t);

    c.skip_spaces();
    if (c.at_end()) return error(RejectReason::TooFewFields, c.pos, kS3Time);
    if (line[c.pos] != '[') return error(RejectReason::BadTimestamp, c.pos, kS3Time);
    // "[06/Feb/2019:00:00:38 +0000]": its ']' where S3 writes it, else looked for.
    constexpr std::size_t kTimeWidth = 27;
    const std::size_t close = c.pos + kTimeWidth < line.size() && line[c.pos + kTimeWidth] == ']'
                                  ? c.pos + kTimeWidth
                                  : line.find(']', c.pos);
    if (close == std::string_view::npos || close - c.pos > 40) return error(RejectReason::BadTimestamp, c.pos, kS3Time);
    const auto time = parse_clf_time(slice(line, c.pos + 1, close - c.pos - 1));
    if (!time) return error(RejectReason::BadTimestamp, c.pos, kS3Time);
    r.time = *time;
    c.pos = close + 1;

    if (auto e = need(kS3RemoteIp)) return *e;
    r.remote_ip = absent(t);
    if (auto e = need(kS3Requester)) return *e;
    r.requester = absent(t);
    if (auto e = need(kS3RequestId)) return *e;
    r.request_id = absent(t);
    if (auto e = need(kS3Operation)) return *e;
    r.operation = absent(t);
    if (auto e = need(kS3Key)) return *e;
    r.key = absent(t);

    c.skip_spaces();
    if (c.at_end()) return error(RejectReason::TooFewFields, c.pos, kS3RequestUri);
    const void* lq = memrchr(line.data(), '"', line.size());
    const std::size_t last_quote =
        lq ? static_cast<std::size_t>(static_cast<const char*>(lq) - line.data()) : std::string_view::npos;
    if (line[c.pos] != '"') {
        r.request_uri = absent(c.token());
        if (auto e = parse_after_uri(c, last_quote, false, r)) return *e;
    } else {
        // The URI's closing quote is the first `"` after which the rest of the line parses.
        const std::size_t open = c.pos;
        std::optional<ParseError> first_error;
        int tries = 0;
        for (std::size_t q = line.find('"', open + 1); q != std::string_view::npos && tries < kMaxUriCandidates;
             q = line.find('"', q + 1)) {
            std::size_t n = q + 1;
            if (n < line.size() && line[n] != ' ') continue;
            while (n < line.size() && line[n] == ' ') ++n;
            if (n < line.size() && line[n] != '-' && (line[n] < '0' || line[n] > '9')) continue;
            if (tries++ > 0) reset_after_uri(r);
            r.request_uri = absent(slice(line, open + 1, q - open - 1));
            Cursor after{line, q + 1};
            if (auto e = parse_after_uri(after, last_quote, true, r)) {
                if (!first_error) first_error = e;
                continue;
            }
            first_error.reset();
            tries = -1;
            break;
        }
        if (tries != -1) {
            return first_error ? *first_error : error(RejectReason::UnterminatedQuote, open, kS3RequestUri);
        }
    }

    finish_record(r);
    return std::nullopt;
}

}  // namespace

ParseResult parse_s3_access_log(std::string_view line) {
    // One return object, built in place (no copy of the record on the way out).
    ParseResult out{std::in_place};
    if (auto e = parse_s3_fields(line, *out)) out = std::unexpected(*e);
    return out;
}

}  // namespace s3top

namespace s3top {
ParseResult S3LineParser::parse(std::string_view line) { return parse_s3_access_log(line); }

std::size_t S3LineParser::parse_first_line(std::string_view rest, ParseResult& out) {
    LineIndex ix;
    std::size_t n = 0;
    if (!ix.build_to_newline(rest, n)) return npos;
    const std::string_view line = rest.substr(0, n);
    // Blank, or ending in "\r" or spaces (trimmed first): the long way.
    if (n == 0 || line.back() == '\r' || line.back() == ' ') {
        out = parse_s3_access_log(line);
        return n;
    }
    if (!out) out.emplace();
    if (parse_common_shape(line, ix, *out)) {
        set_bytes_in(*out);
        return n;
    }
    *out = Record{};
    if (auto e = parse_general(line, *out)) out = std::unexpected(*e);
    return n;
}
}  // namespace s3top
