#include "tui/format.hpp"

#include <gtest/gtest.h>

namespace s3top::tui {
namespace {

TEST(Format, BytesInBinaryUnitsWithThreeDigits) {
    EXPECT_EQ(format_bytes(0), "0 B");
    EXPECT_EQ(format_bytes(1023), "1023 B");
    EXPECT_EQ(format_bytes(1024), "1.00 KiB");
    EXPECT_EQ(format_bytes(1536), "1.50 KiB");
    EXPECT_EQ(format_bytes(12'900'000), "12.3 MiB");
    EXPECT_EQ(format_bytes(1023ull * 1024 * 1024), "1023 MiB");
    EXPECT_EQ(format_bytes(5ull << 40), "5.00 TiB");
    EXPECT_EQ(format_bytes(1'234'567, true), "1,234,567 B");
}

TEST(Format, CountsInDecimalUnits) {
    EXPECT_EQ(format_count(999), "999");
    EXPECT_EQ(format_count(1000), "1.00k");
    EXPECT_EQ(format_count(45'600), "45.6k");
    EXPECT_EQ(format_count(1'234'567), "1.23M");
    EXPECT_EQ(format_count(1'234'567, true), "1,234,567");
    EXPECT_EQ(group_thousands(0), "0");
    EXPECT_EQ(group_thousands(100), "100");
    EXPECT_EQ(group_thousands(1000), "1,000");
}

TEST(Format, Percentages) {
    EXPECT_EQ(format_percent(1, 1), "100%");
    EXPECT_EQ(format_percent(45, 100), "45%");
    EXPECT_EQ(format_percent(45, 1000), "4.5%");
    EXPECT_EQ(format_percent(1, 100000), "<0.1%");
    EXPECT_EQ(format_percent(0, 100), "0%");
    EXPECT_EQ(format_percent(5, 0), "0%");
}

}  // namespace
}  // namespace s3top::tui
