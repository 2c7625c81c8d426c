#pragma once
// Maps a stored record to its group key for one dimension, and a key back to its label, by
// the dimension's kind (kDims). Keys are dense small integers for stored, number and key
// prefix dimensions (accumulate in arrays) and bucket starts for time dimensions (accumulate
// in hash maps).
#include <cstdint>
#include <string>
#include <vector>

#include "core/agg/columns.hpp"
#include "core/agg/dimension.hpp"

namespace s3top {

class Keyer {
public:
    explicit Keyer(DimSpec dim);
    DimSpec dim() const { return dim_; }
    /// Extends derived tables (key prefixes) to cover every id now in `pools`.
    void prepare(const Pools& pools);
    /// True when keys are small dense integers (see dense_size()).
    bool dense() const { return info_->kind != DimKind::Time; }
    /// True when keys are the ids of the stored dimension dim().dim (key() reads c.ids of it).
    bool stored() const { return info_->kind == DimKind::Stored; }
    /// Upper bound of dense keys right now (after prepare()).
    std::size_t dense_size(const Pools& pools) const;
    std::int64_t key(const Columns& c, std::size_t row) const {
        switch (info_->kind) {
            case DimKind::Stored: return c.ids[index(dim_.dim)][row];
            case DimKind::Number: {
                const std::uint32_t v =
                    info_->number == NumberColumn::Status ? std::uint32_t{c.status[row]} : std::uint32_t{c.tier[row]};
                // Most number dimensions divide by 1: no division a row for them.
                return info_->divisor == 1 ? v : v / info_->divisor;
            }
            case DimKind::KeyPrefix: return key_to_prefix_[c.ids[index(info_->from)][row]];
            case DimKind::Time: return time_key(c.time[row]);
        }
        return 0;
    }
    /// dense_size() as of the last prepare() (string dimensions: the pool's size then).
    std::size_t dense_size_hint() const { return prepared_size_; }
    /// Sets `out` to a view of the label when it is a pooled string (string dimensions, key
    /// prefixes) and returns true; false for derived labels (use label()).
    bool label_view(std::int64_t key, const Pools& pools, std::string_view& out) const {
        if (!raw_view(key, pools, out)) return false;
        return !decoded_ || !shown_decoded(out);
    }
    /// The value as a user sees and filters it ("" = absent): percent-decoded where the
    /// dimension is logged encoded (DimInfo::percent_encoded).
    std::string label(std::int64_t key, const Pools& pools) const;
    /// The value as logged, for a filter's second chance on encoded dimensions (else label()).
    std::string raw_label(std::int64_t key, const Pools& pools) const;
    /// Whether labels are shown percent-decoded.
    bool decoded() const { return decoded_; }
    /// The column(s) this keyer reads.
    void add_needed(DimMask& mask) const;

private:
    /// The pooled string of a stored or key-prefix key, as logged; false for derived labels.
    bool raw_view(std::int64_t key, const Pools& pools, std::string_view& out) const {
        if (info_->kind == DimKind::KeyPrefix) {
            out = prefixes_.view(static_cast<std::uint32_t>(key));
            return true;
        }
        if (info_->kind != DimKind::Stored) return false;
        out = pools[index(dim_.dim)].view(static_cast<std::uint32_t>(key));
        return true;
    }
    static bool shown_decoded(std::string_view raw);
    std::int64_t time_key(std::int64_t t) const;
    DimSpec dim_;
    const DimInfo* info_;
    bool decoded_ = false;  ///< labels are percent-decoded (DimInfo::percent_encoded)
    std::size_t prepared_size_ = 0;
    StringPool prefixes_;
    std::vector<std::uint32_t> key_to_prefix_;
};

}  // namespace s3top
