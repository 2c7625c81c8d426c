// A bounded, deterministic mutation fuzzer for the S3 parser that runs in CI: a fixed-seed PRNG
// mutates seed lines (our own below, plus the shared corpus when it is there) with byte flips,
// inserted/deleted quotes, spaces, brackets, control bytes and NULs, truncation, duplicated
// segments and spliced records. Every input lives in a heap buffer of exactly its size, so a
// sanitizer build (-DS3TOP_SANITIZE=ON) also catches a read past the end. Checked on each input:
//   - no crash, no hang;
//   - an accepted record's views all lie inside the input buffer, and bare-token fields hold no
//     space; counters are consistent;
//   - a rejection's column is <= the line's length and its field is a real field index;
//   - the result is the reference parser's (tests/support/reference_s3_parser.*), field for field.
// The libFuzzer target fuzz/fuzz_s3_parser.cpp checks the same properties, unbounded; inputs it
// found are kept in S3Mutation.Regressions.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/parse/line_index.hpp"
#include "core/parse/log_format.hpp"
#include "core/parse/s3_access_log.hpp"
#include "core/parse/uri.hpp"
#include "parse_test_util.hpp"
#include "support/reference_s3_parser.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

// --- PRNG: SplitMix64, so the sequence is the same on every platform and library --------------

class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    /// Uniform-enough in [0, n); 0 when n == 0.
    std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
    bool chance(unsigned percent) { return below(100) < percent; }

private:
    std::uint64_t state_;
};

// --- seed lines ---------------------------------------------------------------------------

constexpr std::string_view kOwner = "5e1f0c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f";

std::vector<std::string> own_seeds() {
    const std::string o(kOwner);
    return {
        // 17 fields (ends at the user agent)
        o + " b [06/Feb/2014:00:00:38 +0000] 192.0.2.3 - 0A REST.GET.OBJECT k \"GET /k HTTP/1.1\" 200 - 1 1 7 - "
            "\"-\" \"ua\"",
        // 18 fields, 2010 style
        o + " logs [10/Feb/2010:07:17:01 +0000] 10.0.0.1 " + o +
            " 784F REST.GET.ACL - \"GET /?acl HTTP/1.1\" 307 TemporaryRedirect 488 - 7 - \"-\" \"Jakarta/3.0\" -",
        // 24 fields, upload, SigV4
        o + " up [06/Feb/2019:00:00:38 +0000] 192.0.2.3 arn:aws:sts::111122223333:assumed-role/r/s DD6C "
            "REST.PUT.OBJECT a/b.pdf \"PUT /up/a/b.pdf HTTP/1.1\" 200 - - 4406583 41754 28 \"-\" \"S3Console/0.4\" - "
            "aG9zdA== SigV4 ECDHE-RSA-AES128-SHA AuthHeader up.s3.amazonaws.com TLSv1.2",
        // 26 fields, quotes inside URI, referrer and agent
        o + " dl [13/Nov/2024:18:24:19 +0000] 192.0.2.0 - T6MT REST.GET.OBJECT ds/d.json "
            "\"GET /ds/d.json?response-content-disposition=attachment;%20filename=\"d.json\"&X-Amz-Expires=3600 "
            "HTTP/1.1\" 200 - 1194552 9045012 38 35 \"http://x/?q=\"a\" b\" \"pip/19.1 {\"ci\":null}\" - "
            "cEhvc3Q= SigV4 TLS_AES_128_GCM_SHA256 QueryString dl.s3.amazonaws.com TLSv1.3 - -",
        // 27 fields: access point, aclRequired, region, then a future field
        o + " ap [01/Jan/2025:12:00:00 -0130] 2001:db8::1 arn:aws:iam::111122223333:user/u 11AA REST.HEAD.OBJECT "
            "x%2By \"HEAD /ap/x%2By HTTP/2.0\" 404 NoSuchKey 300 - 5 - \"-\" \"curl/8.0\" - aGlk SigV4 "
            "ECDHE-RSA-AES128-GCM-SHA256 AuthHeader ap-1111.s3-accesspoint.us-east-1.amazonaws.com TLSv1.3 "
            "arn:aws:s3:us-east-1:111122223333:accesspoint/ap Yes us-east-1 future",
        // lifecycle: "-" IP, quoted "-" URI, "-" status
        o + " lc [06/Feb/2019:00:00:38 +0000] - AmazonS3 128E S3.EXPIRE.OBJECT lc/2020-01-11 \"-\" - - - 3922 - - "
            "\"-\" \"-\" DkKg JFLm - - - - -",
        // batch delete: bare "-" URI, referrer and agent
        o + " bd [10/Sep/2019:15:11:07 +0000] 89.160.20.156 arn:aws:iam::1:user/t 8CD7 BATCH.DELETE.OBJECT f.war - "
            "204 - - 344017 - - - - - SWVE SigV4 ECDHE-RSA-AES128-SHA AuthHeader s3.eu-central-1.amazonaws.com "
            "TLSv1.2",
        // two spaces, agent with a trailing quote, bare "-" referrer, CRLF
        o + " ws [03/Aug/2022:20:26:41 +0000] 192.0.2.0  arn:aws:iam::123:user/u SAV9 REST.GET.OBJECT s/b.nii.gz "
            "\"GET /s/b.nii.gz HTTP/1.1\" 206 - - 199693197 45147 45088 - \"Safari/604.1\"\" - b3Q= SigV4 "
            "ECDHE-RSA-AES128-GCM-SHA256 AuthHeader ws.s3.us-east-2.amazonaws.com TLSv1.2 -\r\n",
        // stray token between version id and host id
        o + " st [25/May/2020:22:54:57 +0000] 52.54.203.43 - EF87 REST.GET.BUCKET - \"GET /?policy HTTP/1.1\" 200 "
            "- 12 - 30 - \"-\" \"S3Console/0.4\" - AIDAEXAMPLE aG9zdA== SigV2 ECDHE-RSA-AES128-SHA AuthHeader "
            "st.s3.amazonaws.com TLSv1",
    };
}

