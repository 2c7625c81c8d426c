#include "tui/costs.hpp"

#include <utility>

#include "core/agg/engine.hpp"
#include "core/billing/money.hpp"
#include "core/billing/statement.hpp"
#include "core/report/units.hpp"
#include "core/storage/storage_collector.hpp"

namespace s3top::tui {

namespace {

/// What the Stored panel and the chart show, from the same events as compute_storage.
StoredShown stored_shown(const StoredAsk& ask, const Filter& filter, std::int64_t min_time, std::int64_t max_time,
                         const StorageView& events) {
    StoredShown out;
    out.ask = ask;
    StoredSpec spec;
    spec.from = min_time;
    spec.to = max_time + 1;
    spec.by = ask.by;
    spec.filter = storage_terms_of(filter, &out.narrowed);
    std::int64_t start = ask.first;
    for (std::size_t i = 0; i < ask.buckets; ++i) {
        start = next_bucket(ask.resolution, start);
        spec.sample_at.push_back(start);  // the bucket's end
    }
    out.stored = compute_stored(spec, events);
    return out;
}

/// Bytes stored at max_time + 1 per org under the filter's storage terms (the Stored column),
/// from `bill`'s storage result when the filter is all storage terms, else computed apart.
std::map<std::string, std::uint64_t> stored_per_org(const StorageResult& billed, const Filter& filter,
                                                    std::int64_t min_time, std::int64_t max_time,
                                                    const StorageView& events, bool& narrowed) {
    std::map<std::string, std::uint64_t> out;
    StoredSpec spec;
    spec.filter = storage_terms_of(filter, &narrowed);
    if (!narrowed) {
        for (const StorageGroup& g : billed.groups) {
            std::string org = g.key.empty() ? std::string() : g.key.front();
            if (org == "-") org.clear();
            out[org] += static_cast<std::uint64_t>(g.bytes_end);
        }
        return out;
    }
    spec.from = min_time;
    spec.to = max_time + 1;
    spec.by = StorageDimSpec{StorageDim::Org, 0};
    for (const StoredGroup& g : compute_stored(spec, events).groups)
        out[g.label] += static_cast<std::uint64_t>(g.bytes);
    return out;
}

}  // namespace

FallibleReportSource engine_reports(const Engine& engine) {
    return FallibleReportSource{
        [&engine](const ReportSpec& r) -> std::expected<ReportResult, std::string> { return engine.report(r); },
        engine.config().tiers};
}

OrgCosts compute_org_costs(const FallibleReportSource& reports, const BillingSpec& base, const Filter& filter,
                           std::int64_t min_time, std::int64_t max_time, StorageCollector* storage,
                           const std::optional<StoredAsk>& ask) {
    OrgCosts out;
    out.filter = filter;
    out.currency = base.prices.currency;
    if (max_time < min_time) return out;
    BillingSpec spec = base;
    spec.by = {DimSpec{Dim::Org, 0}};
    spec.filter = filter;
    spec.periods = periods_between(min_time, max_time + 1);
    spec.storage = nullptr;
    spec.lines_only = true;  // what each org is charged, not the statement's checks
    if (spec.periods.empty()) return out;
    out.from = spec.periods.front().from;
    out.to = spec.periods.back().to;
    std::optional<StorageResult> stored;
    if (storage) {
        // As `bill` does: the statement's storage spec, over the same months.
        stored = storage->read([&](const StorageView& events) {
            StorageResult r = compute_storage(storage_spec_for(spec), events);
            out.stored = stored_per_org(r, filter, min_time, max_time, events, out.stored_narrowed);
            if (ask) out.shown = stored_shown(*ask, filter, min_time, max_time, events);
            return r;
        });
        spec.storage = &*stored;
        out.storage = true;
    }
    const auto statement = compute_statement(reports, spec);
    if (!statement) {
        out.error = statement.error();
        return out;
    }
    const Statement& st = *statement;
    for (const StatementLine& l : st.lines_billed) {
        std::string org = l.key.empty() ? std::string() : l.key.front();
        if (org == "-") org.clear();
        out.by_org[org] += l.charges.amount;
        out.total += l.charges.amount;
    }
    for (const PeriodSummary& p : st.periods) out.provisional |= p.provisional;
    return out;
}

CostsWorker::CostsWorker(FallibleReportSource reports, BillingSpec base, std::shared_ptr<StorageCollector> storage,
                         std::function<void()> done)
    : reports_(std::move(reports)),
      base_(std::make_unique<BillingSpec>(std::move(base))),
      storage_(std::move(storage)),
      worker_(
          "s3top-cost",
          [this](const Question& q) {
              OrgCosts c =
                  compute_org_costs(reports_, *base_, q.filter, q.min_time, q.max_time, storage_.get(), q.stored);
              c.records = q.records;
              return c;
          },
          std::move(done)) {}

CostsWorker::~CostsWorker() = default;

void CostsWorker::ask(const Filter& filter, std::int64_t min_time, std::int64_t max_time,
                      std::optional<StoredAsk> stored, std::uint64_t records) {
    worker_.ask(Question{filter, min_time, max_time, std::move(stored), records});
}

std::optional<OrgCosts> CostsWorker::take() { return worker_.take(); }

bool CostsWorker::busy() const { return worker_.busy(); }

std::string format_money(std::int64_t micros) {
    const bool negative = micros < 0;
    const std::string plain = format_scaled_decimal(negative ? -micros : micros, 6, 2);  // "1234.56"
    const auto dot = plain.find('.');
    std::string out = grouped(std::stoull(plain.substr(0, dot))) + plain.substr(dot);
    return negative ? "-" + out : out;
}

}  // namespace s3top::tui
