// The string pool: dense ids, each string once, found again after the table has grown.
#include <gtest/gtest.h>

#include <string>

#include "core/util/string_pool.hpp"

namespace s3top {
namespace {

TEST(StringPool, IdsStayTheSameAcrossGrowth) {
    StringPool pool;
    EXPECT_EQ(pool.intern(""), 0u);       // the empty string is id 0: an absent field
    constexpr std::uint32_t kN = 200000;  // the table grows from 16 slots about 14 times
    for (std::uint32_t i = 1; i <= kN; ++i) {
        ASSERT_EQ(pool.intern("data/k" + std::to_string(i)), i);
        if ((i & (i - 1)) == 0) {  // at each power of two, every string so far is found again
            for (std::uint32_t j = 1; j <= i; ++j) ASSERT_EQ(pool.find("data/k" + std::to_string(j)), j) << i;
        }
    }
    EXPECT_EQ(pool.size(), kN + 1u);
    for (std::uint32_t i = 1; i <= kN; ++i) {
        ASSERT_EQ(pool.intern("data/k" + std::to_string(i)), i);
        ASSERT_EQ(pool.view(i), "data/k" + std::to_string(i));
    }
    EXPECT_FALSE(pool.find("data/k0"));
    EXPECT_FALSE(pool.find("data/k" + std::to_string(kN + 1)));
    EXPECT_EQ(pool.intern("data/k0"), kN + 1);
}

}  // namespace
}  // namespace s3top
