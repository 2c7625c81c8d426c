// s3gen: generation of one S3 server access log object.
//
// Every line is produced from a Req (one simulated request).  Valid lines are
// added to the Truth right after they are formatted, from the very values that
// were written, so the truth never depends on parsing anything back.
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "civil.hpp"
#include "gen.hpp"

namespace s3gen {
namespace {

using sv = std::string_view;

constexpr std::size_t kNoOrg = static_cast<std::size_t>(-1);

// Relative request rate per UTC hour of day (diurnal pattern), max 100.
constexpr std::array<std::uint64_t, 24> kHourWeight = {35, 28, 22,  18, 16, 18, 25, 38, 55, 70, 82, 90,
                                                       95, 98, 100, 98, 94, 88, 80, 70, 60, 52, 46, 40};

constexpr std::array<sv, 3> kCiphers12 = {"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384",
                                          "ECDHE-RSA-AES128-SHA"};
constexpr std::array<sv, 3> kCiphers13 = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                                          "TLS_CHACHA20_POLY1305_SHA256"};
constexpr std::array<sv, 7> kPypiProjects = {"numpy", "requests", "boto3", "pandas", "urllib3", "certifi", "pyyaml"};
constexpr std::array<sv, 6> kRegions = {"us-east-1",    "us-west-2",      "eu-west-1",
                                        "eu-central-1", "ap-southeast-2", "sa-east-1"};
constexpr std::array<int, 8> kTzOffsets = {120, -300, 330, 60, -480, 540, -210, 600};  // minutes
constexpr std::array<sv, 6> kBadStatus = {"OK", "2OO", "20x", "abc", "NaN", "err"};
constexpr std::array<sv, 7> kEmptyish = {" ", "  ", "\t", " \t ", "-", "- -", "\"\""};

// ------------------------------------------------------------ status tables
struct StatusRow {
    std::uint16_t weight;
    std::uint16_t status;
    sv error;
};

constexpr StatusRow kGetRows[] = {{870, 200, "-"},
                                  {55, 206, "-"},
                                  {30, 304, "-"},
                                  {3, 307, "TemporaryRedirect"},
                                  {15, 403, "AccessDenied"},
                                  {2, 403, "SignatureDoesNotMatch"},
                                  {1, 403, "RequestTimeTooSkewed"},
                                  {30, 404, "NoSuchKey"},
                                  {3, 412, "PreconditionFailed"},
                                  {1, 416, "InvalidRange"},
                                  {2, 500, "InternalError"},
                                  {8, 503, "SlowDown"}};
constexpr StatusRow kHeadRows[] = {{800, 200, "-"},           {30, 304, "-"},
                                   {140, 404, "NoSuchKey"},   {20, 403, "AccessDenied"},
                                   {3, 500, "InternalError"}, {7, 503, "SlowDown"}};
constexpr StatusRow kPutRows[] = {{960, 200, "-"},       {12, 403, "AccessDenied"}, {3, 400, "RequestTimeout"},
                                  {3, 400, "BadDigest"}, {3, 500, "InternalError"}, {15, 503, "SlowDown"}};
constexpr StatusRow kPostUploadsRows[] = {{985, 200, "-"}, {10, 403, "AccessDenied"}, {5, 503, "SlowDown"}};
constexpr StatusRow kPutPartRows[] = {{970, 200, "-"},
                                      {5, 404, "NoSuchUpload"},
                                      {5, 400, "RequestTimeout"},
                                      {3, 500, "InternalError"},
                                      {17, 503, "SlowDown"}};
constexpr StatusRow kPostUploadRows[] = {{975, 200, "-"},
                                         {10, 400, "InvalidPart"},
                                         {5, 400, "EntityTooSmall"},
                                         {5, 404, "NoSuchUpload"},
                                         {5, 500, "InternalError"}};
constexpr StatusRow kCopyRows[] = {
    {960, 200, "-"}, {20, 404, "NoSuchKey"}, {15, 403, "AccessDenied"}, {5, 503, "SlowDown"}};
constexpr StatusRow kDeleteRows[] = {{970, 204, "-"}, {25, 403, "AccessDenied"}, {5, 503, "SlowDown"}};
constexpr StatusRow kListRows[] = {{970, 200, "-"}, {20, 403, "AccessDenied"}, {10, 503, "SlowDown"}};
constexpr StatusRow kAclRows[] = {{980, 200, "-"}, {20, 403, "AccessDenied"}};
constexpr StatusRow kPolicyRows[] = {{800, 404, "NoSuchBucketPolicy"}, {180, 200, "-"}, {20, 403, "AccessDenied"}};
constexpr StatusRow kWebsiteRows[] = {
    {820, 200, "-"}, {120, 304, "-"}, {50, 404, "NoSuchKey"}, {10, 403, "AccessDenied"}};
constexpr StatusRow kPostObjectRows[] = {
    {900, 204, "-"}, {60, 201, "-"}, {30, 403, "AccessDenied"}, {10, 400, "EntityTooLarge"}};

const StatusRow& pick_status(Rng& rng, std::span<const StatusRow> rows) {
    std::uint64_t total = 0;
    for (const auto& r : rows) total += r.weight;
    std::uint64_t x = rng.below(total);
    for (const auto& r : rows) {
        if (x < r.weight) return r;
        x -= r.weight;
    }
    return rows.back();
}

// -------------------------------------------------------- operation weights
struct OpRow {
    Op op;
    std::uint16_t weight;
};
constexpr OpRow kServiceOps[] = {{kGetObject, 450}, {kHeadObject, 150}, {kPutObject, 130}, {kPostUploads, 8},
                                 {kPutPart, 60},    {kPostUpload, 8},   {kCopyObject, 20}, {kDeleteObject, 30},
                                 {kGetBucket, 80},  {kMultiDelete, 10}, {kGetLocation, 10}};
constexpr OpRow kCliOps[] = {{kGetObject, 250},   {kHeadObject, 80},  {kPutObject, 150},    {kGetBucket, 250},
                             {kDeleteObject, 50}, {kGetAcl, 50},      {kGetVersioning, 40}, {kGetLocation, 40},
                             {kGetPolicy, 30},    {kMultiDelete, 20}, {kCopyObject, 20},    {kPostUploads, 5},
                             {kPutPart, 30},      {kPostUpload, 5}};
constexpr OpRow kReaderOps[] = {{kGetObject, 600}, {kHeadObject, 200}, {kGetBucket, 200}};
constexpr OpRow kAnonOps[] = {{kGetObject, 850}, {kHeadObject, 150}};
constexpr OpRow kBrowserOps[] = {{kWebsiteGet, 880}, {kGetObject, 120}};
constexpr OpRow kPresignOps[] = {{kGetObject, 800}, {kPutObject, 150}, {kPostObject, 50}};
constexpr OpRow kPipOps[] = {{kGetObject, 900}, {kHeadObject, 100}};
constexpr OpRow kLogDeliveryOps[] = {{kPutObject, 1000}};

std::span<const OpRow> ops_for(Profile p) {
    switch (p) {
        case Profile::Service: return kServiceOps;
        case Profile::Cli: return kCliOps;
        case Profile::Reader: return kReaderOps;
        case Profile::Anon: return kAnonOps;
        case Profile::Browser: return kBrowserOps;
        case Profile::Presign: return kPresignOps;
        case Profile::Pip: return kPipOps;
        case Profile::LogDelivery: return kLogDeliveryOps;
    }
    return kReaderOps;
}

Op pick_op(Rng& rng, std::span<const OpRow> rows) {
    std::uint64_t total = 0;
    for (const auto& r : rows) total += r.weight;
    std::uint64_t x = rng.below(total);
    for (const auto& r : rows) {
        if (x < r.weight) return r.op;
        x -= r.weight;
    }
    return rows.back().op;
}

// Buckets a profile may touch besides its home bucket.
std::span<const std::size_t> buckets_for(Profile p) {
    static constexpr std::size_t service[] = {0, 1, 3, 4, 7};
    static constexpr std::size_t cli[] = {0, 1, 2, 3, 4, 5, 6, 7};
    static constexpr std::size_t reader[] = {0, 3, 7};
    static constexpr std::size_t anon[] = {1, 5};
    static constexpr std::size_t browser[] = {2, 1};
    static constexpr std::size_t presign[] = {0, 1};
    static constexpr std::size_t pip[] = {5};
    static constexpr std::size_t logs[] = {6};
    switch (p) {
        case Profile::Service: return service;
        case Profile::Cli: return cli;
        case Profile::Reader: return reader;
        case Profile::Anon: return anon;
        case Profile::Browser: return browser;
        case Profile::Presign: return presign;
        case Profile::Pip: return pip;
        case Profile::LogDelivery: return logs;
    }
    return reader;
}

// ---------------------------------------------------------------- encoding
constexpr char kHexUpper[] = "0123456789ABCDEF";

bool unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == '~';
}

