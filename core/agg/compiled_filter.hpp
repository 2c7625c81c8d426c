#pragma once
// A Filter bound to an engine's pools: each string term is decided once per distinct id and
// cached, so testing a record is a few array lookups.
#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <vector>

#include "core/agg/columns.hpp"
#include "core/agg/filter.hpp"
#include "core/agg/keyer.hpp"

namespace s3top {

class CompiledFilter {
public:
    explicit CompiledFilter(const Filter& filter);
    /// Decides every id added to `pools` since the last call. Call under the engine's lock
    /// before matches(); matches() itself only reads.
    void prepare(const Pools& pools);
    bool matches(const Columns& c, std::size_t row) const {
        if (c.time[row] < from_ || c.time[row] >= to_) return false;
        for (const auto& t : terms_) {
            const std::int64_t k = t.keyer.key(c, row);
            if (t.keyed) {
                if (!t.verdict[static_cast<std::size_t>(k)]) return false;
            } else if (!decide(t, t.keyer.label(k, *pools_))) {
                return false;
            }
        }
        return true;
    }
    bool empty() const { return terms_.empty() && from_ == kMin && to_ == kMax; }
    /// Columns the filter reads.
    DimMask needed() const;

private:
    static constexpr std::int64_t kMin = INT64_MIN;
    static constexpr std::int64_t kMax = INT64_MAX;
    struct Term {
        FilterTerm term;
        Keyer keyer;
        bool keyed = true;                  // verdict by dense key; time terms decide per row
        std::vector<std::uint8_t> verdict;  // by key
        std::shared_ptr<std::regex> re;
    };
    static bool decide(const Term& t, std::string_view value);
    /// A keyed term's verdict on `key` (a value shown decoded is matched in both forms).
    static bool decide_key(const Term& t, std::int64_t key, const Pools& pools);
    std::vector<Term> terms_;
    std::int64_t from_ = kMin, to_ = kMax;
    const Pools* pools_ = nullptr;
};

}  // namespace s3top
