// The string pool: dense ids, each string once, found again after the table has grown.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/util/hash.hpp"
#include "core/util/string_pool.hpp"

namespace s3top {
namespace {

TEST(StringPool, AStringWithAnotherStringsTagAndLengthInItsSlotIsStillNew) {
    // A slot keeps only the top 16 bits of its string's hash (the tag): two strings of one length
    // whose hashes share the tag and the first slot (the low 4 bits of a new pool's 16) are told
    // apart by their bytes. Found by hashing with the pool's own seed.
    StringPool pool;
    constexpr std::uint64_t kSame = 0xFFFF00000000000FULL;
    std::unordered_map<std::uint64_t, std::string> seen;  // by tag and first slot
    std::string a, b;
    for (int i = 0; a.empty() && i < 2000000; ++i) {
        std::string s = "tag/" + std::to_string(1000000 + i);
        const auto [at, added] = seen.emplace(pool.hash(s) & kSame, s);
        if (!added) {
            a = at->second;
            b = s;
        }
    }
    ASSERT_FALSE(a.empty());
    ASSERT_NE(a, b);
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(pool.intern(a), 1u);
    EXPECT_EQ(pool.intern(b), 2u);
    EXPECT_EQ(pool.find(a), 1u);
    EXPECT_EQ(pool.find(b), 2u);
    EXPECT_EQ(pool.view(1), a);
    EXPECT_EQ(pool.view(2), b);
    EXPECT_EQ(pool.intern(b), 2u);
    EXPECT_EQ(pool.intern(a), 1u);
}

TEST(StringPool, StoredBytesAreBelowTwoToThe48) {
    // A slot keeps 48 bits of where its string is stored (the top 16 are its tag); what user space
    // gives a process on x86-64 and arm64 Linux fits. Strings in many blocks, and a long one.
    StringPool pool;
    for (int i = 0; i < 100000; ++i) pool.intern("addr/" + std::to_string(i));
    pool.intern(std::string(1 << 20, 'x'));
    for (std::uint32_t id = 1; id < pool.size(); ++id)
        ASSERT_EQ(reinterpret_cast<std::uintptr_t>(pool.view(id).data()) >> 48, 0u) << id;
}

TEST(StringPool, ViewsReadEachIdsStringWhereItIsStoredAndStayAfterGrowth) {
    // views() is one pointer an id (the length is stored before the bytes): id 0 is the empty
    // string, a string with a NUL or longer than a word reads back whole, and a pointer taken
    // before the pool grew still reads its string (the bytes never move; the table does).
    StringPool pool;
    const std::string with_nul("a\0b", 3), long_one(300, 'z');
    ASSERT_EQ(pool.intern(with_nul), 1u);
    ASSERT_EQ(pool.intern(long_one), 2u);
    const char* first = pool.stored(1);
    for (int i = 0; i < 5000; ++i) pool.intern("grow/" + std::to_string(i));
    const StoredViews all = pool.views();
    ASSERT_EQ(all.size(), pool.size());
    EXPECT_EQ(all[0], "");
    EXPECT_EQ(all[0].size(), 0u);
    EXPECT_EQ(all[1], with_nul);
    EXPECT_EQ(all[2], long_one);
    EXPECT_EQ(all[4999 + 3], "grow/4999");
    EXPECT_EQ(pool.stored(1), first);
    EXPECT_EQ(string_pool_detail::stored_view(first), with_nul);
    pool.clear();
    EXPECT_EQ(pool.size(), 1u);
    EXPECT_EQ(pool.views()[0], "");
    EXPECT_EQ(pool.intern(long_one), 1u);
    EXPECT_EQ(pool.view(1), long_one);
}

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

// A string's last bytes are read as words (no byte-wise copy): the same word memcpy into a zeroed
// one gives, for every length of tail and of string, so hashes are what they were.
TEST(Hash, TailWordIsTheZeroPaddedBytes) {
    const std::string text =
        "\x01\x80\xff"
        "abcdefghijklmnopq";
    for (std::size_t size = 1; size <= text.size(); ++size) {
        const std::size_t n = size % 8;
        if (n == 0) continue;
        const char* p = text.data() + size - n;
        std::uint64_t want = 0;
        std::memcpy(&want, p, n);
        EXPECT_EQ(tail_bytes(p, n, size), want) << size;
    }
}

// Pools hash short strings as two words that may overlap and compare them word-wise: a byte
// left out of either would make two strings one. Every byte of every length counts.
TEST(StringPool, EveryByteOfEveryLengthTellsStringsApart) {
    StringPool pool;
    constexpr std::size_t kLongest = 112;  // past two rounds of the three 16-byte lanes (over 48 bytes)
    for (std::size_t size = 1; size <= kLongest; ++size) {
        const std::string base(size, 'a');
        const std::uint32_t base_id = pool.intern(base);
        for (std::size_t at = 0; at < size; ++at) {
            for (const char c : {'b', '\x80'}) {
                std::string other = base;
                other[at] = c;
                EXPECT_NE(pool.hash(other), pool.hash(base)) << size << " " << at;
                const std::uint32_t id = pool.intern(other);
                EXPECT_NE(id, base_id) << size << " " << at;
                EXPECT_EQ(pool.view(id), other);
                EXPECT_EQ(pool.find(other), id);
            }
        }
        EXPECT_EQ(pool.find(base), base_id);
    }
    EXPECT_EQ(pool.size(), 1 + kLongest + 2 * (kLongest * (kLongest + 1) / 2));
}

TEST(StringPool, InternWithItsHashIsIntern) {
    StringPool pool, other;
    EXPECT_EQ(pool.hash("data/k1"), other.hash("data/k1"));  // one seed per process
    EXPECT_EQ(pool.intern("data/k1", pool.hash("data/k1")), 1u);
    pool.prefetch(pool.hash("data/k2"));  // a hint: changes nothing
    EXPECT_EQ(pool.intern("data/k1"), 1u);
    EXPECT_EQ(pool.intern("data/k2", pool.hash("data/k2")), 2u);
    EXPECT_EQ(pool.find("data/k2"), 2u);
}

TEST(StringPool, InternAllMapsEachStringToItsIdHere) {
    // A batch's pool merged into the engine's: strings already there keep their ids, new ones
    // get the next ones in the order intern() would give them to one by one, and the empty
    // string stays 0. The big pool grows while merging (16 slots to far more).
    StringPool big;
    for (int i = 0; i < 30; ++i) big.intern("old/" + std::to_string(i));
    StringPool batch;
    std::vector<std::string> seen{""};
    for (int i = 0; i < 5000; ++i) {
        const std::string s = i % 3 == 0 ? "old/" + std::to_string(i % 40) : "new/" + std::to_string(i);
        if (batch.intern(s) == seen.size()) seen.push_back(s);
    }
    StringPool expected;  // the same merge, one intern() at a time
    for (int i = 0; i < 30; ++i) expected.intern("old/" + std::to_string(i));
    std::vector<std::uint32_t> remap;
    big.intern_all(batch, remap);
    ASSERT_EQ(remap.size(), batch.size());
    EXPECT_EQ(remap[0], 0u);
    for (std::uint32_t id = 1; id < batch.size(); ++id) {
        ASSERT_EQ(big.view(remap[id]), batch.view(id)) << id;
        ASSERT_EQ(big.find(batch.view(id)), remap[id]);
    }
    for (std::uint32_t id = 1; id < batch.size(); ++id) ASSERT_EQ(remap[id], expected.intern(batch.view(id))) << id;
    EXPECT_EQ(big.size(), expected.size());
    // Merged again: nothing new.
    big.intern_all(batch, remap);
    EXPECT_EQ(big.size(), expected.size());
    for (std::uint32_t id = 1; id < batch.size(); ++id) ASSERT_EQ(big.view(remap[id]), batch.view(id));
}

}  // namespace
}  // namespace s3top
