#pragma once
// Open-addressing hash set and counter map for non-zero 64-bit keys: one probe array, no
// per-element allocation. Used where a report sees one insert per record.
#include <cstdint>
#include <vector>

#include "core/util/hash.hpp"

namespace s3top {

/// Set of non-zero uint64 keys.
class FlatSet64 {
public:
    FlatSet64() : slots_(64, 0) {}
    /// Adds `key` (must be non-zero); true when it was not there.
    bool insert(std::uint64_t key) {
        if ((size_ + 1) * 4 > slots_.size() * 3) grow();
        return place(slots_, key);
    }
    std::size_t size() const { return size_; }
    std::size_t memory_bytes() const { return slots_.capacity() * 8; }

private:
    bool place(std::vector<std::uint64_t>& s, std::uint64_t key) {
        const std::size_t mask = s.size() - 1;
        for (std::size_t i = mix64(key) & mask;; i = (i + 1) & mask) {
            if (s[i] == key) return false;
            if (s[i] == 0) {
                s[i] = key;
                ++size_;
                return true;
            }
        }
    }
    void grow() {
        std::vector<std::uint64_t> bigger(slots_.size() * 2, 0);
        size_ = 0;
        for (auto k : slots_) {
            if (k) place(bigger, k);
        }
        slots_.swap(bigger);
    }
    std::vector<std::uint64_t> slots_;
    std::size_t size_ = 0;
};

/// Counts per non-zero uint64 key.
class FlatCounter64 {
public:
    FlatCounter64() : keys_(64, 0), counts_(64, 0) {}
    void add(std::uint64_t key, std::uint64_t n = 1) {
        if ((size_ + 1) * 4 > keys_.size() * 3) grow();
        const std::size_t mask = keys_.size() - 1;
        for (std::size_t i = mix64(key) & mask;; i = (i + 1) & mask) {
            if (keys_[i] == key) {
                counts_[i] += n;
                return;
            }
            if (keys_[i] == 0) {
                keys_[i] = key;
                counts_[i] = n;
                ++size_;
                return;
            }
        }
    }
    template <class F>
    void for_each(F&& f) const {
        for (std::size_t i = 0; i < keys_.size(); ++i) {
            if (keys_[i]) f(keys_[i], counts_[i]);
        }
    }
    std::size_t size() const { return size_; }

private:
    void grow() {
        std::vector<std::uint64_t> k(keys_.size() * 2, 0), c(keys_.size() * 2, 0);
        k.swap(keys_);
        c.swap(counts_);
        size_ = 0;
        for (std::size_t i = 0; i < k.size(); ++i) {
            if (k[i]) add(k[i], c[i]);
        }
    }
    std::vector<std::uint64_t> keys_, counts_;
    std::size_t size_ = 0;
};

}  // namespace s3top
