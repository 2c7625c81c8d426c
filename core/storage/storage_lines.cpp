#include "core/storage/storage_lines.hpp"

#include <charconv>

#include "core/parse/record.hpp"
#include "core/parse/uri.hpp"

namespace s3top {

TextRef StorageLines::keep(std::string_view s) {
    const TextRef r{static_cast<std::uint32_t>(text.size()), static_cast<std::uint32_t>(s.size())};
    text.append(s);
    return r;
}

void StorageLines::add(const Record& r, std::string_view org, std::string_view path, std::uint64_t at) {
    if (const StorageOpInfo* info = storage_op_of(r.operation)) add(*info, r, org, path, at);
}

void StorageLines::add(const StorageOpInfo& info, const Record& r, std::string_view org, std::string_view path,
                       std::uint64_t at) {
    if (!storage_status_applies(r.status)) {
        ++failed;
        return;
    }
    StorageLine l;
    l.time = r.time;
    l.size = r.has_object_size ? r.object_size : 0;
    l.has_size = r.has_object_size;
    l.at = at;
    l.op = info.op;
    l.to = info.to;
    l.bucket = keep(r.bucket);
    l.key = keep(r.key);
    l.org = keep(org);
    if (r.version_id != "-") l.version = keep(r.version_id);
    if (!path.empty()) {
        if (view(last_path_) != path) last_path_ = keep(path);
        l.path = last_path_;
    }
    if (l.op == StorageOp::PutPart || l.op == StorageOp::Complete || l.op == StorageOp::Abort) {
        if (const auto id = query_param_raw(r.query, "uploadId")) l.upload = keep(*id);
        if (const auto n = query_param_raw(r.query, "partNumber")) {
            unsigned v = 0;
            const auto [p, ec] = std::from_chars(n->data(), n->data() + n->size(), v);
            if (ec == std::errc{} && p == n->data() + n->size() && v <= 10000) l.part = static_cast<std::uint16_t>(v);
        }
    }
    lines.push_back(l);
}

}  // namespace s3top
