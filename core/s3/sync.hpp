#pragma once
// An s3:// prefix mirrored into a folder laid out as `aws s3 sync s3://bucket/DIR/ FOLDER`
// would lay it out (a key's path below the prefix's last '/'), fetching only objects not
// fetched before: the folder's manifest (.s3top-objects) keys them by key, ETag and size. The
// loader then reads the folder, so the ledger and the state file count each object once,
// exactly as they count a synced folder.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/s3/client.hpp"

namespace s3top::s3 {

struct SyncOptions {
    std::filesystem::path dir;  ///< the folder the prefix is mirrored into
    unsigned parallel = 16;     ///< GETs in flight
    /// Objects delivered late: a re-run lists from this long before the newest object it has
    /// (by the time S3 puts in a log object's name), not from the newest itself.
    std::chrono::seconds margin{std::chrono::hours(6)};
    /// Told each object's path as soon as it is whole in the folder (renamed and in the
    /// manifest), from the fetching threads: the loader reads it while later ones download.
    std::function<void(const std::filesystem::path&)> landed;
};

struct SyncResult {
    std::size_t listed = 0;   ///< objects the listing returned
    std::size_t fetched = 0;  ///< GETs that succeeded
    std::size_t kept = 0;     ///< already in the folder (same ETag and size)
    std::uint64_t bytes = 0;  ///< fetched
    std::size_t retries = 0;  ///< tries past the first, over all requests
    std::string start_after;  ///< where the listing started ("" = from the start)
    std::vector<std::string> fetched_keys;
    /// Objects that could not be fetched, with their error (the others are in the folder).
    std::vector<std::pair<std::string, S3Error>> failed;
    /// Nothing could be listed (bad credentials, no such bucket ...).
    std::optional<S3Error> fatal;
};

/// The object's path below `dir` for `key` (prefix's folder stripped), or "" when the key
/// cannot be a file there (a folder marker "x/", an empty, "." or ".." component).
std::string local_name(const S3Url& url, const std::string& key);

/// The key to list after on a re-run: when every object the manifest holds under the prefix
/// is named as S3 delivers logs (prefix + YYYY-MM-DD-HH-MM-SS-ID), the prefix plus the newest
/// one's time less `margin`; otherwise "" (the whole prefix is listed).
std::string start_after_for(const S3Url& url, const std::vector<std::string>& known_keys, std::chrono::seconds margin);

/// What a listing found the folder lacks (`result` holds the listing's counts, or `fatal`).
struct SyncPlan {
    SyncResult result;
    std::vector<ObjectInfo> todo;
};

/// Lists the prefix (from start_after_for the manifest's keys) and decides what to fetch: an
/// object not in the folder with its ETag and size. No GET yet.
SyncPlan plan_sync(const S3Client& client, const S3Url& url, const SyncOptions& options);

/// GETs `plan.todo` (parallel, each into a hidden temporary name, then renamed: a reader never
/// sees half an object, a kill leaves only a temporary file), records each in the manifest and
/// tells `options.landed`. `cancel` stops it between objects.
SyncResult fetch_planned(const S3Client& client, const S3Url& url, const SyncOptions& options, SyncPlan plan,
                         const std::atomic<bool>* cancel = nullptr);

struct PruneResult {
    std::size_t files = 0;
    std::uint64_t bytes = 0;
};

/// Deletes from `options.dir` the objects a re-run will not list again: when every object the
/// manifest holds under the prefix is named as S3 delivers logs, those that sort at or before
/// start_after_for (the newest less `options.margin`), except the paths in `keep` (not read in
/// full). Their manifest lines stay (a re-run still lists from the newest). Nothing otherwise:
/// every run lists the whole prefix and would fetch a deleted object again.
PruneResult prune_cache(const S3Url& url, const SyncOptions& options, const std::vector<std::string>& keep);

/// plan_sync then fetch_planned: lists the prefix, GETs what the folder lacks (parallel, each into a hidden temporary
/// name, then renamed: a reader never sees half an object, a kill leaves only a temporary file) and records each in the
/// manifest. `cancel` stops it between objects.
SyncResult sync_prefix(const S3Client& client, const S3Url& url, const SyncOptions& options,
                       const std::atomic<bool>* cancel = nullptr);

}  // namespace s3top::s3
