// Format detection and the parser factory.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "core/parse/format_registry.hpp"
#include "core/parse/s3_access_log.hpp"
#include "parse_test_util.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

std::optional<std::string> detect(const std::vector<std::string>& lines) {
    std::vector<std::string_view> views(lines.begin(), lines.end());
    return detect_format(views);
}

std::optional<std::string> detect_file(const std::filesystem::path& p, std::size_t n = 50) {
    auto lines = test::read_lines(p);
    if (lines.size() > n) lines.resize(n);
    return detect(lines);
}

const std::string kS3 =
    "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be bucket [06/Feb/2019:00:00:38 +0000] 192.0.2.3 "
    "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.VERSIONING - "
    "\"GET /bucket?versioning HTTP/1.1\" 200 - 113 - 7 - \"-\" \"S3Console/0.4\" - hostid= SigV4 "
    "ECDHE-RSA-AES128-GCM-SHA256 AuthHeader bucket.s3.us-west-1.amazonaws.com TLSv1.2";
const std::string kCombined = R"(192.0.2.7 - - [10/Oct/2023:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "-" "curl/8")";
const std::string kCommon = R"(192.0.2.7 - - [10/Oct/2023:13:55:36 -0700] "GET / HTTP/1.1" 200 5)";
const std::string kVCombined =
    R"(example.com:443 192.0.2.7 - - [10/Oct/2023:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "-" "curl/8")";
const std::string kAlb =
    R"(h2 2018-07-02T22:23:00.186641Z app/lb/50dc 10.0.1.252:48160 10.0.0.66:9000 0.000 0.002 0.000 200 200 5 257 )"
    R"("GET https://10.0.2.105:773/ HTTP/2.0" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn "Root=1-5" "-" "-" 1)";
const std::string kElb =
    R"(2015-05-13T23:39:43.945958Z my-lb 192.168.131.39:2817 10.0.0.1:80 0.000086 0.001048 0.001337 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1")";
const std::string kCf =
    "2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td1.cloudfront.net\t/index.html\t200\t-\tcurl/8\t-\t-\tHit\tid";
const std::string kCaddy =
    R"({"ts":1646861401.52,"request":{"remote_ip":"192.0.2.44","method":"GET","uri":"/"},"status":200,"size":1})";

/// `n` copies of `line` then `m` of `other`.
std::vector<std::string> mix(const std::string& line, std::size_t n, const std::string& other, std::size_t m) {
    std::vector<std::string> v(n, line);
    v.insert(v.end(), m, other);
    return v;
}

// Detection stops parsing lines once one format leads out of reach; every order and mix must
// still give what a full vote gives: the majority, ties to the earlier name (s3 before
// combined), a CloudFront header wherever it is.
TEST(Detect, TheMajorityWinsWhateverTheOrderAndAHeaderAnywhereDecides) {
    EXPECT_EQ(detect(mix(kS3, 10, kCombined, 10)), "s3");
    EXPECT_EQ(detect(mix(kCombined, 10, kS3, 10)), "s3");  // a tie: the earlier name
    EXPECT_EQ(detect(mix(kCombined, 11, kS3, 9)), "combined");
    EXPECT_EQ(detect(mix(kS3, 9, kCombined, 11)), "combined");
    EXPECT_EQ(detect(mix(kCombined, 10, kCommon, 10)), "combined");
    EXPECT_EQ(detect(mix(kCommon, 10, kCombined, 10)), "combined");
    EXPECT_EQ(detect(mix(kCommon, 11, kCombined, 9)), "common");
    auto s3_then_header = mix(kS3, 15, "#Fields: date time", 1);
    EXPECT_EQ(detect(s3_then_header), "cloudfront");
    auto s3_then_json = mix(kS3, 10, kCaddy, 10);
    EXPECT_EQ(detect(s3_then_json), "s3");
    EXPECT_EQ(detect(mix(kCaddy, 11, kS3, 9)), "jsonl");
    // Lines no format takes do not vote, early or late.
    EXPECT_EQ(detect(mix("junk", 12, kCombined, 3)), "combined");
    EXPECT_EQ(detect(mix(kAlb, 3, "junk", 17)), "alb");
}

