#pragma once
// SHA-256 (FIPS 180-4), for SigV4's hashes and HMAC: the signer's only use of a crypto library,
// so s3top maps none (libcrypto alone is ~1.4 MB resident in every run, local files or not).
// Checked against OpenSSL's digest and HMAC in tests/core/s3_sigv4_test.cpp.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace s3top::s3 {

class Sha256 {
public:
    using Digest = std::array<unsigned char, 32>;
    void update(std::string_view data);
    /// The digest of everything given; the object is spent.
    Digest finish();
    static Digest of(std::string_view data) {
        Sha256 h;
        h.update(data);
        return h.finish();
    }

private:
    void compress(const unsigned char* block);
    std::array<std::uint32_t, 8> h_{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    std::array<unsigned char, 64> block_{};
    std::size_t used_ = 0;      ///< bytes in block_
    std::uint64_t length_ = 0;  ///< bytes given in all
};

}  // namespace s3top::s3