// strict: everything but unreserved and '/' is %XX (SDKs, the key field).
// raw: browser-ish, only what cannot appear in a request line is encoded.
void url_encode(sv in, std::string& out, bool raw, bool keep_slash = true) {
    for (const char ch : in) {
        const auto c = static_cast<unsigned char>(ch);
        bool keep = unreserved(c) || (c == '/' && keep_slash);
        if (raw && !keep) {
            keep = c > 0x20 && c < 0x7F && c != '"' && c != '#' && c != '%' && c != '?' && c != '<' && c != '>' &&
                   c != '\\' && c != '^' && c != '`' && c != '{' && c != '|' && c != '}' && (c != '/' || keep_slash);
        }
        if (keep) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(kHexUpper[c >> 4U]);
            out.push_back(kHexUpper[c & 15U]);
        }
    }
}

void append_hex(std::string& out, Rng& rng, std::size_t n, bool upper) {
    static constexpr char lower[] = "0123456789abcdef";
    const char* digits = upper ? kHexUpper : lower;
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (i % 16 == 0) bits = rng.next();
        out.push_back(digits[bits & 15U]);
        bits >>= 4U;
    }
}

void append_chars(std::string& out, Rng& rng, std::size_t n, sv alphabet) {
    for (std::size_t i = 0; i < n; ++i) out.push_back(alphabet[rng.index(alphabet.size())]);
}

constexpr sv kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr sv kVidChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
constexpr sv kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

template <class... Args>
void appendf(std::string& out, fmt::format_string<Args...> f, Args&&... args) {
    fmt::format_to(std::back_inserter(out), f, std::forward<Args>(args)...);
}

// ---------------------------------------------------------------- requests
enum class Dash : std::uint8_t { Quoted, Bare };

struct Req {
    Op op = kGetObject;
    std::size_t bucket = 0;
    std::size_t org = kNoOrg;
    std::int64_t t = 0;
    std::uint64_t request_id = 0;
    sv ip = "-";
    sv requester = "-";
    std::string key_raw;
    std::string key = "-";  // key field (encoded) or "-"
    std::string uri;        // request-URI contents; "-" with uri_dash
    Dash uri_dash = Dash::Quoted;
    unsigned status = 0;  // 0 => "-"
    sv error = "-";
    std::int64_t bytes_sent = -1;  // -1 => "-"
    std::int64_t object_size = -1;
    std::int64_t total_ms = -1;
    std::int64_t turn_ms = -1;
    sv referrer = "-";
    Dash referrer_dash = Dash::Quoted;
    sv user_agent = "-";
    Dash ua_dash = Dash::Quoted;
    std::string version_id = "-";
    std::string host_id;
    sv sig = "-";
    sv cipher = "-";
    sv auth = "-";
    std::string host = "-";
    sv tls = "-";
    std::string ap_arn = "-";
    sv acl = "-";
};

struct Slot {
    std::int64_t sort_key;
    std::int64_t t;
};

class FileGen {
public:
    FileGen(const World& w, const Config& cfg, const FileJob& job, Truth& truth)
        : w_(w), cfg_(cfg), job_(job), truth_(truth), rng_(job.seed), dup_rng_(job.seed ^ 0x6475706c69636174ULL) {}

    std::string run();

private:
    // request synthesis
    void new_request(Req& r, std::int64_t t, bool allow_batch);
    void lifecycle_request(Req& r);
    void client_request(Req& r, const Client& c);
    void batch_child(Req& r);
    void make_key(std::size_t bucket, std::uint64_t rank, std::string& raw, std::uint64_t& size);
    void pick_key(Req& r, std::uint64_t& size);
    void add_org_params(std::size_t home_org);
    void host_id(std::string& out);
    std::int64_t transfer_ms(const Client& c, std::uint64_t bytes);

    // formatting
    void format_req(const Req& r, int tz_minutes, bool region_field);
    void field_begin();
    void put(sv s) { line_.append(s.data(), s.data() + s.size()); }
    void put_num(std::int64_t v);
    void put_quoted(sv s, Dash d);
    void put_time(std::int64_t t, int tz_minutes);

    void emit_valid(const Req& r);
    void emit_garbage(std::int64_t t);
    void account(const Req& r);
    bool flush(std::FILE* f);

    const World& w_;
    const Config& cfg_;
    const FileJob& job_;
    Truth& truth_;
    Rng rng_;
    Rng dup_rng_;             // its own stream: --duplicate-permille leaves the main output as it was
    fmt::memory_buffer dup_;  // valid lines delivered again, in a second object

    fmt::memory_buffer line_;
    std::array<std::size_t, 32> fstart_{};
    std::size_t nf_ = 0;
    fmt::memory_buffer out_;

