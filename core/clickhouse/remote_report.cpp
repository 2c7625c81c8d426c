#include "core/clickhouse/remote_report.hpp"

#include <fmt/format.h>

#include "core/clickhouse/report_query.hpp"
#include "core/clickhouse/schema.hpp"
#include "core/clickhouse/snapshot_query.hpp"
#include "core/clickhouse/storage_rows.hpp"

namespace s3top::clickhouse {

namespace {

/// The tables a query reads, and how it asks: the first host answers; with several, through
/// the Distributed tables over all of them (a stopped shard then fails the query, as it must:
/// an answer without it would be short).
struct Tables {
    explicit Tables(Client& c, AnswerCache* answers = nullptr) : client(c), cache(answers) {
        const Target& t = c.target();
        const std::string all = t.hosts.size() > 1 ? "_all" : "";
        records = fmt::format("{}.{}{}", t.database, t.table, all);
        lines = fmt::format("{}.{}{}", t.database, lines_table(t.table), all);
        storage = fmt::format("{}.{}{}", t.database, storage_table(t.table), all);
    }
    std::expected<std::string, std::string> ask(const std::string& sql) const { return client.select(0, sql); }
    /// A statement whose answer does not depend on the report (AnswerCache), kept with a cache.
    std::expected<std::string, std::string> ask_shared(const std::string& sql) const {
        if (!cache) return ask(sql);
        return cache->get(sql, [this](const std::string& q) { return ask(q); });
    }
    /// The WHERE clause of `filter`, its terms decided on the distinct values the table holds.
    std::expected<std::string, std::string> where(const Filter& filter) const {
        const DistinctValues distinct =
            [&](std::string_view expr) -> std::expected<std::vector<std::string>, std::string> {
            auto answer = ask_shared(fmt::format("SELECT DISTINCT {} FROM {} FORMAT RowBinary", expr, records));
            if (!answer) return std::unexpected(answer.error());
            return read_strings(*answer);
        };
        return where_sql(filter, distinct);
    }
    /// The top groups' cut a cut_sql() statement names (none without a statement, or when
    /// there are fewer groups).
    std::expected<std::optional<PanelCut>, std::string> cut(const std::optional<std::string>& sql) const {
        if (!sql) return std::nullopt;
        auto answer = ask(*sql);
        if (!answer) return std::unexpected(answer.error());
        return read_cut(*answer);
    }
    Client& client;
    AnswerCache* cache;
    std::string records, lines, storage;
};

/// Storage events are fetched this many at a time: an answer of some tens of MB.
constexpr std::size_t kStoragePage = 200000;

}  // namespace

std::expected<std::string, std::string> AnswerCache::get(const std::string& sql, const Ask& ask) {
    if (const auto it = answers_.find(sql); it != answers_.end()) {
        ++kept_;
        return it->second;
    }
    ++asked_;
    auto answer = ask(sql);
    if (answer) answers_.emplace(sql, *answer);
    return answer;
}

std::expected<ReportResult, std::string> run_report(Client& client, const ReportSpec& spec, const TierMap& tiers,
                                                    AnswerCache* cache) {
    const Tables t(client, cache);
    auto where = t.where(spec.filter);
    if (!where) return std::unexpected(where.error());
    // --top N: the N-th group's metrics first, then only the groups that rank as high.
    const auto cut = t.cut(report_cut_sql(spec, t.records, *where));
    if (!cut) return std::unexpected(cut.error());
    const ReportSql q = report_sql(spec, t.records, t.lines, *where, *cut);
    auto groups = t.ask(q.groups);
    if (!groups) return std::unexpected(groups.error());
    std::string group_count;
    if (!q.group_count.empty()) {
        auto answer = t.ask(q.group_count);
        if (!answer) return std::unexpected(answer.error());
        group_count = std::move(*answer);
    }
    std::string timed;
    if (spec.percentiles) {
        auto answer = t.ask(q.timed);
        if (!answer) return std::unexpected(answer.error());
        timed = std::move(*answer);
    }
    auto overall = t.ask(q.overall);
    if (!overall) return std::unexpected(overall.error());
    auto operations = t.ask_shared(q.operations);
    if (!operations) return std::unexpected(operations.error());
    auto line_counts = t.ask_shared(q.lines);
    if (!line_counts) return std::unexpected(line_counts.error());
    auto reasons = t.ask_shared(q.reasons);
    if (!reasons) return std::unexpected(reasons.error());
    return fold_report(spec, tiers, {*groups, timed, *overall, *operations, *line_counts, *reasons, group_count});
}

std::expected<Snapshot, std::string> run_snapshot(Client& client, const ViewSpec& view, AnswerCache* cache) {
    const Tables t(client, cache);
    auto where = t.where(view.filter);
    if (!where) return std::unexpected(where.error());
    std::vector<PanelData> panels;
    for (const PanelSpec& p : view.panels) {
        const auto cut = t.cut(panel_cut_sql(p, t.records, *where));
        if (!cut) return std::unexpected(cut.error());
        auto rows = t.ask(panel_rows_sql(p, t.records, *where, *cut));
        if (!rows) return std::unexpected(rows.error());
        auto groups = t.ask(panel_groups_sql(p, t.records, *where));
        if (!groups) return std::unexpected(groups.error());
        auto panel = fold_panel(p, *rows, *groups);
        if (!panel) return std::unexpected(panel.error());
        panels.push_back(std::move(*panel));
    }
    auto totals = t.ask(totals_sql(t.records, *where));
    if (!totals) return std::unexpected(totals.error());
    auto series = t.ask(series_sql(view.resolution, t.records, *where));
    if (!series) return std::unexpected(series.error());
    auto records = t.ask_shared(records_sql(t.records));
    if (!records) return std::unexpected(records.error());
    auto lines = t.ask_shared(lines_sql(t.lines));
    if (!lines) return std::unexpected(lines.error());
    auto reasons = t.ask_shared(reasons_sql(t.lines));
    if (!reasons) return std::unexpected(reasons.error());
    return fold_snapshot(view, {*totals, *series, *records, *lines, *reasons, std::move(panels)});
}

std::expected<void, std::string> StorageFetcher::fetch_new(StorageCollector& collector) {
    if (!broken_.empty()) return std::unexpected(broken_);
    const Tables t(client_);
    if (!checked_) {
        const auto name_of = [](const std::string& qualified) { return qualified.substr(qualified.find('.') + 1); };
        std::vector<std::string_view> storage_cols;
        for (const StorageColumn& c : storage_columns()) storage_cols.push_back(c.name);
        if (auto ok = client_.check_columns(0, name_of(t.storage), storage_cols); !ok) return ok;
        if (auto ok = client_.check_columns(0, name_of(t.lines), {"storage_failed"}); !ok) return ok;
        checked_ = true;
    }
    auto listed = t.ask(storage_batches_sql(t.lines));
    if (!listed) return std::unexpected(listed.error());
    auto batches = read_storage_batches(*listed);
    if (!batches) return std::unexpected(batches.error());
    std::vector<std::uint64_t> fresh;
    std::uint64_t without = 0, failed = 0;
    for (const StorageBatch& b : *batches) {
        if (seen_.contains(b.id)) continue;
        fresh.push_back(b.id);
        without += b.without;
        failed += b.failed;
    }
    if (without > 0)
        return std::unexpected(
            fmt::format("{} batches in {} were sent without their object-changing requests (by an s3top older than the "
                        "storage table): storage over them would be short; ingest their logs again into a new table",
                        without, t.lines));
    if (fresh.empty()) return {};
    // Each page is added as it comes (a page is some tens of MB): a failure after the first
    // leaves those batches fetched in part, which no later call can mend.
    std::optional<StorageRowKey> after;
    StorageLines page;
    page.failed = failed;
    for (bool first = true;; first = false) {
        auto answer = t.ask(storage_page_sql(t.storage, after, kStoragePage, fresh));
        std::expected<StoragePage, std::string> read =
            answer ? read_storage_page(*answer, page) : std::unexpected(answer.error());
        if (!read) {
            if (!first) broken_ = "storage events were fetched in part (" + read.error() + "): start again";
            return std::unexpected(first ? read.error() : broken_);
        }
        collector.add(std::move(page));
        page = StorageLines();
        if (read->rows < kStoragePage) break;
        after = std::move(read->last);
    }
    seen_.insert(fresh.begin(), fresh.end());
    return {};
}

std::expected<std::optional<std::string>, std::string> ingested_org_source(Client& client) {
    const Tables t(client);
    if (auto ok = client.check_columns(0, t.lines.substr(t.lines.find('.') + 1), {"org_from"}); !ok)
        return std::unexpected(ok.error());
    auto answer = t.ask(fmt::format("SELECT DISTINCT org_from FROM {} ORDER BY org_from FORMAT RowBinary", t.lines));
    if (!answer) return std::unexpected(answer.error());
    auto specs = read_strings(*answer);
    if (!specs) return std::unexpected(specs.error());
    if (specs->empty()) return std::nullopt;
    if (specs->front().empty())  // sorted: '' first
        return std::unexpected(
            fmt::format("batches in {} were sent without their --org-from (by an s3top older than "
                        "its org_from column): an inventory's objects cannot be given owners; "
                        "ingest their logs again into a new table",
                        t.lines));
    if (specs->size() > 1) {
        std::string named;
        for (const std::string& s : *specs) named += (named.empty() ? "" : ", ") + sql_string(s);
        return std::unexpected(
            fmt::format("the batches in {} were ingested with different --org-from ({}): an "
                        "inventory's objects cannot be given one owner rule",
                        t.lines, named));
    }
    return specs->front();
}

std::expected<void, std::string> fetch_storage(Client& client, StorageCollector& collector, LineCounters& lines) {
    StorageFetcher fetcher(client);
    if (auto fetched = fetcher.fetch_new(collector); !fetched) return fetched;
    const Tables t(client);
    auto line_counts = t.ask(lines_sql(t.lines));
    if (!line_counts) return std::unexpected(line_counts.error());
    auto reasons = t.ask(reasons_sql(t.lines));
    if (!reasons) return std::unexpected(reasons.error());
    std::int64_t newest = 0;
    return fold_lines(*line_counts, *reasons, lines, newest);
}

}  // namespace s3top::clickhouse
