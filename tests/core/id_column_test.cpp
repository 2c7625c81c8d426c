// IdColumn: ids a row each, 1, 2 or 4 bytes wide as the largest id needs; every operation
// gives the same ids a std::vector<std::uint32_t> would.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "core/agg/id_column.hpp"

namespace s3top {
namespace {

std::vector<std::uint32_t> values(const IdColumn& c) { return {c.begin(), c.end()}; }

IdColumn column_of(const std::vector<std::uint32_t>& v) {
    IdColumn c;
    for (const auto id : v) c.push_back(id);
    return c;
}

TEST(IdColumn, WidensAsIdsGrowAndKeepsEveryEarlierId) {
    IdColumn c;
    std::vector<std::uint32_t> want;
    for (std::uint32_t id = 0; id < 300; ++id) {
        c.push_back(id);
        want.push_back(id);
    }
    EXPECT_EQ(c.width(), 2u) << "256 and up take two bytes";
    c.push_back(70000);
    want.push_back(70000);
    EXPECT_EQ(c.width(), 4u);
    EXPECT_EQ(values(c), want);
    IdColumn small = column_of({3, 255, 0});
    EXPECT_EQ(small.width(), 1u);
    EXPECT_EQ(small.memory_bytes(), small.capacity()) << "one byte per row";
}

TEST(IdColumn, ResizeWidensToo) {
    IdColumn c = column_of({1, 2, 3});
    c.resize(4, 300);
    EXPECT_EQ(c.width(), 2u);
    c.resize(5, 65536);
    EXPECT_EQ(values(c), (std::vector<std::uint32_t>{1, 2, 3, 300, 65536}));
    EXPECT_EQ(c.width(), 4u);
    c.resize(2);
    EXPECT_EQ(values(c), (std::vector<std::uint32_t>{1, 2}));
    c.assign(3, 7);
    EXPECT_EQ(values(c), (std::vector<std::uint32_t>{7, 7, 7}));
    EXPECT_EQ(c.width(), 1u) << "assign starts again at one byte";
}

TEST(IdColumn, AppendMixesWidths) {
    IdColumn narrow = column_of({1, 2});
    const IdColumn wide = column_of({1000, 100000});
    narrow.append(wide);
    EXPECT_EQ(values(narrow), (std::vector<std::uint32_t>{1, 2, 1000, 100000}));
    IdColumn wide2 = column_of({1000});
    wide2.append(column_of({4, 5}));
    EXPECT_EQ(values(wide2), (std::vector<std::uint32_t>{1000, 4, 5}));
    EXPECT_EQ(wide2.width(), 2u);
    // take: an empty column takes the other's rows whole; a filled one appends; the other is freed.
    IdColumn none;
    IdColumn whole = column_of({7, 300});
    none.take(std::move(whole));
    EXPECT_EQ(values(none), (std::vector<std::uint32_t>{7, 300}));
    IdColumn more = column_of({100000});
    none.take(std::move(more));
    EXPECT_EQ(values(none), (std::vector<std::uint32_t>{7, 300, 100000}));
    EXPECT_EQ(more.capacity(), 0u);  // NOLINT(bugprone-use-after-move): take frees it
}

TEST(IdColumn, RemapWidensWhenTheMappedIdsNeedIt) {
    IdColumn c = column_of({0, 1, 2, 1});
    const std::vector<std::uint32_t> small = {0, 5, 9};
    c.remap(small);
    EXPECT_EQ(values(c), (std::vector<std::uint32_t>{0, 5, 9, 5}));
    EXPECT_EQ(c.width(), 1u);
    const std::vector<std::uint32_t> big(10, 123456);
    c.remap(big);
    EXPECT_EQ(values(c), (std::vector<std::uint32_t>{123456, 123456, 123456, 123456}));
    EXPECT_EQ(c.width(), 4u);
}

TEST(IdColumn, SliceCopyOutAndAssignFromFourByteIds) {
    const IdColumn c = column_of({9, 300, 7, 8});
    EXPECT_EQ(values(c.slice(1, 2)), (std::vector<std::uint32_t>{300, 7}));
    EXPECT_TRUE(IdColumn().slice(5, 10).empty()) << "a column not kept is none in every slice (replay)";
    std::uint32_t out[3] = {};
    c.copy_out(1, 3, out);
    EXPECT_EQ(std::vector<std::uint32_t>(out, out + 3), (std::vector<std::uint32_t>{300, 7, 8}));
    // The state file's layout: 4 bytes an id, unaligned.
    const std::vector<std::uint32_t> stored = {4, 70000, 6};
    std::vector<char> bytes(1 + stored.size() * 4);
    std::memcpy(bytes.data() + 1, stored.data(), stored.size() * 4);
    IdColumn back = column_of({1, 2, 3, 4, 5});
    back.assign_u32(bytes.data() + 1, stored.size());
    EXPECT_EQ(values(back), stored);
    EXPECT_EQ(back.width(), 4u);
    back.assign_u32(bytes.data() + 1, 1);
    EXPECT_EQ(values(back), (std::vector<std::uint32_t>{4}));
    EXPECT_EQ(back.width(), 1u);
}

TEST(IdColumn, CopiesAndMovesAreWhole) {
    IdColumn a = column_of({1, 500, 2});
    IdColumn b = a;
    EXPECT_EQ(b, a);
    b.push_back(3);
    EXPECT_EQ(a.size(), 3u) << "a copy is its own";
    IdColumn m = std::move(b);
    EXPECT_EQ(values(m), (std::vector<std::uint32_t>{1, 500, 2, 3}));
    EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty, and usable
    b.push_back(4);
    EXPECT_EQ(values(b), (std::vector<std::uint32_t>{4}));
    a.clear();
    EXPECT_TRUE(a.empty());
    EXPECT_GE(a.capacity(), 3u) << "clear keeps the memory";
    a.release();
    EXPECT_EQ(a.capacity(), 0u);
}

TEST(IdColumn, AColumnReusedAndWidenedEachTimeKeepsItsSize) {
    // The state's stream_rows reuses one column per slice: clear, then 4-byte ids again. Its
    // memory must stay that of one slice (it grew 4x per slice: out of memory after a few).
    IdColumn c;
    for (int round = 0; round < 20; ++round) {
        c.clear();
        c.reserve(1000);
        for (std::uint32_t i = 0; i < 1000; ++i) c.push_back(100000 + i);
        ASSERT_EQ(c.size(), 1000u);
        ASSERT_EQ(c[999], 100999u);
        ASSERT_LE(c.memory_bytes(), 2 * 4000u) << "round " << round;
    }
}

TEST(IdColumn, VisitSeesTheIdsAtTheirWidth) {
    const IdColumn c = column_of({2, 40000});
    const unsigned bytes = c.visit([](const auto* p) { return static_cast<unsigned>(sizeof(*p)); });
    EXPECT_EQ(bytes, 2u);
    const std::uint32_t sum = c.visit([&](const auto* p) { return std::uint32_t{p[0]} + p[1]; });
    EXPECT_EQ(sum, 40002u);
}

}  // namespace
}  // namespace s3top