std::vector<std::string> seed_lines() {
    std::vector<std::string> seeds = own_seeds();
    if (const auto corpus = test::corpus_dir()) {
        for (const char* f : {"real-samples.log", "real-samples-crlf.log", "test-constructed.log"}) {
            for (auto& l : test::read_lines(*corpus / "s3" / f))
                if (!l.empty()) seeds.push_back(std::move(l));
        }
    }
    return seeds;
}

// --- mutations ----------------------------------------------------------------------------

constexpr char kSpecial[] = {'"',    ' ', '[', ']', '\0', '\r', '\n', '\t', '\x01', '\x1f', '\x7f',
                             '\xff', '-', '?', '%', '\\', '/',  ':',  '+',  '0',    '9'};
constexpr std::size_t kMaxLine = 16 * 1024;

std::size_t find_nth(const std::string& s, char c, std::size_t nth) {
    for (std::size_t i = 0; i < s.size(); ++i)
        if (s[i] == c && nth-- == 0) return i;
    return std::string::npos;
}

std::size_t count(const std::string& s, char c) {
    std::size_t n = 0;
    for (const char ch : s) n += ch == c;
    return n;
}

void mutate_once(std::string& s, SplitMix64& rng, const std::vector<std::string>& seeds) {
    const std::size_t pos = rng.below(s.size() + 1);
    switch (rng.below(13)) {
        case 0:  // flip a bit
            if (!s.empty()) s[rng.below(s.size())] ^= static_cast<char>(1u << rng.below(8));
            break;
        case 1:  // random byte
            if (!s.empty()) s[rng.below(s.size())] = static_cast<char>(rng.below(256));
            break;
        case 2:  // insert a special byte
            s.insert(pos, 1, kSpecial[rng.below(sizeof kSpecial)]);
            break;
        case 3:  // delete a run
            if (!s.empty()) s.erase(rng.below(s.size()), 1 + rng.below(8));
            break;
        case 4:  // insert a quote / delete one of the quotes
            if (const std::size_t q = count(s, '"'); q > 0 && rng.chance(50)) {
                s.erase(find_nth(s, '"', rng.below(q)), 1);
            } else {
                s.insert(pos, 1, '"');
            }
            break;
        case 5:  // insert a space / delete one of the spaces
            if (const std::size_t q = count(s, ' '); q > 0 && rng.chance(50)) {
                s.erase(find_nth(s, ' ', rng.below(q)), 1);
            } else {
                s.insert(pos, rng.chance(70) ? 1 : 1 + rng.below(4), ' ');
            }
            break;
        case 6:  // insert / delete a bracket
            if (const std::size_t q = count(s, ']'); q > 0 && rng.chance(50)) {
                s.erase(find_nth(s, ']', rng.below(q)), 1);
            } else {
                s.insert(pos, 1, rng.chance(50) ? '[' : ']');
            }
            break;
        case 7:  // truncate
            s.resize(rng.below(s.size() + 1));
            break;
        case 8: {  // duplicate a segment somewhere
            if (s.empty()) break;
            const std::size_t a = rng.below(s.size());
            const std::size_t len = 1 + rng.below(std::min<std::size_t>(s.size() - a, 96));
            const std::string seg = s.substr(a, len);
            s.insert(rng.below(s.size() + 1), seg);
            break;
        }
        case 9: {  // a run of quote/space patterns that looks like field boundaries
            static constexpr std::string_view kRuns[] = {"\" \"", "\" 200 - ", "\"\"", " - - ", "\" -", "[", "\"-\""};
            s.insert(pos, kRuns[rng.below(std::size(kRuns))]);
            break;
        }
        case 10:  // control byte or NUL
            s.insert(pos, 1, static_cast<char>(rng.below(32)));
            break;
        case 11: {  // splice: this line's head glued to another seed's tail (two records run together)
            const std::string& other = seeds[rng.below(seeds.size())];
            s = s.substr(0, pos) + other.substr(rng.below(other.size() + 1));
            break;
        }
        default: {  // replace a space-separated token with "-" or with nothing
            if (s.empty()) break;
            const std::size_t a = s.rfind(' ', rng.below(s.size()));
            const std::size_t start = a == std::string::npos ? 0 : a + 1;
            std::size_t end = s.find(' ', start);
            if (end == std::string::npos) end = s.size();
            s.replace(start, end - start, rng.chance(50) ? "-" : "");
            break;
        }
    }
    if (s.size() > kMaxLine) s.resize(kMaxLine);
}

