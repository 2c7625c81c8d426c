#include "core/ingest/state_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "core/util/stream_hash.hpp"

namespace s3top {
namespace {

constexpr char kMagic[8] = {'S', '3', 'T', 'O', 'P', 'S', 'T', '\n'};
constexpr std::uint32_t kRecordMagic = 0x53335231;  // "S3R1"
constexpr std::uint8_t kBatch = 1, kEntries = 2;
constexpr std::size_t kHeaderBytes = 8 + 4 + 8;
constexpr std::size_t kRecordHeaderBytes = 4 + 4 + 8 + 8;  // magic, type, length, checksum

class Out {
public:
    std::string s;
    template <class T>
    void num(T v) {
        s.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
    void str(std::string_view v) {
        num(static_cast<std::uint32_t>(v.size()));
        s.append(v);
    }
    template <class T>
    void array(const std::vector<T>& v) {
        s.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
    }
};

class In {
public:
    explicit In(std::string_view d) : d_(d) {}
    template <class T>
    bool num(T& v) {
        if (d_.size() - pos_ < sizeof v) return false;
        std::memcpy(&v, d_.data() + pos_, sizeof v);
        pos_ += sizeof v;
        return true;
    }
    bool str(std::string_view& v) {
        std::uint32_t n = 0;
        if (!num(n) || d_.size() - pos_ < n) return false;
        v = d_.substr(pos_, n);
        pos_ += n;
        return true;
    }
    template <class T>
    bool array(std::vector<T>& v, std::size_t n) {
        if ((d_.size() - pos_) / sizeof(T) < n) return false;
        v.resize(n);
        std::memcpy(v.data(), d_.data() + pos_, n * sizeof(T));
        pos_ += n * sizeof(T);
        return true;
    }
    bool done() const { return pos_ == d_.size(); }

private:
    std::string_view d_;
    std::size_t pos_ = 0;
};

void put_entry(Out& o, const LedgerEntry& e) {
    o.str(e.path);
    o.num(e.stat.dev);
    o.num(e.stat.ino);
    o.num(e.stat.size);
    o.num(e.stat.mtime_ns);
    o.num(static_cast<std::uint8_t>(e.gzip | (e.hashed << 1) | (e.edges << 2)));
    o.num(e.offset);
    o.num(e.next_line);
    o.num(e.head_hash);
    o.num(e.tail_hash);
    o.num(e.hash.h);
    o.num(e.hash.len);
    o.num(e.hash.carry);
    o.num(static_cast<std::uint32_t>(e.gaps.size()));
    for (const auto& [b, en] : e.gaps) {
        o.num(b);
        o.num(en);
    }
    o.str(e.error);
}

bool get_entry(In& in, LedgerEntry& e) {
    std::string_view path, error;
    std::uint8_t flags = 0;
    std::uint32_t ngaps = 0;
    if (!in.str(path) || !in.num(e.stat.dev) || !in.num(e.stat.ino) || !in.num(e.stat.size) || !in.num(e.stat.mtime_ns) ||
        !in.num(flags) || !in.num(e.offset) || !in.num(e.next_line) || !in.num(e.head_hash) || !in.num(e.tail_hash) ||
        !in.num(e.hash.h) || !in.num(e.hash.len) || !in.num(e.hash.carry) || !in.num(ngaps))
        return false;
    e.path = std::string(path);
    e.gzip = flags & 1;
    e.hashed = flags & 2;
    e.edges = flags & 4;
    for (std::uint32_t i = 0; i < ngaps; ++i) {
        std::uint64_t b = 0, en = 0;
        if (!in.num(b) || !in.num(en)) return false;
        e.gaps.emplace_back(b, en);
    }
    if (!in.str(error)) return false;
    e.error = std::string(error);
    return true;
}

std::string encode_batch(const Batch& b, const std::vector<Span>& spans, const std::vector<PlannedJob>& jobs) {
    Out o;
    const std::size_t n = b.columns.size();
    o.s.reserve(64 + n * 96);
    o.num(static_cast<std::uint32_t>(spans.size()));
    for (const auto& sp : spans) {
        const PlannedJob& pj = jobs[sp.job];
        o.str(pj.job.file.path.string());
        o.num(pj.stat.dev);
        o.num(pj.stat.ino);
        o.num(static_cast<std::uint8_t>(pj.job.file.gzip));
        o.num(sp.begin);
        o.num(sp.end);
        o.num(sp.first_line + sp.lines);
    }
    o.num(b.counters.read);
    o.num(b.counters.parsed);
    o.num(b.counters.bytes);
    o.num(static_cast<std::uint32_t>(b.counters.rejected.size()));
    for (auto r : b.counters.rejected) o.num(r);
    o.num(b.newest_source_mtime);
    o.num(static_cast<std::uint64_t>(n));
    o.array(b.columns.time);
    o.array(b.columns.bytes_sent);
    o.array(b.columns.bytes_in);
    o.array(b.columns.total_time_ms);
    o.array(b.columns.status);
    o.array(b.columns.tier);
    o.num(static_cast<std::uint32_t>(kStringDimCount));
    for (std::size_t d = 0; d < kStringDimCount; ++d) {
        const bool present = b.columns.ids[d].size() == n && n > 0;
        o.num(static_cast<std::uint8_t>(present));
        if (!present) continue;
        const StringPool& pool = b.pools[d];
        o.num(static_cast<std::uint32_t>(pool.size()));
        for (std::uint32_t id = 1; id < pool.size(); ++id) o.str(pool.view(id));
        o.array(b.columns.ids[d]);
    }
    return std::move(o.s);
}

bool decode_batch(std::string_view payload, Batch& b, Ledger& ledger) {
    In in(payload);
    std::uint32_t nspans = 0;
    if (!in.num(nspans)) return false;
    struct SpanRec {
        std::string_view path;
        std::uint64_t dev, ino, begin, end, end_line;
        std::uint8_t gzip;
    };
    std::vector<SpanRec> spans(nspans);
    for (auto& s : spans) {
        if (!in.str(s.path) || !in.num(s.dev) || !in.num(s.ino) || !in.num(s.gzip) || !in.num(s.begin) || !in.num(s.end) ||
            !in.num(s.end_line))
            return false;
    }
    std::uint32_t nreasons = 0;
    if (!in.num(b.counters.read) || !in.num(b.counters.parsed) || !in.num(b.counters.bytes) || !in.num(nreasons) ||
        nreasons != b.counters.rejected.size())
        return false;
    for (auto& r : b.counters.rejected) {
        if (!in.num(r)) return false;
    }
    std::uint64_t n = 0;
    std::uint32_t ndims = 0;
    auto& c = b.columns;
    if (!in.num(b.newest_source_mtime) || !in.num(n) || !in.array(c.time, n) || !in.array(c.bytes_sent, n) ||
        !in.array(c.bytes_in, n) || !in.array(c.total_time_ms, n) || !in.array(c.status, n) || !in.array(c.tier, n) ||
        !in.num(ndims) || ndims != kStringDimCount)
        return false;
    for (std::size_t d = 0; d < kStringDimCount; ++d) {
        std::uint8_t present = 0;
        if (!in.num(present)) return false;
        if (!present) continue;
        std::uint32_t npool = 0;
        if (!in.num(npool)) return false;
        for (std::uint32_t id = 1; id < npool; ++id) {
            std::string_view v;
            if (!in.str(v) || b.pools[d].intern(v) != id) return false;
        }
        if (!in.array(c.ids[d], n)) return false;
        for (auto id : c.ids[d]) {
            if (id >= std::max<std::uint32_t>(npool, 1)) return false;
        }
    }
    if (!in.done()) return false;
    for (const auto& s : spans) ledger.add_committed_span(std::string(s.path), s.dev, s.ino, s.gzip, s.begin, s.end, s.end_line);
    return true;
}

bool write_all(int fd, const char* p, std::size_t n) {
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

bool read_all(int fd, std::string& out) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return false;
    out.resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    out.resize(done);
    return true;
}

}  // namespace

StateStore::~StateStore() {
    if (fd_ >= 0) ::close(fd_);  // also releases the lock
}

bool StateStore::open(const std::filesystem::path& file, std::uint64_t fingerprint, Engine& engine, Ledger& ledger,
                      std::vector<std::string>& notes, std::string& error) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) {
        error = file.string() + ": " + std::strerror(errno);
        return false;
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        error = file.string() + ": in use by another s3top";
        ::close(fd_);
        fd_ = -1;
        return false;
    }
    std::string data;
    if (!read_all(fd_, data)) {
        error = file.string() + ": " + std::strerror(errno);
        return false;
    }
    std::size_t good = 0;  // bytes of the file that are kept
    const bool header_ok = data.size() >= kHeaderBytes && std::memcmp(data.data(), kMagic, 8) == 0;
    std::uint32_t version = 0;
    std::uint64_t fp = 0;
    if (header_ok) {
        std::memcpy(&version, data.data() + 8, 4);
        std::memcpy(&fp, data.data() + 12, 8);
    }
    if (!data.empty() && (!header_ok || version != kVersion || fp != fingerprint)) {
        notes.push_back(file.string() + (header_ok ? ": written by another version or settings; rebuilt"
                                                   : ": not a state file or corrupt header; rebuilt"));
    } else if (header_ok) {
        good = kHeaderBytes;
        std::size_t records = 0;
        while (data.size() - good >= kRecordHeaderBytes) {
            std::uint32_t magic = 0, type = 0;
            std::uint64_t len = 0, sum = 0;
            const char* h = data.data() + good;
            std::memcpy(&magic, h, 4);
            std::memcpy(&type, h + 4, 4);
            std::memcpy(&len, h + 8, 8);
            std::memcpy(&sum, h + 16, 8);
            if (magic != kRecordMagic || len > data.size() - good - kRecordHeaderBytes) break;
            const std::string_view payload(h + kRecordHeaderBytes, static_cast<std::size_t>(len));
            if (StreamHash::of(payload) != sum) break;
            bool ok = false;
            if (type == kBatch) {
                Batch b;
                ok = decode_batch(payload, b, ledger);
                if (ok) engine.append(std::move(b));
            } else if (type == kEntries) {
                In in(payload);
                std::uint32_t count = 0;
                ok = in.num(count);
                for (std::uint32_t i = 0; ok && i < count; ++i) {
                    LedgerEntry e;
                    ok = get_entry(in, e);
                    if (ok) ledger.put(std::move(e));
                }
            }
            if (!ok) break;  // checksummed but undecodable: treat as the end
            good += kRecordHeaderBytes + static_cast<std::size_t>(len);
            ++records;
        }
        if (good < data.size())
            notes.push_back(file.string() + ": " + std::to_string(data.size() - good) +
                            " bytes of an unfinished or corrupt record discarded (their lines are read again)");
    }
    ledger.settle();
    if (good < data.size() || data.empty()) {
        if (good == 0) {
            Out o;
            o.s.append(kMagic, 8);
            o.num(kVersion);
            o.num(fingerprint);
            if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, o.s.data(), o.s.size(), 0) != static_cast<ssize_t>(o.s.size())) {
                error = file.string() + ": " + std::strerror(errno);
                return false;
            }
            good = o.s.size();
        } else if (::ftruncate(fd_, static_cast<off_t>(good)) != 0) {
            error = file.string() + ": " + std::strerror(errno);
            return false;
        }
    }
    if (::lseek(fd_, static_cast<off_t>(good), SEEK_SET) < 0) {
        error = file.string() + ": " + std::strerror(errno);
        return false;
    }
    size_ = good;
    return true;
}