    Req req_;
    Req parent_;
    std::uint64_t batch_left_ = 0;
    std::int64_t min_t_ = INT64_MAX;

    // query-string scratch
    std::array<std::string, 16> params_;
    std::size_t nparams_ = 0;
    std::string scratch_;
    std::size_t cur_org_ = kNoOrg;
};

std::int64_t FileGen::transfer_ms(const Client& c, std::uint64_t bytes) {
    return static_cast<std::int64_t>(bytes / c.throughput_kbps);  // bytes / (kB/s) ~= ms
}

void FileGen::host_id(std::string& out) {
    out.clear();
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < 75; ++i) {
        if (i % 10 == 0) bits = rng_.next();
        out.push_back(kB64[bits & 63U]);
        bits >>= 6U;
    }
    out.push_back('=');
}

// Deterministic key name and size for (bucket, rank): the same key always has
// the same size.  `raw` is the unencoded key.
void FileGen::make_key(std::size_t bucket, std::uint64_t rank, std::string& raw, std::uint64_t& size) {
    const Bucket& b = w_.buckets[bucket];
    Rng k(mix64(b.salt, rank));
    raw.clear();
    const std::int64_t start_day = floor_div(w_.start, 86400);
    const Civil day = civil_from_days(start_day - static_cast<std::int64_t>(k.below(60)));
    const std::uint64_t sel = k.below(20);
    switch (b.kind) {
        case KeyKind::Data:
            if (sel < 12) {
                appendf(raw, "data/{:04}/{:02}/{:02}/file-{}.bin", day.year, day.month, day.day, rank);
                size = k.log_uniform(16, 28);
            } else if (sel < 16) {
                appendf(raw, "exports/customer {}/report-{}.csv", rank % 500, rank);
                size = k.log_uniform(10, 25);
            } else if (sel < 19) {
                appendf(raw, "tmp/job-{:08x}/part-{:05}.json", k.next() & 0xFFFFFFFFU, rank % 64);
                size = k.log_uniform(10, 20);
            } else {
                appendf(raw, "data/large/{:016X}.tar", k.next());
                size = k.log_uniform(30, 35);  // 1 GiB .. 32 GiB
            }
            break;
        case KeyKind::Media:
            if (sel < 10) {
                appendf(raw, "public/img/{}/IMG_{:04}.jpg", rank / 1000, rank % 10000);
                size = k.log_uniform(17, 23);
            } else if (sel < 14) {
                appendf(raw, "public/img/thumbs/{}_200x200.webp", rank);
                size = k.log_uniform(12, 16);
            } else if (sel < 16) {
                appendf(raw, "public/video/clip {}.mp4", rank);
                size = k.log_uniform(23, 33);  // up to 8 GiB
            } else if (sel < 17) {
                appendf(raw, "public/img/caf\xC3\xA9/{}.jpg", rank);
                size = k.log_uniform(17, 22);
            } else if (sel < 18) {
                appendf(raw, "public/docs/Q{} report (final) #{}.pdf", 1 + rank % 4, rank);
                size = k.log_uniform(17, 24);
            } else if (sel < 19) {
                appendf(raw, "public/audio/mix+{}&more.mp3", rank);
                size = k.log_uniform(21, 24);
            } else {
                appendf(raw, "public/img/{}/photo {}=final.png", rank / 1000, rank);
                size = k.log_uniform(17, 23);
            }
            break;
        case KeyKind::Web: {
            static constexpr std::array<sv, 7> fixed = {"index.html", "css/site.css",    "js/app.js", "favicon.ico",
                                                        "robots.txt", "images/logo.svg", "404.html"};
            if (rank < fixed.size()) {
                raw = fixed[rank];
                size = k.log_uniform(9, 17);
            } else if (sel < 10) {
                appendf(raw, "blog/{}/post-{}/index.html", day.year, rank);
                size = k.log_uniform(12, 17);
            } else if (sel < 17) {
                appendf(raw, "images/hero-{}.webp", rank);
                size = k.log_uniform(14, 20);
            } else {
                appendf(raw, "docs/v{}/guide.html", 1 + rank % 5);
                size = k.log_uniform(12, 16);
            }
            break;
        }
        case KeyKind::Ml:
            if (sel < 14) {
                const std::uint64_t syn = 1440764 + (rank % 1000) * 37;
                appendf(raw, "datasets/imagenet/train/n{:08}/n{:08}_{}.JPEG", syn, syn, rank);
                size = k.log_uniform(14, 19);
            } else if (sel < 18) {
                appendf(raw, "datasets/text/shard-{:05}.tar", rank % 20000);
                size = k.log_uniform(28, 31);
            } else {
                appendf(raw, "checkpoints/run-{}/step-{}/model.safetensors", rank % 40, rank * 500);
                size = k.log_uniform(31, 35);  // 2 GiB .. 32 GiB
            }
            break;
        case KeyKind::Backup:
            if (sel < 12) {
                appendf(raw, "backups/db/{:04}-{:02}-{:02}/pg_dump-{}.sql.gz", day.year, day.month, day.day, rank);
                size = k.log_uniform(29, 36);  // 512 MiB .. 64 GiB
            } else {
                appendf(raw, "backups/vm/vm-{:04}/disk-{}.vmdk", rank % 300, rank % 4);
                size = k.log_uniform(32, 36);
            }
            break;
        case KeyKind::Pypi: {
            const sv proj = kPypiProjects[k.index(kPypiProjects.size())];
            if (sel < 6) {
                appendf(raw, "simple/{}/index.html", proj);
                size = k.log_uniform(11, 17);
            } else {
                appendf(raw, "packages/{0}/{0}-{1}.{2}.{3}-py3-none-any.whl", proj, 1 + rank % 3, rank % 30, rank % 7);
                size = k.log_uniform(16, 25);
            }
            break;
        }
        case KeyKind::Logs:
            if (sel < 14) {
                appendf(raw, "s3-access/{:04}-{:02}-{:02}-{:02}-{:02}-{:02}-{:016X}", day.year, day.month, day.day,
                        k.below(24), k.below(60), k.below(60), k.next());
                size = k.log_uniform(10, 21);
            } else {
                appendf(raw,
                        "cloudtrail/AWSLogs/123456789012/CloudTrail/us-east-1/{0:04}/{1:02}/{2:02}/"
                        "123456789012_CloudTrail_us-east-1_{0:04}{1:02}{2:02}T{3:02}{4:02}Z_{5}.json.gz",
                        day.year, day.month, day.day, k.below(24), k.below(60), k.next() % 10000000000ULL);
                size = k.log_uniform(10, 20);
            }
            break;
        case KeyKind::Hive: {
            // Hive-style partitions put a literal "org=" into the *path*.
            const sv org = w_.orgs.empty() ? sv("none") : sv(w_.orgs[k.index(w_.orgs.size())]);
            appendf(raw, "warehouse/events/org={}/dt={:04}-{:02}-{:02}/part-{:05}-{:08x}.snappy.parquet", org, day.year,
                    day.month, day.day, rank % 2000, k.next() & 0xFFFFFFFFU);
            size = k.log_uniform(20, 29);
            break;
        }
    }
    // Hot objects are small: multi-GB objects only among the colder keys.
    constexpr std::uint64_t kHotCap = std::uint64_t{1} << 28U;  // 256 MiB
    if (rank < 300 && size > kHotCap) size = (std::uint64_t{1} << 20U) + size % kHotCap;
}

