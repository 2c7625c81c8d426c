// The ledger's content hash: one digest however the bytes are cut, resumable from a stored
// state, order-sensitive, and fixed (state files keep its digests).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/ingest/state_store.hpp"
#include "core/util/stream_hash.hpp"

namespace s3top {
namespace {

std::string sample(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(' ' + rng() % 95);
    return s;
}

TEST(StreamHash, AnyCutGivesTheDigestOfTheWhole) {
    std::mt19937 rng(11);
    for (const std::size_t n : {0, 1, 7, 8, 31, 32, 33, 63, 64, 65, 1000, 4099}) {
        const std::string s = sample(n, static_cast<unsigned>(n));
        const std::uint64_t whole = StreamHash::of(s);
        for (int trial = 0; trial < 20; ++trial) {
            StreamHash h;
            for (std::size_t at = 0; at < n;) {
                const std::size_t k = std::min<std::size_t>(n - at, rng() % 70);
                h.update(std::string_view(s).substr(at, k));
                at += k;
            }
            h.update(std::string_view{});  // nothing, with a null data(): nothing changes
            ASSERT_EQ(h.digest(), whole) << n << " bytes, trial " << trial;
            ASSERT_EQ(h.length(), n);
        }
    }
}

TEST(StreamHash, ARestoredStateContinuesTheSameStream) {
    const std::string s = sample(777, 3);
    for (std::size_t at = 0; at <= s.size(); at += 13) {
        StreamHash first;
        first.update(std::string_view(s).substr(0, at));
        const StreamHash::State kept = first.state();
        // The state says the same whatever was in the unfinished stripe's unused bytes.
        StreamHash again;
        again.update(std::string_view(s).substr(0, at));
        EXPECT_EQ(again.state(), kept);
        StreamHash resumed = StreamHash::restore(kept);
        resumed.update(std::string_view(s).substr(at));
        ASSERT_EQ(resumed.digest(), StreamHash::of(s)) << "resumed at " << at;
    }
}

TEST(StreamHash, ChangedOrMovedBytesChangeTheDigest) {
    const std::string a = "line one of the log, 32 bytes!!\nline two of the log, 32 bytes!!\n";
    const std::string swapped = a.substr(32) + a.substr(0, 32);  // whole stripes swapped
    EXPECT_NE(StreamHash::of(a), StreamHash::of(swapped));
    std::string flipped = a;
    for (std::size_t i = 0; i < a.size(); ++i) {
        flipped[i] = static_cast<char>(a[i] ^ 1);
        ASSERT_NE(StreamHash::of(flipped), StreamHash::of(a)) << "byte " << i;
        flipped[i] = a[i];
    }
    // A zero byte more is another content.
    EXPECT_NE(StreamHash::of(std::string(5, '\0')), StreamHash::of(std::string(6, '\0')));
    EXPECT_NE(StreamHash::of(std::string(32, '\0')), StreamHash::of(std::string(33, '\0')));
}

TEST(StreamHash, DigestsAreTheStoredOnes) {
    // State files keep these digests (every format read, 7 on): a change to the function is a
    // new state format that does not read the older ones. When this fails on purpose, raise
    // StateStore::kVersion and kOldestRead to it (older files are then rebuilt) and record the
    // new values here.
    EXPECT_EQ(StateStore::kOldestRead, 7u);
    EXPECT_EQ(StreamHash::of(""), 0x04bb8f97616afa24ull);
    EXPECT_EQ(StreamHash::of("abc"), 0xa29b4722e226315eull);
    EXPECT_EQ(StreamHash::of(sample(1000, 1)), 0x9f405b0ea247098cull);
}

}  // namespace
}  // namespace s3top
