// Billing: exact money, tiered egress, the request tier mapping as data, statements that
// reconcile (billable + excluded = all), late-record notes, and the config file's errors.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <utility>

#include "core/agg/engine.hpp"
#include "core/agg/tier_map.hpp"
#include "core/billing/money.hpp"
#include "core/billing/statement.hpp"
#include "core/billing/statement_writer.hpp"
#include "core/config/config.hpp"
#include "core/parse/s3_access_log.hpp"
#include "core/util/civil_time.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

TEST(Money, ParsesAndFormatsExactly) {
    EXPECT_EQ(parse_scaled_decimal("0.09", 9), 90'000'000);
    EXPECT_EQ(parse_scaled_decimal("0.0004", 9), 400'000);
    EXPECT_EQ(parse_scaled_decimal("12.500", 2), 1250);  // trailing zeros past the scale are fine
    EXPECT_EQ(parse_scaled_decimal("-1", 6), -1'000'000);
    EXPECT_EQ(parse_scaled_decimal("10_240", 0), 10240);
    EXPECT_FALSE(parse_scaled_decimal("0.0000000001", 9));  // too precise
    EXPECT_FALSE(parse_scaled_decimal("1e3", 9));
    EXPECT_FALSE(parse_scaled_decimal("", 9));
    EXPECT_FALSE(parse_scaled_decimal(".", 9));
    EXPECT_FALSE(parse_scaled_decimal("99999999999", 9));  // overflows int64 nanos
    EXPECT_EQ(format_scaled_decimal(12'345'678, 6, 2), "12.35");
    EXPECT_EQ(format_scaled_decimal(12'344'999, 6, 2), "12.34");
    EXPECT_EQ(format_scaled_decimal(5'000, 6, 2), "0.01");  // half up
    EXPECT_EQ(format_scaled_decimal(4'999, 6, 2), "0.00");
    EXPECT_EQ(format_scaled_decimal(-5'000, 6, 2), "-0.01");  // half away from zero
    EXPECT_EQ(format_scaled_decimal(7, 6, 6), "0.000007");
    EXPECT_EQ(format_scaled_decimal(1'500'000, 6, 0), "2");
    EXPECT_EQ(round_to_cents(1'234'999), 1'230'000);
    EXPECT_EQ(round_to_cents(1'235'000), 1'240'000);
}

PriceTable aws_table() {
    auto t = parse_price_table(builtin_price_table_text(), "built-in");
    EXPECT_TRUE(t) << t.error().to_string();
    return *t;
}

TEST(PriceTable, ShippedTableHasSourceDateAndAwsPrices) {
    const PriceTable t = aws_table();
    EXPECT_EQ(t.source, "https://aws.amazon.com/s3/pricing/");
    EXPECT_FALSE(t.date.empty());
    ASSERT_EQ(t.egress.size(), 4u);
    EXPECT_EQ(t.egress[0].nanos_per_gb, 90'000'000);
    EXPECT_EQ(t.get_nanos_per_1000, 400'000);
    EXPECT_EQ(t.put_nanos_per_1000, 5'000'000);
    EXPECT_EQ(t.egress_scope, TierScope::Total);
}

TEST(PriceTable, ShippedTablePricesEveryStorageClassWithItsMinimums) {
    const PriceTable t = aws_table();
    auto price = [&](StorageClass c) { return t.storage[static_cast<std::size_t>(c)]; };
    ASSERT_TRUE(price(StorageClass::Standard));
    EXPECT_EQ(price(StorageClass::Standard)->nanos_per_gb_month, 23'000'000);
    EXPECT_EQ(price(StorageClass::Standard)->min_days, 0u);
    for (StorageClass c : {StorageClass::IntelligentTiering, StorageClass::StandardIa, StorageClass::OneZoneIa,
                           StorageClass::GlacierIr, StorageClass::Glacier, StorageClass::DeepArchive})
        EXPECT_TRUE(price(c)) << storage_class_name(c);
    EXPECT_EQ(price(StorageClass::StandardIa)->nanos_per_gb_month, 12'500'000);
    EXPECT_EQ(price(StorageClass::StandardIa)->min_days, 30u);
    EXPECT_EQ(price(StorageClass::StandardIa)->min_billable_bytes, 131072u);
    EXPECT_EQ(price(StorageClass::GlacierIr)->min_days, 90u);
    EXPECT_EQ(price(StorageClass::DeepArchive)->min_days, 180u);
    EXPECT_EQ(price(StorageClass::DeepArchive)->nanos_per_gb_month, 990'000);
    EXPECT_FALSE(price(StorageClass::ReducedRedundancy));  // not priced: said, not guessed
}

TEST(PriceTable, TieredEgressIsExact) {
    const PriceTable t = aws_table();
    const std::uint64_t gb = 1ull << 30;
    EXPECT_EQ(egress_charge_micros(t, 0), 0);
    EXPECT_EQ(egress_charge_micros(t, gb), 90'000);               // 1 GB at $0.09
    EXPECT_EQ(egress_charge_micros(t, 10240 * gb), 921'600'000);  // whole first tier
    EXPECT_EQ(egress_charge_micros(t, 10241 * gb), 921'685'000);  // + 1 GB at $0.085
    // 200 TB: 10240*0.09 + 40960*0.085 + 102400*0.07 + 51200*0.05
    EXPECT_EQ(egress_charge_micros(t, 204800 * gb), 921'600'000 + 3'481'600'000 + 7'168'000'000 + 2'560'000'000);
    EXPECT_EQ(egress_charge_micros(t, 1), 0);                      // 8.4e-11 USD rounds to 0 micro
    EXPECT_EQ(egress_charge_micros(t, 5'965), 0);                  // 0.49998 micro -> 0
    EXPECT_EQ(egress_charge_micros(t, 5'966), 1);                  // 0.50006 micro -> 1 (half up)
    EXPECT_EQ(request_charge_micros(t.get_nanos_per_1000, 1), 0);  // 0.4 micro
    EXPECT_EQ(request_charge_micros(t.get_nanos_per_1000, 2), 1);  // 0.8 micro
    EXPECT_EQ(request_charge_micros(t.put_nanos_per_1000, 1'000'000), 5'000'000);
}

TEST(TierMap, DefaultsEqualShippedConfigAndOldClassification) {
    const Config c = builtin_config();
    EXPECT_EQ(c.tiers, TierMap::defaults());
    const TierMap& m = TierMap::defaults();
    EXPECT_EQ(m.classify("REST.GET.OBJECT", "GET"), Tier::Get);
    EXPECT_EQ(m.classify("REST.HEAD.OBJECT", "HEAD"), Tier::Get);
    EXPECT_EQ(m.classify("REST.PUT.OBJECT", "PUT"), Tier::Put);
    EXPECT_EQ(m.classify("REST.COPY.OBJECT", "PUT"), Tier::Put);
    EXPECT_EQ(m.classify("REST.POST.UPLOADS", "POST"), Tier::Put);
    EXPECT_EQ(m.classify("REST.GET.BUCKET", "GET"), Tier::Put);  // LIST
    EXPECT_EQ(m.classify("REST.DELETE.OBJECT", "DELETE"), Tier::Free);
    EXPECT_EQ(m.classify("S3.TRANSITION_SIA.OBJECT", "-"), Tier::Free);
    EXPECT_EQ(m.classify("", "DELETE"), Tier::Free);
    EXPECT_EQ(m.classify("", "POST"), Tier::Put);
    EXPECT_EQ(m.classify("", "GET"), Tier::Get);
    EXPECT_TRUE(glob_match("*.PUT.*", "REST.PUT.PART"));
    EXPECT_FALSE(glob_match("*.PUT.*", "REST.PUTX"));
    EXPECT_TRUE(glob_match("a*b*c", "aXXbYYc"));
    EXPECT_FALSE(glob_match("a*b*c", "aXXbYY"));
}

TEST(TierMap, ConfiguredMappingIsWhatTheEngineCounts) {
    Config c = builtin_config();
    auto applied = apply_config_text(
        c, "[request_tiers]\noperations = [{ pattern = \"REST.HEAD.*\", tier = \"free\" }]\n", "t.conf", {});
    ASSERT_TRUE(applied) << applied.error().to_string();
    EngineConfig cfg;
    cfg.tiers = applied->tiers;
    BatchBuilder b(cfg.org, cfg.keep, cfg.tiers);
    const std::string head =
        "o bkt [06/Feb/2019:00:00:38 +0000] 1.1.1.1 - R REST.HEAD.OBJECT k \"HEAD /bkt/k HTTP/1.1\" 200 - 0 1 1 1 "
        "\"-\" "
        "\"ua\" -";
    const std::string put =
        "o bkt [06/Feb/2019:00:00:38 +0000] 1.1.1.1 - R REST.PUT.OBJECT k \"PUT /bkt/k HTTP/1.1\" 200 - 0 1 1 1 \"-\" "
        "\"ua\" -";
    for (const auto& l : {head, put}) {
        auto r = parse_s3_access_log(l);
        ASSERT_TRUE(r) << l;
        b.add(*r);
    }
    Engine e(cfg);
    e.append(b.take());
    const Metrics m = e.report(ReportSpec{}).totals;
    EXPECT_EQ(m.requests, 2u);
    // HEAD is free now; the user's list replaced the default rules, so the PUT matches none
    // and takes the fallback tier ("get").
    EXPECT_EQ(m.get_class, 1u);
    EXPECT_EQ(m.put_class, 0u);
}

// An operation's tier is kept by its id in the batch's pool; the next batch's pool gives its
// ids to other operations, so a tier learnt in one batch never carries to the next by id.
TEST(TierMap, EachBatchLearnsItsOperationsTiersAfresh) {
    EngineConfig cfg;
    cfg.keep.set(index(Dim::Operation));
    BatchBuilder b(cfg.org, cfg.keep, cfg.tiers);
    auto line = [](std::string_view op) {
        return "o bkt [06/Feb/2019:00:00:38 +0000] 1.1.1.1 - R " + std::string(op) +
               " k \"GET /bkt/k HTTP/1.1\" 200 - 0 1 1 1 \"-\" \"ua\" -";
    };
    Engine e(cfg);
    for (std::string_view op : {"REST.GET.OBJECT", "REST.PUT.OBJECT", "REST.GET.OBJECT"}) {
        const std::string text = line(op);  // the record views it
        auto r = parse_s3_access_log(text);
        ASSERT_TRUE(r) << op;
        b.add(*r);
        e.append(b.take());  // a batch a record: each one's operation takes its pool's first id
    }
    const Metrics m = e.report(ReportSpec{}).totals;
    EXPECT_EQ(m.requests, 3u);
    EXPECT_EQ(m.get_class, 2u);
    EXPECT_EQ(m.put_class, 1u);
}

// The storage side learns per batch too: which of the batch pool's operations store something
// (an id names another operation in the next batch's pool).
TEST(TierMap, EachBatchLearnsWhichOfItsOperationsStoreAfresh) {
    EngineConfig cfg;
    BatchBuilder b(cfg.org, cfg.keep, cfg.tiers);
    b.keep_storage_lines(true);
    auto line = [](std::string_view op) {
        return "o bkt [06/Feb/2019:00:00:38 +0000] 1.1.1.1 - R " + std::string(op) +
               " k \"PUT /bkt/k?org=a HTTP/1.1\" 200 - 0 7 1 1 \"-\" \"ua\" -";
    };
    for (const auto& [op, stores] : {std::pair{"REST.GET.OBJECT", false}, std::pair{"REST.PUT.OBJECT", true},
                                     std::pair{"REST.GET.OBJECT", false}, std::pair{"REST.PUT.OBJECT", true}}) {
        const std::string text = line(op);  // the record views it
        auto r = parse_s3_access_log(text);
        ASSERT_TRUE(r) << op;
        b.add(*r);
        const Batch batch = b.take();  // a batch a record: each one's operation takes its pool's first id
        EXPECT_EQ(batch.storage.lines.size() + batch.storage.failed, stores ? 1u : 0u) << op;
    }
}

// --- statements ------------------------------------------------------------------------

struct Line {
    std::string org, requester = "arn:aws:iam::1:user/u", op = "REST.GET.OBJECT";
    int status = 200;
    std::uint64_t bytes = 0;
    std::string time = "15/Mar/2024:10:00:00 +0000";
};

std::string s3_line(const Line& l) {
    const std::string q = l.org.empty() ? "" : "?org=" + l.org;
    return "owner bkt [" + l.time + "] 10.0.0.1 " + l.requester + " REQ " + l.op + " k \"GET /bkt/k" + q +
           " HTTP/1.1\" " + std::to_string(l.status) + " - " + std::to_string(l.bytes) + " 5 1 1 \"-\" \"ua\" -";
}

std::unique_ptr<Engine> engine_of(const std::vector<Line>& lines) {
    EngineConfig cfg;
    auto e = std::make_unique<Engine>(cfg);
    BatchBuilder b(cfg.org, cfg.keep);
    for (const auto& l : lines) {
        const std::string text = s3_line(l);
        auto r = parse_s3_access_log(text);
        EXPECT_TRUE(r) << text;
        if (r) b.add(*r);
    }
    e->append(b.take());
    return e;
}

const std::uint64_t GB = 1ull << 30;

std::vector<Line> sample() {
    return {
        {"acme", "arn:aws:iam::1:user/u", "REST.GET.OBJECT", 200, 3 * GB},
        {"acme", "arn:aws:iam::1:user/u", "REST.PUT.OBJECT", 200, 0},
        {"acme", "arn:aws:iam::1:user/u", "REST.GET.OBJECT", 404, 100},
        {"globex", "arn:aws:iam::1:user/u", "REST.GET.OBJECT", 200, GB},
        {"globex", "arn:aws:iam::1:user/u", "REST.GET.BUCKET", 503, 10},
        {"", "AmazonS3", "S3.TRANSITION.OBJECT", 200, 0},
        {"", "svc:logging.s3.amazonaws.com", "REST.PUT.OBJECT", 200, 0},
        {"acme", "arn:aws:iam::1:user/u", "S3.EXPIRE.OBJECT", 200, 0},
        {"acme", "arn:aws:iam::1:user/u", "REST.GET.OBJECT", 200, GB, "01/Apr/2024:00:00:00 +0000"},  // next month
    };
}

BillingSpec march(const PriceTable& t) {
    BillingSpec s;
    const auto from = *parse_iso8601("2024-03");
    s.periods = periods_between(from, next_bucket(Dim::Month, from));
    s.prices = t;
    return s;
}

TEST(Statement, ReconcilesAndChargesExactly) {
    const auto e = engine_of(sample());
    BillingSpec spec = march(aws_table());
    spec.newest_source_mtime = *parse_iso8601("2024-04-10");
    const Statement st = compute_statement(*e, spec);
    ASSERT_EQ(st.periods.size(), 1u);
    const PeriodSummary& p = st.periods[0];
    EXPECT_EQ(p.period.label, "2024-03");
    EXPECT_EQ(p.all.requests, 8u);
    EXPECT_EQ(p.billable.requests, 5u);
    EXPECT_EQ(p.excluded.requests, 3u);  // AmazonS3, svc:, S3.* by a customer
    EXPECT_TRUE(p.reconciled);
    Metrics sum = p.billable;
    sum.merge(p.excluded);
    EXPECT_EQ(sum, p.all);
    EXPECT_FALSE(p.provisional);
    ASSERT_EQ(st.lines_billed.size(), 2u);
    const StatementLine& acme = st.lines_billed[0];
    EXPECT_EQ(acme.key[0], "acme");
    EXPECT_EQ(acme.usage.requests, 3u);
    EXPECT_EQ(acme.usage.get_class, 2u);
    EXPECT_EQ(acme.usage.put_class, 1u);
    // 4 GB + 110 B in total at $0.09: 360'000 micro + 110 B -> 0.0092 micro: 360'000.
    EXPECT_EQ(p.charges.egress, 360'000);
    EXPECT_EQ(acme.charges.egress + st.lines_billed[1].charges.egress, 360'000);  // shares sum exactly
    EXPECT_EQ(acme.charges.egress, 270'000);
    EXPECT_EQ(acme.charges.get_requests, 1);  // 2 x 0.4 micro = 0.8 -> 1
    EXPECT_EQ(acme.charges.put_requests, 5);  // 1 x 5 micro
    EXPECT_EQ(acme.charges.total, 270'006);
    EXPECT_EQ(acme.charges.amount, 270'000);  // $0.27
    // Excluded reasons are disjoint and named.
    std::map<std::string, std::uint64_t> reasons;
    for (const auto& x : st.excluded) reasons[std::string(exclusion_reason_name(x.reason))] += x.usage.requests;
    EXPECT_EQ(reasons["aws_requester"], 2u);
    EXPECT_EQ(reasons["aws_operation"], 1u);
}

TEST(Statement, ExcludingErrorsStillReconciles) {
    const auto e = engine_of(sample());
    BillingSpec spec = march(aws_table());
    spec.exclude.errors = true;
    const Statement st = compute_statement(*e, spec);
    const PeriodSummary& p = st.periods[0];
    EXPECT_EQ(p.billable.requests, 3u);
    EXPECT_EQ(p.excluded.requests, 5u);
    EXPECT_EQ(p.billable.errors_4xx + p.billable.errors_5xx, 0u);
    EXPECT_TRUE(p.reconciled);
    EXPECT_TRUE(st.reconciled());
}

TEST(Statement, MarkupFeeAndPerGroupTiers) {
    PriceTable t = aws_table();
    t.egress_scope = TierScope::PerGroup;
    t.groups["acme"] = GroupPricing{125'000, 25'000'000};  // 12.5 %, $25
    t.fee_micros = 1'000'000;                              // everyone else: $1
    const auto e = engine_of(sample());
    const Statement st = compute_statement(*e, march(t));
    ASSERT_EQ(st.lines_billed.size(), 2u);
    const Charges& a = st.lines_billed[0].charges;
    EXPECT_EQ(a.egress, 270'000);
    EXPECT_EQ(a.markup, 33'751);  // 12.5 % of 270'006 = 33'750.75 -> 33'751
    EXPECT_EQ(a.fee, 25'000'000);
    EXPECT_EQ(a.total, 270'006 + 33'751 + 25'000'000);
    const Charges& g = st.lines_billed[1].charges;
    EXPECT_EQ(g.fee, 1'000'000);
    EXPECT_EQ(st.periods[0].charges.amount, a.amount + g.amount);
}

// The dashboard's running cost asks only what each line is charged: the same lines, charges
// and provisional periods as the whole statement, from one pass over the records per period
// (all usage, excluded usage, days and operations are not asked), with errors excluded or
// not. How far the records reach (the newest one, for provisional periods) is asked first, of
// the records' times alone (ReportSpec::reach_only), not in a pass of its own.
TEST(Statement, LinesOnlyChargesTheSameLinesInOnePassAPeriod) {
    const auto e = engine_of(sample());
    for (const bool errors : {false, true}) {
        BillingSpec spec = march(aws_table());
        spec.periods = periods_between(*parse_iso8601("2024-03"), *parse_iso8601("2024-05"));
        spec.exclude.errors = errors;
        spec.newest_source_mtime = *parse_iso8601("2024-04-10");
        int passes = 0, reach = 0;
        const ReportSource counted{[&](const ReportSpec& r) {
                                       ++(r.reach_only ? reach : passes);
                                       return e->report(r);
                                   },
                                   e->config().tiers};
        const Statement whole = compute_statement(counted, spec);
        const int whole_passes = std::exchange(passes, 0);
        EXPECT_EQ(std::exchange(reach, 0), 1);
        spec.lines_only = true;
        const Statement lines = compute_statement(counted, spec);
        EXPECT_EQ(passes, 2) << "one per period";
        EXPECT_EQ(reach, 1) << "the newest record";
        EXPECT_GE(whole_passes, 2 * 5);
        ASSERT_EQ(lines.lines_billed.size(), whole.lines_billed.size());
        ASSERT_EQ(lines.lines_billed.size(), 3u);  // acme and globex in March, acme in April
        for (std::size_t i = 0; i < lines.lines_billed.size(); ++i) {
            const StatementLine& a = lines.lines_billed[i];
            const StatementLine& b = whole.lines_billed[i];
            EXPECT_EQ(a.period, b.period);
            EXPECT_EQ(a.key, b.key);
            EXPECT_EQ(a.usage, b.usage);
            EXPECT_EQ(a.charges.total, b.charges.total);
            EXPECT_EQ(a.charges.amount, b.charges.amount);
        }
        ASSERT_EQ(lines.periods.size(), 2u);
        for (std::size_t p = 0; p < 2; ++p) {
            EXPECT_EQ(lines.periods[p].provisional, whole.periods[p].provisional) << p;
            EXPECT_EQ(lines.periods[p].charges.amount, whole.periods[p].charges.amount) << p;
            EXPECT_TRUE(lines.periods[p].warnings.empty());
        }
        EXPECT_TRUE(lines.excluded.empty());
        EXPECT_FALSE(whole.excluded.empty());
    }
}

TEST(Statement, PeriodsSplitByMonthAndLateRecordsAreNoted) {
    const auto e = engine_of(sample());
    BillingSpec spec = march(aws_table());
    spec.periods = periods_between(*parse_iso8601("2024-03-15"), *parse_iso8601("2024-04-02"));
    ASSERT_EQ(spec.periods.size(), 2u);
    EXPECT_EQ(spec.periods[0].label, "2024-03-15T00:00Z/2024-04-01T00:00Z");
    spec.newest_source_mtime = *parse_iso8601("2024-04-01T05:00");  // 5 h after March ended
    const Statement st = compute_statement(*e, spec);
    EXPECT_TRUE(st.periods[0].provisional);
    EXPECT_NE(late_note(st.periods[0], spec.late_grace_seconds).find("may still receive records"), std::string::npos);
    EXPECT_EQ(st.periods[1].billable.requests, 1u);
    const std::string table = statement_table(st, spec.late_grace_seconds);
    EXPECT_NE(table.find("provisional"), std::string::npos);
    EXPECT_NE(table.find("Rounding: "), std::string::npos);
}

// CloudTrail names operations by their S3 API action; AWS bills PUT, COPY, POST and LIST
// requests at the PUT price, DELETE and abort are free, GET, HEAD and SELECT at the GET price.
TEST(TierMap, CloudTrailEventNamesArePricedAsAwsBillsThem) {
    const TierMap& m = TierMap::defaults();
    const std::vector<std::pair<const char*, Tier>> names = {
        {"PutObject", Tier::Put},
        {"CopyObject", Tier::Put},
        {"PostObject", Tier::Put},
        {"UploadPart", Tier::Put},
        {"UploadPartCopy", Tier::Put},
        {"CreateMultipartUpload", Tier::Put},
        {"CompleteMultipartUpload", Tier::Put},
        {"RestoreObject", Tier::Put},
        {"PutObjectAcl", Tier::Put},
        {"PutObjectTagging", Tier::Put},
        {"PutObjectRetention", Tier::Put},
        {"PutObjectLegalHold", Tier::Put},
        {"PutBucketPolicy", Tier::Put},
        {"CreateBucket", Tier::Put},
        {"ListObjects", Tier::Put},
        {"ListObjectsV2", Tier::Put},
        {"ListObjectVersions", Tier::Put},
        {"ListParts", Tier::Put},
        {"ListMultipartUploads", Tier::Put},
        {"ListBuckets", Tier::Put},
        {"DeleteObject", Tier::Free},
        {"DeleteObjects", Tier::Free},
        {"DeleteObjectTagging", Tier::Free},
        {"DeleteBucket", Tier::Free},
        {"AbortMultipartUpload", Tier::Free},
        {"GetObject", Tier::Get},
        {"GetObjectAcl", Tier::Get},
        {"GetObjectAttributes", Tier::Get},
        {"GetObjectTagging", Tier::Get},
        {"GetBucketLocation", Tier::Get},
        {"HeadObject", Tier::Get},
        {"HeadBucket", Tier::Get},
        {"SelectObjectContent", Tier::Get},
    };
    for (const auto& [name, tier] : names) {
        EXPECT_EQ(m.classify(name, ""), tier) << name;
        EXPECT_TRUE(m.has_rule_for(name)) << name;
    }
    EXPECT_FALSE(m.has_rule_for("FrobnicateObject"));
    EXPECT_EQ(m.classify("FrobnicateObject", ""), Tier::Get);  // the fallback, named by the statement
}

TEST(Statement, NamesOperationsNoTierRuleKnows) {
    std::vector<Line> lines;
    for (const char* op : {"PutObject", "GetObject", "REST.GET.OBJECT", "FrobnicateObject", "FrobnicateObject"})
        lines.push_back(Line{.org = "acme", .op = op, .bytes = 10});
    const Statement st = compute_statement(*engine_of(lines), march(aws_table()));
    const auto& w = st.periods[0].warnings;
    const auto it = std::find_if(w.begin(), w.end(), [](const std::string& s) { return s.find("rule") != s.npos; });
    ASSERT_NE(it, w.end());
    EXPECT_EQ(*it,
              "2 requests of operations no [request_tiers] rule knows, priced as GET-class (the fallback): "
              "FrobnicateObject (2)");
    EXPECT_EQ(st.periods[0].billable.put_class, 1u);  // PutObject
}

TEST(Statement, WarnsOfEmptyPeriodsMissingDaysAndUsageWithNoOrg) {
    // Every day of March 2024 has a record of acme's: no warning.
    std::vector<Line> full;
    for (int day = 1; day <= 31; ++day)
        full.push_back(Line{.org = "acme", .bytes = 100, .time = fmt::format("{:02}/Mar/2024:10:00:00 +0000", day)});
    EXPECT_TRUE(compute_statement(*engine_of(full), march(aws_table())).periods[0].warnings.empty());

    // Days 10-12 and 20 missing; a tenth of the requests with no org.
    std::vector<Line> gaps;
    for (const Line& l : full) {
        const int day = std::stoi(l.time.substr(0, 2));
        if ((day >= 10 && day <= 12) || day == 20) continue;
        gaps.push_back(l);
    }
    for (int i = 0; i < 3; ++i) gaps.push_back(Line{.org = "", .bytes = 1, .time = "02/Mar/2024:11:00:00 +0000"});
    const Statement st = compute_statement(*engine_of(gaps), march(aws_table()));
    ASSERT_EQ(st.periods[0].warnings.size(), 2u);
    EXPECT_EQ(st.periods[0].warnings[0], "records on 27 of 31 days; none on 2024-03-10..2024-03-12, 2024-03-20");
    EXPECT_NE(st.periods[0].warnings[1].find("10.0% of the billable requests"), std::string::npos)
        << st.periods[0].warnings[1];
    EXPECT_NE(statement_table(st, 0).find("Warning: records on 27 of 31 days"), std::string::npos);
    EXPECT_NE(statement_csv(st).find("\r\nperiod,warning\r\n2024-03,\"records on 27"), std::string::npos);
    EXPECT_NE(statement_json(st, 0).find("\"warnings\":[\"records on 27"), std::string::npos);

    // Inputs left out are named in every format of the statement.
    Statement part = st;
    part.unread = {{"logs/a.log", "Permission denied", false}};
    EXPECT_NE(statement_table(part, 0).find("Warning: 1 input could not be read, or only in part: these figures leave "
                                            "it out:\n  not read      logs/a.log: Permission denied\n"),
              std::string::npos);
    EXPECT_NE(statement_csv(part).find("\r\ninput,read,reason\r\nlogs/a.log,no,Permission denied\r\n"),
              std::string::npos);
    EXPECT_NE(statement_json(part, 0).find("\"unread_inputs\":[{\"path\":\"logs/a.log\",\"read\":\"none\""),
              std::string::npos);
    EXPECT_NE(statement_html(part, 0).find("not read: <code>logs/a.log</code>: Permission denied"), std::string::npos);
    EXPECT_EQ(statement_table(st, 0).find("could not be read"), std::string::npos);

    // A period with no records at all says so (and nothing else).
    BillingSpec feb = march(aws_table());
    feb.periods = periods_between(*parse_iso8601("2024-02"), *parse_iso8601("2024-03"));
    const Statement empty = compute_statement(*engine_of(full), feb);
    ASSERT_EQ(empty.periods[0].warnings.size(), 1u);
    EXPECT_TRUE(empty.periods[0].warnings[0].starts_with("no records in this period"));
}

// --- config file -------------------------------------------------------------------------

TEST(Config, BuiltinFileParsesToDefaults) {
    const Config c = builtin_config();
    EXPECT_EQ(c.org_from, "org");
    EXPECT_EQ(c.exclude.requesters, (std::vector<std::string>{"AmazonS3", "svc:*"}));
    EXPECT_EQ(c.prices.name, "S3 Standard, US East (N. Virginia)");
    EXPECT_EQ(c.keys.at("quit"), "q");
    EXPECT_EQ(c.colors.at("bar"), "blue");
    EXPECT_FALSE(c.panels.empty());
    ASSERT_EQ(c.files.size(), 1u);
}

TEST(Config, UserFileOverridesOnlyItsKeys) {
    test::TempDir d;
    d.write("prices.toml", std::string(builtin_price_table_text()) + "\n[orgs.acme]\npercent = \"10\"\n");
    const auto path =
        d.write("s3top.conf",
                "[org]\nsource = \"x-org,org\"\n[billing]\nexclude_errors = true\nprice_table = \"prices.toml\"\n"
                "[dashboard.keys]\nquit = \"Q\"\n");
    auto c = apply_config_file(builtin_config(), path);
    ASSERT_TRUE(c) << c.error().to_string();
    EXPECT_EQ(c->org_from, "x-org,org");
    EXPECT_TRUE(c->exclude.errors);
    EXPECT_EQ(c->exclude.requesters.size(), 2u);  // untouched
    EXPECT_EQ(c->prices.groups.at("acme").markup_ppm, 100'000);
    EXPECT_EQ(c->keys.at("quit"), "Q");
    EXPECT_EQ(c->keys.at("help"), "?");
    EXPECT_EQ(c->log_format, "auto");
}

std::string error_of(std::string_view text) {
    auto c = apply_config_text(builtin_config(), text, "my.conf", {});
    return c ? std::string("(no error)") : c.error().to_string();
}

TEST(Config, ErrorsNameFileLineAndKey) {
    EXPECT_EQ(error_of("[org]\n\nsorce = \"org\"\n"), "my.conf:3: org.sorce: unknown key (known here: source)");
    EXPECT_EQ(error_of("[billing]\nexclude_errors = \"yes\"\n"),
              "my.conf:2: billing.exclude_errors: expected true or false");
    EXPECT_EQ(
        error_of("[billing.prices]\negress = [{ price_per_gb = 0.09 }]\n"),
        "my.conf:2: billing.prices.egress.price_per_gb: write prices as strings (\"0.09\") so they stay exact; TOML "
        "floats are binary");
    EXPECT_EQ(error_of("[dashboard]\npanels = [\"org\", \"nope\"]\n").substr(0, 56),
              "my.conf:2: dashboard.panels: unknown panel 'nope' (known");
    EXPECT_EQ(error_of("[dashboard.colors]\nbar = \"mauve\"\n").substr(0, 46),
              "my.conf:2: dashboard.colors.bar: unknown color");
    EXPECT_EQ(error_of("[dashboard.keys]\nquit = \"o\"\n"),
              "my.conf:2: dashboard.keys.quit: 'o' is already bound to org_picker");
    EXPECT_EQ(error_of("[dashboard.keys]\nhelp = \"ctrl-h\"\n"),
              "my.conf:2: dashboard.keys.help: 'ctrl-h' cannot be bound: terminals send it as backspace");
    EXPECT_EQ(error_of("[request_tiers]\nfallback = \"cheap\"\n"),
              "my.conf:2: request_tiers.fallback: expected \"get\", \"put\" or \"free\"");
    EXPECT_EQ(error_of("[org]\nsource = \"prefix:x\"\n").substr(0, 23), "my.conf:2: org.source: ");
    EXPECT_EQ(error_of("[log\n").substr(0, 10), "my.conf:1:");  // TOML syntax error
    EXPECT_EQ(error_of("[billing]\nprice_table = \"/nonexistent/p.toml\"\n"),
              "my.conf:2: billing.price_table: /nonexistent/p.toml: cannot be read (missing or no permission)");
    EXPECT_EQ(error_of("[billing.prices.storage.COLD]\nprice_per_gb_month = \"1\"\n").substr(0, 64),
              "my.conf:1: billing.prices.storage.COLD: not a storage class (STA");
    EXPECT_EQ(error_of("[billing.prices.storage.STANDARD]\nprice_per_gb_month = 0.023\n").substr(0, 80),
              "my.conf:2: billing.prices.storage.STANDARD.price_per_gb_month: write prices as s");
    EXPECT_EQ(error_of("[billing.prices.storage.GLACIER]\nmin_days = 90\n"),
              "my.conf:1: billing.prices.storage.GLACIER: needs price_per_gb_month");
    EXPECT_EQ(error_of("[billing.prices]\negress = [{ up_to_gb = 10, price_per_gb = \"1\" }]\n"),
              "my.conf:1: billing.prices: the last egress tier must have no up_to_gb (it takes everything above)");
}

TEST(Config, UserConfigPath) {
    EXPECT_EQ(user_config_path("/x", "/home/u"), std::filesystem::path("/x/s3top/s3top.conf"));
    EXPECT_EQ(user_config_path("", "/home/u"), std::filesystem::path("/home/u/.config/s3top/s3top.conf"));
    EXPECT_EQ(user_config_path(nullptr, nullptr), std::filesystem::path());
}

}  // namespace
}  // namespace s3top
