// `s3top storage`: the bytes each org kept stored over a period, from the object-changing
// requests of the access logs (and an S3 Inventory of what was there before them).
#include <fmt/format.h>

#include <cstdio>
#include <optional>

#include "app/commands.hpp"
#include "app/output.hpp"
#include "app/session.hpp"
#include "core/report/storage_writer.hpp"
#include "core/report/terminal_text.hpp"
#include "core/storage/inventory.hpp"
#include "core/util/civil_time.hpp"

namespace s3top::app {
namespace {

/// --inventory: the newest manifest at or before `from`, read whole, its rows interned into
/// `names` (owners by the key rule when --org-from is prefix:N, else -). nullopt, said on
/// stderr in one line, when it cannot be used.
std::optional<StorageBaseline> load_baseline(const Options& opt, std::int64_t from, StorageNames& names) {
    auto manifest = choose_inventory_manifest(opt.inventory, from);
    if (!manifest) {
        fmt::print(stderr, "s3top: --inventory: {}\n", terminal_safe(manifest.error().describe()));
        return std::nullopt;
    }
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
    b.description =
        fmt::format("inventory of {} made at {} ({})", bucket, format_iso8601(b.time), manifest->path.string());
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

int run_storage(const Options& opt) {
    auto collector = std::make_shared<StorageCollector>();
    StorageSpec spec;
    spec.from = opt.periods.front().from;
    spec.to = opt.periods.back().to;
    spec.by = opt.storage_by;
    spec.versioned_buckets = opt.versioned;
    // The inventory first: a broken one stops the run before the logs are read.
    std::optional<StorageBaseline> baseline;
    if (!opt.inventory.empty()) {
        baseline = load_baseline(opt, spec.from, collector->names());
        if (!baseline) return 1;
    }
    // The records themselves are not kept: the engine only counts lines (a report by tier
    // needs no string column).
    ReportSpec counting;
    counting.by = {DimSpec{Dim::Tier}};
    counting.distinct_clients = false;
    counting.percentiles = false;
    Session s = make_session(opt, DimMask{}, counting, std::nullopt, collector);
    if (!load_all(s, opt)) {
        fmt::print(stderr, "s3top: no input could be read\n");
        return 1;
    }
    StorageReport report;
    report.result = compute_storage(spec, collector->names(), collector->events(), collector->failed(),
                                    baseline ? &*baseline : nullptr);
    report.lines = s.engine->lines();
    report.unread = s.unread;
    std::string text;
    switch (opt.format) {
        case OutputFormat::Json: text = storage_json(report); break;
        case OutputFormat::Csv: text = storage_csv(report); break;
        case OutputFormat::Table:
        case OutputFormat::Html: text = storage_table(report, !opt.exact); break;
    }
    return exit_status_after_output(s, write_output(opt, text, "storage report"), "storage report");
}

}  // namespace s3top::app
