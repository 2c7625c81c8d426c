#include <gtest/gtest.h>

#include "core/clickhouse/remote_report.hpp"

using namespace s3top::clickhouse;

TEST(ClickHouseAnswerCache, EachStatementIsAskedOnceAndErrorsAreAskedAgain) {
    AnswerCache cache;
    int sent = 0;
    bool fail = true;
    const AnswerCache::Ask ask = [&](const std::string& sql) -> std::expected<std::string, std::string> {
        ++sent;
        if (sql == "flaky" && fail) return std::unexpected(std::string("ClickHouse at h:1 cannot be reached"));
        return "answer to " + sql;
    };
    EXPECT_EQ(cache.get("SELECT DISTINCT org", ask).value(), "answer to SELECT DISTINCT org");
    EXPECT_EQ(cache.get("SELECT DISTINCT org", ask).value(), "answer to SELECT DISTINCT org");
    EXPECT_EQ(cache.get("SELECT DISTINCT key", ask).value(), "answer to SELECT DISTINCT key");
    EXPECT_EQ(sent, 2);
    EXPECT_FALSE(cache.get("flaky", ask).has_value());
    fail = false;
    EXPECT_EQ(cache.get("flaky", ask).value(), "answer to flaky");  // an error is not kept
    EXPECT_EQ(sent, 4);
    EXPECT_EQ(cache.asked(), 4u);
    EXPECT_EQ(cache.kept(), 1u);
}
