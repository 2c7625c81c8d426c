// s3gen: deterministic pseudo-random numbers and a Zipf helper.
//
// Everything here is plain integer arithmetic or IEEE-754 operations that are
// correctly rounded (+, -, *, /, sqrt), so a given seed yields the same stream
// on every platform and standard library.  std::random_device and the
// std::*_distribution templates are deliberately not used: their output is
// not specified bit-for-bit and differs between library versions.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace s3gen {

__extension__ using u128 = unsigned __int128;

// splitmix64 step: advances state, returns a well-mixed 64-bit value.
constexpr std::uint64_t splitmix64(std::uint64_t& state) noexcept {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31U);
}

// Stateless hash of one or two 64-bit values.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
    std::uint64_t s = x;
    return splitmix64(s);
}
constexpr std::uint64_t mix64(std::uint64_t a, std::uint64_t b) noexcept {
    return mix64(a ^ mix64(b + 0x632BE59BD9B4E019ULL));
}

// xoshiro256** 1.0 (Blackman & Vigna), seeded through splitmix64.
class Rng {
public:
    explicit Rng(std::uint64_t seed) noexcept {
        for (auto& w : s_) w = splitmix64(seed);
    }

    std::uint64_t next() noexcept {
        const std::uint64_t result = rotl(s_[1] * 5U, 7) * 9U;
        const std::uint64_t t = s_[1] << 17U;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    // Uniform in [0, n); n == 0 yields 0.  Multiply-shift (Lemire) without the
    // rejection step: the bias is < n / 2^64, irrelevant here, and skipping the
    // rejection keeps the number of draws per call fixed.
    std::uint64_t below(std::uint64_t n) noexcept {
        return static_cast<std::uint64_t>((static_cast<u128>(next()) * n) >> 64U);
    }
    std::size_t index(std::size_t n) noexcept { return below(n); }

    // Uniform in [lo, hi] (inclusive); requires lo <= hi.
    std::uint64_t range(std::uint64_t lo, std::uint64_t hi) noexcept { return lo + below(hi - lo + 1U); }
    std::int64_t irange(std::int64_t lo, std::int64_t hi) noexcept {
        return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1U));
    }

    // Uniform double in [0, 1) with 53 random bits.
    double unit() noexcept { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }

    // True with probability pm / 1000 (pm in per-mille) or n / d.
    bool permille(std::uint64_t pm) noexcept { return below(1000) < pm; }
    bool odds(std::uint64_t n, std::uint64_t d) noexcept { return below(d) < n; }

    template <class T>
    const T& pick(std::span<const T> items) noexcept {
        return items[index(items.size())];
    }

    // log-uniform-ish integer in [2^lo_exp, 2^hi_exp): pick a power-of-two
    // bucket, then a uniform value inside it.
    std::uint64_t log_uniform(unsigned lo_exp, unsigned hi_exp) noexcept {
        const unsigned e = lo_exp + static_cast<unsigned>(below(hi_exp - lo_exp));
        const std::uint64_t base = std::uint64_t{1} << e;
        return base + below(base);
    }

private:
    static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
    std::uint64_t s_[4]{};
};

// Zipf-skewed choice over n ranks: P(rank k) ~ 1 / k^s, s in {0.5, 1, 1.5, 2}.
// Weights use only division and sqrt (correctly rounded), so the table is the
// same everywhere.  Sampling: binary search of a uniform draw in the CDF.
class Zipf {
public:
    enum class Skew { Half, One, OneAndHalf, Two };

    Zipf() = default;
    Zipf(std::size_t n, Skew s) {
        cdf_.reserve(n);
        double acc = 0.0;
        for (std::size_t i = 1; i <= n; ++i) {
            const double k = static_cast<double>(i);
            double w = 1.0;
            switch (s) {
                case Skew::Half: w = 1.0 / std::sqrt(k); break;
                case Skew::One: w = 1.0 / k; break;
                case Skew::OneAndHalf: w = 1.0 / (k * std::sqrt(k)); break;
                case Skew::Two: w = 1.0 / (k * k); break;
            }
            acc += w;
            cdf_.push_back(acc);
        }
    }

    std::size_t size() const noexcept { return cdf_.size(); }

    // Returns a rank in [0, n): 0 is the most popular.
    std::size_t operator()(Rng& rng) const noexcept {
        if (cdf_.empty()) return 0;
        const double u = rng.unit() * cdf_.back();
        const auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u);
        const auto i = static_cast<std::size_t>(it - cdf_.begin());
        return i < cdf_.size() ? i : cdf_.size() - 1;
    }

private:
    std::vector<double> cdf_;
};

}  // namespace s3gen
