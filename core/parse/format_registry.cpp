#include "core/parse/format_registry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "core/parse/clf_log.hpp"
#include "core/parse/cloudfront_log.hpp"
#include "core/parse/cloudtrail_log.hpp"
#include "core/parse/elb_log.hpp"
#include "core/parse/goaccess_format.hpp"
#include "core/parse/jsonl_log.hpp"
#include "core/parse/s3_access_log.hpp"

namespace s3top {
namespace {

// --- How each format judges a line -------------------------------------------------------

bool s3_takes(const SampleLine& l) { return parse_s3_access_log(l.raw).has_value(); }
bool alb_takes(const SampleLine& l) { return parse_alb_log(l.raw).has_value(); }
bool elb_takes(const SampleLine& l) { return parse_elb_log(l.raw).has_value(); }
bool cloudfront_takes(const SampleLine& l) { return is_cloudfront_line(l.raw); }
bool cloudfront_header(std::string_view text) { return text.starts_with("#Version") || text.starts_with("#Fields:"); }

// CloudTrail: a first line that is only "{" or "[" (a pretty-printed document), a JSON line
// naming Records, eventVersion or eventSource, or a line inside a pretty-printed document
// that starts with one of its keys.
bool cloudtrail_takes(const SampleLine& l) {
    const std::string_view s = l.text;
    if (!l.json) return s.starts_with("\"Records\"") || s.starts_with("\"eventVersion\"");
    if (l.first && (s == "{" || s == "[")) return true;
    return s.find("\"Records\"") != std::string_view::npos || s.find("\"eventVersion\"") != std::string_view::npos ||
           s.find("\"eventSource\"") != std::string_view::npos;
}
bool jsonl_takes(const SampleLine& l) { return l.text.front() == '{'; }

// The CLF family: one parse tells which of the four a line is (a virtual host first or not;
// referrer and user agent at the end or not).
template <bool vhost, bool referrer>
bool clf_takes(const SampleLine& l) {
    ClfShape shape;
    return parse_clf_line(l.raw, &shape) && shape.has_vhost == vhost && shape.has_referrer == referrer;
}

// --- Parser factories -------------------------------------------------------------------

template <class P>
LineParserResult make(const FormatOptions&) {
    return std::make_unique<P>();
}

template <std::size_t N>
struct Name {
    char text[N];
    constexpr Name(const char (&s)[N]) { std::copy_n(s, N, text); }
};
template <Name name>
LineParserResult make_clf(const FormatOptions&) {
    return std::make_unique<ClfLineParser>(std::string(name.text));
}

LineParserResult make_jsonl(const FormatOptions& options) {
    try {
        return std::make_unique<JsonLineParser>(options.json_fields ? *options.json_fields : JsonFieldMap{});
    } catch (const std::invalid_argument& e) {
        return std::unexpected(std::string("jsonl field map: ") + e.what());
    }
}

LineParserResult make_goaccess(const FormatOptions& options) {
    auto compiled = compile_goaccess_format(options.log_format, options.date_format, options.time_format);
    if (!compiled) return std::unexpected(fmt::format("--log-format: {}", compiled.error()));
    if (compiled->json) return std::make_unique<JsonLineParser>();  // CADDY: Caddy's JSON, by the jsonl parser
    return std::make_unique<GoAccessLineParser>(std::move(*compiled));
}

DocumentParserResult make_cloudtrail() { return std::make_unique<CloudTrailParser>(); }

// --- The table --------------------------------------------------------------------------

constexpr std::array kFormats = {
    LogFormat{.name = "s3",
              .request_ids = true,
              .open_tail = true,
              .takes = s3_takes,
              .parse = parse_s3_access_log,
              .make_line = make<S3LineParser>,
              .sample = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be bucket "
                        "[06/Feb/2019:00:00:38 +0000] 192.0.2.3 "
                        "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE "
                        "REST.GET.VERSIONING - \"GET /bucket?versioning HTTP/1.1\" 200 - 113 - 7 - \"-\" "
                        "\"S3Console/0.4\" - hostid= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader "
                        "bucket.s3.us-west-1.amazonaws.com TLSv1.2"},
    LogFormat{.name = "cloudtrail",
              .kind = FormatKind::Document,
              .request_ids = true,
              .json_lines = true,
              .takes = cloudtrail_takes,
              .make_document = make_cloudtrail,
              .is_document = is_cloudtrail_document,
              .document_shape = "no CloudTrail log: JSON without \"Records\" of events naming eventVersion and "
                                "eventSource",
              .sample =
                  R"({"Records":[{"eventVersion":"1.08","eventTime":"2023-05-01T10:00:05Z",)"
                  R"("eventSource":"s3.amazonaws.com","eventName":"ListBuckets","sourceIPAddress":"198.51.100.8"}]})"},
    LogFormat{.name = "cloudfront",
              .request_ids = true,
              .open_tail = true,
              .header = cloudfront_header,
              .takes = cloudfront_takes,
              .make_line = make<CloudFrontLineParser>,
              .sample = "2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td1.cloudfront.net\t/index.html\t200\t-\t"
                        "curl/8\t-\t-\tHit\tid"},
    LogFormat{.name = "alb",
              .request_ids = true,
              .open_tail = true,
              .takes = alb_takes,
              .parse = parse_alb_log,
              .make_line = make<AlbLineParser>,
              .sample = R"(h2 2018-07-02T22:23:00.186641Z app/lb/50dc 10.0.1.252:48160 10.0.0.66:9000 0.000 0.002 )"
                        R"(0.000 200 200 5 257 "GET https://10.0.2.105:773/ HTTP/2.0" "curl/7.46.0" )"
                        R"(ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn "Root=1-5" "-" "-" 1)"},
    LogFormat{.name = "elb",
              .takes = elb_takes,
              .parse = parse_elb_log,
              .make_line = make<ElbLineParser>,
              .sample = R"(2015-05-13T23:39:43.945958Z my-lb 192.168.131.39:2817 10.0.0.1:80 0.000086 0.001048 )"
                        R"(0.001337 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1")"},
    LogFormat{.name = "jsonl",
              .json_lines = true,
              .takes = jsonl_takes,
              .make_line = make_jsonl,
              .sample = R"({"ts":1646861401.52,"request":{"remote_ip":"192.0.2.44","method":"GET","uri":"/"},)"
                        R"("status":200,"size":1})"},
    LogFormat{.name = "vcombined",
              .takes = clf_takes<true, true>,
              .make_line = make_clf<"vcombined">,
              .sample = R"(example.com:443 192.0.2.7 - - [10/Oct/2023:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "-" )"
                        R"("curl/8")"},
    LogFormat{.name = "combined",
              .takes = clf_takes<false, true>,
              .make_line = make_clf<"combined">,
              .sample = R"(192.0.2.7 - - [10/Oct/2023:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "-" "curl/8")"},
    LogFormat{.name = "vcommon",
              .takes = clf_takes<true, false>,
              .make_line = make_clf<"vcommon">,
              .sample = R"(example.com 192.0.2.7 - - [10/Oct/2023:13:55:36 -0700] "GET / HTTP/1.1" 200 5)"},
    LogFormat{.name = "common",
              .takes = clf_takes<false, false>,
              .make_line = make_clf<"common">,
              .sample = R"(192.0.2.7 - - [10/Oct/2023:13:55:36 -0700] "GET / HTTP/1.1" 200 5)"},
    // Named only (a GoAccess format string or predefined name): never detected.
    LogFormat{.name = "goaccess", .make_line = make_goaccess},
};
static_assert(kFormats.size() == 11, "a new format: its row here, its sample line and tests");
static_assert(kFormats.size() <= 255, "detection keeps a record's row in a byte");

// Each row has a factory of its kind and a sample when it is detected: checked by
// FormatTable.EachRowHasAFactoryOfItsKindAndASampleWhenDetected (GCC cannot compare function
// pointers in a constant expression under -fsanitize=undefined, so not a static_assert).

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    return s;
}

/// Ahead by more than `left` more votes can change: votes[lead] beats every other format even
/// if each of the `left` lines still to come voted for it (ties go to the earlier row).
bool out_of_reach(const std::array<std::size_t, kFormats.size()>& votes, std::size_t lead, std::size_t left) {
    for (std::size_t o = 0; o < votes.size(); ++o) {
        if (o == lead) continue;
        const std::size_t most = votes[o] + left;
        if (votes[lead] < most || (votes[lead] == most && o < lead)) return false;
    }
    return true;
}

std::string known_names() {
    std::string out;
    for (const auto& f : kFormats) out += (out.empty() ? "" : ", ") + std::string(f.name);
    return out;
}

}  // namespace

