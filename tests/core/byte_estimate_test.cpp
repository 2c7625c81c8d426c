// ByteEstimate (core/ingest/byte_estimate.hpp): while a plan goes, the files listed by name only
// that it has not reached are expected at the mean size of those it has, so the engine's columns
// grow once to about the rows the whole load holds; what the estimate told beyond the bytes found
// is taken back once the plan is over.
#include <gtest/gtest.h>

#include "core/agg/engine.hpp"
#include "core/ingest/byte_estimate.hpp"

namespace s3top {
namespace {

TEST(ByteEstimate, TheFirstFilesPlannedTellTheWholeLoadAtTheirMeanSize) {
    ByteEstimate e(/*stated=*/0, /*unstated=*/10);
    // The first chunk: 2 files of 100 bytes: 8 more are expected at 100 each.
    EXPECT_EQ(e.planned(200, 2), 1000u);
    // The same mean: nothing more to tell.
    EXPECT_EQ(e.planned(300, 3), 0u);
    EXPECT_EQ(e.planned(500, 5), 0u);
    EXPECT_EQ(e.known(), 1000u);
    EXPECT_EQ(e.overshoot(), 0u);
}

TEST(ByteEstimate, ItOnlyGrowsAndWhatCameOutHighIsTakenBack) {
    ByteEstimate e(/*stated=*/500, /*unstated=*/4);
    EXPECT_EQ(e.planned(400, 1), 400u + 3 * 400u);  // 500 + 400 known, 3 x 400 to come
    EXPECT_EQ(e.planned(100, 1), 0u);               // mean 250: 500 + 500 + 2 x 250 < told
    EXPECT_EQ(e.planned(900, 1), 500u + 1400 + 1 * 466 - (500 + 400 + 1200));
    // The plan made no job of the last input (a copy of another, say): the estimate of it and
    // the high guesses before are what the engine was told in vain.
    EXPECT_EQ(e.known(), 1900u);
    EXPECT_EQ(e.overshoot(), 2366u - 1900u);
}

TEST(ByteEstimate, AllStatedTellsNothingMore) {
    ByteEstimate e(/*stated=*/12345, /*unstated=*/0);
    EXPECT_EQ(e.overshoot(), 0u);
    EXPECT_EQ(e.known(), 12345u);
}

TEST(Engine, BytesExpectedInVainAreTakenBackNeverBelowZero) {
    Engine engine(EngineConfig{});
    engine.expect_bytes(1000);
    engine.unexpect_bytes(300);
    EXPECT_EQ(engine.expected_bytes(), 700u);
    engine.unexpect_bytes(5000);
    EXPECT_EQ(engine.expected_bytes(), 0u);
}

}  // namespace
}  // namespace s3top