TEST(Detect, EachFormatFromOneLine) {
    EXPECT_EQ(detect({kS3}), "s3");
    EXPECT_EQ(detect({kCombined}), "combined");
    EXPECT_EQ(detect({kCommon}), "common");
    EXPECT_EQ(detect({kVCombined}), "vcombined");
    EXPECT_EQ(detect({R"(example.com 192.0.2.7 - - [10/Oct/2023:13:55:36 -0700] "GET / HTTP/1.1" 200 5)"}), "vcommon");
    EXPECT_EQ(detect({kAlb}), "alb");
    EXPECT_EQ(detect({kElb}), "elb");
    EXPECT_EQ(detect({kCf}), "cloudfront");
    EXPECT_EQ(detect({"#Version: 1.0", "#Fields: date time"}), "cloudfront");
    EXPECT_EQ(detect({kCaddy}), "jsonl");
    EXPECT_EQ(detect({"{", "  \"Records\": ["}), "cloudtrail");
    EXPECT_EQ(detect({R"({"eventVersion":"1.09","eventSource":"s3.amazonaws.com"})"}), "cloudtrail");
    EXPECT_EQ(detect({"hello world", "nothing here"}), std::nullopt);
    EXPECT_EQ(detect({}), std::nullopt);
    EXPECT_EQ(detect({"", "  "}), std::nullopt);
}

TEST(Detect, MajorityWinsAndTiesFollowTheOrder) {
    EXPECT_EQ(detect({kCombined, kCombined, kS3}), "combined");
    EXPECT_EQ(detect({kCombined, kS3}), "s3");            // tie: S3 comes first
    EXPECT_EQ(detect({kCommon, kCombined}), "combined");  // tie: combined before common
    EXPECT_EQ(detect({"garbage", kAlb, "more garbage"}), "alb");
    // Deterministic: the same input gives the same answer.
    const std::vector<std::string> mixed{kCommon, kCombined, kAlb, kElb, kS3, kCf};
    const auto first = detect(mixed);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(detect(mixed), first);
}

TEST(DetectCorpus, EveryCorpusFileIsRecognised) {
    S3TOP_REQUIRE_CORPUS(corpus);
    EXPECT_EQ(detect_file(corpus / "s3" / "real-samples.log"), "s3");
    EXPECT_EQ(detect_file(corpus / "s3" / "real-samples-crlf.log"), "s3");
    EXPECT_EQ(detect_file(corpus / "cloudfront" / "real-samples.log"), "cloudfront");
    EXPECT_EQ(detect_file(corpus / "cloudfront" / "dpetzold-cloudfront-multiple.log"), "cloudfront");
    EXPECT_EQ(detect_file(corpus / "alb" / "real-samples.log"), "alb");
    EXPECT_EQ(detect_file(corpus / "alb" / "classic-elb-samples.log"), "elb");
    EXPECT_EQ(detect_file(corpus / "combined" / "real-samples.log"), "combined");
    for (const char* f : {"aws-docs-s3-management-events.json", "aws-docs-s3-outposts-putobject.json",
                          "elastic-integrations-copy-object.json"}) {
        EXPECT_EQ(detect_file(corpus / "cloudtrail" / f), "cloudtrail") << f;
    }
    // Every real S3 line on its own is S3, never another format.
    for (const auto& line : test::read_lines(corpus / "s3" / "real-samples.log")) {
        EXPECT_EQ(detect({line}), "s3") << line;
    }
}

TEST(Registry, MakesEveryLineParser) {
    for (const std::string_view name : line_format_names()) {
        FormatOptions o;
        if (name == "goaccess") o.log_format = "COMBINED";
        const auto p = make_line_parser(name, o);
        ASSERT_TRUE(p) << name << ": " << p.error();
        if (name != "goaccess") {
            EXPECT_EQ((*p)->name(), name);
        }
    }
    const auto s3 = make_line_parser("s3", {});
    EXPECT_TRUE((*s3)->parse(kS3));
    const auto combined = make_line_parser("combined", {});
    EXPECT_TRUE((*combined)->parse(kCombined));
}

