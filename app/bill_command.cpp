// `s3top bill`: usage and cost per org for a period, from a price table.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "app/commands.hpp"
#include "app/session.hpp"
#include "app/storage_baseline.hpp"
#include "core/billing/statement_writer.hpp"
#include "core/clickhouse/remote_report.hpp"
#include "core/ingest/request_ids.hpp"
#include "app/output.hpp"
#include "core/report/terminal_text.hpp"
#include "core/util/civil_time.hpp"

namespace s3top::app {

namespace {

/// The statement in the format asked for, its warnings, and whether it may be billed: 0, or 1
/// when it must not be (a sum passed 2^64-1, or billable + excluded does not add up).
int print_statement(const Options& opt, const Statement& st, const BillingSpec& spec) {
    std::string text;
    switch (opt.format) {
        case OutputFormat::Json: text = statement_json(st, spec.late_grace_seconds); break;
        case OutputFormat::Csv: text = statement_csv(st); break;
        case OutputFormat::Table: text = statement_table(st, spec.late_grace_seconds); break;
        case OutputFormat::Html: text = statement_html(st, spec.late_grace_seconds); break;
    }
    if (!write_output(opt, text, "statement")) return 1;
    for (const auto& p : st.periods)
        for (const auto& w : p.warnings) fmt::print(stderr, "s3top: bill {}: warning: {}\n", p.period.label, w);
    if (st.overflow()) {
        fmt::print(stderr,
                   "s3top: usage passed 2^64-1 bytes in some period (the logs claim implausible byte counts); "
                   "the amounts are wrong: do not bill them\n");
        return 1;
    }
    if (!st.reconciled()) {
        fmt::print(stderr, "s3top: billable + excluded usage does not add up to all usage; the statement is wrong\n");
        return 1;
    }
    return 0;
}

/// bill over a clickhouse:// PATH: the statement's reports run as SQL there; its storage line
/// from the storage table's events, applied here (unless --no-storage).
int bill_from_clickhouse(const Options& opt, BillingSpec spec) {
    clickhouse::Client client(*opt.from);
    std::optional<StorageResult> storage;
    if (!opt.no_storage) {
        StorageCollector collector;
        LineCounters lines;
        StorageSpec storage_spec = storage_spec_for(spec);
        storage_spec.versioned_buckets = opt.versioned;
        std::optional<StorageInventories> inventories;  // first, as locally
        if (!opt.inventory.empty()) {
            inventories =
                load_clickhouse_inventories(opt, client, storage_spec.from, storage_spec.to, collector.names());
            if (!inventories) return 1;
        }
        if (auto fetched = clickhouse::fetch_storage(client, collector, lines); !fetched) {
            fmt::print(stderr, "s3top: {}\n", terminal_safe(fetched.error()));
            return 1;
        }
        collector.close();
        storage = collector.read([&](const StorageView& events) {
            return compute_storage(storage_spec, events, inventories ? &inventories->baseline : nullptr,
                                   inventories ? &inventories->later : nullptr);
        });
        spec.storage = &*storage;
    }
    clickhouse::AnswerCache answers;  // the distinct values, operations and lines: once per run
    const FallibleReportSource source{
        [&](const ReportSpec& r) { return clickhouse::run_report(client, r, opt.config.tiers, &answers); },
        opt.config.tiers};
    const auto st = compute_statement(source, spec);
    if (!st) {
        fmt::print(stderr, "s3top: {}\n", terminal_safe(st.error()));
        return 1;
    }
    return print_statement(opt, *st, spec);
}

}  // namespace

int run_bill(const Options& opt) {
    BillingSpec spec;
    spec.periods = opt.periods;
    DimMask needed;
    spec.by = opt.by;
    mark_needed(spec.by, needed);
    needed.set(index(Dim::Requester));  // exclusions
    needed.set(index(Dim::Operation));
    spec.filter = opt.filter;
    spec.exclude = opt.config.exclude;
    spec.prices = opt.config.prices;
    spec.late_grace_seconds = opt.config.late_grace_hours * 3600;
    if (opt.from) return bill_from_clickhouse(opt, spec);

    // Storage: every object-changing request is gathered as the logs are read (the inventory,
    // when given, first: a broken one stops the run before the logs are read).
    // With a state file, the requests it kept come back with its rows; --no-storage: none.
    auto collector = opt.no_storage ? nullptr : std::make_shared<StorageCollector>();
    StorageSpec storage_spec = storage_spec_for(spec);
    storage_spec.versioned_buckets = opt.versioned;
    std::optional<StorageInventories> inventories;
    if (collector && !opt.inventory.empty()) {  // --no-storage refuses --inventory
        inventories = load_storage_inventories(opt, storage_spec.from, storage_spec.to, collector->names());
        if (!inventories) return 1;
    }
    Session s = make_session(opt, needed, std::nullopt, std::nullopt, collector);
    s.ingestor->set_one_shot(true);  // one read of the inputs, then the statement
    if (!load_all(s, opt)) {
        fmt::print(stderr, "s3top: no input could be read\n");
        return 1;
    }
    std::optional<StorageResult> storage;
    if (collector) {
        collector->close();
        storage = collector->read([&](const StorageView& events) {
            return compute_storage(storage_spec, events, inventories ? &inventories->baseline : nullptr,
                                   inventories ? &inventories->later : nullptr);
        });
        spec.storage = &*storage;
    }
    for (const auto& f : s.inputs) spec.newest_source_mtime = std::max(spec.newest_source_mtime, f.mtime);
    say_unmatched_filter_values(*s.engine, spec.filter);
    Statement st = compute_statement(*s.engine, spec);
    if (s.loader_options.dedupe) st.no_request_id = s.loader_options.dedupe->no_id();
    st.unread = s.unread;
    if (const int rc = print_statement(opt, st, spec); rc != 0) return rc;
    leave_to_exit(s);
    return exit_status_after_output(s, true, "statement");
}

}  // namespace s3top::app
