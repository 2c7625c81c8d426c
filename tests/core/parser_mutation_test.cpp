// Bounded, deterministic mutation tests for every format parser: mutated lines never crash,
// accepted ones only hold views inside the line (or, for JSON, the parser's own storage), and
// each line parser's verdict is stable. Each mutated line sits in a buffer of its exact size,
// so a sanitizer build (S3TOP_SANITIZE) catches any read past it.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <memory>
#include <vector>

#include "core/parse/clf_log.hpp"
#include "core/parse/cloudfront_log.hpp"
#include "core/parse/cloudtrail_log.hpp"
#include "core/parse/elb_log.hpp"
#include "core/parse/goaccess_format.hpp"
#include "core/parse/jsonl_log.hpp"
#include "parse_test_util.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

constexpr int kMutationsPerSeed = 400;

struct SplitMix {
    std::uint64_t s;
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
};

std::string mutate(std::string s, SplitMix& rng) {
    static constexpr char kInteresting[] = {'"', ' ',  '\t', '[', ']', '\\', ':', '-', '{', '}',
                                            ',', '\0', '\n', '%', '#', '.',  '0', '9', '/', '?'};
    const int edits = 1 + static_cast<int>(rng.below(3));
    for (int e = 0; e < edits; ++e) {
        const std::size_t pos = rng.below(s.size() + 1);
        switch (rng.below(6)) {
            case 0:  // overwrite a byte
                if (!s.empty()) s[std::min(pos, s.size() - 1)] = kInteresting[rng.below(sizeof kInteresting)];
                break;
            case 1:  // insert a byte
                s.insert(s.begin() + static_cast<std::ptrdiff_t>(pos), kInteresting[rng.below(sizeof kInteresting)]);
                break;
            case 2:  // delete a range
                s.erase(pos, 1 + rng.below(16));
                break;
            case 3:  // duplicate a range
                if (pos < s.size()) s.insert(pos, s.substr(pos, 1 + rng.below(24)));
                break;
            case 4:  // truncate
                s.resize(pos);
                break;
            default:  // a random byte
                if (!s.empty()) s[std::min(pos, s.size() - 1)] = static_cast<char>(rng.next() & 0xff);
                break;
        }
    }
    return s;
}

// Runs `parse` over mutations of every seed; returns how many were accepted.
std::size_t fuzz_lines(const std::vector<std::string>& seeds, const std::function<ParseResult(std::string_view)>& parse,
                       bool strict_views, std::uint64_t seed) {
    SplitMix rng{seed};
    std::size_t accepted = 0;
    for (const auto& s : seeds) {
        for (int i = 0; i < kMutationsPerSeed; ++i) {
            const std::string m = mutate(s, rng);
            auto buf = std::make_unique<char[]>(m.size() + 1);
            std::memcpy(buf.get(), m.data(), m.size());
            const std::string_view line(buf.get(), m.size());
            const auto r = parse(line);
            if (!r) {
                EXPECT_LE(r.error().column, line.size() + 1) << m;
                continue;
            }
            ++accepted;
            if (strict_views) {
                // CloudFront decodes these two into storage of its own (fuzz/ checks S3's all).
                EXPECT_TRUE(test::views_inside(*r, line, {&Record::user_agent, &Record::referrer})) << m;
            }
            EXPECT_LE(r->extra_fields, r->field_count) << m;
        }
    }
    return accepted;
}

std::vector<std::string> corpus_lines(std::string_view dir, std::string_view file, std::vector<std::string> seeds) {
    if (const auto c = test::corpus_dir()) {
        for (auto& l : test::read_lines(*c / dir / file)) seeds.push_back(std::move(l));
    }
    return seeds;
}

