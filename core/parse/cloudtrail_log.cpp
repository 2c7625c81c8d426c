#include "core/parse/cloudtrail_log.hpp"

#include <fmt/format.h>

#include <array>
#include <cstring>
#include <string>

#include "core/parse/field_scan.hpp"
#include "core/parse/json_values.hpp"
#include "core/parse/json_walk.hpp"

namespace s3top {
namespace {

using namespace simdjson;

enum Slot : int {
    kEventTime,
    kEventName,
    kSourceIp,
    kUserAgent,
    kErrorCode,
    kRequestId,
    kRecipient,
    kArn,
    kPrincipalId,
    kInvokedBy,
    kIdentityType,
    kBucketName,
    kKeyLower,
    kKeyUpper,
    kHostUpper,
    kHostLower,
    kBytesOut,
    kBytesIn,
    kSignatureVersion,
    kCipherAdditional,
    kAuthMethod,
    kTlsVersion,
    kTlsCipher,
    kTlsHost,
    kEventType,
    kEventCategory,
    kSlotCount
};

constexpr std::array<std::pair<std::string_view, int>, kSlotCount> kPointers{{
    {"/eventTime", kEventTime},
    {"/eventName", kEventName},
    {"/sourceIPAddress", kSourceIp},
    {"/userAgent", kUserAgent},
    {"/errorCode", kErrorCode},
    {"/requestID", kRequestId},
    {"/recipientAccountId", kRecipient},
    {"/userIdentity/arn", kArn},
    {"/userIdentity/principalId", kPrincipalId},
    {"/userIdentity/invokedBy", kInvokedBy},
    {"/userIdentity/type", kIdentityType},
    {"/requestParameters/bucketName", kBucketName},
    {"/requestParameters/key", kKeyLower},
    {"/requestParameters/Key", kKeyUpper},
    {"/requestParameters/Host", kHostUpper},
    {"/requestParameters/host/0", kHostLower},
    {"/additionalEventData/bytesTransferredOut", kBytesOut},
    {"/additionalEventData/bytesTransferredIn", kBytesIn},
    {"/additionalEventData/SignatureVersion", kSignatureVersion},
    {"/additionalEventData/CipherSuite", kCipherAdditional},
    {"/additionalEventData/AuthenticationMethod", kAuthMethod},
    {"/tlsDetails/tlsVersion", kTlsVersion},
    {"/tlsDetails/cipherSuite", kTlsCipher},
    {"/tlsDetails/clientProvidedHostHeader", kTlsHost},
    {"/eventType", kEventType},
    {"/eventCategory", kEventCategory},
}};

constexpr std::size_t kExcerpt = 200;

using Captures = std::array<jsonwalk::Captured, kSlotCount>;

std::string_view first_of(const Captures& c, std::initializer_list<int> slots) {
    for (const int s : slots) {
        if (!c[static_cast<std::size_t>(s)].text.empty()) return c[static_cast<std::size_t>(s)].text;
    }
    return {};
}

// Builds the Record of one event; nullopt-like error when it cannot stand as one. An event that
// is no API call (an Insight event, a service or console sign-in event) is no request.
std::expected<Record, ParseError> to_record(const Captures& c) {
    const std::string_view type = c[kEventType].text;
    if ((c[kEventType].present && type != "AwsApiCall") || c[kEventCategory].text == "Insight")
        return std::unexpected(ParseError{RejectReason::NotARequest, 0, static_cast<std::uint16_t>(kEventType)});
    Record r;
    const auto t = scan::parse_iso8601_utc(c[kEventTime].text);
    if (!t) return std::unexpected(ParseError{RejectReason::BadTimestamp, 0, static_cast<std::uint16_t>(kEventTime)});
    r.time = *t;
    r.operation = c[kEventName].text;
    r.remote_ip = c[kSourceIp].text;
    r.user_agent = c[kUserAgent].text;
    r.error_code = c[kErrorCode].text;
    r.request_id = c[kRequestId].text;
    r.bucket_owner = c[kRecipient].text;
    r.requester = first_of(c, {kArn, kPrincipalId, kInvokedBy, kIdentityType});
    r.bucket = c[kBucketName].text;
    r.key = first_of(c, {kKeyLower, kKeyUpper});
    r.host_header = first_of(c, {kTlsHost, kHostUpper, kHostLower});
    r.tls_version = c[kTlsVersion].text;
    r.cipher_suite = first_of(c, {kTlsCipher, kCipherAdditional});
    r.signature_version = c[kSignatureVersion].text;
    r.auth_type = c[kAuthMethod].text;
    if (c[kBytesOut].present && !jsonwalk::json_u64(c[kBytesOut].text, r.bytes_sent))
        return std::unexpected(ParseError{RejectReason::BadNumber, 0, static_cast<std::uint16_t>(kBytesOut)});
    if (c[kBytesIn].present && !jsonwalk::json_u64(c[kBytesIn].text, r.bytes_in))
        return std::unexpected(ParseError{RejectReason::BadNumber, 0, static_cast<std::uint16_t>(kBytesIn)});
    std::uint16_t n = 0;
    for (const auto& v : c) n = static_cast<std::uint16_t>(n + (v.present ? 1 : 0));
    r.field_count = n;
    return r;
}

// The end (one past) of the JSON value starting at `begin` ('{' or '['), or npos when it does
// not close. Strings and escapes are honoured; nothing else is validated here.
std::size_t value_end(std::string_view s, std::size_t begin) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = begin; i < s.size(); ++i) {
        const char ch = s[i];
        if (in_string) {
            if (ch == '\\') {
                ++i;
            } else if (ch == '"') {
                in_string = false;
            }
            continue;
        }
        if (ch == '"') {
            in_string = true;
        } else if (ch == '{' || ch == '[') {
            ++depth;
        } else if (ch == '}' || ch == ']') {
            if (--depth == 0) return i + 1;
        }
    }
    return std::string_view::npos;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Whether `obj` is an event: it names its eventVersion and its eventSource.
bool is_event(ondemand::object obj) {
    bool version = false, source = false;
    for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key)) return false;
        version = version || key == "eventVersion";
        source = source || key == "eventSource";
    }
    return version && source;
}

