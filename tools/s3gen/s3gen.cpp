// s3gen: deterministic generator of realistic AWS S3 server access logs, used
// for tests, the demo and benchmarks.  It is an independent oracle: it does not
// use the s3top core library, and its --truth output is computed from the
// values it writes, never by parsing them back.
//
//   s3gen --out DIR [--lines N] [--files F] [--seed S] [--orgs K]
//         [--start YYYY-MM-DDTHH:MM:SS] [--hours H] [--garbage-permille G]
//         [--truth FILE.json] [--threads T]
//
// Same arguments => byte-identical output, whatever --threads is.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "civil.hpp"
#include "gen.hpp"
#include "lifecycle.hpp"
#include "rng.hpp"

namespace {

using s3gen::Config;
using s3gen::FileJob;

constexpr std::string_view kUsage =
    "usage: s3gen --out DIR [options]\n"
    "\n"
    "Writes deterministic, realistic S3 server access log objects into DIR.\n"
    "\n"
    "  --out DIR               output directory (created if missing)\n"
    "  --lines N               total lines over all files, garbage included (20000)\n"
    "  --files F               number of log objects (20; at most N)\n"
    "  --seed S                seed (1); same arguments => byte-identical output\n"
    "  --orgs K                number of org names used in org= query params (40)\n"
    "  --start TIME            UTC start, YYYY-MM-DDTHH:MM:SS (2024-03-01T00:00:00)\n"
    "  --hours H               time span of the records in hours (48)\n"
    "  --garbage-permille G    share of lines a strict parser must reject (5)\n"
    "  --duplicate-permille D share of valid lines S3 delivers twice: copies go to NAME-redelivered\n"
    "                          (truth counts each record once; \"duplicates\" = copies) (0)\n"
    "  --truth FILE            write the ground truth as JSON\n"
    "  --threads T             worker threads (0 = all cores); output does not depend on it\n"
    "  --storage-objects N     instead: N object lifecycles over the calendar month of --start (puts,\n"
    "                          overwrites, parts, copies, deletes, expiries, transitions, a versioned\n"
    "                          bucket, failed writes), --files objects; --truth: byte-seconds per org\n"
    "                          and storage class in that month\n"
    "  --inventory-out DIR     with --storage-objects: an S3 Inventory (manifest.json, CSV.gz) of\n"
    "                          bucket st-data made the day before the month, as aws s3 sync lays it out\n"
    "  -h, --help              this help\n";

[[noreturn]] void die(std::string_view msg) {
    fmt::print(stderr, "s3gen: {}\n", msg);
    std::exit(2);
}

std::uint64_t parse_u64(std::string_view opt, std::string_view v, std::uint64_t max) {
    std::uint64_t x = 0;
    const auto* end = v.data() + v.size();
    const auto [p, ec] = std::from_chars(v.data(), end, x);
    if (ec != std::errc{} || p != end || v.empty())
        die(fmt::format("{}: expected a non-negative integer, got '{}'", opt, v));
    if (x > max) die(fmt::format("{}: {} is larger than {}", opt, x, max));
    return x;
}

Config parse_args(int argc, char** argv) {
    Config cfg;
    cfg.start = *s3gen::parse_utc("2024-03-01T00:00:00");
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "-h" || a == "--help") {
            fmt::print("{}", kUsage);
            std::exit(0);
        }
        std::string_view val;
        bool inline_val = false;
        if (const auto eq = a.find('='); a.starts_with("--") && eq != std::string_view::npos) {
            val = a.substr(eq + 1);
            a = a.substr(0, eq);
            inline_val = true;
        }
        auto value = [&]() -> std::string_view {
            if (inline_val) return val;
            if (i + 1 >= argc) die(fmt::format("{} needs a value", a));
            return argv[++i];
        };
        if (a == "--out") {
            cfg.out_dir = std::string(value());
        } else if (a == "--lines") {
            cfg.lines = parse_u64(a, value(), 4'000'000'000ULL);
        } else if (a == "--files") {
            cfg.files = parse_u64(a, value(), 1'000'000);
        } else if (a == "--seed") {
            cfg.seed = parse_u64(a, value(), UINT64_MAX);
        } else if (a == "--orgs") {
            cfg.orgs = parse_u64(a, value(), 100'000);
        } else if (a == "--start") {
            const std::string_view v = value();
            const auto t = s3gen::parse_utc(v);
            if (!t || *t < 0) die(fmt::format("--start: expected YYYY-MM-DDTHH:MM:SS, got '{}'", v));
            cfg.start = *t;
        } else if (a == "--hours") {
            cfg.hours = parse_u64(a, value(), 24 * 366 * 10);
            if (cfg.hours == 0) die("--hours must be at least 1");
        } else if (a == "--garbage-permille") {
            cfg.garbage_permille = parse_u64(a, value(), 1000);
        } else if (a == "--duplicate-permille") {
            cfg.duplicate_permille = parse_u64(a, value(), 1000);
        } else if (a == "--truth") {
            cfg.truth_path = std::string(value());
        } else if (a == "--storage-objects") {
            cfg.storage_objects = parse_u64(a, value(), 10'000'000);
        } else if (a == "--inventory-out") {
            cfg.inventory_out = std::string(value());
        } else if (a == "--threads") {
            cfg.threads = static_cast<unsigned>(parse_u64(a, value(), 1024));
        } else {
            die(fmt::format("unknown argument '{}' (see --help)", a));
        }
    }
    if (cfg.out_dir.empty()) die("--out DIR is required (see --help)");
    while (cfg.out_dir.size() > 1 && cfg.out_dir.back() == '/') cfg.out_dir.pop_back();
    return cfg;
}

// Splits the run into files: overlapping time windows, line counts that follow
// the diurnal profile with +-50% noise (summing to exactly N), garbage spread
// exactly over the files, and unique object-name suffixes.
std::vector<FileJob> plan(const Config& cfg) {
    std::vector<FileJob> jobs;
    const std::uint64_t n = cfg.lines;
    const std::uint64_t f = std::min(cfg.files, n);
    if (f == 0) return jobs;
    s3gen::Rng rng(s3gen::mix64(cfg.seed, 0x706C616EULL));  // "plan"

    static constexpr std::uint64_t hour_weight[24] = {35, 28, 22,  18, 16, 18, 25, 38, 55, 70, 82, 90,
                                                      95, 98, 100, 98, 94, 88, 80, 70, 60, 52, 46, 40};
    const auto total = static_cast<std::int64_t>(cfg.hours) * 3600;
    const auto fi = static_cast<std::int64_t>(f);
    std::vector<std::uint64_t> weight(f);
    std::uint64_t weight_sum = 0;
    for (std::uint64_t i = 0; i < f; ++i) {
        const auto ii = static_cast<std::int64_t>(i);
        const std::int64_t a = total * ii / fi;
        const std::int64_t b = total * (ii + 1) / fi;
        const std::int64_t overlap = std::max<std::int64_t>(1, (b - a) / 4);
        FileJob j;
        j.index = i;
        j.win_lo = cfg.start + std::max<std::int64_t>(0, a - overlap);
        j.win_hi = cfg.start + std::min<std::int64_t>(total, std::max(b, a + 1) + overlap);
        const std::int64_t mid = (j.win_lo + j.win_hi) / 2;
        const auto hod = static_cast<std::size_t>(mid - s3gen::floor_div(mid, 86400) * 86400) / 3600;
        weight[i] = static_cast<std::uint64_t>(j.win_hi - j.win_lo) * hour_weight[hod] * (50 + rng.below(101));
        weight_sum += weight[i];
        j.seed = s3gen::mix64(cfg.seed, 0x66696C65ULL + i * 0x9E3779B97F4A7C15ULL);
        jobs.push_back(std::move(j));
    }

    // Largest-remainder apportionment of n lines.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> rem;  // (remainder, index)
    std::uint64_t assigned = 0;
    for (std::uint64_t i = 0; i < f; ++i) {
        const s3gen::u128 q = static_cast<s3gen::u128>(n) * weight[i];
        jobs[i].lines = static_cast<std::uint64_t>(q / weight_sum);
        rem.emplace_back(static_cast<std::uint64_t>(q % weight_sum), i);
        assigned += jobs[i].lines;
    }
    std::sort(rem.begin(), rem.end(), [](const auto& x, const auto& y) {
        return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
    for (std::uint64_t k = 0; assigned < n; ++k, ++assigned) ++jobs[rem[k % f].second].lines;
    // Every file gets at least one line (f <= n).
    for (auto& j : jobs) {
        while (j.lines == 0) {
            auto big = std::max_element(jobs.begin(), jobs.end(),
                                        [](const FileJob& x, const FileJob& y) { return x.lines < y.lines; });
            --big->lines;
            ++j.lines;
        }
    }

    // Garbage: exactly round(n * G / 1000), spread proportionally with random rounding.
    std::uint64_t g_left = (n * cfg.garbage_permille + 500) / 1000;
    std::uint64_t n_left = n;
    for (auto& j : jobs) {
        const s3gen::u128 q = static_cast<s3gen::u128>(g_left) * j.lines;
        auto g = static_cast<std::uint64_t>(q / n_left);
        if (rng.below(n_left) < static_cast<std::uint64_t>(q % n_left)) ++g;
        const std::uint64_t rest = n_left - j.lines;
        g = std::clamp<std::uint64_t>(g, g_left > rest ? g_left - rest : 0, std::min(g_left, j.lines));
        j.garbage = g;
        g_left -= g;
        n_left -= j.lines;
    }

    // Object-name suffixes: 16 uppercase hex digits, unique within the run.
    std::set<std::uint64_t> seen;
    for (auto& j : jobs) {
        std::uint64_t h = s3gen::mix64(cfg.seed ^ 0x5333474E4E414D45ULL, j.index);
        while (!seen.insert(h).second) h = s3gen::mix64(h);
        j.hex = fmt::format("{:016X}", h);
    }
    return jobs;
}

}  // namespace

int main(int argc, char** argv) {
    const Config cfg = parse_args(argc, argv);

    std::error_code ec;
    std::filesystem::create_directories(cfg.out_dir, ec);
    if (ec) die(fmt::format("cannot create '{}': {}", cfg.out_dir, ec.message()));

    const s3gen::World world = s3gen::build_world(cfg);
    if (cfg.storage_objects > 0) {
        if (const int e = s3gen::write_storage_logs(cfg, world.orgs); e != 0)
            die(fmt::format("writing the storage logs in '{}' failed: {}", cfg.out_dir, std::strerror(e)));
        return 0;
    }
    const std::vector<FileJob> jobs = plan(cfg);

    unsigned threads = cfg.threads != 0 ? cfg.threads : std::thread::hardware_concurrency();
    threads = std::max(1U, std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(jobs.size(), 1))));

    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex err_mu;
    std::string err_msg;
    std::vector<s3gen::Truth> partial(threads, s3gen::Truth(world));
    auto worker = [&](unsigned id) {
        for (;;) {
            const std::size_t k = next.fetch_add(1);
            if (k >= jobs.size() || failed.load()) return;
            if (s3gen::generate_file(world, cfg, jobs[k], partial[id]).empty()) {
                const int e = errno;
                failed = true;
                const std::lock_guard lock(err_mu);
                err_msg = fmt::format("writing file {} in '{}' failed: {}", k, cfg.out_dir, std::strerror(e));
                return;
            }
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker, t);
    worker(0);
    for (auto& th : pool) th.join();
    if (failed) die(err_msg);

    s3gen::Truth truth(world);
    for (const auto& p : partial) truth.merge(p);

    if (!cfg.truth_path.empty()) {
        const std::string json = s3gen::truth_json(world, cfg, truth, jobs.size());
        std::FILE* f = std::fopen(cfg.truth_path.c_str(), "wb");
        if (f == nullptr) die(fmt::format("cannot write '{}': {}", cfg.truth_path, std::strerror(errno)));
        const bool ok = std::fwrite(json.data(), 1, json.size(), f) == json.size();
        if (std::fclose(f) != 0 || !ok) die(fmt::format("cannot write '{}'", cfg.truth_path));
    }
    fmt::print(stderr, "s3gen: {} files, {} lines ({} valid, {} garbage) in {}\n", jobs.size(), truth.lines,
               truth.valid, truth.garbage, cfg.out_dir);
    return 0;
}