void FileGen::pick_key(Req& r, std::uint64_t& size) {
    const Bucket& b = w_.buckets[r.bucket];
    const std::uint64_t rank = w_.key_zipfs[b.zipf](rng_);
    make_key(r.bucket, rank, r.key_raw, size);
    r.key.clear();
    url_encode(r.key_raw, r.key, false);
}

// Adds org= (~60%), x-org= (~5%) or nothing to params_ at a random position;
// ~2.5% of org= values are percent-encoded (acme%2D17 == acme-17).
void FileGen::add_org_params(std::size_t home_org) {
    cur_org_ = kNoOrg;
    if (w_.orgs.empty()) return;
    const std::uint64_t roll = rng_.below(1000);
    if (roll >= 650) return;
    const bool x_org = roll >= 600;
    // Mostly the client's own org, sometimes any (Zipf-popular) org.
    const std::size_t org = rng_.permille(800) ? home_org : w_.org_zipf(rng_);
    std::string& p = scratch_;
    p.clear();
    p += x_org ? "x-org=" : "org=";
    const std::string& name = w_.orgs[org];
    if (!x_org && rng_.permille(25)) {
        // Percent-encoded value: '-' as %2D / %2d, sometimes a letter too.
        const bool lower = rng_.permille(300);
        const bool letter = rng_.permille(300);
        for (std::size_t i = 0; i < name.size(); ++i) {
            const char ch = name[i];
            if (ch == '-' || (letter && i == 0)) {
                const auto c = static_cast<unsigned char>(ch);
                if (lower)
                    appendf(p, "%{:02x}", static_cast<unsigned>(c));
                else
                    appendf(p, "%{:02X}", static_cast<unsigned>(c));
            } else {
                p.push_back(ch);
            }
        }
    } else {
        p += name;
    }
    const std::size_t pos = rng_.index(nparams_ + 1);
    for (std::size_t i = nparams_; i > pos; --i) std::swap(params_[i], params_[i - 1]);
    params_[pos].assign(p);
    ++nparams_;
    if (!x_org) cur_org_ = org;
}

void FileGen::lifecycle_request(Req& r) {
    static constexpr std::size_t lc_buckets[] = {0, 4, 6, 6};
    r.bucket = lc_buckets[rng_.index(std::size(lc_buckets))];
    r.op = (r.bucket == 4 || (r.bucket == 0 && rng_.permille(300))) ? kTransition : kExpire;
    r.ip = "-";
    r.requester = "AmazonS3";
    std::uint64_t size = 0;
    pick_key(r, size);
    r.uri.assign("-");
    r.uri_dash = Dash::Quoted;
    r.status = 0;
    r.object_size = rng_.permille(900) ? static_cast<std::int64_t>(size) : -1;
    if (w_.buckets[r.bucket].versioned && rng_.permille(400)) {
        r.version_id.clear();
        append_chars(r.version_id, rng_, 32, kVidChars);
    }
}