// Whether the first element of `arr` is an event; an empty array is none.
bool first_is_event(ondemand::array arr) {
    for (auto element : arr) {
        ondemand::object obj;
        return !element.get_object().get(obj) && is_event(obj);
    }
    return false;
}

}  // namespace

bool is_cloudtrail_document(std::string_view whole) {
    std::size_t pos = 0;
    while (pos < whole.size() && is_space(whole[pos])) ++pos;
    if (pos >= whole.size() || (whole[pos] != '{' && whole[pos] != '[')) return false;
    const std::size_t end = value_end(whole, pos);
    if (end == std::string_view::npos) return false;
    const padded_string first(whole.substr(pos, end - pos));
    ondemand::parser parser;
    ondemand::document doc;
    if (parser.iterate(first).get(doc)) return false;
    if (whole[pos] == '[') {
        ondemand::array arr;
        return !doc.get_array().get(arr) && first_is_event(arr);
    }
    ondemand::object top;
    if (doc.get_object().get(top)) return false;
    bool version = false, source = false;
    for (auto field : top) {
        std::string_view key;
        if (field.unescaped_key().get(key)) return false;
        if (key == "Records") {
            // A log file: {"Records":[...]}, empty when no event happened.
            ondemand::array arr;
            if (field.value().get_array().get(arr)) return false;
            bool empty = false;
            if (arr.is_empty().get(empty)) return false;
            return empty || first_is_event(arr);
        }
        version = version || key == "eventVersion";
        source = source || key == "eventSource";
    }
    return version && source;  // one event
}

struct CloudTrailParser::Impl {
    ondemand::parser parser;
    jsonwalk::PathTrie trie;
    std::string buffer;
};

CloudTrailParser::CloudTrailParser() : impl_(std::make_unique<Impl>()) {
    for (const auto& [p, slot] : kPointers) impl_->trie.add(p, slot);
}

CloudTrailParser::~CloudTrailParser() = default;

