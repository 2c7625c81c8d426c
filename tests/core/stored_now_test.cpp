// What the dashboard's Stored panel and stored-bytes chart show (compute_stored): what is stored
// at the end of a range per group, and the bytes stored at each sample time, against figures
// worked by hand and against `storage`'s own bytes_end.
#include <gtest/gtest.h>

#include "core/storage/object_table.hpp"
#include "core/storage/stored_now.hpp"
#include "core/util/civil_time.hpp"

namespace s3top {
namespace {

const std::int64_t kMar = *parse_iso8601("2024-03-01");
const std::int64_t kApr = *parse_iso8601("2024-04-01");
constexpr std::int64_t kHour = 3600;

struct Events {
    StorageNames names;
    std::vector<StorageEvent> list;
    std::uint64_t seq = 0;

    void add(StorageOp op, std::int64_t t, std::string_view bucket, std::string_view key, std::string_view org,
             std::uint64_t size = 0, std::uint16_t part = 0) {
        StorageEvent e;
        e.set_time(t);
        e.set_origin(++seq);
        e.op = op;
        e.bucket = names.bucket(bucket);
        e.key = names.key(e.bucket, key);
        e.org = names.orgs.intern(org);
        e.size = size;
        e.part = part;
        e.has_size = true;
        list.push_back(e);
    }
    Stored run(StoredSpec spec) {
        const SortedEvents sorted(names, list);
        return compute_stored(spec, sorted.view());
    }
};

std::string dec(Int128 v) { return int128_decimal(v); }

TEST(StoredNow, SamplesAreTheBytesStoredAtEachTimeAndGroupsWhatIsLeftAtTheEnd) {
    Events ev;
    ev.add(StorageOp::Put, kMar + 1 * kHour, "b1", "a/1", "acme", 100);
    ev.add(StorageOp::Put, kMar + 2 * kHour, "b2", "a/2", "beta", 50);
    ev.add(StorageOp::Put, kMar + 3 * kHour, "b1", "a/1", "acme", 300);  // an overwrite: 300, not 400
    ev.add(StorageOp::Delete, kMar + 4 * kHour, "b2", "a/2", "someone");
    ev.add(StorageOp::PutPart, kMar + 5 * kHour, "b2", "big", "beta", 70, 1);  // a part is stored too
    ev.add(StorageOp::Put, kMar + 9 * kHour, "b2", "late", "beta", 1000);      // at the range's end: not in it
    StoredSpec spec;
    spec.from = kMar;
    spec.to = kMar + 9 * kHour;
    // An event at a sample's time is not in it: each sample is the end of a chart bucket.
    for (std::int64_t h : {0, 1, 2, 3, 4, 5, 6}) spec.sample_at.push_back(kMar + h * kHour);
    spec.sample_at.push_back(kMar + 10 * kHour);  // past `to`: what is stored at `to`
    const Stored s = ev.run(spec);
    std::vector<std::string> samples;
    for (const Int128 v : s.samples) samples.push_back(dec(v));
    EXPECT_EQ(samples, (std::vector<std::string>{"0", "0", "100", "150", "350", "300", "370", "370"}));
    ASSERT_EQ(s.groups.size(), 2u);
    EXPECT_EQ(s.groups[0].label, "acme");
    EXPECT_EQ(dec(s.groups[0].bytes), "300");
    EXPECT_EQ(dec(s.groups[0].objects), "1");
    EXPECT_EQ(s.groups[1].label, "beta");
    EXPECT_EQ(dec(s.groups[1].bytes), "70");  // the part: bytes, not an object
    EXPECT_EQ(dec(s.groups[1].objects), "0");
    EXPECT_EQ(dec(s.bytes), "370");
    EXPECT_EQ(dec(s.objects), "1");
}

TEST(StoredNow, GroupsAreStoragesBytesEndPerBucketAndPrefix) {
    Events ev;
    ev.add(StorageOp::Put, kMar + kHour, "b1", "x/1", "acme", 10);
    ev.add(StorageOp::Put, kMar + kHour, "b1", "y/1", "acme", 20);
    ev.add(StorageOp::Put, kMar + kHour, "b2", "x/2", "beta", 40);
    for (const char* by : {"bucket", "prefix:1", "org", "class"}) {
        StoredSpec spec;
        spec.from = kMar;
        spec.to = kApr;
        spec.by = *parse_storage_dim(by);
        const Stored s = ev.run(spec);
        StorageSpec st;
        st.from = kMar;
        st.to = kApr;
        st.by = {spec.by};
        auto list = ev.list;
        const StorageResult r = compute_storage(st, ev.names, list, 0);
        ASSERT_EQ(s.groups.size(), r.groups.size()) << by;
        for (const StoredGroup& g : s.groups) {
            const auto it = std::find_if(r.groups.begin(), r.groups.end(),
                                         [&](const StorageGroup& rg) { return rg.key.front() == g.label; });
            ASSERT_NE(it, r.groups.end()) << by << " " << g.label;
            EXPECT_EQ(dec(g.bytes), dec(it->bytes_end)) << by << " " << g.label;
            EXPECT_EQ(dec(g.objects), dec(it->objects_end)) << by << " " << g.label;
        }
    }
    StoredSpec spec;
    spec.from = kMar;
    spec.to = kApr;
    spec.by = *parse_storage_dim("prefix:1");
    const Stored s = ev.run(spec);
    ASSERT_EQ(s.groups.size(), 2u);
    EXPECT_EQ(s.groups[0].label, "x");
    EXPECT_EQ(dec(s.groups[0].bytes), "50");
}

TEST(StoredNow, TheFilterKeepsItsOrgsInGroupsAndSamples) {
    Events ev;
    ev.add(StorageOp::Put, kMar + kHour, "b1", "k1", "acme", 10);
    ev.add(StorageOp::Put, kMar + kHour, "b1", "k2", "beta", 20);
    ev.add(StorageOp::Put, kMar + 2 * kHour, "b2", "k3", "acme", 40);
    StoredSpec spec;
    spec.from = kMar;
    spec.to = kApr;
    spec.by = *parse_storage_dim("bucket");
    spec.filter = *parse_filter("org=acme");
    spec.sample_at = {kMar + 2 * kHour, kApr};
    const Stored s = ev.run(spec);
    ASSERT_EQ(s.groups.size(), 2u);
    EXPECT_EQ(s.groups[0].label, "b2");
    EXPECT_EQ(dec(s.groups[1].bytes), "10");  // beta's 20 in b1 left out
    EXPECT_EQ(dec(s.samples[0]), "10");
    EXPECT_EQ(dec(s.samples[1]), "50");
}

TEST(StoredNow, StorageTermsOfKeepsWhatStorageCanFilterBy) {
    bool dropped = false;
    const Filter f =
        storage_terms_of(*parse_filter("org=acme status=200 bucket~^b prefix:1=x from=2024-03-01"), &dropped);
    EXPECT_TRUE(dropped);
    EXPECT_EQ(f.to_string(), "org=acme bucket~^b prefix:1=x");
    storage_terms_of(*parse_filter("org=acme key=k"), &dropped);
    EXPECT_FALSE(dropped);
}

}  // namespace
}  // namespace s3top
