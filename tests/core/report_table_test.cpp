// The text table's keys: cut in the middle on a terminal, never so that two different keys
// read the same, and never cut when the table goes to a file.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "core/agg/engine.hpp"
#include "core/report/report_writer.hpp"

namespace s3top {
namespace {

ReportResult with_keys(const std::vector<std::string>& keys) {
    ReportResult r;
    r.by = {DimSpec{Dim::Requester}};
    for (const auto& k : keys) {
        ReportGroup g;
        g.key = {k};
        g.metrics.requests = 1;
        r.groups.push_back(g);
    }
    return r;
}

TEST(ReportTable, LongKeysAreCutInTheMiddle) {
    const std::string alice = "arn:aws:sts::123456789012:assumed-role/ReadOnlyAccessRole/alice";
    const std::string table = report_table(with_keys({alice}), TableOptions{true, 24});
    EXPECT_EQ(table.find(alice), std::string::npos) << table;
    EXPECT_NE(table.find("arn:aws:sts:\u2026sRole/alice"), std::string::npos) << table;
}

TEST(ReportTable, TwoKeysThatWouldLookAlikeCutAreShownWider) {
    // Alike in their first and last 40 characters: cut to 48 cells both read the same.
    const std::string a = std::string(40, 'x') + "-role-a-" + std::string(40, 'z');
    const std::string b = std::string(40, 'x') + "-role-b-" + std::string(40, 'z');
    const std::string table = report_table(with_keys({a, b, "short"}), TableOptions{true, 48});
    EXPECT_NE(table.find(a), std::string::npos) << table;
    EXPECT_NE(table.find(b), std::string::npos) << table;
}

TEST(ReportTable, NothingIsCutForAFile) {
    const std::string k(300, 'k');
    EXPECT_NE(report_table(with_keys({k}), TableOptions{true, SIZE_MAX}).find(k), std::string::npos);
    EXPECT_EQ(report_table(with_keys({k}), TableOptions{true, 48}).find(k), std::string::npos);
}

}  // namespace
}  // namespace s3top