TEST(Registry, GoAccessOptionsAndErrors) {
    FormatOptions o;
    o.log_format = "%h %^[%d:%t %^] \"%r\" %s %b";
    o.date_format = "%d/%b/%Y";
    o.time_format = "%H:%M:%S";
    auto p = make_line_parser("goaccess", o);
    ASSERT_TRUE(p) << p.error();
    const auto r = (*p)->parse(kCommon);
    ASSERT_TRUE(r) << test::describe(r);
    EXPECT_EQ(r->time, 1696971336);
    o.log_format = "CADDY";
    p = make_line_parser("goaccess", o);
    ASSERT_TRUE(p) << p.error();
    EXPECT_EQ((*p)->name(), "jsonl");
    EXPECT_TRUE((*p)->parse(kCaddy));
    o.log_format = "%h %Q";
    p = make_line_parser("goaccess", o);
    ASSERT_FALSE(p);
    EXPECT_NE(p.error().find("%Q"), std::string::npos);
    EXPECT_FALSE(make_line_parser("goaccess", {}));
    EXPECT_NE(make_line_parser("auto", {}).error().find("detect"), std::string::npos);
    EXPECT_NE(make_line_parser("cloudtrail", {}).error().find("document"), std::string::npos);
    EXPECT_NE(make_line_parser("nginx", {}).error().find("unknown"), std::string::npos);
    EXPECT_TRUE(make_document_parser("cloudtrail"));
    EXPECT_FALSE(make_document_parser("s3"));
    EXPECT_TRUE(is_document_format("cloudtrail"));
    EXPECT_FALSE(is_document_format("jsonl"));
}

// The format table: every detected format recognises its own sample line, alone and as a
// file's lines; each makes its parser of its kind, which reads the sample.
class FormatRow : public ::testing::TestWithParam<LogFormat> {};

TEST_P(FormatRow, DetectsItsOwnSample) {
    const LogFormat& f = GetParam();
    if (!f.takes) {  // named only (goaccess): never detected
        EXPECT_FALSE(detect({std::string(f.name)}));
        return;
    }
    const std::string sample(f.sample);
    EXPECT_EQ(detect({sample}), std::string(f.name));
    EXPECT_EQ(detect(std::vector<std::string>(20, sample)), std::string(f.name));
}

TEST_P(FormatRow, MakesAParserOfItsKindThatReadsItsSample) {
    const LogFormat& f = GetParam();
    FormatOptions o;
    if (f.name == "goaccess") o.log_format = "COMBINED";
    if (f.kind == FormatKind::Document) {
        auto p = make_document_parser(f.name);
        ASSERT_TRUE(p) << p.error();
        EXPECT_EQ((*p)->name(), f.name);
        std::size_t records = 0;
        std::string error;
        EXPECT_TRUE((*p)->parse(
            f.sample, [&](const Record&) { ++records; }, [](std::string_view, ParseError) {}, error))
            << error;
        EXPECT_EQ(records, 1u);
        EXPECT_FALSE(make_line_parser(f.name, o));
        return;
    }
    auto p = make_line_parser(f.name, o);
    ASSERT_TRUE(p) << p.error();
    if (f.name != "goaccess") {
        EXPECT_EQ((*p)->name(), f.name);
    }
    if (!f.sample.empty()) {
        EXPECT_TRUE((*p)->parse(f.sample)) << f.name;
    }
    EXPECT_FALSE(make_document_parser(f.name));
}

