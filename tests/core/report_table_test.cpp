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

TEST(ReportTable, RejectedLinesAreBrokenDownByReasonAndTimesHaveSeparators) {
    ReportResult r = with_keys({"a"});
    r.groups[0].timed_requests = 1;
    r.groups[0].p50_ms = 26;
    r.groups[0].p95_ms = 18559;
    r.lines.read = 16;
    r.lines.parsed = 1;
    r.lines.unparsed[static_cast<std::size_t>(RejectReason::BadTimestamp)] = 10;
    r.lines.unparsed[static_cast<std::size_t>(RejectReason::TooFewFields)] = 5;
    const std::string table = report_table(r, TableOptions{true, 48});
    const std::string why = std::string("rejected 15 (") + std::string(reject_reason_name(RejectReason::TooFewFields)) +
                            " 5, " + std::string(reject_reason_name(RejectReason::BadTimestamp)) + " 10)";
    EXPECT_NE(table.find(why), std::string::npos) << table;
    EXPECT_NE(table.find("18,559"), std::string::npos) << table;
}

}  // namespace
}  // namespace s3top
