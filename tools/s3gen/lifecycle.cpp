// s3gen --storage-objects N: object lifecycles and the exact storage they add up to.
//
// Each lifecycle has a key of its own (so lifecycles never interact) and events at strictly
// increasing seconds: puts (PUT, POST, SOAP PUT, copies with the read of their source),
// overwrites by another org, multipart uploads with parts spread over hours (a part uploaded
// twice, completed, aborted or left open), deletes (DELETE, batch delete, lifecycle expiry) by
// any org, lifecycle transitions, a versioned bucket (overwrites and delete markers keep the old
// version until the oldest noncurrent one expires), failed writes that change nothing, deletes
// of keys never written, and reads. The truth is computed from each version's own life (who
// owns how many bytes in which class from when to when), never by replaying the lines.
#include "lifecycle.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "civil.hpp"
#include "rng.hpp"

namespace s3gen {
namespace {

constexpr std::int64_t kHour = 3600, kDay = 86400;
constexpr std::string_view kPlain = "st-data", kVersioned = "st-versioned", kArchive = "st-archive";

struct Line {
    std::int64_t time;
    std::string text;  // without the time, which is put in when written: "[time]" marks where
};

/// A version's life: `size` bytes of `org` in `cls` over [from, to).
struct Segment {
    std::string bucket, key;
    std::string org, cls;
    std::uint64_t size;
    std::int64_t from, to;
    bool object;  // a version (parts are not objects)
};

struct Sim {
    Rng rng;
    const std::vector<std::string>& orgs;
    std::int64_t start, end;  // the lines' span
    std::vector<Line> lines;
    std::vector<Segment> segments;
    std::uint64_t failed = 0, unknown = 0, seq = 0;
    std::string_view life_bucket;  // of the lifecycle being made
    std::string life_key;

    std::string req_id() { return fmt::format("{:016X}", mix64(0x5354, ++seq)); }
    const std::string& org() { return orgs[rng.index(orgs.size())]; }

    /// A client request line. `query` without the org; `version` "-" when none.
    void request(std::int64_t t, std::string_view bucket, std::string_view op, std::string_view key,
                 std::string_view method, std::string_view query, const std::string& org, int status,
                 std::string_view size, std::string_view version = "-") {
        const std::string q = fmt::format("{}{}org={}", query, query.empty() ? "" : "&", org);
        const char* err = status >= 500 ? "InternalError" : status >= 400 ? "AccessDenied" : "-";
        lines.push_back(Line{
            t, fmt::format("79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be {} [time] 192.0.2.{} "
                           "arn:aws:iam::123456789012:user/{} {} {} {} \"{} /{}/{}?{} HTTP/1.1\" {} {} {} {} {} {} "
                           "\"-\" \"aws-cli/2.15.0\" {} hostid= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader "
                           "{}.s3.us-east-1.amazonaws.com TLSv1.2 - -",
                           bucket, 10 + rng.below(200), org, req_id(), op, key, method, bucket, key, q, status, err,
                           status >= 400 ? "243" : "-", size, 10 + rng.below(90), 5 + rng.below(20), version, bucket)});
    }
    /// A lifecycle line (AmazonS3, no request line, no status).
    void lifecycle(std::int64_t t, std::string_view bucket, std::string_view op, std::string_view key,
                   std::uint64_t size, std::string_view version = "-") {
        lines.push_back(Line{t, fmt::format("79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be {} "
                                            "[time] - AmazonS3 {} {} {} \"-\" - - - {} - - \"-\" \"-\" {} hostid= - - "
                                            "- - - - -",
                                            bucket, req_id(), op, key, size, version)});
    }
    void segment(const std::string& org, std::string_view cls, std::uint64_t size, std::int64_t from, std::int64_t to,
                 bool object = true) {
        segments.push_back(Segment{std::string(life_bucket), life_key, org, std::string(cls), size, from, to, object});
    }
    std::int64_t later(std::int64_t t, std::int64_t most) { return t + 1 + static_cast<std::int64_t>(rng.below(most)); }
    std::uint64_t size() { return rng.log_uniform(8, 26); }  // 256 B to 64 MiB

