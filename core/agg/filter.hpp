#pragma once
// The filter expression language shared by `--filter`, the dashboard's `/` prompt and
// drill-down. Terms are separated by spaces and all must hold:
//
//   org=acme-17            dimension equals a value ("-" matches an absent value)
//   org=acme-17,globex-3   ... one of several values
//   org!=acme-17           ... none of them
//   ua~curl                contains (case-insensitive)
//   key!~.tmp              does not contain
//   key~/\.mp4$/           matches a regular expression (ECMAScript)
//   status=5xx  status=404,403  class=4xx  tier=put  prefix:2=data/2024
//   from=2024-03-01 to=2024-03-02T12:00   time range, UTC, `to` exclusive
//   ua="Mozilla/5.0 (X11)"  values with spaces in double quotes (\" and \\ escape)
//   key="a,b.csv",c.csv     a comma in quotes is part of the value; outside, it separates
#include <cstdint>
#include <expected>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "core/agg/dimension.hpp"

namespace s3top {

struct FilterTerm {
    enum class Op : std::uint8_t { Eq, NotEq, Contains, NotContains, Regex, NotRegex };
    DimSpec dim;
    Op op = Op::Eq;
    std::vector<std::string> values;  ///< Regex: exactly one pattern
    friend bool operator==(const FilterTerm&, const FilterTerm&) = default;
};

struct Filter {
    std::vector<FilterTerm> terms;
    std::optional<std::int64_t> from;  ///< inclusive, UTC epoch seconds
    std::optional<std::int64_t> to;    ///< exclusive

    bool empty() const { return terms.empty() && !from && !to; }
    /// Canonical text that parse_filter() reads back to an equal Filter.
    std::string to_string() const;
    /// Adds `dim=value` (drill-down).
    void add_eq(DimSpec dim, std::string value);
    /// Removes the last term added (drill-down undo); the time range goes last.
    void pop();
    friend bool operator==(const Filter&, const Filter&) = default;
};

/// A term's value as the filter language writes it: as it is, or in double quotes (with \" and
/// \\) when it is empty or holds a space, a tab, a quote, a backslash or a comma.
std::string quote_filter_value(std::string_view value);

/// Where the last value of a term's typed values ("acme,\"glo" -> 5) starts: after the last
/// comma outside double quotes, or 0.
std::size_t last_value_start(std::string_view typed);

/// Parses an expression. On error returns a one-line message naming the offending term.
std::expected<Filter, std::string> parse_filter(std::string_view text);

/// Up to `n` of `values` closest to `want` by edit distance (case-insensitive), nearest first,
/// ties by value; only those within a third of `want`'s length (at least 2 edits). For "did you
/// mean" when a filter value matches nothing.
std::vector<std::string> closest_values(std::string_view want, const std::vector<std::string>& values, std::size_t n);

/// Merges two filters (both must hold).
Filter combine(const Filter& a, const Filter& b);

/// Whether a single value (as shown in panels; "" = absent) satisfies one term. `re` is the
/// term's compiled pattern (Regex/NotRegex terms; ignored otherwise): compile it once per term.
bool term_matches_value(const FilterTerm& term, std::string_view value, const std::regex& re);

}  // namespace s3top