std::span<const LogFormat> log_formats() { return kFormats; }

const LogFormat* find_format(std::string_view name) {
    const auto it = std::find_if(kFormats.begin(), kFormats.end(), [&](const LogFormat& f) { return f.name == name; });
    return it == kFormats.end() ? nullptr : &*it;
}

std::vector<std::string_view> line_format_names() {
    std::vector<std::string_view> out;
    for (const auto& f : kFormats) {
        if (f.kind == FormatKind::Line) out.push_back(f.name);
    }
    return out;
}

bool is_document_format(std::string_view name) {
    const LogFormat* f = find_format(name);
    return f && f->kind == FormatKind::Document;
}

namespace {

/// detect_format(), and when `parsed` is given the records of the lines taken by a format with
/// LogFormat::parse (each record's row in `rows`): the row of the winner, or kFormats.size().
std::size_t detect(std::span<const std::string_view> first_lines, std::vector<ParsedLine>* parsed,
                   std::vector<std::uint8_t>* rows) {
    constexpr std::size_t kHeaderWeight = 1000;
    std::array<std::size_t, kFormats.size()> votes{};
    bool first = true;
    // Once one format leads out of reach, lines are not parsed to vote (half of the 20 for a
    // file of one format); headers still count, as they weigh more than a line.
    bool settled = false;
    for (std::size_t i = 0; i < first_lines.size(); ++i) {
        const std::string_view text = trim(first_lines[i]);
        if (text.empty()) continue;
        const SampleLine line{first_lines[i], text, first, text.front() == '{' || text.front() == '['};
        first = false;
        const auto header = std::find_if(kFormats.begin(), kFormats.end(),
                                         [&](const LogFormat& f) { return f.header && f.header(text); });
        if (header != kFormats.end()) {
            votes[static_cast<std::size_t>(header - kFormats.begin())] += kHeaderWeight;
            continue;
        }
        if (settled) continue;
        for (std::size_t f = 0; f < kFormats.size(); ++f) {
            const LogFormat& format = kFormats[f];
            if (!format.takes || (line.json && !format.json_lines)) continue;
            bool took = false;
            if (format.parse && parsed) {
                ParseResult r = format.parse(line.raw);
                took = r.has_value();
                if (took) {
                    // Built where it stays: a record is 464 bytes, and a file's ~11 were moved
                    // three times on their way to the worker (~15 KB copied a file).
                    parsed->emplace_back(line.raw, std::move(*r));
                    rows->push_back(static_cast<std::uint8_t>(f));
                }
            } else {
                took = format.takes(line);
            }
            if (took) {
                ++votes[f];
                settled = out_of_reach(votes, f, first_lines.size() - i - 1);
                break;
            }
        }
    }
    std::size_t best = kFormats.size();
    for (std::size_t i = 0; i < kFormats.size(); ++i) {
        if (votes[i] > 0 && (best == kFormats.size() || votes[i] > votes[best])) best = i;
    }
    return best;
}

}  // namespace

