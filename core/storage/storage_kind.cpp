#include "core/storage/storage_kind.hpp"

namespace s3top {

std::optional<StorageClass> parse_storage_class(std::string_view name) {
    for (const StorageClassInfo& info : kStorageClasses) {
        if (info.name == name) return info.cls;
    }
    return std::nullopt;
}

const StorageOpInfo* storage_op_of(std::string_view operation) {
    // Every storage operation starts with one of these; most requests (GET, HEAD, LIST) fail
    // the first compare.
    if (operation.size() < 12) return nullptr;
    for (const StorageOpInfo& info : kStorageOps) {
        if (info.operation == operation) return &info;
    }
    return nullptr;
}

}  // namespace s3top