// --- properties ----------------------------------------------------------------------------

/// Parses `line` and returns "" when every property holds, else what broke.
std::string check(std::string_view line, bool* accepted = nullptr) {
    const auto r = parse_s3_access_log(line);
    if (accepted) *accepted = r.has_value();
    // The same result, view for view, as the parser before the line index (session 24).
    if (const std::string d = reference::difference(r, reference::parse_s3_access_log(line)); !d.empty())
        return "differs from the reference parser: " + d;
    const char* const begin = line.data();
    const char* const end = line.data() + line.size();
    if (!r) {
        const ParseError& e = r.error();
        if (e.column > line.size())
            return "rejection column " + std::to_string(e.column) + " > length " + std::to_string(line.size());
        if (e.field >= kS3FieldCount) return "rejection field " + std::to_string(e.field) + " out of range";
        switch (e.reason) {
            case RejectReason::LineTooLong:
            case RejectReason::HeaderLine:
            case RejectReason::NoFormat:
            case RejectReason::DuplicateRequestId:
            case RejectReason::Count_:
                return "reason the S3 parser never gives: " + std::string(reject_reason_name(e.reason));
            default: break;
        }
        return {};
    }
    for (const auto& [name, v] : test::views(*r)) {
        if (v.empty()) {
            if (v.data() != nullptr && (v.data() < begin || v.data() > end))
                return std::string("empty view ") + name + " points outside the line";
            continue;
        }
        if (v.data() < begin || v.data() + v.size() > end)
            return std::string("view ") + name + " lies outside the line";
    }
    for (const std::string_view bare :
         {r->bucket_owner, r->bucket, r->remote_ip, r->requester, r->request_id, r->operation, r->key, r->error_code,
          r->version_id, r->host_id, r->signature_version, r->cipher_suite, r->auth_type, r->host_header,
          r->tls_version, r->access_point_arn, r->acl_required, r->source_region}) {
        if (bare.find(' ') != std::string_view::npos)
            return "a bare-token field holds a space: [" + std::string(bare) + "]";
    }
    if (r->status != 0 && (r->status < 100 || r->status > 599)) return "status " + std::to_string(r->status);
    // 17 fields (through the user agent) is the shortest real format: a line cut before its
    // user agent is a partial delivery, never a record.
    if (r->field_count < 17) return "accepted with field_count " + std::to_string(r->field_count);
    if (r->extra_fields > r->field_count) return "extra_fields > field_count";
    if (!r->has_object_size && r->object_size != 0) return "object_size without has_object_size";
    if (r->bytes_in != 0 && r->bytes_in != r->object_size) return "bytes_in is not the object size";
    // Downstream helpers on the parsed fields must be safe too.
    std::string scratch;
    url_decode(r->key, scratch, false);
    (void)query_param(r->query, "versionId", scratch);
    (void)split_request_line(r->request_uri);
    return {};
}

