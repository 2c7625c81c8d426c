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

// Detection order: earlier names win ties.
constexpr std::array<std::string_view, 10> kOrder{"s3",     "cloudtrail", "cloudfront", "alb",     "elb",
                                                  "jsonl",  "vcombined",  "combined",   "vcommon", "common"};
constexpr std::array<std::string_view, 10> kLineNames{"s3",        "cloudfront", "alb",     "elb",   "combined",
                                                      "common",    "vcombined",  "vcommon", "jsonl", "goaccess"};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    return s;
}

bool looks_like_cloudtrail(std::string_view s) {
    return s.find("\"Records\"") != std::string_view::npos || s.find("\"eventVersion\"") != std::string_view::npos ||
           s.find("\"eventSource\"") != std::string_view::npos;
}

// The vote of one non-JSON line, or npos.
std::size_t vote(std::string_view line, CloudFrontLineParser& cf) {
    if (parse_s3_access_log(line)) return 0;
    if (std::count(line.begin(), line.end(), '\t') >= 8 && cf.parse(line)) return 2;
    if (parse_alb_log(line)) return 3;
    if (parse_elb_log(line)) return 4;
    ClfShape shape;
    if (parse_clf_line(line, &shape)) {
        if (shape.has_vhost) return shape.has_referrer ? 6 : 8;
        return shape.has_referrer ? 7 : 9;
    }
    return std::string_view::npos;
}

}  // namespace

std::span<const std::string_view> line_format_names() { return kLineNames; }

bool is_document_format(std::string_view name) { return name == "cloudtrail"; }

namespace {

/// Ahead by more than `left` more votes can change: votes[lead] beats every other format even
/// if each of the `left` lines still to come voted for it (ties go to the earlier name).
bool out_of_reach(const std::array<std::size_t, kOrder.size()>& votes, std::size_t lead, std::size_t left) {
    for (std::size_t o = 0; o < votes.size(); ++o) {
        if (o == lead) continue;
        const std::size_t most = votes[o] + left;
        if (votes[lead] < most || (votes[lead] == most && o < lead)) return false;
    }
    return true;
}

}  // namespace

std::optional<std::string> detect_format(std::span<const std::string_view> first_lines) {
    std::array<std::size_t, kOrder.size()> votes{};
    CloudFrontLineParser cf;  // with the default layout; a "#Fields:" line decides on its own
    bool first = true;
    // Once one line format leads out of reach, the other lines are not parsed to vote (half of
    // the 20 for a file of one format: a folder of 100,000 small files is 2 million parses
    // less). Headers and JSON still count as before, so the result is the same.
    bool settled = false;
    for (std::size_t i = 0; i < first_lines.size(); ++i) {
        const std::string_view raw = first_lines[i];
        const std::string_view line = trim(raw);
        if (line.empty()) continue;
        const bool was_first = first;
        first = false;
        if (line.starts_with("#Version") || line.starts_with("#Fields:")) {
            votes[2] += 1000;  // a CloudFront header settles it
            continue;
        }
        if (line.front() == '{' || line.front() == '[') {
            if ((was_first && (line == "{" || line == "[")) || looks_like_cloudtrail(line)) {
                ++votes[1];
            } else if (line.front() == '{') {
                ++votes[5];
            }
            continue;
        }
        if (line.front() == '"' && (line.find("\"Records\"") == 0 || line.find("\"eventVersion\"") == 0)) {
            ++votes[1];  // inside a pretty-printed CloudTrail file
            continue;
        }
        if (settled) continue;
        if (const std::size_t v = vote(raw, cf); v != std::string_view::npos) {
            ++votes[v];
            settled = out_of_reach(votes, v, first_lines.size() - i - 1);
        }
    }
    std::size_t best = kOrder.size();
    for (std::size_t i = 0; i < kOrder.size(); ++i) {
        if (votes[i] > 0 && (best == kOrder.size() || votes[i] > votes[best])) best = i;
    }
    if (best == kOrder.size()) return std::nullopt;
    return std::string(kOrder[best]);
}

std::expected<std::unique_ptr<LineParser>, std::string> make_line_parser(std::string_view name,
                                                                         const FormatOptions& options) {
    if (name == "s3") return std::make_unique<S3LineParser>();
    if (name == "cloudfront") return std::make_unique<CloudFrontLineParser>();
    if (name == "alb") return std::make_unique<AlbLineParser>();
    if (name == "elb") return std::make_unique<ElbLineParser>();
    if (name == "combined" || name == "common" || name == "vcombined" || name == "vcommon")
        return std::make_unique<ClfLineParser>(std::string(name));
    if (name == "jsonl") {
        try {
            return std::make_unique<JsonLineParser>(options.json_fields ? *options.json_fields : JsonFieldMap{});
        } catch (const std::invalid_argument& e) {
            return std::unexpected(std::string("jsonl field map: ") + e.what());
        }
    }
    if (name == "goaccess") {
        auto compiled = compile_goaccess_format(options.log_format, options.date_format, options.time_format);
        if (!compiled) return std::unexpected(fmt::format("--log-format: {}", compiled.error()));
        if (compiled->json) return std::make_unique<JsonLineParser>();  // CADDY: Caddy's JSON, by the jsonl parser
        return std::make_unique<GoAccessLineParser>(std::move(*compiled));
    }
    if (name == "auto") return std::unexpected(std::string("\"auto\" is not a parser: detect the format first"));
    if (name == "cloudtrail")
        return std::unexpected(std::string("cloudtrail is a document format: use make_document_parser"));
    return std::unexpected(fmt::format(
        "unknown log format \"{}\" (known: s3, cloudfront, alb, elb, combined, common, vcombined, vcommon, jsonl, "
        "goaccess, cloudtrail)",
        name));
}

std::expected<std::unique_ptr<DocumentParser>, std::string> make_document_parser(std::string_view name) {
    if (name == "cloudtrail") return std::make_unique<CloudTrailParser>();
    return std::unexpected(fmt::format("\"{}\" is not a document format (known: cloudtrail)", name));
}

}  // namespace s3top