bool CloudTrailParser::parse(std::string_view document, const std::function<void(const Record&)>& on_record,
                             const std::function<void(std::string_view excerpt, ParseError)>& on_reject,
                             std::string& error) {
    Impl& im = *impl_;
    std::size_t pos = 0;
    while (true) {
        while (pos < document.size() && is_space(document[pos])) ++pos;
        if (pos >= document.size()) return true;
        const char open = document[pos];
        if (open != '{' && open != '[') {
            error = fmt::format("CloudTrail: expected a JSON object or array at byte {}", pos);
            return false;
        }
        const std::size_t end = value_end(document, pos);
        if (end == std::string_view::npos) {
            error = fmt::format("CloudTrail: unterminated JSON value starting at byte {}", pos);
            return false;
        }
        const std::string_view text = document.substr(pos, end - pos);
        const std::size_t base = pos;
        pos = end;

        im.buffer.resize(text.size() + SIMDJSON_PADDING);
        std::memcpy(im.buffer.data(), text.data(), text.size());
        std::memset(im.buffer.data() + text.size(), ' ', SIMDJSON_PADDING);
        const jsonwalk::Source src{std::string_view(im.buffer), text};
        const auto excerpt_at = [&](const char* p) {
            const std::size_t off = p >= im.buffer.data() && p < im.buffer.data() + text.size()
                                        ? static_cast<std::size_t>(p - im.buffer.data())
                                        : 0;
            return text.substr(off, kExcerpt);
        };
        const auto fail = [&](error_code e) {
            error = fmt::format("CloudTrail: malformed JSON in the value at byte {}: {}", base, error_message(e));
            return false;
        };

        // One event: walk it, build the Record, report.
        const auto one_event = [&](ondemand::value v) -> error_code {
            const std::string_view start = v.raw_json_token();
            ondemand::object obj;
            if (v.get_object().get(obj)) {
                on_reject(excerpt_at(start.data()), ParseError{RejectReason::BadField, 0, 0});
                return SUCCESS;
            }
            Captures c{};
            if (auto e = jsonwalk::walk_object(obj, im.trie, 0, c, src)) return e;
            auto r = to_record(c);
            if (r) {
                on_record(*r);
            } else {
                on_reject(excerpt_at(start.data()), r.error());
            }
            return SUCCESS;
        };
        const auto each = [&](ondemand::array arr) -> error_code {
            for (auto element : arr) {
                ondemand::value v;
                if (auto e = std::move(element).get(v)) return e;
                if (auto e = one_event(v)) return e;
            }
            return SUCCESS;
        };

        ondemand::document doc;
        if (auto e = im.parser.iterate(im.buffer.data(), text.size(), im.buffer.size()).get(doc)) return fail(e);
        if (open == '[') {
            ondemand::array arr;
            if (auto e = doc.get_array().get(arr)) return fail(e);
            if (auto e = each(arr)) return fail(e);
            continue;
        }
        // An object: either {"Records":[...]} or one event. Walk it as an event while looking
        // for "Records"; with no "Records" it was an event.
        ondemand::object top;
        if (auto e = doc.get_object().get(top)) return fail(e);
        Captures c{};
        bool had_records = false;
        for (auto field : top) {
            ondemand::field f;
            if (auto e = std::move(field).get(f)) return fail(e);
            std::string_view key;
            if (auto e = f.unescaped_key().get(key)) return fail(e);
            if (key == "Records") {
                ondemand::array arr;
                if (auto e = f.value().get_array().get(arr)) return fail(e);
                had_records = true;
                if (auto e = each(arr)) return fail(e);
                continue;
            }
            if (const std::uint32_t child = jsonwalk::child_named(im.trie, 0, key)) {
                if (auto e = jsonwalk::walk_value(f.value(), im.trie, child, c, src)) return fail(e);
            }
        }
        if (!had_records) {
            auto r = to_record(c);
            if (r) {
                on_record(*r);
            } else {
                on_reject(text.substr(0, kExcerpt), r.error());
            }
        }
    }
}

}  // namespace s3top
