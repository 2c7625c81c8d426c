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
    /// Where it was read: the line's byte offset in its file's stream (decompressed), or a
    /// document's element number. With `path`, the order of events in the same second: the
    /// same in every run, whichever files a run reads (a line's number is not known after a
    /// crash left a gap; its offset is).
    std::uint64_t at = 0;
    std::uint16_t part = 0;  ///< PutPart: the part number (1-10000); 0 when not logged
    StorageOp op = StorageOp::Put;
    StorageClass to = StorageClass::Standard;
    bool has_size = false;
    TextRef bucket, key, org, upload, version, path;
};

struct StorageLines {
    std::vector<StorageLine> lines;
    std::string text;
    /// Object-changing requests that failed (4xx, 5xx): they change nothing, counted here.
    std::uint64_t failed = 0;

    std::string_view view(TextRef r) const { return std::string_view(text).substr(r.offset, r.size); }
    /// Adds `r` (whose org is `org`, read at `at` of the file `path`) when its operation
    /// changes what is stored; counts it in `failed` when it did not succeed; else does nothing.
    void add(const Record& r, std::string_view org, std::string_view path = {}, std::uint64_t at = 0);
    /// As add(r, ...), given `info` = *storage_op_of(r.operation).
    void add(const StorageOpInfo& info, const Record& r, std::string_view org, std::string_view path, std::uint64_t at);
    void clear() {
        lines.clear();
        text.clear();
        failed = 0;
        last_path_ = {};
    }
    /// Appends `s` to the text.
    TextRef keep(std::string_view s);

private:
    TextRef last_path_;  ///< a batch's lines come from few files: each path's text kept once in a run
};

}  // namespace s3top
