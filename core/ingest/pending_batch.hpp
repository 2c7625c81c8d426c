#pragma once
// A batch of records on its way to a database (s3top ingest --to clickhouse://), as the state
// file remembers it between "about to insert" and "acknowledged": so that after a crash it is
// looked up by its id before its lines are sent again (exactly once).
#include <cstdint>
#include <expected>
#include <functional>
#include <string>
#include <vector>

namespace s3top {

struct PendingBatch {
    /// The rows of the batch that go to one host.
    struct Part {
        std::uint32_t host = 0;  ///< index of the host
        std::uint64_t rows = 0;
        std::int64_t min_time = 0, max_time = 0;  ///< its records' time range (narrows the lookup)
        friend bool operator==(const Part&, const Part&) = default;
    };
    std::uint64_t id = 0;  ///< written into every row it inserts (the batch_id column)
    std::vector<Part> parts;
    friend bool operator==(const PendingBatch&, const PendingBatch&) = default;
};

/// Whether a pending batch landed (every part's rows are there: true; none, or the landed parts
/// taken out again: false), or why that cannot be told (the database unreachable).
using PendingResolver = std::function<std::expected<bool, std::string>(const PendingBatch&)>;

}  // namespace s3top