bool StateStore::write_record(std::uint8_t type, const std::string& payload, std::string& error) {
    char h[kRecordHeaderBytes];
    const std::uint32_t magic = kRecordMagic, t = type;
    const std::uint64_t len = payload.size(), sum = StreamHash::of(payload);
    std::memcpy(h, &magic, 4);
    std::memcpy(h + 4, &t, 4);
    std::memcpy(h + 8, &len, 8);
    std::memcpy(h + 16, &sum, 8);
    std::lock_guard l(mutex_);
    if (fd_ < 0) return true;
    if (!failed_.empty()) {
        error = failed_;
        return false;
    }
    if (!write_all(fd_, h, sizeof h) || !write_all(fd_, payload.data(), payload.size())) {
        failed_ = error = std::string("state file: ") + std::strerror(errno) +
                          " (not written to again in this run; what it lacks is read again next time)";
        // Cut back to the last whole record so the file stays readable.
        if (::ftruncate(fd_, static_cast<off_t>(size_)) == 0) (void)::lseek(fd_, static_cast<off_t>(size_), SEEK_SET);
        return false;
    }
    size_ += sizeof h + payload.size();
    return true;
}

bool StateStore::append_batch(const Batch& batch, const std::vector<Span>& spans, const std::vector<PlannedJob>& jobs,
                              std::string& error) {
    return write_record(kBatch, encode_batch(batch, spans, jobs), error);
}

bool StateStore::append_entries(const std::vector<LedgerEntry>& entries, std::string& error) {
    if (entries.empty()) return true;
    Out o;
    o.num(static_cast<std::uint32_t>(entries.size()));
    for (const auto& e : entries) put_entry(o, e);
    return write_record(kEntries, o.s, error);
}

void StateStore::sync() {
    std::lock_guard l(mutex_);
    if (fd_ >= 0) (void)::fdatasync(fd_);
}

}  // namespace s3top
