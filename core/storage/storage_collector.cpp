#include "core/storage/storage_collector.hpp"

namespace s3top {

StorageCollector::StorageCollector() = default;
StorageCollector::~StorageCollector() = default;

void StorageCollector::add(StorageLines&& lines) {
    std::unique_lock l(mutex_, std::try_to_lock);
    if (!l) {
        // Busy (another worker interns, or read() notes the prefix): queued, so the parse worker
        // goes on.
        std::lock_guard q(queue_mutex_);
        queued_.push_back(std::move(lines));
        return;
    }
    intern_queued();
    intern(lines);
}

void StorageCollector::intern_queued() {
    std::vector<StorageLines> queued;
    {
        std::lock_guard q(queue_mutex_);
        queued.swap(queued_);
    }
    for (const StorageLines& lines : queued) intern(lines);
}

bool StorageCollector::empty() const {
    std::scoped_lock l(mutex_, queue_mutex_);
    return size_ == 0 && failed_ == 0 && queued_.empty();
}

std::size_t StorageCollector::size() const {
    std::lock_guard l(mutex_);
    return size_;
}

std::size_t StorageCollector::queued() const {
    std::lock_guard q(queue_mutex_);
    std::size_t n = 0;
    for (const StorageLines& lines : queued_) n += lines.lines.size();
    return n;
}

std::uint64_t StorageCollector::failed() const {
    std::scoped_lock l(mutex_, queue_mutex_);
    std::uint64_t n = failed_;
    for (const StorageLines& lines : queued_) n += lines.failed;
    return n;
}

StorageNames& StorageCollector::names() {
    std::lock_guard l(mutex_);
    intern_queued();
    return names_;
}

void StorageCollector::close() {
    std::lock_guard l(mutex_);
    intern_queued();
    closed_ = true;
}

StorageEvent& StorageCollector::next_event() {
    if ((size_ & (kEventChunk - 1)) == 0)
        chunks_.push_back(std::make_unique_for_overwrite<StorageEvent[]>(kEventChunk));
    StorageEvent& e = chunks_.back()[size_ & (kEventChunk - 1)];
    ++size_;
    return e;
}

StorageView StorageCollector::prefix() {
    std::size_t n = 0;
    std::uint64_t failed = 0;
    {
        std::lock_guard l(mutex_);
        intern_queued();
        if (closed_)
            names_.lend(views_);
        else
            names_.copy_new(views_);
        for (std::size_t c = read_chunks_.size(); c < chunks_.size(); ++c) read_chunks_.push_back(chunks_[c].get());
        n = size_;
        failed = failed_;
    }
    extend_order(order_, read_chunks_, n, views_);
    return StorageView{&views_, read_chunks_, order_, failed};
}

std::size_t StorageCollector::memory_bytes() const {
    std::lock_guard l(mutex_);
    return chunks_.size() * kEventChunk * sizeof(StorageEvent) + names_.memory_bytes() + views_.memory_bytes() +
           order_.capacity() * sizeof(std::uint32_t);
}

void StorageCollector::intern(const StorageLines& lines) {
    failed_ += lines.failed;
    const std::size_t first = size_, n = lines.lines.size();
    // The keys and upload ids are mostly new to the cache (a million keys' table is past it):
    // their slots are prefetched a few lines ahead, so the misses overlap. The rest is small.
    std::vector<std::uint64_t> hashes(2 * n);
    for (std::size_t i = 0; i < n; ++i) {
        const StorageLine& s = lines.lines[i];
        StorageEvent& e = next_event();
        e = StorageEvent{};
        e.set_time(s.time);
        e.set_origin(s.at);
        e.path = s.path.size ? names_.paths.intern(lines.view(s.path)) : 0;
        e.size = s.size;
        e.bucket = names_.bucket(lines.view(s.bucket));
        e.org = names_.orgs.intern(lines.view(s.org));
        e.version = s.version.size ? names_.versions.intern(lines.view(s.version)) : 0;
        e.part = s.part;
        e.op = s.op;
        e.to = s.to;
        e.has_size = s.has_size;
        hashes[2 * i] = names_.keys[e.bucket].hash(lines.view(s.key));
        if (s.upload.size) hashes[2 * i + 1] = names_.uploads.hash(lines.view(s.upload));
    }
    constexpr std::size_t kAhead = 8;
    for (std::size_t i = 0; i < n; ++i) {
        if (const std::size_t j = i + kAhead; j < n) {
            names_.keys[event(first + j).bucket].prefetch(hashes[2 * j]);
            if (lines.lines[j].upload.size) names_.uploads.prefetch(hashes[2 * j + 1]);
        }
        const StorageLine& s = lines.lines[i];
        StorageEvent& e = event(first + i);
        e.key = names_.keys[e.bucket].intern(lines.view(s.key), hashes[2 * i]);
        e.upload = s.upload.size ? names_.uploads.intern(lines.view(s.upload), hashes[2 * i + 1]) : 0;
    }
}

StorageLines StorageCollector::lines() const {
    StorageLines out;
    out.failed = failed_;
    // Each pool's strings once, in id order: a reference is its pool's offset plus the id's.
    auto keep_pool = [&out](const StringPool& pool) {
        std::vector<TextRef> refs(pool.size());
        for (std::uint32_t id = 1; id < pool.size(); ++id) refs[id] = out.keep(pool.view(id));
        return refs;
    };
    const auto orgs = keep_pool(names_.orgs), buckets = keep_pool(names_.buckets), uploads = keep_pool(names_.uploads),
               versions = keep_pool(names_.versions), paths = keep_pool(names_.paths);
    std::vector<std::vector<TextRef>> keys;
    for (const StringPool& k : names_.keys) keys.push_back(keep_pool(k));
    out.lines.reserve(size_);
    for (std::size_t i = 0; i < size_; ++i) {
        const StorageEvent& e = event(i);
        StorageLine l;
        l.time = e.time;
        l.size = e.size;
        l.at = e.origin;
        l.part = e.part;
        l.op = e.op;
        l.to = e.to;
        l.has_size = e.has_size;
        l.bucket = buckets[e.bucket];
        l.key = keys[e.bucket][e.key];
        l.org = orgs[e.org];
        l.upload = uploads[e.upload];
        l.version = versions[e.version];
        l.path = paths[e.path];
        out.lines.push_back(l);
    }
    // And what is still queued, as it came.
    std::lock_guard q(queue_mutex_);
    for (const StorageLines& lines : queued_) {
        out.failed += lines.failed;
        for (StorageLine l : lines.lines) {
            for (TextRef* r : {&l.bucket, &l.key, &l.org, &l.upload, &l.version, &l.path})
                *r = r->size ? out.keep(lines.view(*r)) : TextRef{};
            out.lines.push_back(l);
        }
    }
    return out;
}

}  // namespace s3top
