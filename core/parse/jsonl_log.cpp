#include "core/parse/jsonl_log.hpp"

#include <array>
#include <cstring>
#include <stdexcept>

#include "core/parse/field_scan.hpp"
#include "core/parse/json_values.hpp"
#include "core/parse/json_walk.hpp"

namespace s3top {
namespace {

using scan::error;

// A captured value's slot is its row in kJsonFields.
consteval int slot(std::string_view name) {
    for (std::size_t i = 0; i < kJsonFields.size(); ++i) {
        if (kJsonFields[i].name == name) return static_cast<int>(i);
    }
    throw "no such JSON field";
}
constexpr int kTime = slot("time"), kRemoteIp = slot("remote_ip"), kUri = slot("uri"), kStatus = slot("status"),
              kBytesSent = slot("bytes_sent"), kBytesIn = slot("bytes_in"), kDuration = slot("duration"),
              kKey = slot("key");
constexpr std::size_t kSlotCount = kJsonFields.size();

std::uint64_t unit_scale_num(JsonFieldMap::Unit u) {
    switch (u) {
        case JsonFieldMap::Unit::Seconds: return 1'000'000;
        case JsonFieldMap::Unit::Milliseconds: return 1'000;
        default: return 1;
    }
}

}  // namespace

struct JsonLineParser::Impl {
    simdjson::ondemand::parser parser;
    jsonwalk::PathTrie trie;
    std::string buffer;  // the line, padded for simdjson
    JsonFieldMap::Unit unit = JsonFieldMap::Unit::Seconds;
    bool key_mapped = false;
};

JsonLineParser::JsonLineParser(const JsonFieldMap& map) : impl_(std::make_unique<Impl>()) {
    for (std::size_t i = 0; i < kSlotCount; ++i) {
        const std::string& p = map.*kJsonFields[i].pointer;
        if (!impl_->trie.add(p, static_cast<int>(i))) throw std::invalid_argument("bad JSON pointer: " + p);
    }
    impl_->unit = map.duration_unit;
    impl_->key_mapped = !map.key.empty();
}

JsonLineParser::~JsonLineParser() = default;

ParseResult JsonLineParser::parse(std::string_view line) {
    line = scan::strip_eol(line);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    std::size_t lead = 0;
    while (lead < line.size() && (line[lead] == ' ' || line[lead] == '\t')) ++lead;
    if (lead == line.size()) return std::unexpected(error(RejectReason::EmptyLine, 0, 0));
    if (line[lead] != '{') return std::unexpected(error(RejectReason::BadField, lead, 0));

    Impl& im = *impl_;
    im.buffer.resize(line.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(im.buffer.data(), line.data(), line.size());
    std::memset(im.buffer.data() + line.size(), ' ', simdjson::SIMDJSON_PADDING);
    const jsonwalk::Source src{std::string_view(im.buffer), line};

    std::array<jsonwalk::Captured, kSlotCount> c{};
    simdjson::ondemand::document doc;
    simdjson::ondemand::object obj;
    if (im.parser.iterate(im.buffer.data(), line.size(), im.buffer.size()).get(doc) || doc.get_object().get(obj) ||
        jsonwalk::walk_object(obj, im.trie, 0, c, src))
        return std::unexpected(error(RejectReason::BadField, 0, 0));

    Record r;
    const auto t = c[kTime].present ? jsonwalk::json_time(c[kTime].text) : std::nullopt;
    if (!t) return std::unexpected(error(RejectReason::BadTimestamp, 0, kTime));
    r.time = *t;
    r.remote_ip = scan::host_without_port(c[kRemoteIp].text, false);
    const std::string_view uri = c[kUri].text;
    const auto q = uri.find('?');
    r.path = uri.substr(0, q);
    if (q != std::string_view::npos) r.query = uri.substr(q + 1);
    // A number field holding an object or an array is no number; null stays "not logged".
    if (c[kStatus].is_container) return std::unexpected(error(RejectReason::BadStatus, 0, kStatus));
    for (const int slot : {kBytesSent, kBytesIn, kDuration}) {
        if (c[static_cast<std::size_t>(slot)].is_container)
            return std::unexpected(error(RejectReason::BadNumber, 0, static_cast<std::uint16_t>(slot)));
    }
    if (c[kStatus].present) {
        std::uint64_t s = 0;
        if (!jsonwalk::json_u64(c[kStatus].text, s) || s > 999)
            return std::unexpected(error(RejectReason::BadStatus, 0, kStatus));
        r.status = static_cast<std::uint16_t>(s);
    }
    if (c[kBytesSent].present && !jsonwalk::json_u64(c[kBytesSent].text, r.bytes_sent))
        return std::unexpected(error(RejectReason::BadNumber, 0, kBytesSent));
    if (c[kBytesIn].present && !jsonwalk::json_u64(c[kBytesIn].text, r.bytes_in))
        return std::unexpected(error(RejectReason::BadNumber, 0, kBytesIn));
    if (c[kDuration].present) {
        std::uint64_t us = 0;
        const std::string_view d = c[kDuration].text;
        if (d.find_first_of("eE") != std::string_view::npos) {
            us = 0;  // exponent form: a duration far below a millisecond (Go writes 1e-07)
            r.has_total_time = d.find("e-") != std::string_view::npos || d.find("E-") != std::string_view::npos;
            if (!r.has_total_time) return std::unexpected(error(RejectReason::BadNumber, 0, kDuration));
        } else if (!scan::parse_duration_us(d, unit_scale_num(im.unit), us, r.has_total_time)) {
            return std::unexpected(error(RejectReason::BadNumber, 0, kDuration));
        }
        if (im.unit == JsonFieldMap::Unit::Nanoseconds) us /= 1000;
        r.total_time_ms = scan::us_to_ms(us);
    }
    for (std::size_t i = 0; i < kSlotCount; ++i) {
        if (kJsonFields[i].text) r.*kJsonFields[i].text = c[i].text;
    }
    r.key = im.key_mapped ? c[kKey].text : scan::key_from_path(r.path);
    std::uint16_t n = 0;
    for (const auto& v : c) n = static_cast<std::uint16_t>(n + (v.present ? 1 : 0));
    r.field_count = n;
    return r;
}

}  // namespace s3top
