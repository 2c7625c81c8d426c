#pragma once
// A price table: what a request, a GB out and a GB in cost, with egress volume tiers, and
// optional per-group markup and flat fee. Prices are exact decimals (nano-units).
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/storage/storage_kind.hpp"

namespace s3top {

struct EgressTier {
    std::optional<std::uint64_t> up_to_gb;  ///< cumulative upper bound in GB; nullopt = no bound
    std::int64_t nanos_per_gb = 0;
    friend bool operator==(const EgressTier&, const EgressTier&) = default;
};

/// What volume the egress tiers apply to.
enum class TierScope : std::uint8_t {
    Total,     ///< the period's billable egress of all groups together (as AWS bills the payer)
    PerGroup,  ///< each group's egress on its own (as if each were its own account)
};

struct GroupPricing {
    std::optional<std::int64_t> markup_ppm;  ///< percent scaled by 1e4 ("12.5" -> 125000)
    std::optional<std::int64_t> fee_micros;  ///< flat fee per period
    friend bool operator==(const GroupPricing&, const GroupPricing&) = default;
};

/// What a GB-month of one storage class costs, and the minimums AWS bills it by.
struct StoragePrice {
    std::int64_t nanos_per_gb_month = 0;
    std::uint32_t min_days = 0;            ///< an object removed sooner is billed for this many days
    std::uint64_t min_billable_bytes = 0;  ///< a smaller object is billed as this size
    friend bool operator==(const StoragePrice&, const StoragePrice&) = default;
};

struct PriceTable {
    std::string name;    ///< "S3 Standard, US East (N. Virginia)"
    std::string source;  ///< where the prices were copied from
    std::string date;    ///< when
    std::string origin;  ///< the file it was read from (or "built-in ...")
    std::string currency = "USD";
    std::uint64_t gb_bytes = 1ull << 30;  ///< bytes in a billed GB
    std::vector<EgressTier> egress;       ///< ascending up_to_gb, the last unbounded
    TierScope egress_scope = TierScope::Total;
    std::int64_t ingress_nanos_per_gb = 0;
    std::int64_t get_nanos_per_1000 = 0;         ///< GET, SELECT and all other requests
    std::int64_t put_nanos_per_1000 = 0;         ///< PUT, COPY, POST, LIST requests
    std::int64_t markup_ppm = 0;                 ///< default markup on usage charges
    std::int64_t fee_micros = 0;                 ///< default flat fee per group and period
    std::map<std::string, GroupPricing> groups;  ///< by group key (the org)
    /// Storage per class ([storage.CLASS]; StorageClass order); unset: not priced.
    std::array<std::optional<StoragePrice>, kStorageClassCount> storage{};
};

/// The egress charge of `bytes` in one period through the tiers, in micro-units: each tier's
/// bytes times its price summed exactly, then divided and rounded half up once.
std::int64_t egress_charge_micros(const PriceTable& t, std::uint64_t bytes);
/// Upload charge (usually 0), micro-units, rounded half up once.
std::int64_t ingress_charge_micros(const PriceTable& t, std::uint64_t bytes);
/// `count` requests at a price per 1,000, micro-units, rounded half up once.
std::int64_t request_charge_micros(std::int64_t nanos_per_1000, std::uint64_t count);
/// Checks tiers ascend and the last is unbounded, gb_bytes > 0. Returns an error text or "".
std::string validate(const PriceTable& t);

}  // namespace s3top
