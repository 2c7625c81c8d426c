#pragma once
// The object-changing requests of one batch, cut from its records as they are parsed (a batch
// keeps no strings of its own once merged): the fields storage needs, their text in one arena.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/storage_kind.hpp"

namespace s3top {

struct Record;

/// A slice of StorageLines::text.
struct TextRef {
    std::uint32_t offset = 0, size = 0;
};

/// One successful object-changing request, as logged.
struct StorageLine {
    std::int64_t time = 0;
    std::uint64_t size = 0;  ///< the log's object size (0 when it has none: see has_size)
    std::uint32_t row = 0;   ///< the record's row in its batch (Batch::origin[row] orders it)
    std::uint16_t part = 0;  ///< PutPart: the part number (1-10000); 0 when not logged
    StorageOp op = StorageOp::Put;
    StorageClass to = StorageClass::Standard;
    bool has_size = false;
    TextRef bucket, key, org, upload, version;
};

struct StorageLines {
    std::vector<StorageLine> lines;
    std::string text;
    /// Object-changing requests that failed (4xx, 5xx): they change nothing, counted here.
    std::uint64_t failed = 0;

    std::string_view view(TextRef r) const { return std::string_view(text).substr(r.offset, r.size); }
    /// Adds `r` (the batch's record in row `row`, whose org is `org`) when its operation changes
    /// what is stored; counts it in `failed` when it did not succeed; else does nothing.
    void add(const Record& r, std::string_view org, std::uint32_t row);
    void clear() {
        lines.clear();
        text.clear();
        failed = 0;
    }

private:
    TextRef keep(std::string_view s);
};

}  // namespace s3top
