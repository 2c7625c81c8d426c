#pragma once
// A streaming 64-bit content hash: the same bytes give the same digest however they are cut
// into update() calls, and the state is plain numbers, so a ledger can store it and resume
// hashing a file that grows. Not cryptographic: it tells a re-synced copy from new content.
//
// Four lanes take turns over each 32-byte stripe's 8-byte words, each lane a multiply-rotate-
// multiply chain (the round of xxHash's XXH64): order-sensitive (lines swapped give another
// digest), and the four chains run side by side, about 4 bytes a cycle where one chain of a
// full mix per word did 1.5. The digest is stored in state files: changing the function needs
// a new StateStore::kVersion (StreamHash.DigestsAreTheStoredOnes pins it).
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/util/hash.hpp"

namespace s3top {

class StreamHash {
public:
    static constexpr std::uint64_t kSeed = 0x5333544f50484153ULL;  // "S3TOPHAS"
    static constexpr std::size_t kStripe = 32;

    void update(std::string_view d) {
        if (d.empty()) return;  // (its data() may be null, which memcpy may not be given)
        const char* p = d.data();
        std::size_t n = d.size();
        const std::size_t fill = static_cast<std::size_t>(s_.len % kStripe);
        s_.len += n;
        if (fill != 0) {  // finish the stripe the previous call started
            const std::size_t take = n < kStripe - fill ? n : kStripe - fill;
            std::memcpy(reinterpret_cast<char*>(s_.pending.data()) + fill, p, take);
            p += take;
            n -= take;
            if (fill + take < kStripe) return;
            stripe(reinterpret_cast<const char*>(s_.pending.data()));
        }
        if (n >= kStripe) {
            std::uint64_t a0 = s_.acc[0], a1 = s_.acc[1], a2 = s_.acc[2], a3 = s_.acc[3];
            for (; n >= kStripe; p += kStripe, n -= kStripe) {
                a0 = round(a0, load(p));
                a1 = round(a1, load(p + 8));
                a2 = round(a2, load(p + 16));
                a3 = round(a3, load(p + 24));
            }
            s_.acc = {a0, a1, a2, a3};
        }
        if (n > 0) std::memcpy(s_.pending.data(), p, n);
    }
    /// The digest of every byte given so far.
    std::uint64_t digest() const {
        std::uint64_t h = s_.len * kPrime5;
        for (std::size_t i = 0; i < 4; ++i) h = (h ^ round(0, s_.acc[i])) * kPrime1 + kPrime4;
        const std::size_t fill = static_cast<std::size_t>(s_.len % kStripe);
        const char* p = reinterpret_cast<const char*>(s_.pending.data());
        for (std::size_t i = 0; i < fill; i += 8) {
            std::uint64_t w = 0;
            std::memcpy(&w, p + i, fill - i < 8 ? fill - i : 8);
            h = (h ^ round(0, w)) * kPrime1 + kPrime4;
        }
        return mix64(h);
    }
    std::uint64_t length() const { return s_.len; }

    /// The state, for storing and resuming (restore(state()) continues the same stream): the
    /// lanes, the length, and the bytes of an unfinished stripe (len % 32 of them, the rest 0).
    struct State {
        std::array<std::uint64_t, 4> acc{kSeed + kPrime1 + kPrime2, kSeed + kPrime2, kSeed, kSeed - kPrime1};
        std::uint64_t len = 0;
        std::array<std::uint64_t, 4> pending{};
        friend bool operator==(const State&, const State&) = default;
    };
    State state() const {
        State s = s_;
        const std::size_t fill = static_cast<std::size_t>(s.len % kStripe);
        std::memset(reinterpret_cast<char*>(s.pending.data()) + fill, 0, kStripe - fill);
        return s;
    }
    static StreamHash restore(const State& s) {
        StreamHash x;
        x.s_ = s;
        return x;
    }
    /// The digest of one buffer (same as one update() then digest()).
    static std::uint64_t of(std::string_view d) {
        StreamHash x;
        x.update(d);
        return x.digest();
    }

private:
    static constexpr std::uint64_t kPrime1 = 0x9E3779B185EBCA87ULL;
    static constexpr std::uint64_t kPrime2 = 0xC2B2AE3D27D4EB4FULL;
    static constexpr std::uint64_t kPrime4 = 0x85EBCA77C2B2AE63ULL;
    static constexpr std::uint64_t kPrime5 = 0x27D4EB2F165667C5ULL;
    static std::uint64_t load(const char* p) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        return w;
    }
    static std::uint64_t round(std::uint64_t acc, std::uint64_t w) {
        acc += w * kPrime2;
        acc = (acc << 31) | (acc >> 33);
        return acc * kPrime1;
    }
    void stripe(const char* p) {
        for (std::size_t i = 0; i < 4; ++i) s_.acc[i] = round(s_.acc[i], load(p + 8 * i));
    }
    State s_;
};

}  // namespace s3top
