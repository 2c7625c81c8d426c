// S3 Inventory as storage's baseline: the manifest, its CSV.gz data files found as `aws s3 sync`
// lays them out, the newest manifest at or before the period, and hostile inventories (each
// refused or rejected with one line naming the file and row; nothing half-counted).
#include <gtest/gtest.h>

#include "core/storage/inventory.hpp"
#include "core/storage/object_table.hpp"
#include "core/util/civil_time.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

using test::gzip;
using test::TempDir;

const std::int64_t kMar = *parse_iso8601("2024-03-01");
const std::int64_t kApr = *parse_iso8601("2024-04-01");

StorageSpec march_spec() {
    StorageSpec spec;
    spec.from = kMar;
    spec.to = kApr;
    return spec;
}
constexpr std::int64_t kDay = 86400;

std::string manifest(std::int64_t created_ms_seconds, const std::string& schema, const std::string& files,
                     const std::string& format = "CSV") {
    return R"({"sourceBucket":"src","destinationBucket":"arn:aws:s3:::inv","version":"2016-11-30",)"
           R"("creationTimestamp":")" +
           std::to_string(created_ms_seconds * 1000) + R"(","fileFormat":")" + format + R"(","fileSchema":")" + schema +
           R"(","files":[)" + files + "]}";
}

constexpr const char* kSchema =
    "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, StorageClass";

/// An inventory laid out as `aws s3 sync s3://inv/ DIR` leaves it: DIR/src/cfg/<date>/manifest.json and
/// DIR/src/cfg/data/<name>.csv.gz.
struct Synced {
    TempDir dir;
    std::filesystem::path add(const std::string& date, std::int64_t created, const std::string& csv,
                              const std::string& schema = kSchema) {
        const std::string key = "src/cfg/data/" + date + ".csv.gz";
        dir.write(key, gzip(csv));
        return dir.write("src/cfg/" + date + "/manifest.json",
                         manifest(created, schema, R"({"key":")" + key + R"(","size":1,"MD5checksum":"x"})"));
    }
};

TEST(StorageInventory, ReadsTheRowsTheManifestNames) {
    Synced s;
    const auto path =
        s.add("2024-02-29T00-00Z", kMar - kDay,
              "\"src\",\"a/1\",\"\",\"true\",\"false\",\"100\",\"2024-01-01T00:00:00.000Z\",\"STANDARD\"\n"
              "\"src\",\"a/2\",\"v9\",\"false\",\"false\",\"40\",\"2024-01-01T00:00:00.000Z\",\"GLACIER\"\n"
              "\"src\",\"a/3\",\"v8\",\"true\",\"true\",\"\",\"2024-01-01T00:00:00.000Z\",\"\"\n");
    auto m = choose_inventory_manifest(s.dir.path(), kMar);
    ASSERT_TRUE(m.has_value()) << m.error().describe();
    EXPECT_EQ(m->path, path);
    EXPECT_EQ(m->created, kMar - kDay);
    auto r = read_inventory(*m);
    ASSERT_TRUE(r.has_value()) << r.error().describe();
    ASSERT_EQ(r->rows.size(), 2u);
    EXPECT_EQ(r->rows[0].key, "a/1");
    EXPECT_EQ(r->rows[0].size, 100u);
    EXPECT_EQ(r->rows[1].cls, StorageClass::Glacier);
    EXPECT_FALSE(r->rows[1].latest);
    EXPECT_EQ(r->rows[1].version, "v9");
    EXPECT_EQ(r->delete_markers, 1u);
    EXPECT_EQ(r->rejected, 0u);
}

TEST(StorageInventory, TheNewestManifestAtOrBeforeThePeriodIsTheBaseline) {
    Synced s;
    s.add("2024-02-20T00-00Z", kMar - 10 * kDay, "\"src\",\"old\",\"\",\"true\",\"false\",\"1\",\"\",\"STANDARD\"\n");
    const auto want =
        s.add("2024-03-01T00-00Z", kMar, "\"src\",\"k\",\"\",\"true\",\"false\",\"2\",\"\",\"STANDARD\"\n");
    s.add("2024-03-02T00-00Z", kMar + kDay, "\"src\",\"new\",\"\",\"true\",\"false\",\"3\",\"\",\"STANDARD\"\n");
    auto m = choose_inventory_manifest(s.dir.path(), kMar);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->path, want);
    auto none = choose_inventory_manifest(s.dir.path(), kMar - 20 * kDay);
    ASSERT_FALSE(none.has_value());
    EXPECT_NE(none.error().message.find("no inventory made at or before"), std::string::npos);
}

TEST(StorageInventory, OrcAndParquetAreRefusedNamingCsv) {
    for (const char* format : {"ORC", "Parquet"}) {
        auto m = parse_inventory_manifest(manifest(kMar, kSchema, "", format), "m.json");
        ASSERT_FALSE(m.has_value());
        EXPECT_NE(m.error().describe().find("as CSV"), std::string::npos) << m.error().describe();
        EXPECT_NE(m.error().describe().find(format), std::string::npos);
    }
}