/// A C++ string literal for `s` (octal escapes, so it can be pasted into Regressions).
std::string literal(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u >= 0x7f) {
            const char oct[] = {'\\', static_cast<char>('0' + (u >> 6)), static_cast<char>('0' + ((u >> 3) & 7)),
                                static_cast<char>('0' + (u & 7)), '\0'};
            out += oct;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

/// A record with every field set (an upload with every tail field), as an earlier line leaves
/// the parse worker's reused result.
ParseResult full_record() {
    static const std::string line =
        "owner bkt [06/Feb/2019:00:00:38 +0000] 192.0.2.3 arn:aws:iam::1:user/u REQID REST.PUT.OBJECT k/1 "
        "\"PUT /bkt/k/1?org=o HTTP/1.1\" 200 NoSuchThing 512 1024 7 3 \"http://r/\" \"ua/1 x\" VER HOSTID SigV4 "
        "ECDHE AuthHeader bkt.s3.amazonaws.com TLSv1.2 arn:aws:s3:us-east-1:1:accesspoint/ap Yes us-west-2";
    return parse_s3_access_log(line);
}

/// The parse worker's way (S3LineParser::parse_first_line): `bytes` runs on past the line (a
/// newline and the next line's bytes, or nothing), the result goes into a reused record (an
/// earlier line's, or an earlier rejection). The same result as the reference parser's of the
/// line up to the first newline, and that line's length; "" when so.
std::string check_first_line(std::string_view bytes, bool reused_record) {
    const std::string_view line = bytes.substr(0, bytes.find('\n'));
    ParseResult out = reused_record ? full_record() : ParseResult{std::unexpected(ParseError{})};
    if (!out && reused_record) return "the full record does not parse";
    S3LineParser parser;
    const std::size_t n = parser.parse_first_line(bytes, out);
    if (n == LineParser::npos) {
        const bool past_limits = line.size() >= LineIndex::kMaxLine ||
                                 std::count(line.begin(), line.end(), ' ') > std::ptrdiff_t{LineIndex::kMaxSpaces};
        return past_limits ? "" : "not taken within the line index's limits";
    }
    if (n != line.size()) return "length " + std::to_string(n) + " for " + std::to_string(line.size());
    if (const std::string d = reference::difference(out, reference::parse_s3_access_log(line)); !d.empty())
        return std::string(reused_record ? "into a reused record" : "after a rejection") +
               ", differs from the reference parser: " + d;
    return {};
}

/// Copies `s` into a heap buffer of exactly its size (so ASan sees any over-read) and checks it,
/// and the worker's way on it alone and followed by a newline and another line.
std::string check_exact(const std::string& s, bool* accepted = nullptr) {
    const std::unique_ptr<char[]> buf(new char[s.size() == 0 ? 1 : s.size()]);
    if (!s.empty()) std::memcpy(buf.get(), s.data(), s.size());
    const std::string_view line(buf.get(), s.size());
    if (std::string why = check(line, accepted); !why.empty()) return why;
    if (line.find('\n') == std::string_view::npos) {
        if (std::string why = check_first_line(line, s.size() % 2 == 0); !why.empty()) return why;
    }
    const std::string more = s + "\n- - [06/Feb/2019:00:00:38 +0000] \" \" ";
    const std::unique_ptr<char[]> buf2(new char[more.size()]);
    std::memcpy(buf2.get(), more.data(), more.size());
    return check_first_line(std::string_view(buf2.get(), more.size()), s.size() % 2 == 1);
}

TEST(S3Mutation, TheFullRecordHasEveryFieldSet) {
    const ParseResult r = full_record();
    ASSERT_TRUE(r);
    for (const auto& [name, v] : test::views(*r)) EXPECT_FALSE(v.empty()) << name;
    EXPECT_EQ(r->bytes_in, 1024u);
    EXPECT_TRUE(r->has_object_size && r->has_total_time && r->has_turnaround);
}

TEST(S3Mutation, SeedsSatisfyTheProperties) {
    for (const auto& s : seed_lines()) EXPECT_EQ(check_exact(s), "") << literal(s);
    for (const auto& s : own_seeds()) {
        const auto r = parse_s3_access_log(s);
        EXPECT_TRUE(r) << literal(s);
    }
}

TEST(S3Mutation, BoundedDeterministicLoop) {
    constexpr std::uint64_t kSeed = 0x53334C4F47ull;  // "S3LOG"
    constexpr int kMutations = 200000;
    const auto seeds = seed_lines();
    ASSERT_FALSE(seeds.empty());

    SplitMix64 rng(kSeed);
    int failures = 0, accepted = 0, done = 0;
    const auto t0 = std::chrono::steady_clock::now();
    std::string s;
    for (int i = 0; i < kMutations && failures < 10; ++i, ++done) {
        // Mostly fresh mutants of a seed, sometimes keep mutating the previous one (deeper damage).
        if (s.empty() || rng.chance(75)) s = seeds[rng.below(seeds.size())];
        const std::size_t ops = 1 + rng.below(rng.chance(10) ? 16 : 4);
        for (std::size_t k = 0; k < ops; ++k) mutate_once(s, rng, seeds);
        bool ok = false;
        const std::string why = check_exact(s, &ok);
        if (!why.empty()) {
            ADD_FAILURE() << "mutation " << i << ": " << why << "\ninput: " << literal(s);
            ++failures;
        }
        accepted += ok;
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    RecordProperty("accepted", accepted);
    std::printf("[ mutation ] %d mutants from %zu seeds, %d accepted, %.2f s\n", done, seeds.size(), accepted, secs);
    // Most mutants must still be rejected or accepted for a reason: a loop that never gets a
    // line through is not exercising the field parsers.
    EXPECT_GT(accepted, kMutations / 100);
    EXPECT_LT(accepted, kMutations);
}

// Inputs that crashed or broke a property in the mutation loop or in fuzz/fuzz_s3_parser.cpp go
// here, so they stay fixed. None has so far (2 x 120 s of libFuzzer, ~10M executions); these are
// hand-picked edge shapes: lone bytes, truncation inside the time / URI / referrer, empty and
// unbalanced quotes, a NUL inside the request, and a line ending at a quoted referrer (accepted
// with 16 fields, the shape the loop first flagged).
TEST(S3Mutation, Regressions) {
    using namespace std::string_literals;
    const std::string cases[] = {
        "\0"s,
        "\"",
        "- - [",
        "- - [06/Feb/2019:00:00:38 +0000]",
        "- - [06/Feb/2019:00:00:38 +0000] - - - - - \"",
        "- - [06/Feb/2019:00:00:38 +0000] - - - - - \"\"",
        "- - [06/Feb/2019:00:00:38 +0000] - - - - - \" 200 - - - - - \"",
        "- - [06/Feb/2019:00:00:38 +0000] - - - - - - 200 - - - - - \"",
        "- - [06/Feb/2019:00:00:38 +0000] - - - - - - 200 - - - - - \"\" ",
        "- - [06/Feb/2019:00:00:38 +0000] - - - - - - 200 - - - - - \" \"",
        "- - [06/Feb/2019:00:00:38 +0000] - - - - - - 200 - - - - \"\" \"\"\"",
        "- - [06/Feb/2019:00:00:38 +0000] - - - - - \"GET /\0 HTTP/1.1\" 200 - - - - - \"-\" \"-\""s,
    };
    for (const auto& c : cases) EXPECT_EQ(check_exact(c), "") << literal(c);
}

}  // namespace
}  // namespace s3top
