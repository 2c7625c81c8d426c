#pragma once
// Helpers for the format parser tests: keeping lines alive, printing rejections, comparing
// Records field by field.
#include <gtest/gtest.h>

#include <array>
#include <deque>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "core/parse/parse_error.hpp"

namespace s3top::test {

/// Records view their line: keeps every line a test parses alive for the whole run.
inline std::string_view keep(std::string line) {
    static std::deque<std::string> lines;
    lines.push_back(std::move(line));
    return lines.back();
}

inline std::string describe(const ParseResult& r) {
    if (r) return "ok";
    return std::string(reject_reason_name(r.error().reason)) + " at column " + std::to_string(r.error().column) +
           " field " + std::to_string(r.error().field);
}

/// Every string field of a Record, by name.
inline std::array<std::pair<const char*, std::string_view>, 25> views(const Record& r) {
    return {{{"bucket_owner", r.bucket_owner},
             {"bucket", r.bucket},
             {"remote_ip", r.remote_ip},
             {"requester", r.requester},
             {"request_id", r.request_id},
             {"operation", r.operation},
             {"key", r.key},
             {"request_uri", r.request_uri},
             {"method", r.method},
             {"path", r.path},
             {"query", r.query},
             {"protocol", r.protocol},
             {"error_code", r.error_code},
             {"referrer", r.referrer},
             {"user_agent", r.user_agent},
             {"version_id", r.version_id},
             {"host_id", r.host_id},
             {"signature_version", r.signature_version},
             {"cipher_suite", r.cipher_suite},
             {"auth_type", r.auth_type},
             {"host_header", r.host_header},
             {"tls_version", r.tls_version},
             {"access_point_arn", r.access_point_arn},
             {"acl_required", r.acl_required},
             {"source_region", r.source_region}}};
}

/// Every string field of `r` views `line` (or is empty).
/// Views a parser keeps in storage of its own (`owned`: CloudFront's decoded user agent and
/// referrer, an operation a format names itself) are left out.
inline bool views_inside(Record r, std::string_view line,
                         std::initializer_list<std::string_view Record::*> owned = {}) {
    for (const auto field : owned) r.*field = {};
    for (const auto& [name, f] : views(r)) {
        if (f.empty()) continue;
        if (f.data() < line.data() || f.data() + f.size() > line.data() + line.size()) return false;
    }
    return true;
}

/// The fields two parsers of one line must agree on.
inline void expect_same_record(const Record& a, const Record& b, bool compare_requester = true) {
    EXPECT_EQ(a.time, b.time);
    EXPECT_EQ(a.remote_ip, b.remote_ip);
    if (compare_requester) {
        EXPECT_EQ(a.requester, b.requester);
    }
    EXPECT_EQ(a.request_uri, b.request_uri);
    EXPECT_EQ(a.method, b.method);
    EXPECT_EQ(a.path, b.path);
    EXPECT_EQ(a.query, b.query);
    EXPECT_EQ(a.protocol, b.protocol);
    EXPECT_EQ(a.key, b.key);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.bytes_sent, b.bytes_sent);
    EXPECT_EQ(a.bytes_in, b.bytes_in);
    EXPECT_EQ(a.total_time_ms, b.total_time_ms);
    EXPECT_EQ(a.has_total_time, b.has_total_time);
    EXPECT_EQ(a.referrer, b.referrer);
    EXPECT_EQ(a.user_agent, b.user_agent);
    EXPECT_EQ(a.host_header, b.host_header);
    EXPECT_EQ(a.tls_version, b.tls_version);
    EXPECT_EQ(a.cipher_suite, b.cipher_suite);
}

}  // namespace s3top::test
