// s3gen: the simulated world (buckets, clients, orgs) and per-file generation.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rng.hpp"

namespace s3gen {

struct Config {
    std::string out_dir;
    std::uint64_t lines = 20000;
    std::uint64_t files = 20;
    std::uint64_t seed = 1;
    std::uint64_t orgs = 40;
    std::int64_t start = 0;  // Unix seconds, UTC
    std::uint64_t hours = 48;
    std::uint64_t garbage_permille = 5;
    std::uint64_t duplicate_permille = 0;  // valid lines delivered a second time, in another file
    std::string truth_path;
    unsigned threads = 0;               // 0 = hardware concurrency
    std::uint64_t storage_objects = 0;  // --storage-objects: lifecycle logs instead (lifecycle.hpp)
    std::string inventory_out;          // --inventory-out: with them, an S3 Inventory of st-data
};

// ---------------------------------------------------------------- operations
enum Op : std::uint8_t {
    kGetObject,
    kHeadObject,
    kPutObject,
    kPostUploads,
    kPutPart,
    kPostUpload,
    kCopyObject,
    kDeleteObject,
    kGetBucket,
    kGetAcl,
    kGetVersioning,
    kGetLocation,
    kGetPolicy,
    kMultiDelete,
    kBatchDelete,
    kExpire,
    kTransition,
    kWebsiteGet,
    kPostObject,
    kOpCount
};

inline constexpr std::array<std::string_view, kOpCount> kOpNames = {"REST.GET.OBJECT",
                                                                    "REST.HEAD.OBJECT",
                                                                    "REST.PUT.OBJECT",
                                                                    "REST.POST.UPLOADS",
                                                                    "REST.PUT.PART",
                                                                    "REST.POST.UPLOAD",
                                                                    "REST.COPY.OBJECT",
                                                                    "REST.DELETE.OBJECT",
                                                                    "REST.GET.BUCKET",
                                                                    "REST.GET.ACL",
                                                                    "REST.GET.VERSIONING",
                                                                    "REST.GET.LOCATION",
                                                                    "REST.GET.BUCKETPOLICY",
                                                                    "REST.POST.MULTI_OBJECT_DELETE",
                                                                    "BATCH.DELETE.OBJECT",
                                                                    "S3.EXPIRE.OBJECT",
                                                                    "S3.TRANSITION_SIA.OBJECT",
                                                                    "WEBSITE.GET.OBJECT",
                                                                    "REST.POST.OBJECT"};

// --------------------------------------------------------------------- world
enum class KeyKind : std::uint8_t { Data, Media, Web, Ml, Backup, Pypi, Logs, Hive };

struct Bucket {
    std::string name;
    std::string region;
    KeyKind kind;
    std::uint32_t nkeys;
    bool versioned;
    bool lifecycle;  // S3.EXPIRE / S3.TRANSITION happen here
    std::size_t owner;
    std::size_t zipf;  // index into World::key_zipfs
    std::uint64_t salt;
};

enum class Profile : std::uint8_t { Service, Cli, Reader, Anon, Browser, Presign, Pip, LogDelivery };

struct Client {
    Profile profile;
    std::string ip;
    std::string requester;
    std::string user_agent;
    std::string referrer;      // empty => "-"
    std::string access_point;  // empty => none
    std::string account;       // 12-digit account used for presigning / access points
    std::uint8_t sig;          // 0 '-', 1 SigV4, 2 SigV2
    std::uint8_t tls;          // 0 none, 1 TLSv1.2, 2 TLSv1.3
    std::uint8_t cipher;       // index into the cipher list of its TLS version
    bool vhost;                // virtual-hosted-style requests
    bool raw_path;             // browser-ish path encoding (leaves = + & ( ) raw)
    bool http10;
    std::size_t home_org;
    std::size_t home_bucket;
    std::uint64_t throughput_kbps;  // kB per second, for total-time
};

struct World {
    std::uint64_t seed = 0;
    std::vector<std::string> orgs;
    std::vector<std::string> owners;  // canonical ids (64 hex)
    std::vector<Bucket> buckets;
    std::vector<Client> clients;
    Zipf client_zipf;
    Zipf org_zipf;
    std::vector<Zipf> key_zipfs;
    std::int64_t start = 0;
    std::int64_t end = 0;         // exclusive
    std::int64_t first_hour = 0;  // floor(start / 3600)
    std::size_t hour_count = 0;
};

World build_world(const Config& cfg);

// --------------------------------------------------------------------- truth
struct Agg {
    std::uint64_t requests = 0;
    std::uint64_t bytes_sent = 0;
    void add(std::uint64_t b) noexcept {
        ++requests;
        bytes_sent += b;
    }
    void merge(const Agg& o) noexcept {
        requests += o.requests;
        bytes_sent += o.bytes_sent;
    }
};

// Ground truth for a set of generated lines, indexed densely while
// generating and turned into the JSON object at the end.
struct Truth {
    std::uint64_t lines = 0;
    std::uint64_t valid = 0;
    std::uint64_t garbage = 0;
    std::uint64_t blank = 0;       // garbage lines of blanks only: no records, ignored rather than rejected
    std::uint64_t duplicates = 0;  // extra copies of valid lines (not in lines/valid: counted once)
    std::uint64_t bytes_sent = 0;
    std::uint64_t bytes_uploaded = 0;
    std::uint64_t errors_4xx = 0;
    std::uint64_t errors_5xx = 0;
    std::vector<Agg> by_org;  // size orgs + 1; last entry is "-"
    std::array<Agg, 1000> by_status{};
    Agg status_dash;           // lifecycle lines with status "-"
    std::vector<Agg> by_hour;  // index = utc_hour - first_hour
    std::array<Agg, kOpCount> by_op{};
    std::vector<Agg> by_bucket;

    explicit Truth(const World& w) : by_org(w.orgs.size() + 1), by_hour(w.hour_count), by_bucket(w.buckets.size()) {}
    void merge(const Truth& o);
};

std::string truth_json(const World& w, const Config& cfg, const Truth& t, std::uint64_t file_count);

// ------------------------------------------------------------------ per file
struct FileJob {
    std::size_t index = 0;
    std::uint64_t lines = 0;
    std::uint64_t garbage = 0;
    std::int64_t win_lo = 0;  // record times are in [win_lo, win_hi)
    std::int64_t win_hi = 0;
    std::uint64_t seed = 0;
    std::string hex;  // 16 uppercase hex digits of the object name
};

// Generates one log object into cfg.out_dir (via a temporary name, renamed
// once the minimum record time is known), adding its records to `truth`.
// Returns the final file name, or an empty string on I/O failure (errno set).
std::string generate_file(const World& w, const Config& cfg, const FileJob& job, Truth& truth);

}  // namespace s3gen