TEST(StorageInventory, AMissingOrCorruptDataFileIsAnErrorNamingIt) {
    Synced s;
    const auto path = s.add("d", kMar, "\"src\",\"k\",\"\",\"true\",\"false\",\"2\",\"\",\"STANDARD\"\n");
    auto m = choose_inventory_manifest(path, kMar);
    ASSERT_TRUE(m.has_value());
    // corrupt: a gzip cut in half
    const auto data = s.dir.path() / "src/cfg/data/d.csv.gz";
    std::string gz = gzip(std::string(5000, 'x') + "\n");
    s.dir.write("src/cfg/data/d.csv.gz", gz.substr(0, gz.size() / 2));
    auto r = read_inventory(*m);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().file, data.string());
    EXPECT_NE(r.error().message.find("corrupt gzip"), std::string::npos) << r.error().describe();
    std::filesystem::remove(data);
    r = read_inventory(*m);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().describe().find("not found"), std::string::npos) << r.error().describe();
}

TEST(StorageInventory, ASchemaWithoutSizeIsRefused) {
    Synced s;
    const auto path = s.add("d", kMar, "\"src\",\"k\"\n", "Bucket, Key");
    auto m = choose_inventory_manifest(path, kMar);
    ASSERT_TRUE(m.has_value());
    auto r = read_inventory(*m);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("no Size column"), std::string::npos);
}

TEST(StorageInventory, ShortRowsAndSizesThatAreNotNumbersAreRejectedByFileAndRow) {
    Synced s;
    const auto path = s.add("d", kMar,
                            "\"src\",\"ok\",\"\",\"true\",\"false\",\"7\",\"\",\"STANDARD\"\n"
                            "\"src\",\"short\",\"\"\n"
                            "\"src\",\"bad\",\"\",\"true\",\"false\",\"12x\",\"\",\"STANDARD\"\n");
    auto r = read_inventory(*choose_inventory_manifest(path, kMar));
    ASSERT_TRUE(r.has_value());
    ASSERT_EQ(r->rows.size(), 1u);
    EXPECT_EQ(r->rejected, 2u);
    ASSERT_EQ(r->samples.size(), 2u);
    EXPECT_EQ(r->samples[0].row, 2u);
    EXPECT_NE(r->samples[0].describe().find("d.csv.gz row 2: 3 fields"), std::string::npos) << r->samples[0].describe();
    EXPECT_EQ(r->samples[1].row, 3u);
    EXPECT_NE(r->samples[1].message.find("'12x' is not a number"), std::string::npos);
}

TEST(StorageInventory, CsvFieldsKeepQuotesAndCommas) {
    EXPECT_EQ(split_inventory_csv(R"("a","b,c","d""e",)"), (std::vector<std::string>{"a", "b,c", "d\"e", ""}));
    EXPECT_EQ(split_inventory_csv("x,y"), (std::vector<std::string>{"x", "y"}));
}

// The baseline in the object table: inventory objects are billed from the snapshot on; a
// version the logs wrote keeps its owner; one the logs had but the inventory lacks is gone.
TEST(StorageInventory, TheBaselineSetsWhatWasStoredBeforeTheLogs) {
    StorageNames names;
    StorageBaseline b;
    b.time = kMar - kDay;
    b.bucket = names.bucket("src");
    b.description = "inventory of src";
    auto row = [&](std::string_view key, std::uint64_t size, StorageClass cls) {
        StorageBaseline::Row r;
        r.key = names.key(b.bucket, key);
        r.size = size;
        r.cls = cls;
        r.owner = names.orgs.intern("");
        b.rows.push_back(r);
    };
    row("old", 1000, StorageClass::StandardIa);
    row("logged", 50, StorageClass::Standard);
    std::vector<StorageEvent> events;
    auto ev = [&](std::int64_t t, StorageOp op, std::string_view key, std::string_view org, std::uint64_t size) {
        StorageEvent e;
        e.set_time(t);
        e.set_origin(events.size() + 1);
        e.op = op;
        e.bucket = b.bucket;
        e.key = names.key(b.bucket, key);
        e.org = names.orgs.intern(org);
        e.size = size;
        e.has_size = true;
        events.push_back(e);
    };
    ev(kMar - 3 * kDay, StorageOp::Put, "logged", "acme", 50);  // before the snapshot: the owner is known
    ev(kMar - 2 * kDay, StorageOp::Put, "lost", "acme", 9);     // the inventory does not list it: gone
    ev(kMar + 10 * kDay, StorageOp::Delete, "old", "x", 0);
    const StorageResult r = compute_storage(march_spec(), names, events, 0, &b);
    ASSERT_EQ(r.groups.size(), 2u);
    EXPECT_EQ(r.groups[0].key, std::vector<std::string>{"-"});
    EXPECT_EQ(int128_decimal(r.groups[0].byte_seconds), std::to_string(1000 * 10 * kDay));
    EXPECT_EQ(r.groups[1].key, std::vector<std::string>{"acme"});
    EXPECT_EQ(int128_decimal(r.groups[1].byte_seconds), std::to_string(50 * 31 * kDay));
    EXPECT_EQ(r.stats.baseline_versions, 2u);
    EXPECT_EQ(r.stats.baseline_added, 1u);
    EXPECT_EQ(r.stats.baseline_removed, 1u);
    ASSERT_FALSE(r.caveats.empty());
    EXPECT_NE(r.caveats[0].find("known from the inventory of src"), std::string::npos) << r.caveats[0];
}

}  // namespace
}  // namespace s3top
