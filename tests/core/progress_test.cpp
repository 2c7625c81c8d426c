// The load's progress counts: every planned file and stored byte is read by the end (gzip by its
// compressed size, a big file cut into blocks, a file that cannot be read topped up), and the
// line people see.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/ingest/inputs.hpp"
#include "core/ingest/loader.hpp"
#include "core/ingest/progress.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

const std::string kLine =
    "owner bkt [06/Feb/2019:00:00:38 +0000] 192.0.2.3 - REQ REST.GET.OBJECT k \"GET /bkt/k?org=a HTTP/1.1\" 200 - 100 "
    "100 5 1 \"-\" \"curl/8\" - hid SigV4 C AuthHeader h TLSv1.2 - -\n";

std::string repeat(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += kLine;
    return s;
}

TEST(LoadProgress, EveryPlannedFileAndStoredByteIsReadByTheEnd) {
    test::TempDir dir;
    const std::string small = repeat(10), big = repeat(5000), packed = test::gzip(repeat(3000));
    dir.write("a.log", small);
    dir.write("b.log", big);  // ~1.4 MB: cut into blocks by the reader (block_bytes below)
    dir.write("c.log.gz", packed);
    Engine e(EngineConfig{});
    LoaderOptions o;
    o.workers = 2;
    o.block_bytes = 64 << 10;
    o.progress = std::make_shared<LoadProgress>();
    Loader l(e, o);
    std::vector<InputProblem> problems;
    const auto files = collect_inputs({dir.path().string()}, problems);
    ASSERT_EQ(files.size(), 3u);
    l.load(files);
    const LoadProgress::Counts c = o.progress->counts();
    EXPECT_EQ(c.files_planned, 3u);
    EXPECT_EQ(c.files_read, 3u);
    EXPECT_EQ(c.bytes_planned, small.size() + big.size() + packed.size());  // .gz: its stored size
    EXPECT_EQ(c.bytes_read, c.bytes_planned);
    EXPECT_EQ(c.lines, 10u + 5000u + 3000u);
}

TEST(LoadProgress, AFileThatCannotBeReadStillEndsTheCount) {
    test::TempDir dir;
    dir.write("a.log", repeat(4));
    dir.write("b.log", repeat(4));
    Engine e(EngineConfig{});
    LoaderOptions o;
    o.progress = std::make_shared<LoadProgress>();
    Loader l(e, o);
    std::vector<InputProblem> problems;
    const auto files = collect_inputs({dir.path().string()}, problems);
    std::filesystem::remove(dir.path() / "b.log");  // gone between the listing and the read
    const LoadResult r = l.load(files);
    ASSERT_FALSE(r.files[1].error.empty());
    const LoadProgress::Counts c = o.progress->counts();
    EXPECT_EQ(c.files_read, 2u);
    EXPECT_EQ(c.bytes_read, c.bytes_planned);
    EXPECT_EQ(c.lines, 4u);
}

TEST(LoadProgress, ReadsFilesBytesRateAndTimeLeft) {
    LoadProgress::Counts c;
    c.files_planned = 1217;
    c.files_read = 312;
    c.bytes_planned = 1260u << 20;
    c.bytes_read = 315u << 20;
    c.lines = 2'400'000;
    EXPECT_EQ(progress_text(c, 2.0), "312/1,217 files  315 MiB of 1.23 GiB (25%)  1.20M lines/s  6s left");
    // Under half a second: no rate or time left yet.
    EXPECT_EQ(progress_text(c, 0.2), "312/1,217 files  315 MiB of 1.23 GiB (25%)");
    c.bytes_read = c.bytes_planned;
    EXPECT_EQ(progress_text(c, 2.0), "312/1,217 files  1.23 GiB of 1.23 GiB (100%)  1.20M lines/s");
    // Standard input: no total, so no share or time left.
    LoadProgress::Counts in;
    in.files_planned = 1;
    in.bytes_unplanned = 3u << 20;
    in.lines = 9000;
    EXPECT_EQ(progress_text(in, 3.0), "0/1 file  3.00 MiB  3.00k lines/s");
    c.bytes_read = 1;
    c.lines = 1;
    const std::string slow = progress_text(c, 4000.0);
    EXPECT_EQ(slow.substr(slow.rfind("  ") + 2), "over 99h left");
}

}  // namespace
}  // namespace s3top
