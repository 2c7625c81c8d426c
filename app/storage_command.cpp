// `s3top storage`: the bytes each org kept stored over a period, from the object-changing
// requests of the access logs (and an S3 Inventory of what was there before them).
#include <fmt/format.h>

#include <cstdio>
#include <optional>

#include "app/commands.hpp"
#include "app/output.hpp"
#include "app/session.hpp"
#include "app/storage_baseline.hpp"
#include "core/clickhouse/remote_report.hpp"
#include "core/report/storage_writer.hpp"
#include "core/report/terminal_text.hpp"
#include "core/util/civil_time.hpp"

namespace s3top::app {

namespace {

/// The report in the format asked for, written out.
bool write_storage(const Options& opt, const StorageReport& report) {
    std::string text;
    switch (opt.format) {
        case OutputFormat::Json: text = storage_json(report); break;
        case OutputFormat::Csv: text = storage_csv(report); break;
        case OutputFormat::Table: text = storage_table(report, !opt.exact); break;
        case OutputFormat::Html: text = storage_html(report); break;
    }
    return write_output(opt, text, "storage report");
}

/// storage over a clickhouse:// PATH: its storage table's events, applied here as a local run
/// applies the logs' (ClickHouse keeps them; the object table is built here).
int storage_from_clickhouse(const Options& opt, const StorageSpec& spec) {
    clickhouse::Client client(*opt.from);
    StorageCollector collector;
    // The inventory first, as locally: a broken one stops the run before any event is fetched.
    std::optional<StorageInventories> inventories;
    if (!opt.inventory.empty()) {
        inventories = load_clickhouse_inventories(opt, client, spec.from, spec.to, collector.names());
        if (!inventories) return 1;
    }
    StorageReport report;
    if (auto fetched = clickhouse::fetch_storage(client, collector, report.lines); !fetched) {
        fmt::print(stderr, "s3top: {}\n", terminal_safe(fetched.error()));
        return 1;
    }
    collector.close();
    report.result = collector.read([&](const StorageView& events) {
        return compute_storage(spec, events, inventories ? &inventories->baseline : nullptr,
                               inventories ? &inventories->later : nullptr);
    });
    return write_storage(opt, report) ? 0 : 1;
}

}  // namespace

int run_storage(const Options& opt) {
    auto collector = std::make_shared<StorageCollector>();
    StorageSpec spec;
    spec.from = opt.periods.front().from;
    spec.to = opt.periods.back().to;
    spec.by = opt.storage_by;
    spec.versioned_buckets = opt.versioned;
    spec.filter = opt.filter;  // checked by resolve_options (storage_filter_problem)
    if (opt.from) return storage_from_clickhouse(opt, spec);
    // The inventory first: a broken one stops the run before the logs are read.
    std::optional<StorageInventories> inventories;
    if (!opt.inventory.empty()) {
        inventories = load_storage_inventories(opt, spec.from, spec.to, collector->names());
        if (!inventories) return 1;
    }
    // The records themselves are not kept: the engine only counts lines (a report by tier
    // needs no string column).
    ReportSpec counting;
    counting.by = {DimSpec{Dim::Tier}};
    counting.distinct_clients = false;
    counting.percentiles = false;
    Session s = make_session(opt, DimMask{}, counting, std::nullopt, collector);
    s.ingestor->set_one_shot(true);  // one read of the inputs, then the report
    if (!load_all(s, opt)) {
        fmt::print(stderr, "s3top: no input could be read\n");
        return 1;
    }
    collector->close();  // the load is over: the computation reads the names where they are
    StorageReport report;
    report.result = collector->read([&](const StorageView& events) {
        return compute_storage(spec, events, inventories ? &inventories->baseline : nullptr,
                               inventories ? &inventories->later : nullptr);
    });
    report.lines = s.engine->lines();
    report.unread = s.unread;
    const bool written = write_storage(opt, report);
    leave_to_exit(s);
    return exit_status_after_output(s, written, "storage report");
}

}  // namespace s3top::app