TEST_P(FormatRow, ChoosesItselfByNameAndFromItsSample) {
    const LogFormat& f = GetParam();
    FormatOptions o;
    if (f.name == "goaccess") o.log_format = "COMBINED";
    const auto named = choose_format(f.name, {}, o);
    ASSERT_TRUE(named) << named.error();
    EXPECT_EQ(named->name, f.name);
    EXPECT_EQ(named->parser == nullptr, f.kind == FormatKind::Document);
    if (!f.takes) return;
    const std::vector<std::string_view> lines{f.sample};
    const auto detected = choose_format("auto", lines, {});
    ASSERT_TRUE(detected) << detected.error();
    EXPECT_EQ(detected->name, f.name);
}

}  // namespace
void PrintTo(const LogFormat& f, std::ostream* os) { *os << f.name; }
namespace {

INSTANTIATE_TEST_SUITE_P(Formats, FormatRow, ::testing::ValuesIn(log_formats()),
                         [](const ::testing::TestParamInfo<LogFormat>& p) { return std::string(p.param.name); });

TEST(FormatTable, NamesAreUniqueAndRequestIdsAsDocumented) {
    std::set<std::string_view> names;
    for (const auto& f : log_formats()) EXPECT_TRUE(names.insert(f.name).second) << f.name;
    std::vector<std::string_view> with_ids;
    for (const auto& f : log_formats()) {
        if (f.request_ids) with_ids.push_back(f.name);
        EXPECT_EQ(find_format(f.name), &f);
    }
    EXPECT_EQ(with_ids, (std::vector<std::string_view>{"s3", "cloudtrail", "cloudfront", "alb"}));
    EXPECT_EQ(find_format("nginx"), nullptr);
}

TEST(FormatTable, EachRowHasAFactoryOfItsKindAndASampleWhenDetected) {
    for (const auto& f : log_formats()) {
        EXPECT_EQ(f.kind == FormatKind::Line, f.make_line != nullptr) << f.name;
        EXPECT_EQ(f.kind == FormatKind::Document, f.make_document != nullptr) << f.name;
        EXPECT_EQ(f.takes != nullptr, !f.sample.empty()) << f.name << ": a detected format needs a sample line";
    }
}

TEST(FormatTable, AStatelessParseIsWhatTakesAndTheLineParserDo) {
    std::vector<std::string_view> with_parse;
    for (const auto& f : log_formats()) {
        if (!f.parse) continue;
        with_parse.push_back(f.name);
        auto parser = make_line_parser(f.name, {});
        ASSERT_TRUE(parser) << f.name;
        const std::string sample(f.sample);
        for (const std::string& line :
             {sample, sample.substr(0, sample.size() / 2), std::string("junk"), std::string(), sample + " extra"}) {
            const SampleLine l{line, line, true, false};
            const ParseResult once = f.parse(line), twice = (*parser)->parse(line);
            EXPECT_EQ(f.takes(l), once.has_value()) << f.name << ": " << line;
            ASSERT_EQ(once.has_value(), twice.has_value()) << f.name << ": " << line;
            if (!once) continue;
            EXPECT_EQ(once->time, twice->time);
            EXPECT_EQ(once->request_uri.data(), twice->request_uri.data());
            EXPECT_EQ(once->bytes_sent, twice->bytes_sent);
            EXPECT_EQ(once->field_count, twice->field_count);
        }
    }
    EXPECT_EQ(with_parse, (std::vector<std::string_view>{"s3", "alb", "elb"}));
}

TEST(FormatTable, DetectionHandsOnTheRecordsOfTheLinesTheWinnerTook) {
    // Two ALB lines first, then S3 lines: S3 wins, and only its lines' records come with it.
    const std::string alb(find_format("alb")->sample), s3(find_format("s3")->sample);
    std::vector<std::string> text{alb, alb, "junk", ""};
    for (int i = 0; i < 16; ++i) text.push_back(s3);
    const std::vector<std::string_view> lines(text.begin(), text.end());
    const auto chosen = choose_format("auto", lines, {});
    ASSERT_TRUE(chosen) << chosen.error();
    EXPECT_EQ(chosen->name, "s3");
    // S3 leads out of reach after 9 of its own: ALB's 2 and the 7 lines left tie at best, and
    // ties go to the earlier row.
    ASSERT_EQ(chosen->parsed.size(), 9u);
    for (std::size_t i = 0; i < chosen->parsed.size(); ++i) {
        EXPECT_EQ(chosen->parsed[i].line.data(), lines[4 + i].data()) << "the very bytes, in order";
        EXPECT_EQ(chosen->parsed[i].record.bytes_sent, parse_s3_access_log(s3)->bytes_sent);
    }
    EXPECT_TRUE(choose_format("s3", lines, {})->parsed.empty()) << "named, not detected: nothing parsed";
    const auto cloudfront = choose_format("auto", std::vector<std::string_view>{find_format("cloudfront")->sample}, {});
    ASSERT_TRUE(cloudfront);
    EXPECT_TRUE(cloudfront->parsed.empty()) << "no stateless parse: its parser reads the lines";
}

TEST(FormatTable, GoAccessNamesAndStringsChooseGoAccess) {
    const auto preset = choose_format("COMBINED", {}, {});
    ASSERT_TRUE(preset) << preset.error();
    EXPECT_EQ(preset->name, "goaccess");
    const auto spec = choose_format("%h %^[%d:%t %^] \"%r\" %s %b", {}, {"", "%d/%b/%Y", "%H:%M:%S", nullptr});
    ASSERT_TRUE(spec) << spec.error();
    EXPECT_EQ(spec->name, "goaccess");
    EXPECT_FALSE(choose_format("nginx", {}, {}));
    const std::vector<std::string_view> junk{"junk", "more junk"};
    const auto none = choose_format("auto", junk, {});
    ASSERT_FALSE(none);
    EXPECT_NE(none.error().find("no known log format"), std::string::npos);
}

}  // namespace
}  // namespace s3top
