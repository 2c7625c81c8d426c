// The statement's storage line: per org and class from the price table, with the classes'
// minimum sizes and days, computed by hand; and billable + excluded = all for storage.
#include <gtest/gtest.h>

#include "core/agg/engine.hpp"
#include "core/billing/statement.hpp"
#include "core/billing/statement_writer.hpp"
#include "core/config/config.hpp"
#include "core/parse/s3_access_log.hpp"
#include "core/util/civil_time.hpp"

namespace s3top {
namespace {

const std::int64_t kMar = *parse_iso8601("2024-03-01");
constexpr std::int64_t kDay = 86400;
constexpr std::uint64_t kGiB = 1ull << 30;

PriceTable aws_table() {
    auto t = parse_price_table(builtin_price_table_text(), "built-in");
    EXPECT_TRUE(t) << t.error().to_string();
    return *t;
}

/// One GET by `org` in March: the statement's request line the storage charge joins.
std::unique_ptr<Engine> engine_with_get(const std::string& org) {
    EngineConfig cfg;
    auto e = std::make_unique<Engine>(cfg);
    BatchBuilder b(cfg.org, cfg.keep);
    const std::string text =
        "owner bkt [15/Mar/2024:10:00:00 +0000] 10.0.0.1 arn:u REQ REST.GET.OBJECT k \"GET /bkt/k?org=" + org +
        " HTTP/1.1\" 200 - 100 5 1 1 \"-\" \"ua\" -";
    auto r = parse_s3_access_log(text);
    EXPECT_TRUE(r) << text;
    if (r) b.add(*r);
    e->append(b.take());
    return e;
}

struct Stored {
    StorageNames names;
    std::vector<StorageEvent> events;
    std::uint64_t seq = 0;
    StorageEvent& add(StorageOp op, std::int64_t t, std::string_view key, std::string_view org, std::uint64_t size = 0,
                      StorageClass to = StorageClass::Standard) {
        StorageEvent e;
        e.set_time(t);
        e.set_origin(++seq);
        e.op = op;
        e.bucket = names.bucket("bkt");
        e.key = names.key(e.bucket, key);
        e.org = names.orgs.intern(org);
        e.size = size;
        e.has_size = true;
        e.to = to;
        events.push_back(e);
        return events.back();
    }
    /// `key` written by `org` at `t` straight into class `cls`.
    void put_in(std::int64_t t, std::string_view key, std::string_view org, std::uint64_t size, StorageClass cls) {
        add(StorageOp::Put, t, key, org, size);
        if (cls != StorageClass::Standard) add(StorageOp::Transition, t, key, "-", 0, cls);
    }
};

BillingSpec march(const PriceTable& t) {
    BillingSpec s;
    s.periods = periods_between(kMar, next_bucket(Dim::Month, kMar));
    s.prices = t;
    return s;
}

const StorageChargeLine* line_of(const Statement& st, const std::string& org, StorageClass cls) {
    for (const auto& l : st.storage_lines)
        if (l.key == std::vector<std::string>{org} && l.cls == cls) return &l;
    return nullptr;
}

const StatementLine* bill_of(const Statement& st, const std::string& org) {
    for (const auto& l : st.lines_billed)
        if (l.key == std::vector<std::string>{org}) return &l;
    return nullptr;
}

TEST(StorageBill, ChargesPerOrgAndClassWithTheMinimumsByHand) {
    Stored s;
    // acme: 1 GiB in Standard all March: 1 GB-month at $0.023 = 23,000 micro-USD.
    s.put_in(kMar, "std", "acme", kGiB, StorageClass::Standard);
    // acme: 1 GiB in Standard-IA from March 2, deleted March 12 (10 days of a 30-day minimum):
    // billed 30 days: 30/31 GB-month at $0.0125 = 12,096.774 -> 12,097 micro-USD.
    s.put_in(kMar + kDay, "ia", "acme", kGiB, StorageClass::StandardIa);
    s.add(StorageOp::Delete, kMar + 11 * kDay, "ia", "x");
    // globex (no request at all): 1,000 B in One Zone-IA all March, billed as 128 KiB:
    // 2^17 x 31 days / (2^30 x 31 days) = 1/8192 GB-month at $0.01 = 1.2207 -> 1 micro-USD.
    s.put_in(kMar, "small", "globex", 1000, StorageClass::OneZoneIa);
    const auto engine = engine_with_get("acme");
    BillingSpec spec = march(aws_table());
    const StorageResult stored = compute_storage(storage_spec_for(spec), s.names, s.events, 0);
    spec.storage = &stored;
    const Statement st = compute_statement(*engine, spec);
    ASSERT_TRUE(st.storage);

    const StorageChargeLine* standard = line_of(st, "acme", StorageClass::Standard);
    const StorageChargeLine* ia = line_of(st, "acme", StorageClass::StandardIa);
    const StorageChargeLine* small = line_of(st, "globex", StorageClass::OneZoneIa);
    ASSERT_TRUE(standard && ia && small);
    EXPECT_EQ(standard->gb_month_nanos, 1'000'000'000);
    EXPECT_EQ(standard->charge, 23'000);
    EXPECT_EQ(int128_decimal(ia->usage.byte_seconds), int128_decimal(Int128{kGiB} * 10 * kDay));
    EXPECT_EQ(int128_decimal(ia->usage.billed), int128_decimal(Int128{kGiB} * 30 * kDay));
    EXPECT_EQ(ia->charge, 12'097);
    EXPECT_EQ(int128_decimal(small->usage.byte_seconds), int128_decimal(Int128{1000} * 31 * kDay));
    EXPECT_EQ(int128_decimal(small->usage.billed), int128_decimal(Int128{131072} * 31 * kDay));
    EXPECT_EQ(small->charge, 1);

    // The storage charges join each org's line (a line of its own for an org with no request)
    // and count in its total and amount.
    const StatementLine* acme = bill_of(st, "acme");
    const StatementLine* globex = bill_of(st, "globex");
    ASSERT_TRUE(acme && globex);
    EXPECT_EQ(acme->charges.storage, 23'000 + 12'097);
    EXPECT_EQ(acme->charges.total, acme->charges.egress + acme->charges.get_requests + 35'097);
    EXPECT_EQ(globex->usage.requests, 0u);
    EXPECT_EQ(globex->charges.storage, 1);
    EXPECT_EQ(st.periods[0].charges.storage, 35'098);
    EXPECT_TRUE(st.periods[0].reconciled);

    // Every writer shows it.
    EXPECT_NE(statement_table(st, 0).find("STANDARD_IA"), std::string::npos);
    EXPECT_NE(statement_csv(st).find("storage_class,status,byte_seconds"), std::string::npos);
    const std::string json = statement_json(st, 0);
    EXPECT_NE(json.find("\"storage\":35098"), std::string::npos) << json;
    EXPECT_NE(json.find("\"billed_gb_months\":\"1.000000000\""), std::string::npos);
    EXPECT_NE(statement_html(st, 0).find("<h3>Storage</h3>"), std::string::npos);
}

TEST(StorageBill, BillablePlusExcludedIsAll) {
    Stored s;
    s.put_in(kMar, "a", "acme", 5 * kGiB, StorageClass::Standard);
    s.put_in(kMar + kDay, "b", "acme", 7000, StorageClass::GlacierIr);
    s.add(StorageOp::Delete, kMar + 3 * kDay, "b", "x");  // 2 of 90 days
    s.put_in(kMar + 2 * kDay, "c", "globex", 3 * kGiB, StorageClass::DeepArchive);
    s.put_in(kMar, "d", "initech", 123456, StorageClass::Standard);
    PriceTable prices = aws_table();
    prices.storage[static_cast<std::size_t>(StorageClass::DeepArchive)].reset();  // not priced
    BillingSpec spec = march(prices);
    spec.filter = *parse_filter("org!=initech");
    const auto engine = engine_with_get("acme");
    const StorageResult stored = compute_storage(storage_spec_for(spec), s.names, s.events, 0);
    spec.storage = &stored;
    const Statement st = compute_statement(*engine, spec);
    const PeriodSummary& p = st.periods[0];
    StorageUsage sum = p.storage_billable;
    sum.add(p.storage_excluded);
    EXPECT_EQ(sum, p.storage_all);
    EXPECT_TRUE(p.reconciled);
    // all, by hand: what was stored, and billed with Glacier IR's 128 KiB and 90 days.
    const Int128 all = Int128{5 * kGiB} * 31 * kDay + Int128{7000} * 2 * kDay + Int128{3 * kGiB} * 29 * kDay +
                       Int128{123456} * 31 * kDay;
    const Int128 billed = all - Int128{7000} * 2 * kDay + Int128{131072} * 90 * kDay;
    EXPECT_EQ(int128_decimal(p.storage_all.byte_seconds), int128_decimal(all));
    EXPECT_EQ(int128_decimal(p.storage_all.billed), int128_decimal(billed));
    // The lines add up to billable, the excluded lines to excluded, each reason named.
    StorageUsage lines, excluded;
    for (const auto& l : st.storage_lines) lines.add(l.usage);
    std::map<std::string, Int128> reasons;
    for (const auto& e : st.storage_excluded) {
        excluded.add(e.usage);
        reasons[std::string(storage_exclusion_name(e.reason)) + ":" + e.what] += e.usage.billed;
    }
    EXPECT_EQ(lines, p.storage_billable);
    EXPECT_EQ(excluded, p.storage_excluded);
    EXPECT_EQ(int128_decimal(reasons["unpriced_class:DEEP_ARCHIVE"]), int128_decimal(Int128{3 * kGiB} * 29 * kDay));
    EXPECT_EQ(int128_decimal(reasons["filtered:"]), int128_decimal(Int128{123456} * 31 * kDay));
    EXPECT_EQ(reasons.size(), 2u);

    // A grouping storage does not have (operation): nothing billed, all of it said apart.
    BillingSpec by_op = march(prices);
    by_op.by = {DimSpec{Dim::Operation, 0}};
    const StorageResult stored_op = compute_storage(storage_spec_for(by_op), s.names, s.events, 0);
    by_op.storage = &stored_op;
    const Statement op = compute_statement(*engine, by_op);
    EXPECT_TRUE(op.storage_lines.empty());
    EXPECT_EQ(op.periods[0].storage_excluded, op.periods[0].storage_all);
    EXPECT_TRUE(op.periods[0].reconciled);
    EXPECT_FALSE(op.storage_caveats.empty());
}

}  // namespace
}  // namespace s3top
