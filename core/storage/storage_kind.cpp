#include "core/storage/storage_kind.hpp"

#include <algorithm>
#include <cstring>

namespace s3top {

std::optional<StorageClass> parse_storage_class(std::string_view name) {
    for (const StorageClassInfo& info : kStorageClasses) {
        if (info.name == name) return info.cls;
    }
    return std::nullopt;
}

namespace {

/// The first 8 bytes of `s` (at least 8 long) as one number.
std::uint64_t head8(std::string_view s) {
    std::uint64_t w = 0;
    std::memcpy(&w, s.data(), sizeof w);
    return w;
}

/// kStorageOps' operation names by length and first 8 bytes: a request's operation is told
/// from them with two compares per candidate, the whole name compared only on a match.
struct OpHeads {
    std::array<std::uint64_t, kStorageOps.size()> head{};
    std::array<std::size_t, kStorageOps.size()> size{};
    OpHeads() {
        for (std::size_t i = 0; i < kStorageOps.size(); ++i) {
            head[i] = head8(kStorageOps[i].operation);
            size[i] = kStorageOps[i].operation.size();
        }
    }
};

}  // namespace

const StorageOpInfo* storage_op_of(std::string_view operation) {
    static_assert(std::ranges::all_of(kStorageOps, [](const StorageOpInfo& i) { return i.operation.size() >= 8; }));
    static const OpHeads heads;
    if (operation.size() < 8) return nullptr;
    const std::uint64_t h = head8(operation);
    for (std::size_t i = 0; i < kStorageOps.size(); ++i) {
        if (heads.size[i] == operation.size() && heads.head[i] == h && kStorageOps[i].operation == operation)
            return &kStorageOps[i];
    }
    return nullptr;
}

}  // namespace s3top
