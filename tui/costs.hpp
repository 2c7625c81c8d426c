#pragma once
// The org panel's running cost: what `s3top bill` would charge each org for the requests and
// bytes the dashboard shows, computed by the same statement (compute_statement), never by a
// formula of its own.
#include <cstdint>
#include <map>
#include <string>

#include "core/agg/filter.hpp"

namespace s3top {
class Engine;
struct BillingSpec;
}  // namespace s3top

namespace s3top::tui {

struct OrgCosts {
    Filter filter;                               ///< the view's filter the costs are of
    std::map<std::string, std::int64_t> by_org;  ///< micro-units to the cent, by org label ("" = no org)
    std::int64_t total = 0;                      ///< the sum of the orgs' amounts
    std::int64_t from = 0, to = 0;               ///< the period covered, [from, to) UTC
    std::string currency;
    bool provisional = false;  ///< S3 may still deliver records for some month of it
    bool storage = false;      ///< storage is priced in (not yet: #16)
    friend bool operator==(const OrgCosts&, const OrgCosts&) = default;
};

/// The cost of each org under `filter` over the records' range [min_time, max_time] (its
/// calendar months, each billed as `bill` bills a period: tiers per month, exclusions and
/// markup from `base`), from compute_statement. Requests and transfer only: storage needs the
/// object-changing requests the dashboard does not gather yet (BillingSpec::storage stays
/// null; #16 will hand them over here). Thread-safe against ingest, as Engine::report.
OrgCosts compute_org_costs(const Engine& engine, const BillingSpec& base, const Filter& filter, std::int64_t min_time,
                           std::int64_t max_time);

/// "1,234.56": micro-units to the cent, thousands grouped.
std::string format_money(std::int64_t micros);

}  // namespace s3top::tui
