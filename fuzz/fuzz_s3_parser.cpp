// libFuzzer target for the S3 access-log parser (and the URI helpers it feeds).
// Properties, checked on every input (a violation aborts, so libFuzzer keeps the input):
//   - no crash, no sanitizer report (the input buffer is exactly `size` bytes, so ASan sees any
//     read past it), no hang;
//   - an accepted record's string views all lie inside the input;
//   - a rejection's column is <= the input length and its field is a real field index;
//   - the result is the reference parser's (tests/support/reference_s3_parser.*: the parser
//     before the line index), field for field, view for view;
//   - the parse worker's way (S3LineParser::parse_first_line: the input is a block, its first
//     line parsed into the record the previous input left) gives the reference parser's result
//     for the line up to the first newline, and that line's length.
// The bounded CI version of this is tests/core/s3_mutation_test.cpp.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/parse/log_format.hpp"
#include "core/parse/s3_access_log.hpp"
#include "core/parse/uri.hpp"
#include "support/reference_s3_parser.hpp"

namespace {

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_s3_parser: property violated: %s\n", what);
    std::abort();
}

void inside(std::string_view v, std::string_view line, const char* name) {
    if (v.empty()) return;
    if (v.data() < line.data() || v.data() + v.size() > line.data() + line.size()) fail(name);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    {
        // The previous input's record (its views dangle, never read: every field is written).
        static s3top::ParseResult reused{std::in_place};
        static s3top::S3LineParser parser;
        const std::string_view first = line.substr(0, line.find('\n'));
        const std::size_t n = parser.parse_first_line(line, reused);
        if (n != s3top::LineParser::npos) {
            if (n != first.size()) fail("parse_first_line: the line's length");
            if (*s3top::reference::difference(reused, s3top::reference::parse_s3_access_log(first)) != '\0')
                fail("parse_first_line differs from the reference parser");
        } else if (first.size() < 4096 && std::count(first.begin(), first.end(), ' ') <= 128) {
            fail("parse_first_line refused a line within the line index's limits");
        }
    }
    const s3top::ParseResult r = s3top::parse_s3_access_log(line);
    if (*s3top::reference::difference(r, s3top::reference::parse_s3_access_log(line)) != '\0')
        fail("differs from the reference parser");
    if (!r) {
        if (r.error().column > size) fail("rejection column past the end of the line");
        if (r.error().field >= s3top::kS3FieldCount) fail("rejection field out of range");
        return 0;
    }
    const s3top::Record& rec = *r;
#define S3TOP_FUZZ_INSIDE(f) inside(rec.f, line, #f)
    S3TOP_FUZZ_INSIDE(bucket_owner);
    S3TOP_FUZZ_INSIDE(bucket);
    S3TOP_FUZZ_INSIDE(remote_ip);
    S3TOP_FUZZ_INSIDE(requester);
    S3TOP_FUZZ_INSIDE(request_id);
    S3TOP_FUZZ_INSIDE(operation);
    S3TOP_FUZZ_INSIDE(key);
    S3TOP_FUZZ_INSIDE(request_uri);
    S3TOP_FUZZ_INSIDE(method);
    S3TOP_FUZZ_INSIDE(path);
    S3TOP_FUZZ_INSIDE(query);
    S3TOP_FUZZ_INSIDE(protocol);
    S3TOP_FUZZ_INSIDE(error_code);
    S3TOP_FUZZ_INSIDE(referrer);
    S3TOP_FUZZ_INSIDE(user_agent);
    S3TOP_FUZZ_INSIDE(version_id);
    S3TOP_FUZZ_INSIDE(host_id);
    S3TOP_FUZZ_INSIDE(signature_version);
    S3TOP_FUZZ_INSIDE(cipher_suite);
    S3TOP_FUZZ_INSIDE(auth_type);
    S3TOP_FUZZ_INSIDE(host_header);
    S3TOP_FUZZ_INSIDE(tls_version);
    S3TOP_FUZZ_INSIDE(access_point_arn);
    S3TOP_FUZZ_INSIDE(acl_required);
    S3TOP_FUZZ_INSIDE(source_region);
#undef S3TOP_FUZZ_INSIDE
    for (const std::string_view bare :
         {rec.bucket_owner, rec.bucket, rec.remote_ip, rec.requester, rec.request_id, rec.operation, rec.key,
          rec.error_code, rec.version_id, rec.host_id, rec.signature_version, rec.cipher_suite, rec.auth_type,
          rec.host_header, rec.tls_version, rec.access_point_arn, rec.acl_required, rec.source_region}) {
        if (bare.find(' ') != std::string_view::npos) fail("a bare-token field holds a space");
    }
    // 16 fields: a line that ends at a quoted referrer, which the parser takes (see the test).
    if (rec.field_count < 16) fail("accepted with fewer than 16 fields");
    if (rec.field_count == 16 && (!rec.user_agent.empty() || !rec.version_id.empty())) fail("16 fields but more");
    if (rec.extra_fields > rec.field_count) fail("extra_fields > field_count");
    if (rec.status != 0 && (rec.status < 100 || rec.status > 599)) fail("status out of range");
    if (!rec.has_object_size && rec.object_size != 0) fail("object_size without has_object_size");
    if (rec.bytes_in != 0 && rec.bytes_in != rec.object_size) fail("bytes_in is not the object size");

    // What the rest of the program does with a record next.
    std::string scratch;
    s3top::url_decode(rec.key, scratch, false);
    (void)s3top::query_param(rec.query, "versionId", scratch);
    (void)s3top::query_param(rec.query, "x-id", scratch);
    const s3top::RequestLine rl = s3top::split_request_line(rec.request_uri);
    if (rl.path != rec.path || rl.query != rec.query) fail("split_request_line is not deterministic");
    return 0;
}
