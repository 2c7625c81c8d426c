// NarrowColumn: integers a row each, 1, 2, 3, 4 or 8 bytes wide as the largest value needs;
// every operation gives the same values a std::vector would. IdColumn is the 4-byte-id case.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "core/agg/narrow_column.hpp"

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
    EXPECT_EQ(c.width(), 3u) << "ids past 65,535 (130,000 keys) take three bytes, not four";
    EXPECT_EQ(values(c), want);
    EXPECT_EQ(c.memory_bytes(), c.capacity() * 3);
    c.push_back(1u << 24);
    want.push_back(1u << 24);
    EXPECT_EQ(c.width(), 4u) << "2^24 and up take four";
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
    EXPECT_EQ(c.width(), 3u);
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
    EXPECT_EQ(c.width(), 3u);
    const std::vector<std::uint32_t> bigger(123457, 20'000'000);
    c.remap(bigger);
    EXPECT_EQ(values(c), (std::vector<std::uint32_t>(4, 20'000'000)));
    EXPECT_EQ(c.width(), 4u);
}

// A column of each width ids of a batch's pool take (1, 2 or 3 bytes), remapped to ids of every
// width (in place, or into a wider buffer): each row reads back as map[its id], through each
// width's own loop.
TEST(IdColumn, RemapMapsEveryRowFromAndToEveryWidth) {
    std::uint64_t x = 88172645463325252ULL;
    const auto next = [&x] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    };
    for (const std::uint32_t from_top : {200u, 60'000u, 70'000u}) {
        for (const std::uint32_t to_top : {200u, 60'000u, 16'000'000u, 4'000'000'000u}) {
            std::vector<std::uint32_t> ids(3000);
            for (auto& id : ids) id = static_cast<std::uint32_t>(next() % (from_top + 1));
            ids[17] = from_top;
            IdColumn c = column_of(ids);
            std::vector<std::uint32_t> map(from_top + 1);
            for (auto& m : map) m = static_cast<std::uint32_t>(next() % (std::uint64_t{to_top} + 1));
            map[ids[3]] = to_top;
            const unsigned before = c.width();
            c.remap(map);
            std::vector<std::uint32_t> want;
            for (const auto id : ids) want.push_back(map[id]);
            ASSERT_EQ(values(c), want) << "from width " << before << " to ids up to " << to_top;
            EXPECT_EQ(c.width(), std::max(before, column_of({to_top}).width()));
        }
    }
}

TEST(IdColumn, SliceCopyOutAndAssignFromFourByteIds) {
    const IdColumn c = column_of({9, 300, 7, 8});
    EXPECT_EQ(values(c.slice(1, 2)), (std::vector<std::uint32_t>{300, 7}));
    EXPECT_TRUE(IdColumn().slice(5, 10).empty()) << "a column not kept is none in every slice (replay)";
    std::uint32_t out[3] = {};
    c.copy_out(1, 3, out);
    EXPECT_EQ(std::vector<std::uint32_t>(out, out + 3), (std::vector<std::uint32_t>{300, 7, 8}));
    // The state file's layout: 4 bytes an id, unaligned.
    const std::vector<std::uint32_t> stored = {4, 70'000'000, 6};
    std::vector<char> bytes(1 + stored.size() * 4);
    std::memcpy(bytes.data() + 1, stored.data(), stored.size() * 4);
    IdColumn back = column_of({1, 2, 3, 4, 5});
    back.assign_raw(bytes.data() + 1, stored.size());
    EXPECT_EQ(values(back), stored);
    EXPECT_EQ(back.width(), 4u);
    back.assign_raw(bytes.data() + 1, 1);
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
    // Three bytes a row: each reads as its id, every byte of it (a table indexed by it too).
    const IdColumn wide = column_of({0x123456, 7, 0xFFFFFF, 0x10000});
    EXPECT_EQ(wide.visit([](const auto* p) { return static_cast<unsigned>(sizeof(*p)); }), 3u);
    std::vector<std::uint32_t> seen;
    wide.visit([&](const auto* p) {
        for (std::size_t i = 0; i < wide.size(); ++i) seen.push_back(p[i]);
    });
    EXPECT_EQ(seen, (std::vector<std::uint32_t>{0x123456, 7, 0xFFFFFF, 0x10000}));
    std::vector<std::uint8_t> by_id(0x1000000, 0);
    wide.visit([&](const auto* p) { ++by_id[p[2]]; });
    EXPECT_EQ(by_id[0xFFFFFF], 1);
}

