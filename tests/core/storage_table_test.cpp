// The object table, one event kind at a time, against byte-seconds computed by hand. The
// period is March 2024 (31 days, 744 hours) unless a test says otherwise.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/agg/batch.hpp"
#include "core/parse/s3_access_log.hpp"
#include "core/storage/object_table.hpp"
#include "core/storage/storage_collector.hpp"
#include "core/util/civil_time.hpp"

namespace s3top {
namespace {

const std::int64_t kMar = *parse_iso8601("2024-03-01");
const std::int64_t kApr = *parse_iso8601("2024-04-01");
constexpr std::int64_t kHour = 3600, kDay = 86400;

StorageSpec march() {
    StorageSpec spec;
    spec.from = kMar;
    spec.to = kApr;
    return spec;
}

/// Builds events by name, in the order given (each a second apart unless a time is given).
struct Events {
    StorageNames names;
    std::vector<StorageEvent> list;
    std::uint64_t seq = 0;

    StorageEvent& add(StorageOp op, std::int64_t t, std::string_view bucket, std::string_view key, std::string_view org,
                      std::uint64_t size = 0) {
        StorageEvent e;
        e.set_time(t);
        e.set_origin(++seq);
        e.op = op;
        e.bucket = names.bucket(bucket);
        e.key = names.key(e.bucket, key);
        e.org = names.orgs.intern(org);
        e.size = size;
        e.has_size = true;
        list.push_back(e);
        return list.back();
    }
    StorageEvent& put(std::int64_t t, std::string_view key, std::string_view org, std::uint64_t size,
                      std::string_view bucket = "b") {
        return add(StorageOp::Put, t, bucket, key, org, size);
    }
    StorageEvent& del(std::int64_t t, std::string_view key, std::string_view org = "x", std::string_view bucket = "b") {
        return add(StorageOp::Delete, t, bucket, key, org);
    }
    StorageResult run(StorageSpec spec) { return compute_storage(spec, names, list, 0); }
    StorageResult run(std::vector<StorageDimSpec> by = {StorageDimSpec{}}, std::int64_t from = kMar,
                      std::int64_t to = kApr, std::vector<std::string> versioned = {}) {
        StorageSpec spec;
        spec.from = from;
        spec.to = to;
        spec.by = std::move(by);
        spec.versioned_buckets = std::move(versioned);
        return compute_storage(spec, names, list, 0);
    }
};

const StorageGroup* group(const StorageResult& r, std::vector<std::string> key) {
    for (const auto& g : r.groups) {
        if (g.key == key) return &g;
    }
    return nullptr;
}

TEST(StorageTable, PutIsBilledFromItsSecondToTheEndOfThePeriod) {
    Events ev;
    ev.put(kMar + 10 * kDay, "a/1", "acme", 1000);
    const StorageResult r = ev.run();
    ASSERT_EQ(r.groups.size(), 1u);
    const StorageGroup& g = r.groups[0];
    EXPECT_EQ(g.key, std::vector<std::string>{"acme"});
    EXPECT_EQ(int128_decimal(g.byte_seconds), std::to_string(1000LL * 21 * kDay));
    EXPECT_EQ(int128_decimal(g.objects_end), "1");
    EXPECT_EQ(int128_decimal(g.bytes_end), "1000");
    EXPECT_EQ(int128_decimal(g.peak_bytes), "1000");
}

TEST(StorageTable, GbMonthsFollowAwsWorkedExample) {
    // AWS's storage FAQ: 100 GB for 15 days of March, then 100 TB for its last 16 days:
    // 42,259,901,212,262,400 byte-hours = 52,900 GB-months.
    Events ev;
    ev.put(kMar, "k", "o", 107374182400ULL);
    ev.put(kMar + 15 * kDay, "k", "o", 109951162777600ULL);  // an overwrite replaces it
    const StorageResult r = ev.run();
    ASSERT_EQ(r.groups.size(), 1u);
    EXPECT_EQ(byte_hours_text(r.groups[0].byte_seconds), "42259901212262400.000");
    EXPECT_EQ(format_scaled_decimal(r.groups[0].gb_month_nanos, 9, 9), "52900.000000000");
}

TEST(StorageTable, DeleteEndsTheOwnersBytesWhoeverAsks) {
    Events ev;
    ev.put(kMar + kHour, "k", "acme", 500);
    ev.del(kMar + 3 * kHour, "k", "someone-else");
    const StorageResult r = ev.run();
    ASSERT_EQ(r.groups.size(), 1u);
    EXPECT_EQ(r.groups[0].key, std::vector<std::string>{"acme"});
    EXPECT_EQ(int128_decimal(r.groups[0].byte_seconds), std::to_string(500 * 2 * kHour));
    EXPECT_EQ(int128_decimal(r.groups[0].objects_end), "0");
    EXPECT_EQ(int128_decimal(r.groups[0].bytes_end), "0");
    EXPECT_EQ(int128_decimal(r.groups[0].peak_bytes), "500");
}

TEST(StorageTable, BatchDeleteAndExpiryAreDeletes) {
    for (const char* op : {"BATCH.DELETE.OBJECT", "S3.EXPIRE.OBJECT", "REST.DELETE.OBJECT"}) {
        ASSERT_NE(storage_op_of(op), nullptr) << op;
        EXPECT_EQ(storage_op_of(op)->op, StorageOp::Delete) << op;
    }
    for (const char* op : {"REST.PUT.OBJECT", "REST.POST.OBJECT", "SOAP.PUT.OBJECT", "REST.COPY.OBJECT"})
        EXPECT_EQ(storage_op_of(op)->op, StorageOp::Put) << op;
    EXPECT_EQ(storage_op_of("REST.COPY.OBJECT_GET"), nullptr);  // the read of a copy's source
    EXPECT_EQ(storage_op_of("REST.GET.OBJECT"), nullptr);
    EXPECT_EQ(storage_op_of("REST.POST.UPLOADS"), nullptr);  // starting an upload stores nothing
}

TEST(StorageTable, OverwriteInAnUnversionedBucketReplacesAndChangesOwner) {
    Events ev;
    ev.put(kMar, "k", "a", 100);
    ev.put(kMar + kDay, "k", "b", 300);
    const StorageResult r = ev.run();
    ASSERT_EQ(r.groups.size(), 2u);
    EXPECT_EQ(int128_decimal(group(r, {"a"})->byte_seconds), std::to_string(100 * kDay));
    EXPECT_EQ(int128_decimal(group(r, {"a"})->objects_end), "0");
    EXPECT_EQ(int128_decimal(group(r, {"b"})->byte_seconds), std::to_string(300 * 30 * kDay));
    EXPECT_EQ(int128_decimal(r.totals.objects_end), "1");
    EXPECT_EQ(int128_decimal(r.totals.peak_bytes), "300");
}

TEST(StorageTable, OverwriteInAVersionedBucketKeepsTheOldVersion) {
    Events ev;
    ev.put(kMar, "k", "a", 100);
    ev.put(kMar + kDay, "k", "b", 300);
    const StorageResult r = ev.run({StorageDimSpec{}}, kMar, kApr, {"b"});
    EXPECT_EQ(int128_decimal(group(r, {"a"})->byte_seconds), std::to_string(100 * 31 * kDay));
    EXPECT_EQ(int128_decimal(group(r, {"a"})->objects_end), "1");
    EXPECT_EQ(int128_decimal(group(r, {"b"})->byte_seconds), std::to_string(300 * 30 * kDay));
    EXPECT_EQ(int128_decimal(r.totals.bytes_end), "400");
}

TEST(StorageTable, DeleteMarkerKeepsTheVersionAsNoncurrentUntilItExpires) {
    Events ev;
    ev.put(kMar, "k", "a", 100);
    ev.add(StorageOp::DeleteMarker, kMar + kDay, "b", "k", "-");
    ev.add(StorageOp::Delete, kMar + 3 * kDay, "b", "k", "-").version = ev.names.versions.intern("v1");
    const StorageResult r = ev.run();
    ASSERT_EQ(r.groups.size(), 1u);
    EXPECT_EQ(int128_decimal(r.groups[0].byte_seconds), std::to_string(100 * 3 * kDay));
    EXPECT_EQ(int128_decimal(r.groups[0].objects_end), "0");
    EXPECT_EQ(r.stats.version_guessed, 1u);  // "v1" was never seen written
}

TEST(StorageTable, TransitionMovesTheBytesToTheNewClass) {
    Events ev;
    ev.put(kMar, "k", "a", 1000);
    ev.add(StorageOp::Transition, kMar + 10 * kDay, "b", "k", "-").to = StorageClass::StandardIa;
    ev.add(StorageOp::Transition, kMar + 20 * kDay, "b", "k", "-").to = StorageClass::DeepArchive;
    const StorageResult r = ev.run({StorageDimSpec{StorageDim::Org, 0}, StorageDimSpec{StorageDim::Class, 0}});
    ASSERT_EQ(r.groups.size(), 3u);
    EXPECT_EQ(int128_decimal(group(r, {"a", "STANDARD"})->byte_seconds), std::to_string(1000 * 10 * kDay));
    EXPECT_EQ(int128_decimal(group(r, {"a", "STANDARD_IA"})->byte_seconds), std::to_string(1000 * 10 * kDay));
    EXPECT_EQ(int128_decimal(group(r, {"a", "DEEP_ARCHIVE"})->byte_seconds), std::to_string(1000 * 11 * kDay));
    EXPECT_EQ(int128_decimal(group(r, {"a", "DEEP_ARCHIVE"})->objects_end), "1");
    EXPECT_EQ(int128_decimal(group(r, {"a", "STANDARD"})->objects_end), "0");
    EXPECT_EQ(storage_op_of("S3.TRANSITION.OBJECT")->to, StorageClass::Glacier);
    EXPECT_EQ(storage_op_of("S3.TRANSITION_GIR.OBJECT")->to, StorageClass::GlacierIr);
}

TEST(StorageTable, PartsAreBilledUntilTheUploadCompletes) {
    Events ev;
    const auto up = ev.names.uploads.intern("U1");
    auto part = [&](std::int64_t t, std::uint16_t n, std::uint64_t size, std::string_view org) {
        StorageEvent& e = ev.add(StorageOp::PutPart, t, "b", "big", org, size);
        e.upload = up;
        e.part = n;
    };
    part(kMar, 1, 100, "p");
    part(kMar + kHour, 2, 50, "p");
    part(kMar + 2 * kHour, 2, 70, "p");  // part 2 again: replaces the first one
    StorageEvent& done = ev.add(StorageOp::Complete, kMar + 4 * kHour, "b", "big", "c", 170);
    done.upload = up;
    const StorageResult r = ev.run();
    // parts: 100 x 4h + 50 x 1h + 70 x 2h; then the object 170 bytes for the rest of March.
    EXPECT_EQ(int128_decimal(group(r, {"p"})->byte_seconds), std::to_string((400 + 50 + 140) * kHour));
    EXPECT_EQ(int128_decimal(group(r, {"p"})->bytes_end), "0");
    EXPECT_EQ(int128_decimal(group(r, {"c"})->byte_seconds), std::to_string(170 * (31 * kDay - 4 * kHour)));
    EXPECT_EQ(r.stats.parts_end, 0u);
}

TEST(StorageTable, AbortedUploadsPartsStopAtTheAbortAndPendingOnesRunToTheEnd) {
    Events ev;
    const auto u1 = ev.names.uploads.intern("U1"), u2 = ev.names.uploads.intern("U2");
    StorageEvent& a = ev.add(StorageOp::PutPart, kMar, "b", "k", "o", 10);
    a.upload = u1;
    a.part = 1;
    StorageEvent& b = ev.add(StorageOp::PutPart, kMar, "b", "k", "o", 20);
    b.upload = u2;
    b.part = 1;
    ev.add(StorageOp::Abort, kMar + kDay, "b", "k", "o").upload = u1;
    const StorageResult r = ev.run();
    EXPECT_EQ(int128_decimal(r.groups[0].byte_seconds), std::to_string(10 * kDay + 20 * 31 * kDay));
    EXPECT_EQ(r.stats.parts_end, 1u);
    EXPECT_EQ(int128_decimal(r.groups[0].objects_end), "0");  // parts are not objects
    EXPECT_EQ(int128_decimal(r.groups[0].bytes_end), "20");
}

// A key's open uploads keep their parts in one array: a part number uploaded again replaces
// that upload's part, never another upload's of the same number, and completing one upload ends
// its parts only.
TEST(StorageTable, APartUploadedAgainReplacesItsOwnUploadsPartOnly) {
    Events ev;
    const auto u1 = ev.names.uploads.intern("U1"), u2 = ev.names.uploads.intern("U2");
    auto part = [&](std::int64_t t, std::uint32_t upload, std::uint64_t size) {
        StorageEvent& e = ev.add(StorageOp::PutPart, t, "b", "k", "o", size);
        e.upload = upload;
        e.part = 1;
    };
    part(kMar, u1, 10);
    part(kMar, u2, 20);
    part(kMar + kDay, u2, 30);  // U2's part 1 again: U1's stays
    StorageEvent& done = ev.add(StorageOp::Complete, kMar + 2 * kDay, "b", "k", "c", 30);
    done.upload = u2;
    const StorageResult r = ev.run();
    // "o": U1's 10 bytes all March, U2's 20 for a day, then 30 for a day; "c": the object.
    EXPECT_EQ(int128_decimal(group(r, {"o"})->byte_seconds), std::to_string(10 * 31 * kDay + 20 * kDay + 30 * kDay));
    EXPECT_EQ(int128_decimal(group(r, {"o"})->bytes_end), "10");
    EXPECT_EQ(r.stats.parts_end, 1u);
    EXPECT_EQ(int128_decimal(group(r, {"c"})->byte_seconds), std::to_string(30 * 29 * kDay));
}

TEST(StorageTable, OnlyThePeriodIsCountedAndEventsBeforeItSetTheStart) {
    Events ev;
    ev.put(kMar - 5 * kDay, "k", "o", 7);  // stored when March begins
    ev.put(kMar - kDay, "gone", "o", 9);   // deleted before March
    ev.del(kMar - kHour, "gone");
    ev.put(kApr + kHour, "late", "o", 1000);  // after the period: nothing
    const StorageResult r = ev.run();
    EXPECT_EQ(int128_decimal(r.groups[0].byte_seconds), std::to_string(7 * 31 * kDay));
    EXPECT_EQ(int128_decimal(r.groups[0].peak_bytes), "7");
    EXPECT_EQ(r.stats.after_period, 1u);
}

TEST(StorageTable, APeriodOverTwoMonthsDividesEachMonthByItsOwnHours) {
    Events ev;
    ev.put(kMar - 2 * kDay, "k", "o", std::uint64_t{1} << 30);  // 1 GiB from Feb 28 (2024: 29 days)
    const StorageResult r = ev.run({StorageDimSpec{}}, kMar - 2 * kDay, kMar + 2 * kDay);
    // 2 days of February: 48/696 GB-months; 2 days of March: 48/744.
    const std::int64_t expect =
        div_round_half_up(Int128{48} * kNanosPerUnit, 696) + div_round_half_up(Int128{48} * kNanosPerUnit, 744);
    EXPECT_EQ(r.groups[0].gb_month_nanos, expect);
}

TEST(StorageTable, GroupsByBucketAndKeyPrefix) {
    Events ev;
    ev.put(kMar, "logs/2024/a", "o", 1, "b1");
    ev.put(kMar, "logs/2023/b", "o", 2, "b1");
    ev.put(kMar, "img/c", "o", 4, "b2");
    const StorageResult r = ev.run({StorageDimSpec{StorageDim::Bucket, 0}, *parse_storage_dim("prefix:1")});
    ASSERT_EQ(r.groups.size(), 2u);
    EXPECT_EQ(int128_decimal(group(r, {"b1", "logs"})->bytes_end), "3");
    EXPECT_EQ(int128_decimal(group(r, {"b2", "img"})->bytes_end), "4");
}

TEST(StorageTable, DeleteOfAnObjectTheLogsNeverWroteIsSaid) {
    Events ev;
    ev.del(kMar + kDay, "old");
    const StorageResult r = ev.run();
    EXPECT_TRUE(r.groups.empty());
    EXPECT_EQ(r.stats.unknown_object, 1u);
    ASSERT_EQ(r.caveats.size(), 2u);
    EXPECT_NE(r.caveats[0].find("--inventory"), std::string::npos);
    EXPECT_NE(r.caveats[1].find("1 delete or transition"), std::string::npos);
}

TEST(StorageTable, WritesCountedInStandardForWantOfTheirClassAreSaid) {
    // An access log has no x-amz-storage-class: a logged write is STANDARD until a transition,
    // and every output says how many writes that was.
    Events ev;
    ev.put(kMar, "a", "o", 10);
    ev.put(kMar + kDay, "a", "o", 20);  // an overwrite: a second write
    ev.add(StorageOp::Transition, kMar + 2 * kDay, "b", "a", "-").to = StorageClass::StandardIa;
    StorageEvent& part = ev.add(StorageOp::PutPart, kMar, "b", "big", "o", 5);
    part.upload = ev.names.uploads.intern("U1");
    part.part = 1;
    const StorageResult r = ev.run({StorageDimSpec{StorageDim::Class, 0}});
    EXPECT_EQ(r.stats.class_assumed, 3u);
    EXPECT_NE(group(r, {"STANDARD_IA"}), nullptr);  // the transition still moves it
    const auto said = std::find_if(r.caveats.begin(), r.caveats.end(), [](const std::string& c) {
        return c.find("3 writes of these logs (objects and parts) are counted in STANDARD") != std::string::npos;
    });
    EXPECT_NE(said, r.caveats.end());

    Events none;  // only a delete: no write, no such line
    none.del(kMar, "old");
    for (const std::string& c : none.run().caveats) EXPECT_EQ(c.find("counted in STANDARD"), std::string::npos) << c;
}

TEST(StorageTable, ASameSecondPutThenDeleteLeavesNothing) {
    Events ev;
    ev.put(kMar + kDay, "k", "o", 5);
    ev.del(kMar + kDay, "k");
    const StorageResult r = ev.run();
    ASSERT_EQ(r.groups.size(), 1u);  // it was stored (peak), for zero seconds
    EXPECT_EQ(int128_decimal(r.groups[0].byte_seconds), "0");
    EXPECT_EQ(int128_decimal(r.groups[0].bytes_end), "0");
}

// From log lines through the batch builder and the collector: failed writes change nothing,
// lifecycle lines (status "-") apply, the org comes from --org-from.
TEST(StorageLines, FromLogLinesFailedWritesChangeNothing) {
    const std::string lines[] = {
        R"(o b [01/Mar/2024:00:00:00 +0000] 10.0.0.1 arn:u R1 REST.PUT.OBJECT k "PUT /b/k?org=acme HTTP/1.1" 200 - - 1000 5 4 "-" "ua" -)",
        R"(o b [01/Mar/2024:00:00:10 +0000] 10.0.0.1 arn:u R2 REST.PUT.OBJECT k "PUT /b/k?org=evil HTTP/1.1" 403 AccessDenied 243 9999 5 4 "-" "ua" -)",
        R"(o b [01/Mar/2024:01:00:00 +0000] - AmazonS3 R3 S3.EXPIRE.OBJECT k "-" - - - 1000 - - "-" "-" -)",
    };
    BatchBuilder builder(OrgSource{}, DimMask{});
    builder.keep_storage_lines(true);
    std::uint64_t at = 0;
    for (const auto& l : lines) {
        auto rec = parse_s3_access_log(l);
        ASSERT_TRUE(rec.has_value()) << l;
        builder.add(*rec, "f.log", at);
        at += l.size() + 1;
    }
    Batch b = builder.take();
    ASSERT_EQ(b.storage.lines.size(), 2u);
    EXPECT_EQ(b.storage.failed, 1u);
    StorageCollector c;
    c.add(b.storage);
    const StorageResult r = c.read([&](const StorageView& events) { return compute_storage(march(), events); });
    ASSERT_EQ(r.groups.size(), 1u);
    EXPECT_EQ(r.groups[0].key, std::vector<std::string>{"acme"});
    EXPECT_EQ(int128_decimal(r.groups[0].byte_seconds), std::to_string(1000 * kHour));
    EXPECT_EQ(r.stats.failed, 1u);
}

// A taken batch's storage lines handed back (ParseWorker::flush does, once an ingest's sink has
// encoded them) are where the next batch's lines go: the same memory, holding only that
// batch's lines and failures, its paths kept anew.
TEST(StorageLines, TheNextBatchWritesIntoTheRoomOfLinesHandedBack) {
    const std::string put =
        R"(o b [01/Mar/2024:00:00:00 +0000] 10.0.0.1 arn:u R1 REST.PUT.OBJECT k "PUT /b/k?org=acme HTTP/1.1" 200 - - 1000 5 4 "-" "ua" -)";
    const std::string denied =
        R"(o b [01/Mar/2024:00:00:10 +0000] 10.0.0.1 arn:u R2 REST.PUT.OBJECT k "PUT /b/k?org=evil HTTP/1.1" 403 AccessDenied 243 9999 5 4 "-" "ua" -)";
    BatchBuilder builder(OrgSource{}, DimMask{});
    builder.keep_storage_lines(true);
    const auto add = [&](const std::string& line, std::string_view path, std::uint64_t at) {
        const auto rec = parse_s3_access_log(line);
        ASSERT_TRUE(rec.has_value()) << line;
        builder.add(*rec, path, at);
    };
    for (std::uint64_t i = 0; i < 100; ++i) add(put, "first-file.log", i * 200);
    add(denied, "first-file.log", 20000);
    Batch first = builder.take();
    ASSERT_EQ(first.storage.lines.size(), 100u);
    ASSERT_EQ(first.storage.failed, 1u);
    const StorageLine* const lines = first.storage.lines.data();
    const char* const text = first.storage.text.data();
    builder.reuse_storage(std::move(first.storage));
    add(put, "f.log", 7);
    Batch second = builder.take();
    ASSERT_EQ(second.storage.lines.size(), 1u);
    EXPECT_EQ(second.storage.lines.data(), lines) << "not written into the room handed back";
    EXPECT_EQ(second.storage.text.data(), text);
    EXPECT_EQ(second.storage.failed, 0u);
    const StorageLine& l = second.storage.lines[0];
    EXPECT_EQ(l.at, 7u);
    EXPECT_EQ(second.storage.view(l.path), "f.log");
    EXPECT_EQ(second.storage.view(l.org), "acme");
    EXPECT_EQ(second.storage.view(l.key), "k");
    // A batch that has lines already keeps its own; room smaller than its own is not taken.
    add(put, "g.log", 9);
    StorageLines more = std::move(second.storage);
    builder.reuse_storage(std::move(more));
    Batch third = builder.take();
    ASSERT_EQ(third.storage.lines.size(), 1u);
    EXPECT_EQ(third.storage.view(third.storage.lines[0].path), "g.log");
    builder.reuse_storage(StorageLines{});
    add(put, "h.log", 11);
    EXPECT_EQ(builder.take().storage.lines.size(), 1u);
}

TEST(StorageLines, PartsCarryTheirUploadIdAndNumber) {
    const std::string l =
        R"(o b [01/Mar/2024:00:00:00 +0000] 10.0.0.1 arn:u R1 REST.PUT.PART big "PUT /b/big?partNumber=3&uploadId=xyz HTTP/1.1" 200 - - 5242880 5 4 "-" "ua" -)";
    auto rec = parse_s3_access_log(l);
    ASSERT_TRUE(rec.has_value());
    StorageLines s;
    s.add(*rec, "org");
    ASSERT_EQ(s.lines.size(), 1u);
    EXPECT_EQ(s.lines[0].op, StorageOp::PutPart);
    EXPECT_EQ(s.lines[0].part, 3);
    EXPECT_EQ(s.view(s.lines[0].upload), "xyz");
    EXPECT_EQ(s.lines[0].size, 5242880u);
}

/// March 2024 with AWS's minimums for Standard-IA (30 days, 128 KiB) and Glacier (90 days).
StorageSpec with_minimums(std::int64_t from = kMar, std::int64_t to = kApr) {
    StorageSpec spec;
    spec.from = from;
    spec.to = to;
    spec.by = {StorageDimSpec{}, StorageDimSpec{StorageDim::Class, 0}};
    spec.minimums[static_cast<std::size_t>(StorageClass::StandardIa)] = {30, 131072};
    spec.minimums[static_cast<std::size_t>(StorageClass::Glacier)] = {90, 0};
    return spec;
}

TEST(StorageMinimums, ASmallIaObjectDeletedEarlyIsBilled128KiBForThirtyDays) {
    Events ev;
    ev.put(kMar, "k", "acme", 1000);
    ev.add(StorageOp::Transition, kMar + kDay, "b", "k", "-").to = StorageClass::StandardIa;
    ev.del(kMar + 11 * kDay, "k");
    const StorageResult r = ev.run(with_minimums());
    const StorageGroup* standard = group(r, {"acme", "STANDARD"});
    const StorageGroup* ia = group(r, {"acme", "STANDARD_IA"});
    ASSERT_TRUE(standard && ia);
    // Stored: 1000 B for a day in Standard, 10 days in IA; billed as is in Standard.
    EXPECT_EQ(int128_decimal(standard->byte_seconds), std::to_string(1000 * kDay));
    EXPECT_EQ(int128_decimal(standard->billed_byte_seconds), std::to_string(1000 * kDay));
    EXPECT_EQ(int128_decimal(ia->byte_seconds), std::to_string(1000 * 10 * kDay));
    // In IA it is billed as 131,072 B, and for 30 days although it went after 10.
    EXPECT_EQ(int128_decimal(ia->billed_byte_seconds), std::to_string(131072LL * 30 * kDay));
    EXPECT_EQ(int128_decimal(r.all.billed_byte_seconds), std::to_string(1000 * kDay + 131072LL * 30 * kDay));
}

TEST(StorageMinimums, AnObjectKeptPastTheMinimumOrStillStoredPaysNoRest) {
    Events ev;
    ev.put(kMar, "gone", "acme", 200000);
    ev.add(StorageOp::Transition, kMar, "b", "gone", "-").to = StorageClass::StandardIa;
    ev.del(kMar + 30 * kDay, "gone");  // exactly the 30 days
    ev.put(kMar + 20 * kDay, "kept", "acme", 200000);
    ev.add(StorageOp::Transition, kMar + 20 * kDay, "b", "kept", "-").to = StorageClass::StandardIa;
    const StorageResult r = ev.run(with_minimums());
    const StorageGroup* ia = group(r, {"acme", "STANDARD_IA"});
    ASSERT_TRUE(ia);
    // "kept" is still stored at the end of March: billed to the end, its minimum runs on.
    const Int128 stored = Int128{200000} * (30 * kDay) + Int128{200000} * (11 * kDay);
    EXPECT_EQ(int128_decimal(ia->byte_seconds), int128_decimal(stored));
    EXPECT_EQ(int128_decimal(ia->billed_byte_seconds), int128_decimal(stored));
}

TEST(StorageMinimums, TheRestIsBilledInTheMonthTheObjectGoesAndAnOverwriteCounts) {
    Events ev;
    ev.put(kMar + 25 * kDay, "k", "acme", 500);
    ev.add(StorageOp::Transition, kMar + 25 * kDay, "b", "k", "-").to = StorageClass::Glacier;
    ev.put(kApr + kDay, "k", "acme", 500);  // overwritten after 7 days in Glacier (90 minimum)
    const std::int64_t may = *parse_iso8601("2024-05-01");
    const StorageResult r = ev.run(with_minimums(kMar, may));
    const StorageGroup* glacier = group(r, {"acme", "GLACIER"});
    ASSERT_TRUE(glacier);
    ASSERT_EQ(r.months.size(), 2u);
    ASSERT_EQ(glacier->month_billed.size(), 2u);
    EXPECT_EQ(int128_decimal(glacier->month_billed[0]), std::to_string(500 * 6 * kDay));         // March 26..31
    EXPECT_EQ(int128_decimal(glacier->month_billed[1]), std::to_string(500 * (1 + 83) * kDay));  // 1 day + the rest
    EXPECT_EQ(int128_decimal(glacier->byte_seconds), std::to_string(500 * 7 * kDay));
}

TEST(StorageMinimums, AFilterLeavesVersionsOutAndGroupsPlusFilteredIsAll) {
    Events ev;
    ev.put(kMar, "a/1", "acme", 1000);
    ev.put(kMar, "b/1", "globex", 3000);
    ev.put(kMar + kDay, "a/2", "globex", 7);
    StorageSpec spec = with_minimums();
    spec.filter = *parse_filter("prefix:1=a");
    ASSERT_EQ(storage_filter_problem(spec.filter), "");
    const StorageResult r = ev.run(spec);
    ASSERT_EQ(r.groups.size(), 2u);
    EXPECT_EQ(int128_decimal(r.filtered.byte_seconds), std::to_string(3000 * 31 * kDay));
    EXPECT_EQ(int128_decimal(r.totals.byte_seconds + r.filtered.byte_seconds), int128_decimal(r.all.byte_seconds));
    EXPECT_EQ(int128_decimal(r.all.byte_seconds), std::to_string(1000 * 31 * kDay + 3000 * 31 * kDay + 7 * 30 * kDay));
    EXPECT_NE(storage_filter_problem(*parse_filter("status=200")), "");
    EXPECT_NE(storage_filter_problem(*parse_filter("from=2024-03-02")), "");
}

TEST(StorageCheck, ALaterInventoryIsComparedWithWhatTheLogsLeftStoredAtItsTime) {
    Events ev;
    ev.put(kMar, "a/1", "acme", 100);
    ev.put(kMar + kDay, "a/2", "globex", 200);
    ev.put(kMar + 2 * kDay, "a/4", "acme", 400);  // the inventory does not list it
    ev.del(kMar + 4 * kDay, "a/1");               // gone before the inventory: agrees
    ev.put(kMar + 11 * kDay, "a/3", "acme", 50);  // after the inventory: not compared
    StorageBaseline later;
    later.time = kMar + 9 * kDay;
    later.bucket = ev.names.bucket("b");
    later.description = "inventory of b made at 2024-03-10";
    const std::uint32_t none = ev.names.orgs.intern("");
    later.rows.push_back({ev.names.key(later.bucket, "a/2"), 0, none, 200, StorageClass::Standard, true});
    later.rows.push_back({ev.names.key(later.bucket, "a/3"), 0, none, 50, StorageClass::Standard, true});  // lost
    later.rows.push_back({ev.names.key(later.bucket, "a/2"), 0, none, 77, StorageClass::Standard, false});
    const std::vector<StorageBaseline> laters{later};
    const StorageResult r = compute_storage(march(), ev.names, ev.list, 0, nullptr, &laters);
    ASSERT_EQ(r.checks.size(), 1u);
    const StorageCheck& c = r.checks[0];
    EXPECT_EQ(c.versions, 3u);
    ASSERT_EQ(c.orgs.size(), 3u);
    // "-": a/3, listed, which the logs had not written by then (owner by the key rule: none).
    EXPECT_EQ(c.orgs[0].org, "-");
    EXPECT_EQ(c.orgs[0].only_inventory, 1u);
    EXPECT_EQ(int128_decimal(c.orgs[0].only_inventory_bytes), "50");
    // acme: a/4, which the logs wrote and the inventory does not list.
    EXPECT_EQ(c.orgs[1].org, "acme");
    EXPECT_EQ(c.orgs[1].only_logs, 1u);
    EXPECT_EQ(c.orgs[1].only_inventory, 0u);
    EXPECT_EQ(int128_decimal(c.orgs[1].only_logs_bytes), "400");
    // globex: a noncurrent version of its key the logs never showed; its current one agrees.
    EXPECT_EQ(c.orgs[2].org, "globex");
    EXPECT_EQ(c.orgs[2].only_inventory, 1u);
    EXPECT_EQ(c.orgs[2].only_logs, 0u);
    // Said in a caveat line; the table itself is not changed by a check.
    EXPECT_EQ(int128_decimal(r.totals.byte_seconds),
              std::to_string(100 * 4 * kDay + 200 * 30 * kDay + 400 * 29 * kDay + 50 * 20 * kDay));
    bool said = false;
    for (const auto& line : r.caveats)
        said = said || line.find("the later inventory of b made at 2024-03-10 differs") != std::string::npos;
    EXPECT_TRUE(said);
}

TEST(StorageCheck, AnInventoryThatMatchesSaysSo) {
    Events ev;
    ev.put(kMar, "k", "acme", 100);
    StorageBaseline later;
    later.time = kMar + kDay;
    later.bucket = ev.names.bucket("b");
    later.description = "inventory of b made at 2024-03-02";
    later.rows.push_back({ev.names.key(later.bucket, "k"), 0, 0, 100, StorageClass::Standard, true});
    const std::vector<StorageBaseline> laters{later};
    const StorageResult r = compute_storage(march(), ev.names, ev.list, 0, nullptr, &laters);
    ASSERT_EQ(r.checks.size(), 1u);
    EXPECT_TRUE(r.checks[0].orgs.empty());
}

}  // namespace
}  // namespace s3top