void FileGen::client_request(Req& r, const Client& c) {
    const Bucket* b = nullptr;
    r.op = pick_op(rng_, ops_for(c.profile));
    if (r.op == kWebsiteGet) {
        r.bucket = 2;
    } else if (rng_.permille(850)) {
        r.bucket = c.home_bucket;
    } else {
        const auto set = buckets_for(c.profile);
        r.bucket = set[rng_.index(set.size())];
    }
    b = &w_.buckets[r.bucket];
    // Backups are written and checked, rarely restored.
    if (b->kind == KeyKind::Backup && r.op == kGetObject && rng_.permille(900)) r.op = kHeadObject;
    r.ip = c.ip;
    r.requester = c.requester;
    r.user_agent = c.user_agent;
    if (!c.referrer.empty()) r.referrer = c.referrer;
    if (rng_.permille(5)) r.referrer_dash = Dash::Bare;  // unquoted '-' quirk
    if (r.referrer_dash == Dash::Bare) r.referrer = "-";

    const bool presigned = c.profile == Profile::Presign && r.op != kPostObject;
    r.sig = c.sig == 1 ? sv("SigV4") : c.sig == 2 ? sv("SigV2") : sv("-");
    r.auth = c.sig == 0 ? sv("-") : presigned ? sv("QueryString") : sv("AuthHeader");
    if (c.tls == 1) {
        r.tls = "TLSv1.2";
        r.cipher = kCiphers12[c.cipher];
    } else if (c.tls == 2) {
        r.tls = "TLSv1.3";
        r.cipher = kCiphers13[c.cipher];
    }
    if (c.requester.size() == 64 || (c.sig == 0 && r.bucket == 1)) r.acl = rng_.permille(300) ? "Yes" : "-";

    const bool dotted = b->name.find('.') != std::string::npos;
    const bool use_ap = !c.access_point.empty() && r.bucket == c.home_bucket && r.op != kWebsiteGet;
    const bool vhost = use_ap || (c.vhost && !dotted);

    // ---- host header
    r.host.clear();
    if (r.op == kWebsiteGet) {
        r.tls = "-";
        r.cipher = "-";
        if (rng_.permille(500))
            r.host = b->name;  // CNAME'd custom domain
        else
            appendf(r.host, "{}.s3-website-{}.amazonaws.com", b->name, b->region);
    } else if (use_ap) {
        appendf(r.host, "{}-{}.s3-accesspoint.{}.amazonaws.com", c.access_point, c.account, b->region);
        r.ap_arn.clear();
        appendf(r.ap_arn, "arn:aws:s3:{}:{}:accesspoint/{}", b->region, c.account, c.access_point);
    } else if (vhost) {
        if (c.ip.find(':') != std::string::npos)
            appendf(r.host, "{}.s3.dualstack.{}.amazonaws.com", b->name, b->region);
        else if (b->region == "us-east-1" && rng_.permille(300))
            appendf(r.host, "{}.s3.amazonaws.com", b->name);
        else
            appendf(r.host, "{}.s3.{}.amazonaws.com", b->name, b->region);
    } else {
        if (b->region == "us-east-1" && rng_.permille(400))
            r.host = "s3.amazonaws.com";
        else
            appendf(r.host, "s3.{}.amazonaws.com", b->region);
    }

    // ---- key, status, sizes
    std::uint64_t size = 0;
    bool has_key = true;
    sv method = "GET";
    nparams_ = 0;
    auto param = [&](sv s) { params_[nparams_++].assign(s); };
    auto paramf = [&]<class... A>(fmt::format_string<A...> f, A&&... a) {
        std::string& p = params_[nparams_++];
        p.clear();
        fmt::format_to(std::back_inserter(p), f, std::forward<A>(a)...);
    };
    auto err_bytes = [&] { return static_cast<std::int64_t>(rng_.range(220, 420)); };
    const bool sdk_js = c.user_agent.starts_with("aws-sdk-js");
    r.turn_ms = static_cast<std::int64_t>(1 + rng_.log_uniform(0, 6));
    std::uint64_t moved = 0;  // bytes on the wire, for total time

    switch (r.op) {
        case kGetObject:
        case kWebsiteGet: {
            pick_key(r, size);
            const StatusRow& s = pick_status(rng_, r.op == kGetObject ? std::span<const StatusRow>(kGetRows)
                                                                      : std::span<const StatusRow>(kWebsiteRows));
            r.status = s.status;
            r.error = s.error;
            if (c.sig == 0 && (r.error == "SignatureDoesNotMatch" || r.error == "RequestTimeTooSkewed"))
                r.error = "AccessDenied";
            const auto isize = static_cast<std::int64_t>(size);
            if (r.status == 200) {
                r.object_size = isize;
                r.bytes_sent = rng_.permille(10) ? static_cast<std::int64_t>(1 + rng_.below(size)) : isize;
            } else if (r.status == 206) {
                r.object_size = isize;
                const std::uint64_t len = std::min<std::uint64_t>(size, rng_.log_uniform(10, 24));
                r.bytes_sent = static_cast<std::int64_t>(len);
            } else if (r.status == 304) {
                r.object_size = isize;
            } else if (r.op == kWebsiteGet && r.status == 404) {
                r.bytes_sent = static_cast<std::int64_t>(rng_.range(500, 1500));
            } else {
                r.bytes_sent = r.status == 307 ? static_cast<std::int64_t>(rng_.range(400, 600)) : err_bytes();
            }
            if (r.bytes_sent > 0) moved = static_cast<std::uint64_t>(r.bytes_sent);
            if (r.op == kGetObject) {
                if (b->versioned && rng_.permille(60)) {
                    r.version_id.clear();
                    append_chars(r.version_id, rng_, 32, kVidChars);
                    scratch_.clear();
                    url_encode(r.version_id, scratch_, false, false);
                    paramf("versionId={}", scratch_);
                }
                if (presigned && rng_.permille(150)) {
                    // Raw double quotes inside a query value (real clients do this).
                    if (rng_.permille(250))
                        param("response-content-disposition=attachment;%20filename=\"a b.txt\"");
                    else
                        paramf("response-content-disposition=attachment;%20filename=\"report%20{}.pdf\"",
                               rng_.below(1000));
                }
                if (c.profile == Profile::Cli && rng_.permille(50)) paramf("partNumber={}", 1 + rng_.below(4));
                if (sdk_js) param("x-id=GetObject");
            }
            break;
        }
        case kHeadObject: {
            method = "HEAD";
            pick_key(r, size);
            const StatusRow& s = pick_status(rng_, kHeadRows);
            r.status = s.status;
            r.error = s.error;
            if (r.status == 200 || r.status == 304) r.object_size = static_cast<std::int64_t>(size);
            if (b->versioned && rng_.permille(40)) {
                r.version_id.clear();
                append_chars(r.version_id, rng_, 32, kVidChars);
                scratch_.clear();
                url_encode(r.version_id, scratch_, false, false);
                paramf("versionId={}", scratch_);
            }
            break;
        }
        case kPutObject:
        case kPostObject: {
            method = r.op == kPutObject ? sv("PUT") : sv("POST");
            pick_key(r, size);
            if (c.profile == Profile::LogDelivery || c.profile == Profile::Presign)
                size = std::min<std::uint64_t>(size, rng_.log_uniform(10, 24));
            const StatusRow& s = pick_status(rng_, r.op == kPutObject ? std::span<const StatusRow>(kPutRows)
                                                                      : std::span<const StatusRow>(kPostObjectRows));
            r.status = s.status;
            r.error = s.error;
            const auto isize = static_cast<std::int64_t>(size);
            if (r.status == 200 || r.status == 204) {
                r.object_size = isize;
            } else if (r.status == 201) {
                r.object_size = isize;
                r.bytes_sent = static_cast<std::int64_t>(rng_.range(250, 350));
            } else {
                r.bytes_sent = err_bytes();
                if (r.status == 500 || r.status == 400 || (r.status == 403 && rng_.permille(500)))
                    r.object_size = isize;
            }
            if (r.object_size > 0) moved = static_cast<std::uint64_t>(r.object_size);
            if (r.op == kPutObject && sdk_js) param("x-id=PutObject");
            break;
        }
        case kPostUploads: {
            method = "POST";
            pick_key(r, size);
            const StatusRow& s = pick_status(rng_, kPostUploadsRows);
            r.status = s.status;
            r.error = s.error;
            r.bytes_sent = r.status == 200 ? static_cast<std::int64_t>(rng_.range(300, 500)) : err_bytes();
            param("uploads");
            if (sdk_js) param("x-id=CreateMultipartUpload");
            break;
        }
        case kPutPart:
        case kPostUpload: {
            method = r.op == kPutPart ? sv("PUT") : sv("POST");
            pick_key(r, size);
            scratch_.clear();
            append_chars(scratch_, rng_, 64, kAlnum);
            std::uint64_t part = 0;
            if (r.op == kPutPart) {
                part = rng_.permille(5) ? rng_.range(4608ULL << 20U, 5120ULL << 20U)  // > 4 GiB parts
                                        : rng_.log_uniform(23, 29);
                paramf("partNumber={}", 1 + rng_.below(200));
                paramf("uploadId={}", scratch_);
                const StatusRow& s = pick_status(rng_, kPutPartRows);
                r.status = s.status;
                r.error = s.error;
                if (r.status == 200) {
                    r.object_size = static_cast<std::int64_t>(part);
                } else {
                    r.bytes_sent = err_bytes();
                    if (rng_.permille(500)) r.object_size = static_cast<std::int64_t>(part);
                }
                if (r.object_size > 0) moved = part;
            } else {
                paramf("uploadId={}", scratch_);
                const StatusRow& s = pick_status(rng_, kPostUploadRows);
                r.status = s.status;
                r.error = s.error;
                if (r.status == 200) {
                    r.bytes_sent = static_cast<std::int64_t>(rng_.range(320, 480));
                    r.object_size = static_cast<std::int64_t>(std::max<std::uint64_t>(size, 5ULL << 20U));
                } else {
                    r.bytes_sent = err_bytes();
                }
                r.turn_ms += static_cast<std::int64_t>(rng_.below(2000));
            }
            break;
        }
        case kCopyObject: {
            method = "PUT";
            pick_key(r, size);
            const StatusRow& s = pick_status(rng_, kCopyRows);
            r.status = s.status;
            r.error = s.error;
            if (r.status == 200) {
                r.bytes_sent = static_cast<std::int64_t>(rng_.range(234, 260));
                r.object_size = static_cast<std::int64_t>(size);
                r.turn_ms += transfer_ms(c, size) / 8;
            } else {
                r.bytes_sent = err_bytes();
            }
            if (sdk_js) param("x-id=CopyObject");
            break;
        }
        case kDeleteObject: {
            method = "DELETE";
            pick_key(r, size);
            const StatusRow& s = pick_status(rng_, kDeleteRows);
            r.status = s.status;
            r.error = s.error;
            if (b->versioned && rng_.permille(100)) {
                r.version_id.clear();
                append_chars(r.version_id, rng_, 32, kVidChars);
                scratch_.clear();
                url_encode(r.version_id, scratch_, false, false);
                paramf("versionId={}", scratch_);
            }
            if (sdk_js) param("x-id=DeleteObject");
            break;
        }
        case kGetBucket: {
            has_key = false;
            const StatusRow& s = pick_status(rng_, kListRows);
            r.status = s.status;
            r.error = s.error;
            r.bytes_sent = r.status == 200 ? static_cast<std::int64_t>(600 + rng_.log_uniform(8, 18)) : err_bytes();
            if (r.bytes_sent > 0) moved = static_cast<std::uint64_t>(r.bytes_sent);
            // A prefix taken from a real key of the bucket.
            std::uint64_t unused = 0;
            std::string& raw = r.key_raw;
            make_key(r.bucket, w_.key_zipfs[b->zipf](rng_), raw, unused);
            const auto slash = raw.rfind('/');
            raw.resize(slash == std::string::npos ? 0 : slash + 1);
            scratch_.clear();
            url_encode(raw, scratch_, false, false);
            if (rng_.permille(800)) {
                param("list-type=2");
                paramf("prefix={}", scratch_);
                if (rng_.permille(500)) param("delimiter=%2F");
                if (rng_.permille(300)) {
                    std::string tok;
                    append_chars(tok, rng_, 44, kAlnum);
                    paramf("continuation-token={}%3D", tok);
                }
                param("encoding-type=url");
            } else {
                paramf("prefix={}", scratch_);
                param("max-keys=1000");
                if (rng_.permille(400)) param("marker=");
            }
            if (sdk_js) param("x-id=ListObjectsV2");
            break;
        }
        case kGetAcl: {
            has_key = rng_.permille(700);
            if (has_key) pick_key(r, size);
            const StatusRow& s = pick_status(rng_, kAclRows);
            r.status = s.status;
            r.error = s.error;
            r.bytes_sent = r.status == 200 ? static_cast<std::int64_t>(rng_.range(400, 2200)) : err_bytes();
            param("acl");
            break;
        }
        case kGetVersioning:
        case kGetLocation:
        case kGetPolicy: {
            has_key = false;
            const StatusRow& s = pick_status(rng_, r.op == kGetPolicy ? std::span<const StatusRow>(kPolicyRows)
                                                                      : std::span<const StatusRow>(kAclRows));
            r.status = s.status;
            r.error = s.error;
            if (r.op == kGetVersioning) {
                param("versioning");
                r.bytes_sent = r.status == 200 ? (b->versioned ? 138 : 113) : err_bytes();
            } else if (r.op == kGetLocation) {
                param("location");
                r.bytes_sent = r.status == 200 ? static_cast<std::int64_t>(rng_.range(128, 137)) : err_bytes();
            } else {
                param("policy");
                r.bytes_sent = r.status == 200 ? static_cast<std::int64_t>(rng_.range(400, 3000))
                                               : static_cast<std::int64_t>(rng_.range(297, 330));
            }
            break;
        }
        case kMultiDelete: {
            method = "POST";
            has_key = false;
            const StatusRow& s = pick_status(rng_, kPostUploadsRows);
            r.status = s.status;
            r.error = s.error;
            param("delete");
            if (r.status == 200) {
                batch_left_ = 1 + rng_.below(8);
                r.bytes_sent = static_cast<std::int64_t>(100 + 75 * batch_left_);
            } else {
                r.bytes_sent = err_bytes();
            }
            break;
        }
        default: break;
    }
    if (!has_key) {
        r.key.assign("-");
        r.key_raw.clear();
    }
    if (r.status != 304 && r.status != 206 && r.status / 100 == 2 && r.op != kHeadObject)
        r.total_ms = r.turn_ms + transfer_ms(c, moved) + static_cast<std::int64_t>(rng_.below(5));
    else
        r.total_ms = r.turn_ms + static_cast<std::int64_t>(rng_.below(8));
    if (r.status == 206) r.total_ms += transfer_ms(c, moved);
    if (r.status >= 500 && rng_.permille(300)) r.turn_ms = -1;

    // ---- query: presigned auth, org, then the request-URI
    if (presigned) {
        const DateTime dt = split_time(r.t - static_cast<std::int64_t>(rng_.below(3000)));
        paramf("X-Amz-Algorithm=AWS4-HMAC-SHA256");
        scratch_.clear();
        append_chars(scratch_, rng_, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
        paramf("X-Amz-Credential=AKIA{}%2F{:04}{:02}{:02}%2F{}%2Fs3%2Faws4_request", scratch_, dt.date.year,
               dt.date.month, dt.date.day, b->region);
        paramf("X-Amz-Date={:04}{:02}{:02}T{:02}{:02}{:02}Z", dt.date.year, dt.date.month, dt.date.day, dt.hour,
               dt.minute, dt.second);
        paramf("X-Amz-Expires={}", rng_.permille(500) ? 3600 : 604800);
        paramf("X-Amz-SignedHeaders=host");
        std::string& p = params_[nparams_++];
        p.assign("X-Amz-Signature=");
        append_hex(p, rng_, 64, false);
    }
    add_org_params(c.home_org);
    r.org = cur_org_;

    r.uri.clear();
    r.uri += method;
    r.uri.push_back(' ');
    if (r.op == kWebsiteGet) {
        r.uri.push_back('/');
        if (r.key_raw != "index.html" || rng_.permille(300)) url_encode(r.key_raw, r.uri, true);
    } else {
        if (!vhost) {
            r.uri.push_back('/');
            r.uri += b->name;
            if ((has_key && r.op != kPostObject) || rng_.permille(200)) r.uri.push_back('/');
        } else {
            r.uri.push_back('/');
        }
        // A browser form upload (POST Object) targets the bucket; the key is a form field.
        if (has_key && r.op != kPostObject) url_encode(r.key_raw, r.uri, c.raw_path);
    }
    for (std::size_t i = 0; i < nparams_; ++i) {
        r.uri.push_back(i == 0 ? '?' : '&');
        r.uri += params_[i];
    }
    r.uri += c.http10 ? " HTTP/1.0" : " HTTP/1.1";
}

void FileGen::new_request(Req& r, std::int64_t t, bool allow_batch) {
    r = Req{};
    r.t = t;
    r.request_id = rng_.next();
    host_id(r.host_id);
    const std::uint64_t saved_batch = batch_left_;
    if (rng_.permille(20)) {
        lifecycle_request(r);
    } else {
        const Client& c = w_.clients[w_.client_zipf(rng_)];
        client_request(r, c);
    }
    if (!allow_batch) batch_left_ = saved_batch;
}

// One BATCH.DELETE.OBJECT record of the multi-object delete in parent_.
void FileGen::batch_child(Req& r) {
    r = parent_;
    r.op = kBatchDelete;
    r.org = kNoOrg;
    std::uint64_t size = 0;
    pick_key(r, size);
    r.uri.assign("-");
    r.uri_dash = Dash::Bare;
    r.status = 204;
    r.error = "-";
    r.bytes_sent = -1;
    r.object_size = rng_.permille(900) ? static_cast<std::int64_t>(size) : -1;
    r.total_ms = static_cast<std::int64_t>(rng_.below(30));
    r.turn_ms = -1;
    r.referrer = "-";
    r.referrer_dash = Dash::Bare;
    r.user_agent = "-";
    r.ua_dash = Dash::Bare;
    r.version_id.assign("-");
    r.acl = "-";
}

// ---------------------------------------------------------------- formatting
void FileGen::field_begin() {
    if (nf_ > 0) line_.push_back(' ');
    fstart_[nf_++] = line_.size();
}

void FileGen::put_num(std::int64_t v) {
    if (v < 0) {
        line_.push_back('-');
    } else {
        const fmt::format_int f(v);
        line_.append(f.data(), f.data() + f.size());
    }
}

void FileGen::put_quoted(sv s, Dash d) {
    if (d == Dash::Bare) {
        line_.push_back('-');
        return;
    }
    line_.push_back('"');
    put(s);
    line_.push_back('"');
}

void FileGen::put_time(std::int64_t t, int tz_minutes) {
    const DateTime dt = split_time(t + tz_minutes * 60);
    char buf[28];
    auto two = [&](std::size_t at, unsigned v) {
        buf[at] = static_cast<char>('0' + v / 10U);
        buf[at + 1] = static_cast<char>('0' + v % 10U);
    };
    buf[0] = '[';
    two(1, dt.date.day);
    buf[3] = '/';
    const sv mon = kMonthAbbr[dt.date.month - 1];
    buf[4] = mon[0];
    buf[5] = mon[1];
    buf[6] = mon[2];
    buf[7] = '/';
    const auto y = static_cast<unsigned>(dt.date.year);
    two(8, y / 100U);
    two(10, y % 100U);
    buf[12] = ':';
    two(13, dt.hour);
    buf[15] = ':';
    two(16, dt.minute);
    buf[18] = ':';
    two(19, dt.second);
    buf[21] = ' ';
    buf[22] = tz_minutes < 0 ? '-' : '+';
    const auto off = static_cast<unsigned>(tz_minutes < 0 ? -tz_minutes : tz_minutes);
    two(23, off / 60U);
    two(25, off % 60U);
    buf[27] = ']';
    line_.append(buf, buf + sizeof buf);
}

// Writes all 26 fields (27 with the source region) into line_.
void FileGen::format_req(const Req& r, int tz_minutes, bool region_field) {
    line_.clear();
    nf_ = 0;
    field_begin();
    put(w_.owners[w_.buckets[r.bucket].owner]);
    field_begin();
    put(w_.buckets[r.bucket].name);
    field_begin();
    put_time(r.t, tz_minutes);
    field_begin();
    put(r.ip);
    field_begin();
    put(r.requester);
    field_begin();
    {
        char id[16];
        std::uint64_t v = r.request_id;
        for (char& ch : id) {
            ch = kHexUpper[v & 15U];
            v >>= 4U;
        }
        line_.append(id, id + 16);
    }
    field_begin();
    put(kOpNames[r.op]);
    field_begin();
    put(r.key);
    field_begin();
    put_quoted(r.uri, r.uri_dash);
    field_begin();
    if (r.status == 0)
        line_.push_back('-');
    else
        put_num(r.status);
    field_begin();
    put(r.error);
    field_begin();
    put_num(r.bytes_sent);
    field_begin();
    put_num(r.object_size);
    field_begin();
    put_num(r.total_ms);
    field_begin();
    put_num(r.turn_ms);
    field_begin();
    put_quoted(r.referrer, r.referrer_dash);
    field_begin();
    put_quoted(r.user_agent, r.ua_dash);
    field_begin();
    put(r.version_id);
    field_begin();
    put(r.host_id);
    field_begin();
    put(r.sig);
    field_begin();
    put(r.cipher);
    field_begin();
    put(r.auth);
    field_begin();
    put(r.host);
    field_begin();
    put(r.tls);
    field_begin();
    put(r.ap_arn);
    field_begin();
    put(r.acl);
    if (region_field) {
        field_begin();
        put(kRegions[rng_.index(kRegions.size())]);
    }
    fstart_[nf_] = line_.size() + 1;  // virtual start of the field after the last
}

void FileGen::account(const Req& r) {
    Truth& t = truth_;
    ++t.valid;
    const std::uint64_t bs = r.bytes_sent < 0 ? 0 : static_cast<std::uint64_t>(r.bytes_sent);
    t.bytes_sent += bs;
    if ((r.op == kPutObject || r.op == kPutPart || r.op == kPostObject) && r.object_size >= 0)
        t.bytes_uploaded += static_cast<std::uint64_t>(r.object_size);
    if (r.status >= 400 && r.status < 500) ++t.errors_4xx;
    if (r.status >= 500 && r.status < 600) ++t.errors_5xx;
    t.by_org[r.org == kNoOrg ? w_.orgs.size() : r.org].add(bs);
    if (r.status == 0)
        t.status_dash.add(bs);
    else
        t.by_status[r.status].add(bs);
    t.by_hour[static_cast<std::size_t>(floor_div(r.t, 3600) - w_.first_hour)].add(bs);
    t.by_op[r.op].add(bs);
    t.by_bucket[r.bucket].add(bs);
    min_t_ = std::min(min_t_, r.t);
}

void FileGen::emit_valid(const Req& r) {
    // Shape: ~5% 18 fields, ~5% 24 fields, ~1% 27 fields, the rest 26.
    const std::uint64_t shape = rng_.below(1000);
    const std::size_t nfields = shape < 50 ? 18 : shape < 100 ? 24 : shape < 110 ? 27 : 26;
    const int tz = rng_.permille(5) ? kTzOffsets[rng_.index(kTzOffsets.size())] : 0;
    format_req(r, tz, nfields == 27);
    if (nfields < 26) line_.resize(fstart_[nfields] - 1);
    std::size_t len = line_.size();
    const auto* data = line_.data();
    if (rng_.permille(5)) {
        // Two spaces between two fields.
        const std::size_t at = fstart_[1 + rng_.index(nfields - 1)] - 1;
        out_.append(data, data + at);
        out_.push_back(' ');
        out_.append(data + at, data + len);
    } else {
        out_.append(data, data + len);
    }
    if (rng_.permille(5)) out_.push_back(' ');   // trailing space
    if (rng_.permille(5)) out_.push_back('\r');  // CRLF ending
    out_.push_back('\n');
    account(r);
}

// Lines a strict parser must reject.  Never contain '\n' or '\r'.
void FileGen::emit_garbage(std::int64_t t) {
    ++truth_.garbage;
    const std::uint64_t kind = rng_.below(100);
    if (kind >= 30 && kind < 50) {  // random bytes incl. control chars and invalid UTF-8
        const std::uint64_t n = 1 + rng_.below(200);
        for (std::uint64_t i = 0; i < n; ++i) {
            char ch = '\0';
            do {
                ch = static_cast<char>(static_cast<unsigned char>(rng_.below(256)));
            } while (ch == '\n' || ch == '\r' || ch == '[');
            out_.push_back(ch);
        }
        out_.push_back('\n');
        return;
    }
    if (kind >= 70 && kind < 80) {  // empty-ish (never a completely empty line)
        const sv s = kEmptyish[rng_.index(kEmptyish.size())];
        if (s.find_first_not_of(" \t") == sv::npos) ++truth_.blank;
        out_.append(s.data(), s.data() + s.size());
        out_.push_back('\n');
        return;
    }
    Req& g = req_;
    new_request(g, t, false);  // a throw-away request as the base of the broken line
    format_req(g, 0, false);
    const auto* data = line_.data();
    if (kind < 30) {  // truncated before the referrer field: at most 15 fields
        const std::size_t cut = static_cast<std::size_t>(rng_.range(8, fstart_[15] - 2));
        out_.append(data, data + cut);
    } else if (kind < 70) {  // bad month
        const std::size_t m = fstart_[2] + 4;
        out_.append(data, data + m);
        out_.append(sv("XXX"));
        out_.append(data + m + 3, data + line_.size());
    } else {  // non-numeric status
        const sv bad = kBadStatus[rng_.index(kBadStatus.size())];
        out_.append(data, data + fstart_[9]);
        out_.append(bad);
        out_.append(data + fstart_[10] - 1, data + line_.size());
    }
    out_.push_back('\n');
}

bool FileGen::flush(std::FILE* f) {
    if (out_.size() == 0) return true;
    const bool ok = std::fwrite(out_.data(), 1, out_.size(), f) == out_.size();
    out_.clear();
    return ok;
}

std::string FileGen::run() {
    const std::uint64_t n = job_.lines;
    // Record times: uniform in the window, thinned by the diurnal profile.
    // Lines are ordered by time plus up to a minute of jitter, so a file is
    // mostly but not perfectly sorted (like real S3 delivery).
    std::vector<Slot> slots(n);
    const auto span = static_cast<std::uint64_t>(job_.win_hi - job_.win_lo);
    for (Slot& s : slots) {
        std::int64_t t = job_.win_lo;
        for (int tries = 0; tries < 64; ++tries) {
            t = job_.win_lo + static_cast<std::int64_t>(rng_.below(span));
            const auto hod = static_cast<std::size_t>(t - floor_div(t, 86400) * 86400) / 3600;
            if (rng_.below(100) < kHourWeight[hod]) break;
        }
        s.t = t;
        s.sort_key = t * 1000 + static_cast<std::int64_t>(rng_.below(60000));
    }
    std::sort(slots.begin(), slots.end(), [](const Slot& a, const Slot& b) {
        return a.sort_key != b.sort_key ? a.sort_key < b.sort_key : a.t < b.t;
    });

    const std::string tmp = fmt::format("{}/.s3gen-{}.tmp", cfg_.out_dir, job_.index);
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (f == nullptr) return {};
    bool ok = true;
    std::uint64_t garbage_left = job_.garbage;
    for (std::uint64_t j = 0; j < n && ok; ++j) {
        const Slot& s = slots[j];
        ++truth_.lines;
        if (rng_.below(n - j) < garbage_left) {  // exact count, uniform positions
            --garbage_left;
            emit_garbage(s.t);
        } else {
            const std::size_t before = out_.size();
            if (batch_left_ > 0) {
                --batch_left_;
                batch_child(req_);
            } else {
                new_request(req_, s.t, true);
                if (batch_left_ > 0) parent_ = req_;
            }
            emit_valid(req_);
            if (cfg_.duplicate_permille > 0 && dup_rng_.below(1000) < cfg_.duplicate_permille) {
                dup_.append(out_.data() + before, out_.data() + out_.size());
                ++truth_.duplicates;
            }
        }
        if (out_.size() >= (4U << 20U)) ok = flush(f);
    }
    ok = flush(f) && ok;
    ok = (std::fclose(f) == 0) && ok;
    if (!ok) return {};

    if (min_t_ == INT64_MAX) {  // only garbage in this file: use its earliest nominal time
        for (const Slot& s : slots) min_t_ = std::min(min_t_, s.t);
    }
    const DateTime dt = split_time(min_t_);
    std::string name = fmt::format("{:04}-{:02}-{:02}-{:02}-{:02}-{:02}-{}", dt.date.year, dt.date.month, dt.date.day,
                                   dt.hour, dt.minute, dt.second, job_.hex);
    if (std::rename(tmp.c_str(), (cfg_.out_dir + "/" + name).c_str()) != 0) return {};
    if (dup_.size() > 0) {  // S3 delivering some records a second time, in an object of its own
        std::FILE* d = std::fopen((cfg_.out_dir + "/" + name + "-redelivered").c_str(), "wb");
        if (d == nullptr) return {};
        const bool wrote = std::fwrite(dup_.data(), 1, dup_.size(), d) == dup_.size();
        if (std::fclose(d) != 0 || !wrote) return {};
    }
    return name;
}

}  // namespace

std::string generate_file(const World& w, const Config& cfg, const FileJob& job, Truth& truth) {
    if (job.lines == 0) return {};
    FileGen g(w, cfg, job, truth);
    return g.run();
}

}  // namespace s3gen