TEST(IdColumn, ThreeByteIdsSurviveEveryOperation) {
    std::vector<std::uint32_t> want;
    IdColumn c;
    for (std::uint32_t i = 0; i < 1000; ++i) {
        want.push_back(i % 3 == 0 ? 70'000 + i * 977 : i);
        c.push_back(want.back());
    }
    ASSERT_EQ(c.width(), 3u);
    EXPECT_EQ(values(c), want);
    EXPECT_EQ(values(c.slice(10, 20)), std::vector<std::uint32_t>(want.begin() + 10, want.begin() + 30));
    std::vector<std::uint32_t> out(5);
    c.copy_out(400, 5, out.data());
    EXPECT_EQ(out, std::vector<std::uint32_t>(want.begin() + 400, want.begin() + 405));
    IdColumn narrow = column_of({1, 2});  // 1 byte, then 3-byte rows appended: widened, copied
    narrow.append(c);
    std::vector<std::uint32_t> joined = {1, 2};
    joined.insert(joined.end(), want.begin(), want.end());
    EXPECT_EQ(values(narrow), joined);
    IdColumn same = c;  // same width: copied whole
    same.append(c);
    EXPECT_EQ(same.size(), 2000u);
    EXPECT_EQ(same[1999], want[999]);
    EXPECT_EQ(same[1000], want[0]);
    std::vector<char> bytes(want.size() * 4);  // the state file's 4-byte ids
    std::memcpy(bytes.data(), want.data(), bytes.size());
    IdColumn back;
    back.assign_raw(bytes.data(), want.size());
    EXPECT_EQ(back.width(), 3u);
    EXPECT_EQ(values(back), want);
}

template <class T, bool kPatched>
std::vector<T> all(const NarrowColumn<T, kPatched>& c) {
    return {c.begin(), c.end()};
}

TEST(PatchedColumn, AFewLargeValuesAreStoredAsideAndTheColumnStaysNarrow) {
    // 2 M log lines hold a few thousand objects over 4 GiB and requests over 65 s: each must
    // not double its whole column (the dashboard's memory), and each must read back exactly.
    PatchedColumn<std::uint64_t> bytes;
    std::vector<std::uint64_t> want;
    for (std::uint64_t i = 0; i < 10'000; ++i) {
        const std::uint64_t v = i % 1000 == 7 ? 5'000'000'000 + i : i % 200;
        bytes.push_back(v);
        want.push_back(v);
    }
    EXPECT_EQ(bytes.width(), 1u) << "values under 255, ten over 4 GiB";
    EXPECT_EQ(bytes.patches(), 10u);
    EXPECT_EQ(all(bytes), want);
    EXPECT_LT(bytes.memory_bytes(), 10'000u * 2) << "about a byte a row";

    // The mark itself (the width's largest value) is a value like any other.
    PatchedColumn<std::uint16_t> status;
    status.push_back(255);
    status.push_back(3);
    EXPECT_EQ(all(status), (std::vector<std::uint16_t>{255, 3}));

    PatchedColumn<std::int64_t> time;
    time.push_back(1'700'000'000);
    time.push_back(-1);
    time.push_back(std::numeric_limits<std::int64_t>::min());
    EXPECT_EQ(all(time), (std::vector<std::int64_t>{1'700'000'000, -1, std::numeric_limits<std::int64_t>::min()}));
}

// gather() (the dashboard's fold reads a chunk of selected rows at once) gives what operator[]
// gives, patches and the mark as a plain value included, at every width.
TEST(PatchedColumn, GatherReadsWhatEachSelectedRowHolds) {
    PatchedColumn<std::uint64_t> bytes;
    PatchedColumn<std::int64_t> time;
    for (std::uint64_t i = 0; i < 5'000; ++i) {
        bytes.push_back(i % 700 == 3 ? 9'000'000'000 + i : i % 300);  // width 2, a few patches
        time.push_back(i == 17 ? -1 : static_cast<std::int64_t>(1'700'000'000 + i));
    }
    ASSERT_GT(bytes.patches(), 0u);
    ASSERT_GT(time.patches(), 0u);
    std::vector<std::uint32_t> rows;
    for (std::uint32_t r = 0; r < 5'000; r += 1 + r % 5) rows.push_back(r);
    rows.push_back(3);
    rows.push_back(17);
    std::vector<std::uint64_t> got_bytes(rows.size());
    std::vector<std::int64_t> got_time(rows.size());
    bytes.gather(rows.data(), rows.size(), got_bytes.data());
    time.gather(rows.data(), rows.size(), got_time.data());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        ASSERT_EQ(got_bytes[i], bytes[rows[i]]) << "row " << rows[i];
        ASSERT_EQ(got_time[i], time[rows[i]]) << "row " << rows[i];
    }
    EXPECT_EQ(got_time[rows.size() - 1], -1);
    EXPECT_EQ(got_bytes[rows.size() - 2], 9'000'000'003u);
    PatchedColumn<std::uint16_t> status;  // the mark (255 at width 1) as a value, no other patch
    status.push_back(255);
    status.push_back(3);
    const std::uint32_t both[] = {1, 0};
    std::uint16_t got[2] = {};
    status.gather(both, 2, got);
    EXPECT_EQ(got[0], 3);
    EXPECT_EQ(got[1], 255);
}

// #21: the time column keeps each row as its distance from a base near its first value, so
// seconds since 1970 (1.7 billion) over the next months take 3 bytes a row, not 4 (2 MB over
// bench/floor.sh's 2 M lines). Times far from it (before the base, years later) are patches.
// Every operation reads the true times back; columns of the same weeks share their base.
TEST(PatchedColumn, TimesAreKeptAsDistancesFromABaseInThreeBytes) {
    constexpr std::int64_t kT = 1'709'251'200;  // 2024-03-01
    PatchedColumn<std::int64_t> time;
    std::vector<std::int64_t> want;
    for (std::int64_t i = 0; i < 20'000; ++i) {
        const std::int64_t t = i == 5'000   ? -1
                               : i == 7'000 ? 4'000'000'000
                               : i == 9'000 ? kT - 200'000'000
                                            : kT + i * 13;
        time.push_back(t);
        want.push_back(t);
    }
    EXPECT_EQ(time.width(), 3u) << "distances from the base, not seconds since 1970";
    EXPECT_EQ(time.patches(), 3u);
    EXPECT_LT(time.memory_bytes(), time.capacity() * 3 + 1024) << "3 bytes a row, and few patches";
    EXPECT_EQ(all(time), want);
    std::vector<std::uint32_t> rows;
    for (std::uint32_t r = 0; r < 20'000; r += 7) rows.push_back(r);
    rows.push_back(5'000);
    rows.push_back(7'000);
    rows.push_back(9'000);
    std::vector<std::int64_t> got(rows.size());
    time.gather(rows.data(), rows.size(), got.data());
    for (std::size_t i = 0; i < rows.size(); ++i) ASSERT_EQ(got[i], want[rows[i]]) << "row " << rows[i];
    std::vector<std::int64_t> out(4);
    time.copy_out(4'999, 4, out.data());
    EXPECT_EQ(out, std::vector<std::int64_t>(want.begin() + 4'999, want.begin() + 5'003));
    const auto part = time.slice(100, 50);
    EXPECT_EQ(all(part), std::vector<std::int64_t>(want.begin() + 100, want.begin() + 150));
    // A batch of the same weeks appends whole; one of another year value by value: all kept.
    PatchedColumn<std::int64_t> later, other_year;
    for (std::int64_t i = 0; i < 100; ++i) {
        later.push_back(kT + 2'000'000 + i);
        other_year.push_back(kT + 40'000'000 + i);
    }
    PatchedColumn<std::int64_t> joined = time;
    joined.append(later);
    joined.append(other_year);
    auto expect = want;
    for (const auto t : all(later)) expect.push_back(t);
    for (const auto t : all(other_year)) expect.push_back(t);
    EXPECT_EQ(all(joined), expect);
    // The state file's full-width times come back at 3 bytes, each the same.
    std::vector<char> bytes(want.size() * 8);
    std::memcpy(bytes.data(), want.data(), bytes.size());
    PatchedColumn<std::int64_t> back;
    back.assign_raw(bytes.data(), want.size());
    EXPECT_EQ(back.width(), 3u);
    EXPECT_EQ(all(back), want);
    back.clear();
    back.push_back(-5);
    back.push_back(kT);
    EXPECT_EQ(all(back), (std::vector<std::int64_t>{-5, kT})) << "a column cleared takes a base again";
}

TEST(PatchedColumn, WidensWhenLargeValuesPassOneRowIn16) {
    PatchedColumn<std::uint32_t> ms;
    std::vector<std::uint32_t> want;
    for (std::uint32_t i = 0; i < 4000; ++i) {
        const std::uint32_t v = i % 10 == 0 ? 20'000'000 + i : 40 + i % 100;
        ms.push_back(v);
        want.push_back(v);
    }
    EXPECT_EQ(ms.width(), 4u) << "a tenth of the rows over 2^24: patches would cost more";
    EXPECT_EQ(ms.patches(), 0u);
    EXPECT_EQ(all(ms), want);

    PatchedColumn<std::uint32_t> mostly_two;  // most need 2 bytes, 1% need 4
    want.clear();
    for (std::uint32_t i = 0; i < 6400; ++i) {
        const std::uint32_t v = i % 100 == 0 ? 100'000 : 300 + i;
        mostly_two.push_back(v);
        want.push_back(v);
    }
    EXPECT_EQ(mostly_two.width(), 2u);
    EXPECT_EQ(mostly_two.patches(), 64u);
    EXPECT_EQ(all(mostly_two), want);
}

// A number column takes the width that holds its rows in the fewest bytes, a patch (16 bytes)
// for each row wider, with at most 1 row in 24 patched: total times of which 3% are absent
// (UINT32_MAX) or over 65 s take 2 bytes a row, not 4; bytes in of which 5% need 2 bytes take 1.
// Every value reads back, by operator[] and by gather() over rows in order, sparse or not.
TEST(PatchedColumn, TakesTheWidthThatHoldsItsRowsInTheFewestBytes) {
    constexpr std::uint32_t kRows = 20'000;
    PatchedColumn<std::uint32_t> ms;
    PatchedColumn<std::uint64_t> in;
    std::vector<std::uint32_t> want_ms;
    std::vector<std::uint64_t> want_in;
    for (std::uint32_t i = 0; i < kRows; ++i) {
        const std::uint32_t v = i % 100 < 2     ? std::numeric_limits<std::uint32_t>::max()
                                : i % 100 == 50 ? 70'000 + i
                                                : i % 9'000;
        ms.push_back(v);
        want_ms.push_back(v);
        const std::uint64_t b = i % 20 == 7 ? 1'000 + i : i % 200;
        in.push_back(b);
        want_in.push_back(b);
    }
    EXPECT_EQ(ms.width(), 2u);
    EXPECT_EQ(ms.patches(), kRows * 3 / 100);
    EXPECT_LT(ms.memory_bytes(), ms.capacity() * 3) << "2 bytes a row and the patches, not 4";
    EXPECT_EQ(all(ms), want_ms);
    EXPECT_EQ(in.width(), 1u);
    EXPECT_EQ(in.patches(), kRows / 20);
    EXPECT_EQ(all(in), want_in);
    for (const std::uint32_t every : {1u, 3u, 37u, 1'000u}) {
        std::vector<std::uint32_t> rows;
        for (std::uint32_t r = every / 2; r < kRows; r += every) rows.push_back(r);
        rows.push_back(50);  // and one back at the start
        std::vector<std::uint32_t> got(rows.size());
        ms.gather(rows.data(), rows.size(), got.data());
        std::vector<std::uint64_t> got_in(rows.size());
        in.gather(rows.data(), rows.size(), got_in.data());
        for (std::size_t i = 0; i < rows.size(); ++i) {
            ASSERT_EQ(got[i], want_ms[rows[i]]) << "row " << rows[i] << " of every " << every;
            ASSERT_EQ(got_in[i], want_in[rows[i]]) << "row " << rows[i] << " of every " << every;
        }
    }
    // The same rows appended a batch at a time (the engine's columns) read back alike.
    PatchedColumn<std::uint32_t> joined;
    for (std::uint32_t at = 0; at < kRows; at += 4'000) joined.append(ms.slice(at, 4'000));
    EXPECT_EQ(joined.width(), 2u);
    EXPECT_EQ(all(joined), want_ms);
}

TEST(PatchedColumn, EveryOperationKeepsThePatchedValues) {
    auto make = [](std::initializer_list<std::uint64_t> v) {
        PatchedColumn<std::uint64_t> c;
        for (const auto x : v) c.push_back(x);
        return c;
    };
    const auto a = make({1, 9'000'000'000, 2, 255, 3});
    ASSERT_EQ(a.width(), 1u);
    EXPECT_EQ(all(a.slice(1, 3)), (std::vector<std::uint64_t>{9'000'000'000, 2, 255}));
    auto b = make({4, 5});
    b.append(a);
    EXPECT_EQ(all(b), (std::vector<std::uint64_t>{4, 5, 1, 9'000'000'000, 2, 255, 3}));
    auto c = make({7});
    c.take(make({8'000'000'000}));
    EXPECT_EQ(all(c), (std::vector<std::uint64_t>{7, 8'000'000'000}));
    std::vector<std::uint64_t> out(3);
    a.copy_out(0, 3, out.data());
    EXPECT_EQ(out, (std::vector<std::uint64_t>{1, 9'000'000'000, 2}));
    auto d = a;
    EXPECT_EQ(d, a);
    d.resize(2);
    EXPECT_EQ(all(d), (std::vector<std::uint64_t>{1, 9'000'000'000}));
    d.push_back(6);
    EXPECT_EQ(all(d), (std::vector<std::uint64_t>{1, 9'000'000'000, 6})) << "a dropped row's patch is gone";
    d.clear();
    d.push_back(2);
    EXPECT_EQ(all(d), (std::vector<std::uint64_t>{2}));
}

TEST(PatchedColumn, FullWidthValuesRoundTripThroughTheStateLayout) {
    // The state file stores a number column at its type's width: copy_out and assign_raw.
    const std::vector<std::int64_t> stored = {-5, 0, 1'700'000'000, std::numeric_limits<std::int64_t>::max()};
    std::vector<char> bytes(3 + stored.size() * 8);
    std::memcpy(bytes.data() + 3, stored.data(), stored.size() * 8);
    PatchedColumn<std::int64_t> c;
    c.assign_raw(bytes.data() + 3, stored.size());
    EXPECT_EQ(all(c), stored);
    std::vector<std::int64_t> out(2);
    c.copy_out(1, 2, out.data());
    EXPECT_EQ(out, (std::vector<std::int64_t>{0, 1'700'000'000}));
    c.assign_raw(bytes.data() + 3 + 16, 1);
    EXPECT_EQ(all(c), (std::vector<std::int64_t>{1'700'000'000}));
}

// The engine appends each batch's columns to its own: columns of one width with their patches
// are copied whole and the patches moved down (one row in 300 of bytes_sent is over 4 GiB); too
// many patches together, or another width, go row by row. Either way, every value reads back.
TEST(PatchedColumn, AppendingPatchedColumnsKeepsEveryValue) {
    auto make = [](std::size_t n, std::size_t every, std::uint64_t base) {
        PatchedColumn<std::uint64_t> c;
        for (std::size_t i = 0; i < n; ++i) c.push_back(i % every == 3 ? 5'000'000'000 + base + i : base + i % 1000);
        return c;
    };
    PatchedColumn<std::uint64_t> all_rows;
    std::vector<std::uint64_t> want;
    for (std::uint64_t k = 0; k < 6; ++k) {
        const auto part = make(2000 + k * 100, 300, k * 7);
        ASSERT_EQ(part.width(), 2u);
        const auto v = all(part);
        want.insert(want.end(), v.begin(), v.end());
        all_rows.append(part);
        EXPECT_EQ(all(all_rows), want) << "after part " << k;
    }
    EXPECT_EQ(all_rows.width(), 2u);
    const auto large =
        static_cast<std::size_t>(std::count_if(want.begin(), want.end(), [](std::uint64_t v) { return v > 65'535; }));
    EXPECT_EQ(large, 47u);
    EXPECT_EQ(all_rows.patches(), large) << "every large value still aside";

    // Patches past one row in 16 once appended: the column widens, the values stay.
    auto joined = make(1000, 1000, 2);
    ASSERT_EQ(joined.width(), 2u);
    PatchedColumn<std::uint64_t> many;  // 150 large values in 200 rows, first kept aside
    for (std::uint64_t i = 0; i < 200; ++i) many.push_back(i < 150 ? 6'000'000'000 + i : 500 + i);
    auto expect = all(joined);
    for (const auto x : all(many)) expect.push_back(x);
    joined.append(many);
    EXPECT_EQ(all(joined), expect);
    EXPECT_EQ(joined.width(), 8u);
}

// Appending N rows a piece at a time grows a column to twice its rows when it must, so each row
// is copied a few times in all: a restart's stored batches, or a stored record rebuilt slice by
// slice. Grown by about a piece each time (before), 64 pieces regrew it 32 times.
TEST(NarrowColumn, AppendingManyPiecesGrowsTheColumnAFewTimes) {
    constexpr int kPieces = 64, kRows = 500;
    IdColumn ids;
    PatchedColumn<std::uint64_t> same, mixed;  // mixed: pieces of two widths, appended value by value
    std::vector<std::uint64_t> want_same, want_mixed;
    int id_regrows = 0, same_regrows = 0, mixed_regrows = 0;
    for (int k = 0; k < kPieces; ++k) {
        IdColumn id_piece;
        PatchedColumn<std::uint64_t> same_piece, mixed_piece;
        for (int i = 0; i < kRows; ++i) {
            const auto v = static_cast<std::uint64_t>(k * kRows + i);
            id_piece.push_back(static_cast<std::uint32_t>(v % 200));
            same_piece.push_back(v % 1000);
            mixed_piece.push_back(k % 2 ? v % 100 : 70'000 + v);  // 1 byte, then 4
            want_same.push_back(v % 1000);
            want_mixed.push_back(k % 2 ? v % 100 : 70'000 + v);
        }
        const std::size_t a = ids.capacity(), b = same.capacity(), c = mixed.capacity();
        ids.append(id_piece);
        same.append(same_piece);
        mixed.append(mixed_piece);
        id_regrows += ids.capacity() != a;
        same_regrows += same.capacity() != b;
        mixed_regrows += mixed.capacity() != c;
    }
    // From one piece's rows to 64 pieces' by doubling: 7 changes, the first from nothing.
    EXPECT_LE(id_regrows, 8);
    EXPECT_LE(same_regrows, 8);
    EXPECT_LE(mixed_regrows, 8);
    ASSERT_EQ(ids.size(), std::size_t{kPieces * kRows});
    EXPECT_EQ(ids[kRows * 37 + 11], static_cast<std::uint32_t>((kRows * 37 + 11) % 200));
    EXPECT_EQ(all(same), want_same);
    EXPECT_EQ(all(mixed), want_mixed);
}

}  // namespace
}  // namespace s3top
