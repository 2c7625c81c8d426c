// libFuzzer target: the S3 Inventory readers (core/storage/inventory.cpp): a manifest.json and
// the CSV rows of a data file. The input is a manifest and a CSV text split at the first NUL
// byte (no NUL: all of it is both). The CSV is read by the manifest's fileSchema when it
// parses, and always by a fixed full schema.
// Properties: nothing crashes; every non-empty line is exactly one of a row, a delete marker or
// a rejection; a row's storage class is a known one; the first few rejections are described.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/storage/inventory.hpp"

namespace {

std::size_t non_empty_lines(std::string_view text) {
    std::size_t n = 0;
    while (!text.empty()) {
        const std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!line.empty()) ++n;
    }
    return n;
}

void check_rows(const s3top::InventoryManifest& m, std::string_view csv) {
    s3top::InventoryRead out;
    if (!s3top::read_inventory_rows(m, csv, "fuzz.csv.gz", out)) {
        if (!out.rows.empty() || out.rejected || out.delete_markers) std::abort();  // refused: nothing added
        return;
    }
    if (out.rows.size() + out.rejected + out.delete_markers != non_empty_lines(csv)) std::abort();
    if (out.samples.size() > out.rejected) std::abort();
    for (const auto& r : out.rows)
        if (static_cast<std::size_t>(r.cls) >= s3top::kStorageClassCount) std::abort();
    for (const auto& e : out.samples)
        if (e.describe().empty() || e.row == 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    const std::size_t nul = in.find('\0');
    const std::string_view json = in.substr(0, nul);
    const std::string_view csv = nul == std::string_view::npos ? in : in.substr(nul + 1);
    if (auto m = s3top::parse_inventory_manifest(json, "fuzz/manifest.json")) {
        check_rows(*m, csv);
    } else if (m.error().describe().empty()) {
        std::abort();
    }
    s3top::InventoryManifest full;
    full.path = "fuzz/manifest.json";
    full.columns = {"Bucket",         "Key",  "VersionId",        "IsLatest",
                    "IsDeleteMarker", "Size", "LastModifiedDate", "StorageClass"};
    check_rows(full, csv);
    // One line through the CSV splitter alone: fields never hold more bytes than the line.
    std::size_t bytes = 0;
    for (const auto& f : s3top::split_inventory_csv(csv.substr(0, csv.find('\n')))) bytes += f.size();
    if (bytes > csv.size()) std::abort();
    return 0;
}
