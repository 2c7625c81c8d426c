#include "core/storage/storage_collector.hpp"

namespace s3top {

void StorageCollector::add(const StorageLines& lines, const std::vector<std::uint64_t>& origin) {
    std::lock_guard l(mutex_);
    failed_ += lines.failed;
    for (const StorageLine& s : lines.lines) {
        StorageEvent e;
        e.time = s.time;
        e.origin = s.row < origin.size() ? origin[s.row] : 0;
        e.size = s.size;
        e.bucket = names_.bucket(lines.view(s.bucket));
        e.key = names_.key(e.bucket, lines.view(s.key));
        e.org = names_.orgs.intern(lines.view(s.org));
        e.upload = s.upload.size ? names_.uploads.intern(lines.view(s.upload)) : 0;
        e.version = s.version.size ? names_.versions.intern(lines.view(s.version)) : 0;
        e.part = s.part;
        e.op = s.op;
        e.to = s.to;
        e.has_size = s.has_size;
        events_.push_back(e);
    }
}

}  // namespace s3top
