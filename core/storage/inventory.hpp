#pragma once
// S3 Inventory as the baseline of what was stored before the logs: a manifest.json (read with
// simdjson) names its CSV.gz data files and their columns (fileSchema); the files are found in
// a folder laid out as `aws s3 sync` lays out the inventory's bucket.
#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/storage_kind.hpp"

namespace s3top {

/// What is wrong with an inventory: the file (and row, 0 when the whole file) and why.
struct InventoryError {
    std::string file;
    std::uint64_t row = 0;
    std::string message;
    /// "FILE: message" or "FILE row N: message", one line.
    std::string describe() const;
};

struct InventoryManifest {
    std::filesystem::path path;        ///< the manifest.json
    std::int64_t created = 0;          ///< creationTimestamp, UTC seconds
    std::string source_bucket;         ///< sourceBucket
    std::vector<std::string> columns;  ///< fileSchema, in order
    std::vector<std::string> files;    ///< the data files' keys in the inventory's bucket
};

/// Parses a manifest.json. Refuses (naming `path`) what is not JSON, lacks creationTimestamp,
/// fileSchema or files, or is not CSV (ORC and Parquet: one line naming the CSV option).
std::expected<InventoryManifest, InventoryError> parse_inventory_manifest(std::string_view json,
                                                                          const std::filesystem::path& path);

/// PATH is a manifest.json, or a folder searched (recursively) for manifest.json files: the
/// newest whose creationTimestamp is at or before `at` (the period's start). An error when
/// none is, or when the one chosen cannot be read.
std::expected<InventoryManifest, InventoryError> choose_inventory_manifest(const std::filesystem::path& path,
                                                                           std::int64_t at);

/// The manifests PATH holds for the baseline's bucket made after it and before `before` (the
/// period's end), oldest first: each is compared with what the logs left stored at its time.
std::expected<std::vector<InventoryManifest>, InventoryError> later_inventory_manifests(
    const std::filesystem::path& path, const InventoryManifest& baseline, std::int64_t before);

/// One object version the inventory lists.
struct InventoryRow {
    std::string bucket, key, version;
    std::uint64_t size = 0;
    StorageClass cls = StorageClass::Standard;
    bool latest = true;
};

struct InventoryRead {
    std::vector<InventoryRow> rows;
    std::uint64_t delete_markers = 0;  ///< listed, stored nothing
    /// Rows that could not be read (short, a size that is not a number, a class not known):
    /// not counted, each counted here; the first few described.
    std::uint64_t rejected = 0;
    std::vector<InventoryError> samples;
};

/// Reads every data file the manifest names, each resolved as `aws s3 sync` would lay out its
/// key under the manifest's folder or one of its parents. A data file that is missing or
/// corrupt (or a schema without Bucket, Key or Size) is an error naming the file: then nothing
/// of the inventory is used.
std::expected<InventoryRead, InventoryError> read_inventory(const InventoryManifest& m);

/// The rows of one data file's text (`file` names it in the errors) into `out`, by the
/// manifest's fileSchema: each non-empty line becomes a row, a delete marker, or a rejection.
/// An error (nothing added) when the schema has no Bucket, Key or Size column.
std::expected<void, InventoryError> read_inventory_rows(const InventoryManifest& m, std::string_view text,
                                                        const std::string& file, InventoryRead& out);

/// Parses one CSV line of an inventory data file (RFC 4180 quoting) into its fields.
std::vector<std::string> split_inventory_csv(std::string_view line);

}  // namespace s3top