    void put_line(std::int64_t t, std::string_view bucket, const std::string& key, const std::string& org,
                  std::uint64_t size) {
        switch (rng.below(6)) {
            case 0: request(t, bucket, "REST.POST.OBJECT", key, "POST", "", org, 204, fmt::format("{}", size)); break;
            case 1: request(t, bucket, "SOAP.PUT.OBJECT", key, "POST", "", org, 200, fmt::format("{}", size)); break;
            case 2:  // a copy: the read of its source stores nothing, the destination is written
                request(t, bucket, "REST.COPY.OBJECT_GET", "src/template.bin", "PUT", "", org, 200,
                        fmt::format("{}", size));
                request(t, bucket, "REST.COPY.OBJECT", key, "PUT", "", org, 200, fmt::format("{}", size));
                break;
            default: request(t, bucket, "REST.PUT.OBJECT", key, "PUT", "", org, 200, fmt::format("{}", size));
        }
    }
    void delete_line(std::int64_t t, std::string_view bucket, const std::string& key) {
        switch (rng.below(3)) {
            case 0: request(t, bucket, "BATCH.DELETE.OBJECT", key, "POST", "delete", org(), 204, "-"); break;
            case 1: lifecycle(t, bucket, "S3.EXPIRE.OBJECT", key, 0); break;
            default: request(t, bucket, "REST.DELETE.OBJECT", key, "DELETE", "", org(), 204, "-");
        }
    }

    /// Puts, overwrites, reads, a delete or not; in an unversioned bucket.
    void simple(const std::string& key, std::int64_t t) {
        std::string owner = org();
        std::uint64_t sz = size();
        put_line(t, kPlain, key, owner, sz);
        std::int64_t since = t;
        for (int step = 0; step < 4; ++step) {
            t = later(t, 6 * kDay);
            if (t >= end) break;
            const auto what = rng.below(10);
            if (what < 3) {  // a read
                request(t, kPlain, "REST.GET.OBJECT", key, "GET", "", org(), 200, fmt::format("{}", sz));
            } else if (what < 5) {  // an overwrite, perhaps by another org
                segment(owner, "STANDARD", sz, since, t);
                owner = org();
                sz = size();
                since = t;
                put_line(t, kPlain, key, owner, sz);
            } else if (what < 6) {  // a failed overwrite
                request(t, kPlain, "REST.PUT.OBJECT", key, "PUT", "", org(), rng.odds(1, 2) ? 403 : 500,
                        fmt::format("{}", size()));
                ++failed;
            } else if (what < 8) {  // gone
                delete_line(t, kPlain, key);
                segment(owner, "STANDARD", sz, since, t);
                return;
            }
        }
        segment(owner, "STANDARD", sz, since, end);
    }