TEST(Mutation, Clf) {
    const auto seeds = corpus_lines(
        "combined", "real-samples.log",
        {R"(vh:80 "1.1.1.1, 2.2.2.2" 3.3.3.3 - u [01/Jan/2024:00:00:00 +0000] "GET /a\"b HTTP/1.1" 200 5 "r" "u\"a" x)"});
    EXPECT_GT(fuzz_lines(seeds, [](std::string_view l) { return parse_clf_line(l); }, true, 1), 0u);
}

TEST(Mutation, AlbAndElb) {
    const auto alb = corpus_lines(
        "alb", "real-samples.log",
        {R"(h2 2018-07-02T22:23:00.1Z app/x [2001:db8::1]:5 - -1 -1 -1 400 - 0 272 "- http://h:80- -" "\"ua\"" - -)"});
    EXPECT_GT(fuzz_lines(alb, [](std::string_view l) { return parse_alb_log(l); }, true, 2), 0u);
    const auto elb = corpus_lines("alb", "classic-elb-samples.log", {});
    if (!elb.empty()) {
        EXPECT_GT(fuzz_lines(elb, [](std::string_view l) { return parse_elb_log(l); }, true, 3), 0u);
    }
}

TEST(Mutation, CloudFront) {
    auto seeds =
        corpus_lines("cloudfront", "real-samples.log",
                     {"2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\th\t/i\t200\t-\tua%20x\t-\t-\tHit\tid\th\t"
                      "https\t23\t0.001\t-\tTLSv1.2\tC\tHit\tHTTP/2.0\t-\t-\t1\t0.001\tHit\tt\t78\t-\t-",
                      "#Fields: date time c-ip sc-status cs-method cs-uri-stem sc-bytes time-taken"});
    CloudFrontLineParser p;
    EXPECT_GT(fuzz_lines(seeds, [&](std::string_view l) { return p.parse(l); }, true, 4), 0u);
}

TEST(Mutation, GoAccessFormats) {
    const auto combined = *compile_goaccess_format("COMBINED", "", "");
    const auto seeds = corpus_lines("combined", "real-samples.log", {});
    if (!seeds.empty()) {
        EXPECT_GT(fuzz_lines(seeds, [&](std::string_view l) { return parse_goaccess_line(combined, l); }, true, 5), 0u);
    }
    const auto custom = *compile_goaccess_format(R"(%v:%^ %h %e [%x] "%m %U %H" %s %b %T ~h{, })", "%Y-%m-%dT%T%z", "");
    const std::vector<std::string> mine{
        R"(v:1 1.2.3.4 bob [2023-10-10T20:55:36+0200] "PUT /u?x HTTP/2.0" 201 0 0.250 9.9.9.9, 8.8.8.8)"};
    EXPECT_GT(fuzz_lines(mine, [&](std::string_view l) { return parse_goaccess_line(custom, l); }, true, 6), 0u);
    // Compiling mutated format strings never crashes either.
    SplitMix rng{7};
    for (int i = 0; i < 2000; ++i) {
        const std::string f = mutate(R"(%h %^[%d:%t %^] "%r" %s %b "%R" "%u" ~h{, } %~%L)", rng);
        const std::string d = mutate("%d/%b/%Y", rng);
        if (auto c = compile_goaccess_format(f, d, "%H:%M:%S")) {
            (void)parse_goaccess_line(*c, R"(1.2.3.4 - - [10/Oct/2023:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "-" "-")");
        }
    }
}

TEST(Mutation, Jsonl) {
    const std::vector<std::string> seeds{
        R"({"ts":1646861401.52,"request":{"remote_ip":"192.0.2.44","proto":"HTTP/2.0","method":"GET","host":"h","uri":"/a?b","headers":{"User-Agent":["c\"url"]}},"status":200,"size":10,"duration":0.5})"};
    JsonLineParser p;
    // Views may point into the parser's buffer (unescaped strings): no strict check.
    EXPECT_GT(fuzz_lines(seeds, [&](std::string_view l) { return p.parse(l); }, false, 8), 0u);
}

TEST(Mutation, CloudTrail) {
    std::vector<std::string> docs{
        R"({"Records":[{"eventTime":"2023-05-01T10:00:00Z","eventName":"GetObject","userIdentity":{"arn":"a"},"requestParameters":{"bucketName":"b","key":"k\"x"},"additionalEventData":{"bytesTransferredOut":5}}]})"};
    if (const auto c = test::corpus_dir()) {
        docs.push_back(test::read_file(*c / "cloudtrail" / "elastic-integrations-copy-object.json"));
        docs.push_back(test::read_file(*c / "cloudtrail" / "aws-docs-s3-management-events.json"));
    }
    CloudTrailParser p;
    SplitMix rng{9};
    std::size_t records = 0;
    for (const auto& d : docs) {
        for (int i = 0; i < kMutationsPerSeed; ++i) {
            const std::string m = mutate(d, rng);
            auto buf = std::make_unique<char[]>(m.size() + 1);
            std::memcpy(buf.get(), m.data(), m.size());
            std::string error;
            (void)p.parse(
                std::string_view(buf.get(), m.size()),
                [&](const Record& r) {
                    ++records;
                    EXPECT_GT(r.time, 0);
                },
                [&](std::string_view excerpt, ParseError) { EXPECT_LE(excerpt.size(), 200u); }, error);
        }
    }
    EXPECT_GT(records, 0u);
}

}  // namespace
}  // namespace s3top
