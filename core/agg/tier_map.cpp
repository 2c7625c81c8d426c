#include "core/agg/tier_map.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace s3top {

bool glob_match(std::string_view p, std::string_view t) {
    // Iterative matcher with one backtrack point: linear enough for short patterns.
    std::size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
    while (ti < t.size()) {
        if (pi < p.size() && p[pi] == '*') {
            star = pi++;
            mark = ti;
        } else if (pi < p.size() && p[pi] == t[ti]) {
            ++pi;
            ++ti;
        } else if (star != std::string_view::npos) {
            pi = star + 1;
            ti = ++mark;
        } else {
            return false;
        }
    }
    while (pi < p.size() && p[pi] == '*') ++pi;
    return pi == p.size();
}

std::optional<Tier> parse_tier(std::string_view name) {
    if (name == "get" || name == "get_class") return Tier::Get;
    if (name == "put" || name == "put_class") return Tier::Put;
    if (name == "free") return Tier::Free;
    return std::nullopt;
}

Tier TierMap::classify(std::string_view operation, std::string_view method) const {
    const auto& rules = operation.empty() ? methods : operations;
    const std::string_view subject = operation.empty() ? method : operation;
    for (const auto& r : rules) {
        if (glob_match(r.pattern, subject)) return r.tier;
    }
    return fallback;
}

bool TierMap::has_rule_for(std::string_view operation) const {
    return std::any_of(operations.begin(), operations.end(),
                       [&](const TierRule& r) { return glob_match(r.pattern, operation); });
}

std::vector<OperationCount> unruled_operations(const TierMap& tiers, std::span<const OperationCount> ops) {
    std::vector<OperationCount> out;
    for (const OperationCount& op : ops) {
        const std::string_view name = op.operation;
        if (op.requests == 0 || name.empty() || name == "-" || name.find('.') != std::string_view::npos) continue;
        if (!tiers.has_rule_for(name)) out.push_back(op);
    }
    std::sort(out.begin(), out.end(), [](const OperationCount& a, const OperationCount& b) {
        return a.requests != b.requests ? a.requests > b.requests : a.operation < b.operation;
    });
    return out;
}

std::string unruled_note(Tier fallback, std::span<const OperationCount> unruled, std::string_view verb) {
    std::uint64_t requests = 0;
    std::string names;
    for (const OperationCount& op : unruled) {
        requests += op.requests;
        names += fmt::format("{}{} ({})", names.empty() ? "" : ", ", op.operation, op.requests);
    }
    const std::string_view tier = fallback == Tier::Get ? "GET-class" : fallback == Tier::Put ? "PUT-class" : "free";
    return fmt::format("{} request{} of operations no [request_tiers] rule knows, {} as {} (the fallback): {}",
                       requests, requests == 1 ? "" : "s", verb, tier, names);
}

const TierMap& TierMap::defaults() {
    static const TierMap m{
        {
            {"S3.*", Tier::Free},              // S3's own lifecycle and replication work
            {"ELB.*.CONNECTION", Tier::Free},  // a Classic ELB's TCP/SSL connection: no request
            {"*.DELETE.*", Tier::Free},
            {"*.PUT.*", Tier::Put},
            {"*.POST.*", Tier::Put},
            {"*.COPY.*", Tier::Put},
            // LIST requests are billed with PUT: bucket, version, upload and part listings.
            {"REST.GET.BUCKET", Tier::Put},
            {"REST.GET.BUCKETVERSIONS", Tier::Put},
            {"REST.GET.UPLOADS", Tier::Put},
            {"REST.GET.UPLOAD", Tier::Put},
            {"REST.GET.LIST_BUCKETS", Tier::Put},
            {"REST.GET.SERVICE", Tier::Put},
            // CloudTrail's event names (S3 API actions): DELETE and abort are free; PUT, COPY,
            // POST and LIST are PUT-class; GET, HEAD, SELECT and the rest GET-class.
            {"Delete*", Tier::Free},
            {"AbortMultipartUpload", Tier::Free},
            {"Put*", Tier::Put},
            {"CopyObject", Tier::Put},
            {"PostObject", Tier::Put},
            {"UploadPart", Tier::Put},
            {"UploadPartCopy", Tier::Put},
            {"CreateMultipartUpload", Tier::Put},
            {"CompleteMultipartUpload", Tier::Put},
            {"RestoreObject", Tier::Put},
            {"CreateBucket", Tier::Put},
            {"RenameObject", Tier::Put},
            {"WriteGetObjectResponse", Tier::Put},
            {"List*", Tier::Put},
            {"Get*", Tier::Get},
            {"Head*", Tier::Get},
            {"SelectObjectContent", Tier::Get},
            {"CreateSession", Tier::Get},
        },
        {
            {"DELETE", Tier::Free},
            {"PUT", Tier::Put},
            {"POST", Tier::Put},
            {"COPY", Tier::Put},
        },
        Tier::Get,
    };
    return m;
}

}  // namespace s3top