    /// Parts over hours, one of them uploaded twice; completed, aborted or left open.
    void multipart(const std::string& key, std::int64_t t) {
        const std::string upload = fmt::format("UP{:012X}", mix64(0x4D50, ++seq));
        request(t, kPlain, "REST.POST.UPLOADS", key, "POST", "uploads", org(), 200, "-");
        struct Part {
            std::string org;
            std::uint64_t size;
            std::int64_t since;
        };
        std::map<unsigned, Part> parts;
        const unsigned n = 1 + static_cast<unsigned>(rng.below(4));
        for (unsigned p = 1; p <= n + 1; ++p) {
            const unsigned number = p <= n ? p : 1 + static_cast<unsigned>(rng.below(n));  // the last one again
            t = later(t, 3 * kHour);
            const std::string who = org();
            const std::uint64_t sz = (std::uint64_t{5} << 20) + rng.below(std::uint64_t{3} << 20);
            if (auto it = parts.find(number); it != parts.end())
                segment(it->second.org, "STANDARD", it->second.size, it->second.since, t, false);
            parts[number] = Part{who, sz, t};
            request(t, kPlain, "REST.PUT.PART", key, "PUT", fmt::format("partNumber={}&uploadId={}", number, upload),
                    who, 200, fmt::format("{}", sz));
        }
        t = later(t, 8 * kHour);
        const auto end_of = rng.below(10);
        if (t >= end || end_of < 2) {  // left open: billed to the end
            for (const auto& [number, p] : parts) segment(p.org, "STANDARD", p.size, p.since, end, false);
            return;
        }
        std::uint64_t total = 0;
        for (const auto& [number, p] : parts) {
            segment(p.org, "STANDARD", p.size, p.since, t, false);
            total += p.size;
        }
        if (end_of < 4) {
            if (rng.odds(1, 2)) {
                request(t, kPlain, "REST.DELETE.UPLOAD", key, "DELETE", "uploadId=" + upload, org(), 204, "-");
            } else {
                lifecycle(t, kPlain, "S3.DELETE.UPLOAD", key, 0);
            }
            return;
        }
        const std::string owner = org();
        request(t, kPlain, "REST.POST.UPLOAD", key, "POST", "uploadId=" + upload, owner, 200, fmt::format("{}", total));
        const std::int64_t gone = later(t, 20 * kDay);
        if (gone < end && rng.odds(1, 3)) {
            delete_line(gone, kPlain, key);
            segment(owner, "STANDARD", total, t, gone);
        } else {
            segment(owner, "STANDARD", total, t, end);
        }
    }

    /// A put, then lifecycle transitions to colder classes, perhaps an expiry.
    void archive(const std::string& key, std::int64_t t) {
        static constexpr std::pair<std::string_view, std::string_view> kSteps[] = {
            {"S3.TRANSITION_INT.OBJECT", "INTELLIGENT_TIERING"},
            {"S3.TRANSITION_SIA.OBJECT", "STANDARD_IA"},
            {"S3.TRANSITION_ZIA.OBJECT", "ONEZONE_IA"},
            {"S3.TRANSITION_GIR.OBJECT", "GLACIER_IR"},
            {"S3.TRANSITION.OBJECT", "GLACIER"},
            {"S3.TRANSITION_GDA.OBJECT", "DEEP_ARCHIVE"},
        };
        const std::string owner = org();
        const std::uint64_t sz = size();
        put_line(t, kArchive, key, owner, sz);
        std::string_view cls = "STANDARD";
        std::int64_t since = t;
        std::size_t step = rng.below(3);
        while (step < std::size(kSteps)) {
            t = later(t, 8 * kDay);
            if (t >= end) break;
            segment(owner, cls, sz, since, t);
            lifecycle(t, kArchive, kSteps[step].first, key, sz);
            cls = kSteps[step].second;
            since = t;
            step += 1 + rng.below(3);
        }
        if (t < end && rng.odds(1, 3)) {
            t = later(t, 5 * kDay);
            if (t < end) {
                lifecycle(t, kArchive, "S3.EXPIRE.OBJECT", key, sz);
                segment(owner, cls, sz, since, t);
                return;
            }
        }
        segment(owner, cls, sz, since, end);
    }

