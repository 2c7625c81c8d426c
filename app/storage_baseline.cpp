#include "app/storage_baseline.hpp"

#include <fmt/format.h>

#include <cstdio>

#include "app/s3_sources.hpp"
#include "core/clickhouse/remote_report.hpp"
#include "core/agg/dimension.hpp"
#include "core/report/terminal_text.hpp"
#include "core/storage/inventory.hpp"
#include "core/util/civil_time.hpp"

namespace s3top::app {

namespace {

/// A file of the inventory as the user named it: under --inventory s3://... its key's URL
/// rather than its place in the cache.
std::string inventory_name(const Options& opt, const std::string& path) {
    if (!opt.inventory_s3) return path;
    std::string dir = opt.inventory_s3->dir;
    if (!dir.ends_with('/')) dir += '/';
    if (!path.starts_with(dir)) return path;
    std::string url = opt.inventory_s3->url;
    url.resize(url.rfind('/') + 1);  // s3://bucket/ at least: the prefix's folder, as the cache lays it out
    return url + path.substr(dir.size());
}

/// One manifest's rows interned into `names`; nullopt (said on stderr) when it cannot be read.
std::optional<StorageBaseline> baseline_of(const Options& opt, const InventoryManifest* manifest, StorageNames& names) {
    auto read = read_inventory(*manifest);
    if (!read) {
        fmt::print(stderr, "s3top: --inventory: {} (the inventory is not used; nothing of it is counted)\n",
                   terminal_safe(read.error().describe()));
        return std::nullopt;
    }
    StorageBaseline b;
    b.time = manifest->created;
    std::string bucket = manifest->source_bucket;
    if (bucket.empty() && !read->rows.empty()) bucket = read->rows.front().bucket;
    b.bucket = names.bucket(bucket);
    b.description = fmt::format("inventory of {} made at {} ({})", bucket, format_iso8601(b.time),
                                inventory_name(opt, manifest->path.string()));
    b.rejected = read->rejected;
    if (!read->samples.empty()) b.rejected_sample = read->samples.front().describe();
    for (const InventoryError& e : read->samples)
        fmt::print(stderr, "s3top: --inventory: {}\n", terminal_safe(e.describe()));
    for (const InventoryRow& r : read->rows) {
        if (r.bucket != bucket) {
            ++b.rejected;
            continue;
        }
        StorageBaseline::Row row;
        row.key = names.key(b.bucket, r.key);
        row.version = r.version.empty() ? 0 : names.versions.intern(r.version);
        row.size = r.size;
        row.cls = r.cls;
        row.latest = r.latest;
        row.owner = names.orgs.intern(opt.org.kind == OrgSource::Kind::KeyPrefix ? key_prefix(r.key, opt.org.depth)
                                                                                 : std::string_view{});
        b.rows.push_back(row);
    }
    return b;
}

}  // namespace

std::optional<StorageInventories> load_storage_inventories(const Options& opt, std::int64_t from, std::int64_t to,
                                                           StorageNames& names) {
    if (opt.inventory_s3) {
        // Fetched into its folder as an s3:// PATH is (only what is new), then read from there.
        S3Sources inventory(opt, {*opt.inventory_s3});
        std::vector<InputProblem> problems;
        inventory.sync_all(problems);
        for (const auto& p : problems)
            fmt::print(stderr, "s3top: --inventory: {}\n", terminal_safe(fmt::format("{}: {}", p.path, p.message)));
        if (!problems.empty()) return std::nullopt;
    }
    auto manifest = choose_inventory_manifest(opt.inventory, from);
    if (!manifest) {
        fmt::print(stderr, "s3top: --inventory: {}\n", terminal_safe(manifest.error().describe()));
        return std::nullopt;
    }
    auto later = later_inventory_manifests(opt.inventory, *manifest, to);
    if (!later) {
        fmt::print(stderr, "s3top: --inventory: {}\n", terminal_safe(later.error().describe()));
        return std::nullopt;
    }
    StorageInventories out;
    auto baseline = baseline_of(opt, &*manifest, names);
    if (!baseline) return std::nullopt;
    out.baseline = std::move(*baseline);
    for (const InventoryManifest& m : *later) {
        auto b = baseline_of(opt, &m, names);
        if (!b) return std::nullopt;
        out.later.push_back(std::move(*b));
    }
    return out;
}

std::optional<StorageInventories> load_clickhouse_inventories(const Options& opt, clickhouse::Client& client,
                                                              std::int64_t from, std::int64_t to, StorageNames& names) {
    auto spec = clickhouse::ingested_org_source(client);
    if (!spec) {
        fmt::print(stderr, "s3top: --inventory: {}\n", terminal_safe(spec.error()));
        return std::nullopt;
    }
    Options ingested = opt;
    if (*spec) {
        std::string error;
        const auto org = parse_org_source(**spec, error);
        if (!org) {
            fmt::print(stderr,
                       "s3top: --inventory: the table's batches name an org rule this s3top does not know: {}\n",
                       terminal_safe(error));
            return std::nullopt;
        }
        ingested.org = *org;
    }
    return load_storage_inventories(ingested, from, to, names);
}

}  // namespace s3top::app
