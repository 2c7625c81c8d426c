#include "core/s3/sync.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <fstream>
#include <mutex>
#include <thread>

#include "core/util/thread_name.hpp"

namespace s3top::s3 {
namespace {

constexpr const char* kManifest = ".s3top-objects";

struct Known {
    std::string etag;
    std::uint64_t size = 0;
};

/// "size\tetag\tkey" lines; a later line for a key replaces an earlier one; a torn last line
/// (a kill while appending) is ignored.
std::map<std::string, Known> read_manifest(const std::filesystem::path& dir) {
    std::map<std::string, Known> out;
    std::ifstream in(dir / kManifest, std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
        if (in.eof()) break;  // no newline: torn
        const auto t1 = line.find('\t');
        const auto t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
        if (t2 == std::string::npos) continue;
        Known k;
        k.size = std::strtoull(line.substr(0, t1).c_str(), nullptr, 10);
        k.etag = line.substr(t1 + 1, t2 - t1 - 1);
        out[line.substr(t2 + 1)] = std::move(k);
    }
    return out;
}

/// "2024-05-01-12-00-00" at the start of `s`, as epoch seconds.
std::optional<long long> log_name_time(std::string_view s) {
    if (s.size() < 20) return std::nullopt;
    static constexpr std::string_view kShape = "dddd-dd-dd-dd-dd-dd-";
    for (std::size_t i = 0; i < kShape.size(); ++i) {
        const bool digit = std::isdigit(static_cast<unsigned char>(s[i])) != 0;
        if ((kShape[i] == 'd') != digit || (kShape[i] == '-' && s[i] != '-')) return std::nullopt;
    }
    std::tm tm{};
    auto num = [&](std::size_t at, std::size_t n) { return std::stoi(std::string(s.substr(at, n))); };
    tm.tm_year = num(0, 4) - 1900;
    tm.tm_mon = num(5, 2) - 1;
    tm.tm_mday = num(8, 2);
    tm.tm_hour = num(11, 2);
    tm.tm_min = num(14, 2);
    tm.tm_sec = num(17, 2);
    return static_cast<long long>(timegm(&tm));
}

/// "2026-12-04T20:39:54.000Z" as epoch seconds (0 when it is not that).
long long iso_time(const std::string& s) {
    if (s.size() < 19 || s[4] != '-' || s[10] != 'T') return 0;
    std::tm tm{};
    try {
        tm.tm_year = std::stoi(s.substr(0, 4)) - 1900;
        tm.tm_mon = std::stoi(s.substr(5, 2)) - 1;
        tm.tm_mday = std::stoi(s.substr(8, 2));
        tm.tm_hour = std::stoi(s.substr(11, 2));
        tm.tm_min = std::stoi(s.substr(14, 2));
        tm.tm_sec = std::stoi(s.substr(17, 2));
    } catch (...) {
        return 0;
    }
    return static_cast<long long>(timegm(&tm));
}

std::string prefix_folder(const S3Url& url) {
    const auto slash = url.prefix.rfind('/');
    return slash == std::string::npos ? std::string() : url.prefix.substr(0, slash + 1);
}

S3Error local_error(const std::string& what, int err) {
    return S3Error{S3Error::Kind::Local, 0, {}, what + ": " + std::strerror(err), {}};
}

}  // namespace

std::string local_name(const S3Url& url, const std::string& key) {
    const std::string folder = prefix_folder(url);
    if (!key.starts_with(folder)) return {};
    std::string rel = key.substr(folder.size());
    if (rel.empty() || rel.back() == '/' || rel.front() == '/') return {};
    std::size_t pos = 0;
    while (pos <= rel.size()) {
        auto next = rel.find('/', pos);
        if (next == std::string::npos) next = rel.size();
        const std::string_view part(rel.data() + pos, next - pos);
        // A tab or newline would also break the manifest's lines.
        if (part.empty() || part == "." || part == ".." ||
            part.find_first_of(std::string_view("\0\t\n\r", 4)) != std::string_view::npos)
            return {};
        pos = next + 1;
    }
    return rel;
}

std::string start_after_for(const S3Url& url, const std::vector<std::string>& known_keys, std::chrono::seconds margin) {
    long long newest = -1;
    for (const auto& k : known_keys) {
        if (!k.starts_with(url.prefix)) continue;
        const std::string_view rest = std::string_view(k).substr(url.prefix.size());
        const auto t = log_name_time(rest);
        if (!t || rest.find('/') != std::string_view::npos) return {};
        newest = std::max(newest, *t);
    }
    if (newest < 0) return {};
    const std::time_t from = static_cast<std::time_t>(newest - margin.count());
    std::tm tm{};
    gmtime_r(&from, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d-%H-%M-%S", &tm);
    return url.prefix + buf;
}

SyncPlan plan_sync(const S3Client& client, const S3Url& url, const SyncOptions& options) {
    SyncPlan plan;
    SyncResult& res = plan.result;
    std::error_code ec;
    std::filesystem::create_directories(options.dir, ec);
    if (ec) {
        res.fatal = S3Error{S3Error::Kind::Local, 0, {}, fmt::format("{}: {}", options.dir.string(), ec.message()), {}};
        return plan;
    }
    auto known = read_manifest(options.dir);
    std::vector<std::string> keys;
    keys.reserve(known.size());
    for (const auto& [k, v] : known) keys.push_back(k);
    res.start_after = start_after_for(url, keys, options.margin);

    HttpClient http;
    auto listed = client.list(http, url, res.start_after);
    if (!listed) {
        res.fatal = listed.error();
        return plan;
    }
    res.listed = listed->size();
    for (ObjectInfo& o : *listed) {
        const std::string rel = local_name(url, o.key);
        if (rel.empty()) continue;
        auto it = known.find(o.key);
        struct stat st{};
        const bool on_disk = ::stat((options.dir / rel).c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
                             static_cast<std::uint64_t>(st.st_size) == o.size;
        // The same ETag and size, or (no manifest line: a kill after the rename, or another
        // tool's sync) the same size on disk.
        if (on_disk && (it == known.end() || (it->second.etag == o.etag && it->second.size == o.size))) {
            ++res.kept;
            continue;
        }
        plan.todo.push_back(std::move(o));
    }
    return plan;
}

SyncResult fetch_planned(const S3Client& client, const S3Url& url, const SyncOptions& options, SyncPlan plan,
                         const std::atomic<bool>* cancel) {
    SyncResult res = std::move(plan.result);
    if (res.fatal) return res;
    const std::vector<ObjectInfo>& todo = plan.todo;
    std::mutex mu;  // the manifest, res
    const int manifest = ::open((options.dir / kManifest).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (manifest < 0) {
        res.fatal = local_error((options.dir / kManifest).string(), errno);
        return res;
    }
    std::atomic<std::size_t> next{0};
    auto work = [&](std::size_t index) {
        name_this_thread("s3top-s3-get", index);
        HttpClient h;
        while (true) {
            if (cancel && cancel->load()) return;
            const std::size_t i = next.fetch_add(1);
            if (i >= todo.size()) return;
            const ObjectInfo& o = todo[i];
            const std::filesystem::path dest = options.dir / local_name(url, o.key);
            const std::filesystem::path temp = dest.parent_path() / ("." + dest.filename().string() + ".s3top-part");
            auto fail = [&](S3Error e) {
                const std::lock_guard lock(mu);
                res.failed.emplace_back(o.key, std::move(e));
            };
            std::error_code dir_ec;
            std::filesystem::create_directories(dest.parent_path(), dir_ec);
            const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (fd < 0) {
                fail(local_error(temp.string(), errno));
                continue;
            }
            auto got = client.get(h, url.bucket, o.key, fd);
            ::close(fd);
            if (!got) {
                ::unlink(temp.c_str());
                fail(got.error());
                continue;
            }
            // The object's time as aws s3 sync sets it (its next sync compares it).
            if (const long long t = iso_time(o.last_modified); t > 0) {
                const timespec times[2] = {{static_cast<time_t>(t), 0}, {static_cast<time_t>(t), 0}};
                ::utimensat(AT_FDCWD, temp.c_str(), times, 0);
            }
            if (::rename(temp.c_str(), dest.c_str()) != 0) {
                const int err = errno;
                ::unlink(temp.c_str());
                fail(local_error(dest.string(), err));
                continue;
            }
            const std::string line =
                fmt::format("{}\t{}\t{}\n", got->size, got->etag.empty() ? o.etag : got->etag, o.key);
            {
                const std::lock_guard lock(mu);
                if (::write(manifest, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
                    res.failed.emplace_back(o.key, local_error((options.dir / kManifest).string(), errno));
                    continue;
                }
                ++res.fetched;
                res.bytes += got->size;
                res.retries += static_cast<std::size_t>(got->attempts - 1);
                res.fetched_keys.push_back(o.key);
            }
            if (options.landed) options.landed(dest);
        }
    };
    {
        std::vector<std::jthread> threads;
        const std::size_t n = std::min<std::size_t>(std::max(1u, options.parallel), todo.size());
        for (std::size_t i = 0; i < n; ++i) threads.emplace_back(work, i);
    }
    ::close(manifest);
    std::sort(res.fetched_keys.begin(), res.fetched_keys.end());
    std::sort(res.failed.begin(), res.failed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return res;
}

PruneResult prune_cache(const S3Url& url, const SyncOptions& options, const std::vector<std::string>& keep) {
    PruneResult out;
    const auto known = read_manifest(options.dir);
    std::vector<std::string> keys;
    keys.reserve(known.size());
    for (const auto& [k, v] : known) keys.push_back(k);
    const std::string cutoff = start_after_for(url, keys, options.margin);
    if (cutoff.empty()) return out;
    for (const auto& [key, k] : known) {
        if (!key.starts_with(url.prefix) || key > cutoff) continue;
        const std::string rel = local_name(url, key);
        if (rel.empty()) continue;
        const std::filesystem::path path = options.dir / rel;
        if (std::ranges::find(keep, path.string()) != keep.end()) continue;
        struct stat st{};
        if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (::unlink(path.c_str()) != 0) continue;
        ++out.files;
        out.bytes += static_cast<std::uint64_t>(st.st_size);
    }
    return out;
}

SyncResult sync_prefix(const S3Client& client, const S3Url& url, const SyncOptions& options,
                       const std::atomic<bool>* cancel) {
    return fetch_planned(client, url, options, plan_sync(client, url, options), cancel);
}

}  // namespace s3top::s3
