// The dashboard's running cost is computed off the UI thread: the CostsWorker answers the
// newest question with what compute_org_costs gives, storage included.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/billing/statement.hpp"
#include "core/config/config.hpp"
#include "tests/tui/tui_fixture.hpp"
#include "tui/costs.hpp"

namespace s3top::tui {
namespace {

using test::kT0;
using test::Req;

/// The worker's next answer, waiting for it (a failure after 30 s: the worker never answered).
std::optional<OrgCosts> answer(CostsWorker& w) {
    for (int i = 0; i < 3000; ++i) {
        if (auto c = w.take()) return c;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "no answer";
    return std::nullopt;
}

TEST(CostsWorker, AnswersWhatComputeOrgCostsGivesStorageIncluded) {
    auto storage = std::make_shared<StorageCollector>();
    const auto engine = test::make_engine(
        {
            Req{.org = "acme", .key = "a.bin", .op = "REST.PUT.OBJECT", .object_size = 50ULL << 30},
            Req{.org = "globex", .sent = 3ULL << 30, .time = kT0 + 5 * 86400},
        },
        storage);
    const BillingSpec base = test::shipped_billing();
    std::atomic<int> told{0};
    CostsWorker w(engine_reports(*engine), base, storage, [&] { ++told; });
    EXPECT_FALSE(w.take().has_value());
    const Filter all;
    w.ask(all, kT0, kT0 + 5 * 86400);
    const auto got = answer(w);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(*got, compute_org_costs(*engine, base, all, kT0, kT0 + 5 * 86400, storage.get()));
    EXPECT_TRUE(got->storage);
    EXPECT_GT(got->by_org.at("acme"), 0);
    // Another filter: its own answer.
    const Filter globex = *parse_filter("org=globex");
    w.ask(globex, kT0, kT0 + 5 * 86400);
    const auto other = answer(w);
    ASSERT_TRUE(other.has_value());
    EXPECT_EQ(other->filter, globex);
    EXPECT_EQ(other->by_org.count("acme"), 0u);
    EXPECT_FALSE(w.busy());
    EXPECT_GE(told.load(), 1);  // the first answer's call came before the second question was taken
}

// #18: reports that fail (ClickHouse's, a shard stopped) give a cost that says why, with no
// amount (never the statement of the reports that came before the failure), and no report is
// asked after the first failure.
TEST(CostsWorker, AFailedReportIsTheAnswersErrorNotAnAmount) {
    const auto engine = test::make_engine({Req{.org = "acme", .sent = 3ULL << 30}});
    const Config config = builtin_config();
    BillingSpec base;
    base.prices = config.prices;
    int asked = 0;
    const FallibleReportSource failing{[&](const ReportSpec& r) -> std::expected<ReportResult, std::string> {
                                           if (++asked == 2) return std::unexpected(std::string("shard 2 is down"));
                                           return engine->report(r);
                                       },
                                       engine->config().tiers};
    const OrgCosts c = compute_org_costs(failing, base, Filter{}, kT0, kT0 + 3600);
    EXPECT_EQ(c.error, "shard 2 is down");
    EXPECT_TRUE(c.by_org.empty());
    EXPECT_EQ(c.total, 0);
    EXPECT_EQ(asked, 2);
    EXPECT_TRUE(compute_org_costs(*engine, base, Filter{}, kT0, kT0 + 3600).error.empty());
}

}  // namespace
}  // namespace s3top::tui