    /// Versioned: overwrites and delete markers keep versions; the oldest noncurrent one expires
    /// first (as S3's noncurrent-version expiration does).
    void versioned(const std::string& key, std::int64_t t) {
        struct V {
            std::string org;
            std::uint64_t size;
            std::int64_t since;
        };
        std::vector<V> noncurrent;
        std::optional<V> current = V{org(), size(), t};
        put_line(t, kVersioned, key, current->org, current->size);
        for (int step = 0; step < 5; ++step) {
            t = later(t, 5 * kDay);
            if (t >= end) break;
            const auto what = rng.below(10);
            if (what < 3) {  // an overwrite: the old version stays
                if (current) noncurrent.push_back(*current);
                current = V{org(), size(), t};
                put_line(t, kVersioned, key, current->org, current->size);
            } else if (what < 5 && current) {  // a delete marker (a DELETE without a version id, or lifecycle's)
                if (rng.odds(1, 2)) {
                    request(t, kVersioned, "REST.DELETE.OBJECT", key, "DELETE", "", org(), 204, "-");
                } else {
                    lifecycle(t, kVersioned, "S3.CREATE.DELETEMARKER", key, 0);
                }
                noncurrent.push_back(*current);
                current.reset();
            } else if (what < 8 && !noncurrent.empty()) {  // the oldest noncurrent version expires
                const V old = noncurrent.front();
                noncurrent.erase(noncurrent.begin());
                lifecycle(t, kVersioned, "S3.EXPIRE.OBJECT", key, old.size, fmt::format("v{:08x}", mix64(7, ++seq)));
                segment(old.org, "STANDARD", old.size, old.since, t);
            }
        }
        for (const V& v : noncurrent) segment(v.org, "STANDARD", v.size, v.since, end);
        if (current) segment(current->org, "STANDARD", current->size, current->since, end);
    }
};

std::string time_text(std::int64_t t) {
    const DateTime d = split_time(t);
    return fmt::format("[{:02}/{}/{:04}:{:02}:{:02}:{:02} +0000]", d.date.day, kMonthAbbr[d.date.month - 1],
                       d.date.year, d.hour, d.minute, d.second);
}

/// {"ORG|CLASS": {"byte_seconds", "objects_end", "bytes_end"}} of `segments` within [month, next).
std::string groups_json(const std::vector<Segment>& segments, std::int64_t month, std::int64_t next) {
    struct T {
        u128 byte_seconds = 0;
        std::uint64_t objects_end = 0, bytes_end = 0;
    };
    std::map<std::pair<std::string, std::string>, T> by;
    for (const Segment& seg : segments) {
        const std::int64_t a = std::max(seg.from, month), b = std::min(seg.to, next);
        T& t = by[{seg.org, seg.cls}];
        if (b > a) t.byte_seconds += static_cast<u128>(seg.size) * static_cast<std::uint64_t>(b - a);
        if (seg.from < next && seg.to >= next) {  // stored when the month ends
            t.objects_end += seg.object ? 1 : 0;
            t.bytes_end += seg.size;
        }
    }
    auto decimal = [](u128 v) {
        std::string digits;
        do {
            digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
            v /= 10;
        } while (v > 0);
        return digits;
    };
    std::string json = "{";
    for (const auto& [k, t] : by) {
        if (t.byte_seconds == 0 && t.bytes_end == 0) continue;
        json += fmt::format("{}\"{}|{}\":{{\"byte_seconds\":{},\"objects_end\":{},\"bytes_end\":{}}}",
                            json.size() > 1 ? "," : "", k.first, k.second, decimal(t.byte_seconds), t.objects_end,
                            t.bytes_end);
    }
    return json + "}";
}

std::uint32_t crc32(std::string_view s) {
    std::uint32_t c = 0xFFFFFFFFU;
    for (const char ch : s) {
        c ^= static_cast<unsigned char>(ch);
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320U & (0U - (c & 1U)));
    }
    return ~c;
}

/// `s` as a gzip file of stored (uncompressed) deflate blocks: s3gen links no zlib.
std::string gzip_stored(std::string_view s) {
    std::string out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
    std::size_t pos = 0;
    do {
        const std::size_t n = std::min<std::size_t>(s.size() - pos, 65535);
        const bool last = pos + n == s.size();
        out += static_cast<char>(last ? 1 : 0);
        out += static_cast<char>(n & 0xFF);
        out += static_cast<char>(n >> 8);
        out += static_cast<char>(~n & 0xFF);
        out += static_cast<char>((~n >> 8) & 0xFF);
        out.append(s.substr(pos, n));
        pos += n;
    } while (pos < s.size());
    for (const std::uint32_t v : {crc32(s), static_cast<std::uint32_t>(s.size())})
        for (int b = 0; b < 4; ++b) out += static_cast<char>((v >> (8 * b)) & 0xFF);
    return out;
}

/// An S3 Inventory of st-data at `at`, laid out as `aws s3 sync s3://DEST/ DIR` leaves it:
/// DIR/st-data/daily/<time>/manifest.json naming DIR/st-data/daily/data/<name>.csv.gz.
int write_inventory(const std::string& dir, std::int64_t at, const std::vector<Segment>& segments,
                    const std::vector<Segment>& old) {
    std::string csv;
    auto row = [&](const Segment& s) {
        if (s.bucket != kPlain || !s.object || s.from > at || s.to <= at) return;
        csv += fmt::format("\"{}\",\"{}\",\"\",\"true\",\"false\",\"{}\",\"2024-01-01T00:00:00.000Z\",\"{}\"\n",
                           s.bucket, s.key, s.size, s.cls);
    };
    for (const Segment& s : segments) row(s);
    for (const Segment& s : old) row(s);
    const DateTime d = split_time(at);
    const std::string stamp =
        fmt::format("{:04}-{:02}-{:02}T{:02}-{:02}Z", d.date.year, d.date.month, d.date.day, d.hour, d.minute);
    const std::string data_key = fmt::format("st-data/daily/data/{}.csv.gz", stamp);
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(dir) / "st-data/daily/data", ec);
    std::filesystem::create_directories(std::filesystem::path(dir) / "st-data/daily" / stamp, ec);
    if (ec) return ec.value();
    const std::string manifest = fmt::format(
        "{{\"sourceBucket\":\"st-data\",\"destinationBucket\":\"arn:aws:s3:::st-inventory\",\"version\":\"2016-11-30\","
        "\"creationTimestamp\":\"{}000\",\"fileFormat\":\"CSV\",\"fileSchema\":\"Bucket, Key, VersionId, IsLatest, "
        "IsDeleteMarker, Size, LastModifiedDate, StorageClass\",\"files\":[{{\"key\":\"{}\",\"size\":{},"
        "\"MD5checksum\":\"0\"}}]}}\n",
        at, data_key, csv.size());
    for (const auto& [path, text] :
         {std::pair{std::filesystem::path(dir) / data_key, gzip_stored(csv)},
          std::pair{std::filesystem::path(dir) / "st-data/daily" / stamp / "manifest.json", manifest}}) {
        std::FILE* f = std::fopen(path.c_str(), "wb");
        if (!f) return errno;
        const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
        if (std::fclose(f) != 0 || !ok) return errno ? errno : EIO;
    }
    return 0;
}

}  // namespace

