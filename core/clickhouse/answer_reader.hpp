#pragma once
// Reads ClickHouse's RowBinary answers (numbers little-endian, strings as a varint length and
// their bytes). An answer cut short, or not RowBinary, sets !ok() and reads as zeros from then
// on: the caller says which answer did not parse.
#include <cstdint>
#include <cstring>
#include <string_view>

namespace s3top::clickhouse {

class AnswerReader {
public:
    explicit AnswerReader(std::string_view data) : data_(data) {}
    bool done() const { return pos_ == data_.size(); }
    bool ok() const { return ok_; }
    template <class T>
    T number() {
        T v{};
        if (data_.size() - pos_ < sizeof(T)) return fail(v);
        std::memcpy(&v, data_.data() + pos_, sizeof(T));  // little-endian, as this machine
        pos_ += sizeof(T);
        return v;
    }
    std::string_view string() {
        std::uint64_t n = 0;
        for (unsigned shift = 0;; shift += 7) {
            if (pos_ >= data_.size() || shift > 63) return fail(std::string_view());
            const auto b = static_cast<std::uint8_t>(data_[pos_++]);
            n |= std::uint64_t{b & 0x7Fu} << shift;
            if (!(b & 0x80)) break;
        }
        if (data_.size() - pos_ < n) return fail(std::string_view());
        const std::string_view s = data_.substr(pos_, n);
        pos_ += n;
        return s;
    }

private:
    template <class T>
    T fail(T v) {
        ok_ = false;
        pos_ = data_.size();
        return v;
    }
    std::string_view data_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

}  // namespace s3top::clickhouse
