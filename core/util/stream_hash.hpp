#pragma once
// A streaming 64-bit content hash: the same bytes give the same digest however they are cut
// into update() calls, and the state is plain numbers, so a ledger can store it and resume
// hashing a file that grows. Not cryptographic: it tells a re-synced copy from new content.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/util/hash.hpp"

namespace s3top {

class StreamHash {
public:
    static constexpr std::uint64_t kSeed = 0x5333544f50484153ULL;  // "S3TOPHAS"

    void update(std::string_view d) {
        const char* p = d.data();
        std::size_t n = d.size();
        len_ += n;
        while (n > 0 && fill_ != 0) {  // finish a word started by the previous call
            carry_ |= static_cast<std::uint64_t>(static_cast<unsigned char>(*p)) << (8 * fill_);
            ++p;
            --n;
            if (++fill_ == 8) {
                word(carry_);
                carry_ = 0;
                fill_ = 0;
            }
        }
        while (n >= 8) {
            std::uint64_t w;
            std::memcpy(&w, p, 8);
            word(w);
            p += 8;
            n -= 8;
        }
        for (; n > 0; --n, ++p) carry_ |= static_cast<std::uint64_t>(static_cast<unsigned char>(*p)) << (8 * fill_++);
    }
    /// The digest of every byte given so far.
    std::uint64_t digest() const {
        std::uint64_t h = h_;
        if (fill_) h = (h ^ mix64(carry_ ^ fill_)) * 0x9E3779B97F4A7C15ULL;
        return mix64(h ^ len_);
    }
    std::uint64_t length() const { return len_; }

    /// The state, for storing and resuming (restore(state()) continues the same stream).
    struct State {
        std::uint64_t h = kSeed, len = 0, carry = 0;
    };
    State state() const { return {h_, len_, carry_}; }
    static StreamHash restore(const State& s) {
        StreamHash x;
        x.h_ = s.h;
        x.len_ = s.len;
        x.carry_ = s.carry;
        x.fill_ = static_cast<unsigned>(s.len % 8);
        return x;
    }
    /// The digest of one buffer (same as one update() then digest()).
    static std::uint64_t of(std::string_view d) {
        StreamHash x;
        x.update(d);
        return x.digest();
    }

private:
    void word(std::uint64_t w) { h_ = (h_ ^ mix64(w)) * 0x9E3779B97F4A7C15ULL; }
    std::uint64_t h_ = kSeed;
    std::uint64_t len_ = 0;
    std::uint64_t carry_ = 0;
    unsigned fill_ = 0;
};

}  // namespace s3top