int write_storage_logs(const Config& cfg, const std::vector<std::string>& orgs) {
    const DateTime s = split_time(cfg.start);
    const std::int64_t month = days_from_civil(s.date.year, s.date.month, 1) * kDay;
    const unsigned next_m = s.date.month == 12 ? 1 : s.date.month + 1;
    const std::int64_t next = days_from_civil(s.date.month == 12 ? s.date.year + 1 : s.date.year, next_m, 1) * kDay;
    Sim sim{Rng(mix64(cfg.seed, 0x53544F52)), orgs, month - 5 * kDay, next + 2 * kDay, {}, {}, 0, 0, 0, {}, {}};
    // The inventory of st-data is made a day before the month (--inventory-out): what the
    // logs stored there then, and objects stored before the logs (deleted later by them).
    const std::int64_t inventory_at = month - kDay + 3600;
    std::vector<Segment> old;
    for (std::uint64_t i = 0; i < cfg.storage_objects; ++i) {
        const std::int64_t t =
            sim.start +
            static_cast<std::int64_t>(sim.rng.below(static_cast<std::uint64_t>(sim.end - sim.start - 2 * kDay)));
        const std::string key = fmt::format("{}/obj-{:06}.bin", orgs[i % orgs.size()], i);
        const auto kind = sim.rng.below(10);
        sim.life_key = key;
        sim.life_bucket = kind < 6 ? kPlain : kind < 8 ? kArchive : kVersioned;
        if (kind < 4) {
            sim.simple(key, t);
        } else if (kind < 6) {
            sim.multipart(key, t);
        } else if (kind < 8) {
            sim.archive(key, t);
        } else {
            sim.versioned(key, t);
        }
        if (sim.rng.odds(1, 20)) {  // a delete of a key no line wrote (stored before the logs)
            sim.life_key = fmt::format("old/obj-{:06}.bin", i);
            sim.life_bucket = kPlain;
            sim.request(t, kPlain, "REST.DELETE.OBJECT", sim.life_key, "DELETE", "", sim.org(), 204, "-");
            ++sim.unknown;
            // Listed by the inventory when it was still there at the inventory's time.
            if (t > inventory_at)
                old.push_back(Segment{std::string(kPlain), sim.life_key, "-",
                                      sim.rng.odds(1, 3) ? "STANDARD_IA" : "STANDARD", sim.size(), inventory_at, t,
                                      true});
        }
    }
    // Files: each line goes to one of F files; a file's lines are in time order give or take a
    // minute (as S3 delivers them), and the files overlap.
    const std::uint64_t nfiles = std::max<std::uint64_t>(1, cfg.files);
    std::vector<std::vector<std::pair<std::int64_t, std::size_t>>> files(nfiles);
    for (std::size_t i = 0; i < sim.lines.size(); ++i) {
        const std::int64_t jitter = static_cast<std::int64_t>(sim.rng.below(120)) - 60;
        files[sim.rng.below(nfiles)].emplace_back(sim.lines[i].time + jitter, i);
    }
    for (std::uint64_t f = 0; f < nfiles; ++f) {
        auto& list = files[f];
        if (list.empty()) continue;
        std::sort(list.begin(), list.end());
        const DateTime d = split_time(sim.lines[list.front().second].time);
        const std::string name =
            fmt::format("{}/{:04}-{:02}-{:02}-{:02}-{:02}-{:02}-{:016X}", cfg.out_dir, d.date.year, d.date.month,
                        d.date.day, d.hour, d.minute, d.second, mix64(cfg.seed ^ 0x53544F52, f));
        std::FILE* out = std::fopen(name.c_str(), "wb");
        if (!out) return errno;
        for (const auto& [sort_time, i] : list) {
            std::string text = sim.lines[i].text;
            text.replace(text.find("[time]"), 6, time_text(sim.lines[i].time));
            text += '\n';
            std::fwrite(text.data(), 1, text.size(), out);
        }
        if (std::fclose(out) != 0) return errno;
    }
    if (!cfg.inventory_out.empty()) {
        if (const int e = write_inventory(cfg.inventory_out, inventory_at, sim.segments, old); e != 0) return e;
    }
    if (cfg.truth_path.empty()) return 0;
    // Truth: per org and class, byte-seconds within the month, objects and bytes at its end;
    // with the inventory, the objects stored before the logs (org "-") too.
    std::vector<Segment> with_old = sim.segments;
    with_old.insert(with_old.end(), old.begin(), old.end());
    std::string json =
        fmt::format("{{\"from\":{},\"to\":{},\"lines\":{},\"failed\":{},\"unknown_deletes\":{},\"groups\":{}", month,
                    next, sim.lines.size(), sim.failed, sim.unknown, groups_json(sim.segments, month, next));
    if (!cfg.inventory_out.empty())
        json += fmt::format(",\"inventory_time\":{},\"groups_with_inventory\":{}", inventory_at,
                            groups_json(with_old, month, next));
    json += "}\n";
    std::FILE* f = std::fopen(cfg.truth_path.c_str(), "wb");
    if (!f) return errno;
    const bool ok = std::fwrite(json.data(), 1, json.size(), f) == json.size();
    if (std::fclose(f) != 0 || !ok) return errno ? errno : EIO;
    fmt::print(stderr, "s3gen: {} storage lines for {} lifecycles in {}\n", sim.lines.size(), cfg.storage_objects,
               cfg.out_dir);
    return 0;
}

}  // namespace s3gen
