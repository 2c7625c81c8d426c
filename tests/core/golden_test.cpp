// Golden files: the report and the billing statement of a fixed small input, in every output
// format (table, CSV, JSON, HTML), byte for byte. The input has hostile strings: markup in an
// org and a user agent, a formula-looking org, control characters, invalid UTF-8.
//
// Regenerate after an intended output change (then review the diff):
//   S3TOP_UPDATE_GOLDEN=1 build/tests/s3top_core_tests --gtest_filter='Golden.*'
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "core/agg/engine.hpp"
#include "core/billing/statement_writer.hpp"
#include "core/config/config.hpp"
#include "core/parse/s3_access_log.hpp"
#include "core/report/html.hpp"
#include "core/report/report_writer.hpp"
#include "core/util/civil_time.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

const std::filesystem::path kGolden = std::filesystem::path(S3TOP_SOURCE_DIR) / "tests" / "golden";

const char* const kInput[] = {
    R"(o bkt [01/Mar/2024:00:10:00 +0000] 10.0.0.1 arn:aws:iam::1:user/a R1 REST.GET.OBJECT data/a.bin "GET /bkt/data/a.bin?org=acme HTTP/1.1" 200 - 2147483648 2147483648 40 20 "-" "curl/8.0" -)",
    R"(o bkt [01/Mar/2024:01:20:00 +0000] 10.0.0.2 arn:aws:iam::1:user/a R2 REST.PUT.OBJECT up/b.bin "PUT /bkt/up/b.bin?org=acme HTTP/1.1" 200 - - 1048576 80 30 "-" "aws-sdk-go/1.0" -)",
    R"(o bkt [01/Mar/2024:02:30:00 +0000] 10.0.0.3 arn:aws:iam::1:user/g R3 REST.GET.BUCKET - "GET /bkt?list-type=2&org=globex HTTP/1.1" 200 - 5120 - 12 10 "-" "Boto3/1.34" -)",
    R"(o bkt [01/Mar/2024:03:40:00 +0000] 10.0.0.3 arn:aws:iam::1:user/g R4 REST.GET.OBJECT missing "GET /bkt/missing?org=globex HTTP/1.1" 404 NoSuchKey 300 - 5 5 "-" "Boto3/1.34" -)",
    R"(o bkt [01/Mar/2024:04:50:00 +0000] 10.0.0.4 arn:aws:iam::1:user/x R5 REST.GET.OBJECT <img/src=x/onerror=alert(1)> "GET /bkt/x?org=%3Cscript%3Ealert(1)%3C%2Fscript%3E HTTP/1.1" 200 - 1000 1000 7 7 "-" "\"><img src=x onerror=alert(2)></script>" -)",
    R"(o bkt [01/Mar/2024:05:00:00 +0000] 10.0.0.5 arn:aws:iam::1:user/y R6 REST.GET.OBJECT k "GET /bkt/k?org=%3DHYPERLINK(%22http://evil%22) HTTP/1.1" 503 SlowDown 0 - 9 9 "-" "ua-with-ctl-%01" -)",
    "o bkt [01/Mar/2024:06:00:00 +0000] 10.0.0.6 arn:aws:iam::1:user/z R7 REST.GET.OBJECT k \"GET "
    "/bkt/k?org=bad%FF%1B[31mutf HTTP/1.1\" 200 - 77 77 3 3 \"-\" \"tab\there\" -",
    R"(o bkt [01/Mar/2024:07:00:00 +0000] - AmazonS3 R8 S3.TRANSITION_SIA.OBJECT k "-" - - - 1000 - - "-" "-" -)",
    R"(o bkt [01/Mar/2024:08:00:00 +0000] 10.0.0.7 svc:logging.s3.amazonaws.com R9 REST.PUT.OBJECT logs/x "PUT /bkt/logs/x HTTP/1.1" 200 - - 2048 5 5 "-" "aws-internal/3" -)",
    R"(o bkt [31/Mar/2024:23:59:59 +0000] 10.0.0.1 arn:aws:iam::1:user/a R10 REST.HEAD.OBJECT data/a.bin "HEAD /bkt/data/a.bin?org=acme HTTP/1.1" 200 - 0 2147483648 2 2 "-" "curl/8.0" -)",
};

std::unique_ptr<Engine> golden_engine() {
    EngineConfig cfg;
    auto e = std::make_unique<Engine>(cfg);
    BatchBuilder b(cfg.org, cfg.keep);
    for (const char* line : kInput) {
        auto r = parse_s3_access_log(line);
        EXPECT_TRUE(r) << line;
        if (r) b.add(*r);
    }
    e->append(b.take());
    return e;
}

void check_golden(const std::string& name, const std::string& actual) {
    const auto path = kGolden / name;
    if (std::getenv("S3TOP_UPDATE_GOLDEN")) {
        std::filesystem::create_directories(kGolden);
        std::ofstream(path, std::ios::binary) << actual;
        return;
    }
    ASSERT_TRUE(std::filesystem::exists(path)) << path << " missing; regenerate with S3TOP_UPDATE_GOLDEN=1";
    EXPECT_EQ(test::read_file(path), actual) << name << " differs; if intended: S3TOP_UPDATE_GOLDEN=1 "
                                             << "build/tests/s3top_core_tests --gtest_filter='Golden.*' and review";
}

TEST(Golden, Report) {
    const auto e = golden_engine();
    ReportSpec spec;
    const ReportResult r = e->report(spec);
    check_golden("report.txt", report_table(r, TableOptions{true, 48}));
    check_golden("report.csv", report_csv(r));
    check_golden("report.json", report_json(r));
    ViewSpec vs;
    vs.resolution = Dim::Day;
    for (const char* d : {"org", "operation", "ua", "key", "status"}) vs.panels.push_back(PanelSpec{*parse_dim(d), 10});
    View view(vs);
    check_golden("report.html", report_html(r, e->refresh(view, 1)));
}

TEST(Golden, Statement) {
    const auto e = golden_engine();
    BillingSpec spec;
    spec.periods = periods_between(*parse_iso8601("2024-03"), *parse_iso8601("2024-04"));
    spec.prices = builtin_config().prices;
    spec.prices.groups["acme"] = GroupPricing{100'000, 5'000'000};  // 10 % and $5 for acme
    spec.exclude.errors = true;
    spec.newest_source_mtime = *parse_iso8601("2024-04-01T06:00");  // late records possible
    const Statement st = compute_statement(*e, spec);
    ASSERT_TRUE(st.reconciled());
    check_golden("bill.txt", statement_table(st, spec.late_grace_seconds));
    check_golden("bill.csv", statement_csv(st));
    check_golden("bill.json", statement_json(st, spec.late_grace_seconds));
    check_golden("bill.html", statement_html(st, spec.late_grace_seconds));
}

}  // namespace
}  // namespace s3top