std::optional<std::string> detect_format(std::span<const std::string_view> first_lines) {
    const std::size_t best = detect(first_lines, nullptr, nullptr);
    if (best == kFormats.size()) return std::nullopt;
    return std::string(kFormats[best].name);
}

LineParserResult make_line_parser(std::string_view name, const FormatOptions& options) {
    if (name == "auto") return std::unexpected(std::string("\"auto\" is not a parser: detect the format first"));
    const LogFormat* f = find_format(name);
    if (!f) return std::unexpected(fmt::format("unknown log format \"{}\" (known: {})", name, known_names()));
    if (f->kind == FormatKind::Document)
        return std::unexpected(fmt::format("{} is a document format: use make_document_parser", name));
    return f->make_line(options);
}

DocumentParserResult make_document_parser(std::string_view name) {
    const LogFormat* f = find_format(name);
    if (f && f->kind == FormatKind::Document) return f->make_document();
    std::string known;
    for (const auto& d : kFormats) {
        if (d.kind == FormatKind::Document) known += (known.empty() ? "" : ", ") + std::string(d.name);
    }
    return std::unexpected(fmt::format("\"{}\" is not a document format (known: {})", name, known));
}

std::expected<ChosenFormat, std::string> choose_format(std::string_view format,
                                                       std::span<const std::string_view> first_lines,
                                                       const FormatOptions& options) {
    std::string name(format);
    std::vector<ParsedLine> parsed;
    if (name == "auto") {
        std::vector<std::uint8_t> rows;
        parsed.reserve(first_lines.size());  // records are big: never moved by a regrowth
        rows.reserve(first_lines.size());
        const std::size_t best = detect(first_lines, &parsed, &rows);
        if (best == kFormats.size())
            return std::unexpected(std::string("no known log format matched its first lines (use --log-format)"));
        name = kFormats[best].name;
        // The winner's records only (a file's lines are nearly always all its).
        std::size_t kept = 0;
        for (std::size_t i = 0; i < parsed.size(); ++i) {
            if (rows[i] != best) continue;
            if (kept != i) parsed[kept] = std::move(parsed[i]);
            ++kept;
        }
        parsed.erase(parsed.begin() + static_cast<std::ptrdiff_t>(kept), parsed.end());
    } else if (!find_format(name) && (name.find('%') != std::string::npos || goaccess_preset(name))) {
        name = "goaccess";  // a GoAccess format string or predefined name (COMBINED, AWSS3 ...)
    }
    if (is_document_format(name)) return ChosenFormat{std::move(name), nullptr};  // read whole
    LineParserResult p = [&] {
        if (name != "goaccess" || !options.log_format.empty()) return make_line_parser(name, options);
        FormatOptions opts = options;
        opts.log_format = std::string(format);
        return make_line_parser(name, opts);
    }();
    if (!p) return std::unexpected(std::move(p.error()));
    return ChosenFormat{std::move(name), std::move(*p), std::move(parsed)};
}

}  // namespace s3top
