// The dimension table (kDims): every name and alias resolves, names and titles are what users
// see, each stored dimension is filled from its Record field, each dimension's columns and
// labels come from its row.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/agg/batch.hpp"
#include "core/agg/dimension.hpp"
#include "core/agg/keyer.hpp"
#include "core/parse/record.hpp"

namespace s3top {
namespace {

std::vector<std::string_view> words(std::string_view s) {
    std::vector<std::string_view> out;
    while (!s.empty()) {
        const auto space = s.find(' ');
        out.push_back(s.substr(0, space));
        if (space == std::string_view::npos) break;
        s.remove_prefix(space + 1);
    }
    return out;
}

class DimRow : public ::testing::TestWithParam<DimInfo> {};

}  // namespace
void PrintTo(const DimInfo& info, std::ostream* os) { *os << info.name; }
namespace {

TEST_P(DimRow, NameRoundTrips) {
    const DimInfo& info = GetParam();
    const DimSpec spec{info.dim, static_cast<std::uint8_t>(info.kind == DimKind::KeyPrefix ? 2 : 0)};
    const auto parsed = parse_dim(dim_name(spec));
    ASSERT_TRUE(parsed) << dim_name(spec);
    EXPECT_EQ(*parsed, spec);
    EXPECT_EQ(dim_info(info.dim).name, info.name) << "dim_info finds the row";
}

TEST_P(DimRow, AliasesResolve) {
    const DimInfo& info = GetParam();
    for (const auto alias : words(info.aliases)) {
        const auto parsed = parse_dim(alias);
        ASSERT_TRUE(parsed) << alias;
        EXPECT_EQ(parsed->dim, info.dim) << alias;
    }
}

TEST_P(DimRow, ColumnsNeededFollowTheKind) {
    const DimInfo& info = GetParam();
    const DimMask m = columns_needed(DimSpec{info.dim, 1});
    switch (info.kind) {
        case DimKind::Stored: EXPECT_EQ(m, DimMask().set(index(info.dim))); break;
        case DimKind::KeyPrefix: EXPECT_EQ(m, DimMask().set(index(info.from))); break;
        case DimKind::Number:
        case DimKind::Time: EXPECT_TRUE(m.none()); break;
    }
}

TEST_P(DimRow, HasAClickHouseColumnOrExpression) {
    const DimInfo& info = GetParam();
    EXPECT_TRUE(!info.clickhouse.column.empty() || !info.clickhouse.expr.empty()) << info.name;
    EXPECT_EQ(info.clickhouse.column.empty(), info.clickhouse.type.empty()) << info.name;
}

TEST_P(DimRow, NumberRowsHaveALabel) {
    const DimInfo& info = GetParam();
    if (info.kind != DimKind::Number) return;
    ASSERT_NE(info.label, nullptr) << info.name;
    EXPECT_GT(info.dense_size, 0u) << info.name;
}

INSTANTIATE_TEST_SUITE_P(Dims, DimRow, ::testing::ValuesIn(kDims),
                         [](const ::testing::TestParamInfo<DimInfo>& p) { return std::string(p.param.name); });

TEST(DimTable, NamesAliasesAndTitlesAreUnique) {
    std::set<std::string_view> names, titles;
    for (const auto& info : kDims) {
        EXPECT_TRUE(names.insert(info.name).second) << info.name;
        for (const auto alias : words(info.aliases)) EXPECT_TRUE(names.insert(alias).second) << alias;
        EXPECT_TRUE(titles.insert(info.title).second) << info.title;
    }
    EXPECT_EQ(kStringDimCount, 13u);
    EXPECT_EQ(kDimCount, 21u);
}

TEST(DimTable, NamesTitlesAndHelpAsUsersSeeThem) {
    EXPECT_EQ(dim_name({Dim::RemoteIp}), "ip");
    EXPECT_EQ(dim_name({Dim::KeyPrefix, 3}), "prefix:3");
    EXPECT_EQ(dim_title({Dim::KeyPrefix, 2}), "Key prefix /2");
    EXPECT_EQ(dim_title({Dim::ErrorCode}), "Error code");
    EXPECT_EQ(parse_dim("prefix"), (DimSpec{Dim::KeyPrefix, 1}));
    EXPECT_EQ(parse_dim("key_prefix:4"), (DimSpec{Dim::KeyPrefix, 4}));
    EXPECT_FALSE(parse_dim("prefix:0"));
    EXPECT_FALSE(parse_dim("prefix:33"));
    EXPECT_FALSE(parse_dim("org:1"));
    EXPECT_FALSE(parse_dim("nope"));
    EXPECT_EQ(dim_names_help(),
              "org, requester, ip (client), bucket, operation, error, key, prefix:N, ua, referrer, host, auth, tls, "
              "method, status, class, tier, minute, hour, day, month");
}

TEST(DimTable, EachStoredDimensionIsFilledFromItsRecordField) {
    Record r;
    std::vector<std::string> values;
    values.reserve(kDims.size());
    for (const auto& info : kDims) {
        if (info.field) r.*info.field = values.emplace_back("value of " + std::string(info.name));
    }
    OrgSource org;
    org.kind = OrgSource::Kind::Bucket;
    BatchBuilder b(org, DimMask{}.set());
    b.add(r);
    const Batch batch = b.take();
    for (const auto& info : kDims) {
        if (info.kind != DimKind::Stored) continue;
        const auto i = index(info.dim);
        ASSERT_EQ(batch.columns.ids[i].size(), 1u) << info.name;
        const std::string_view got = batch.pools[i].view(batch.columns.ids[i][0]);
        EXPECT_EQ(got, info.field ? r.*info.field : r.bucket) << info.name;
    }
}

TEST(DimTable, NumberDimensionsKeyAndLabelByTheirRow) {
    Columns c;
    c.push_numbers(NumberRow{.time = 0, .status = 404, .tier = static_cast<std::uint8_t>(Tier::Put)});
    for (auto& ids : c.ids) ids.push_back(0);
    const Pools pools;
    EXPECT_EQ(Keyer({Dim::Status}).key(c, 0), 404);
    EXPECT_EQ(Keyer({Dim::Status}).label(404, pools), "404");
    EXPECT_EQ(Keyer({Dim::Status}).label(0, pools), "");
    EXPECT_EQ(Keyer({Dim::StatusClass}).key(c, 0), 4);
    EXPECT_EQ(Keyer({Dim::StatusClass}).label(4, pools), "4xx");
    EXPECT_EQ(Keyer({Dim::Tier}).key(c, 0), 1);
    EXPECT_EQ(Keyer({Dim::Tier}).label(1, pools), "put");
    EXPECT_EQ(Keyer({Dim::Tier}).dense_size(pools), 3u);
}

}  // namespace
}  // namespace s3top
