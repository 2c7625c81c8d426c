#pragma once
// The mapping from a request to S3's request price tier, as data: ordered glob rules over the
// operation (REST.PUT.OBJECT ...), and over the HTTP method for formats without operations.
// The first rule that matches wins. The defaults equal the `[request_tiers]` table shipped in
// config/s3top.conf (a test checks it).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/agg/dimension.hpp"

namespace s3top {

struct TierRule {
    std::string pattern;  ///< glob: '*' matches any run of characters, everything else itself
    Tier tier = Tier::Get;
    friend bool operator==(const TierRule&, const TierRule&) = default;
};

struct TierMap {
    std::vector<TierRule> operations;  ///< tried in order for records with an operation
    std::vector<TierRule> methods;     ///< tried in order for records without one
    Tier fallback = Tier::Get;         ///< S3 bills "all other requests" at the GET price

    /// The tier of a request; first matching rule, else `fallback`.
    Tier classify(std::string_view operation, std::string_view method) const;
    /// Whether some operation rule matches `operation` (else it is priced by `fallback`).
    bool has_rule_for(std::string_view operation) const;
    /// S3's published mapping (the shipped [request_tiers] table).
    static const TierMap& defaults();
    friend bool operator==(const TierMap&, const TierMap&) = default;
};

/// Requests of one operation name.
struct OperationCount {
    std::string operation;
    std::uint64_t requests = 0;
    friend bool operator==(const OperationCount&, const OperationCount&) = default;
};

/// Of `ops`, the API action names (CloudTrail's) no operation rule of `tiers` knows, so priced by
/// its fallback: never in silence. Dotted names (S3 access logs' REST.*, S3.*, BATCH.*) are
/// left out: their GET-class ones are priced by the fallback on purpose.
std::vector<OperationCount> unruled_operations(const TierMap& tiers, std::span<const OperationCount> ops);

/// One line naming `unruled` (non-empty) with their requests: "2 requests of operations no
/// [request_tiers] rule knows, <verb> as GET-class (the fallback): FrobnicateObject (2)".
std::string unruled_note(Tier fallback, std::span<const OperationCount> unruled, std::string_view verb);

/// Whether `text` matches `pattern` where '*' is any run (possibly empty) of characters.
bool glob_match(std::string_view pattern, std::string_view text);

/// "get", "put", "free" (also "get_class", "put_class") -> Tier; nullopt otherwise.
std::optional<Tier> parse_tier(std::string_view name);

}  // namespace s3top
