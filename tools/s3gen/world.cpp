// s3gen: builds the simulated world from the seed, and renders the truth JSON.
#include <array>
#include <cstdint>
#include <iterator>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "civil.hpp"
#include "gen.hpp"

namespace s3gen {
namespace {

constexpr std::array<std::string_view, 20> kOrgWords = {"acme",    "globex",    "initech",  "umbrella", "hooli",
                                                        "stark",   "wayne",     "wonka",    "tyrell",   "cyberdyne",
                                                        "soylent", "aperture",  "vandelay", "dunder",   "massive",
                                                        "oscorp",  "piedpiper", "monarch",  "nakatomi", "gringotts"};

constexpr std::array<std::string_view, 3> kAccounts = {"123456789012", "210987654321", "555566667777"};

constexpr std::array<std::string_view, 16> kUserNames = {"alice", "bob",   "carol",  "dave",  "erin",    "frank",
                                                         "grace", "heidi", "ivan",   "judy",  "mallory", "oscar",
                                                         "peggy", "trent", "victor", "walter"};

constexpr std::array<std::string_view, 7> kRoles = {
    "etl-pipeline",        "data-loader",     "spark-emr-EC2-role", "lambda-thumbnailer-role",
    "airflow-worker-role", "backup-operator", "ml-training-job"};

constexpr std::array<std::string_view, 3> kAccessPoints = {"analytics-ap", "etl-ap", "partner-share"};

template <std::size_t N>
std::string_view pick(Rng& rng, const std::array<std::string_view, N>& a) {
    return a[rng.index(N)];
}

std::string hex_string(Rng& rng, std::size_t n, bool upper) {
    static constexpr std::string_view lo = "0123456789abcdef";
    static constexpr std::string_view up = "0123456789ABCDEF";
    std::string s;
    s.reserve(n);
    for (std::size_t i = 0; i < n; ++i) s.push_back((upper ? up : lo)[rng.index(16)]);
    return s;
}

std::string make_ip(Rng& rng, bool allow_private) {
    if (allow_private && rng.permille(550)) {
        if (rng.permille(500)) return fmt::format("10.{}.{}.{}", rng.below(256), rng.below(256), 1 + rng.below(254));
        return fmt::format("172.31.{}.{}", rng.below(256), 1 + rng.below(254));
    }
    if (rng.permille(30)) {  // a few IPv6 clients (dual-stack endpoints)
        return fmt::format("2600:1f18:{:x}:{:x}:{:x}:{:x}:{:x}:{:x}", rng.below(65536), rng.below(65536),
                           rng.below(65536), rng.below(65536), rng.below(65536), rng.below(65536));
    }
    std::uint64_t a = 0;
    do {
        a = 1 + rng.below(223);
    } while (a == 10 || a == 127 || a == 172 || a == 192 || a == 169 || a == 100);
    return fmt::format("{}.{}.{}.{}", a, rng.below(256), rng.below(256), 1 + rng.below(254));
}

std::string sdk_user_agent(Rng& rng) {
    switch (rng.below(6)) {
        case 0:
            return fmt::format(
                "Boto3/1.34.{0} md/Botocore#1.34.{0} ua/2.0 os/linux#5.10.{1}-{2}.amzn2.x86_64 "
                "md/arch#x86_64 lang/python#3.{3}.{4} md/pyimpl#CPython cfg/retry-mode#legacy "
                "Botocore/1.34.{0}",
                rng.below(80), 200 + rng.below(20), 100 + rng.below(100), 9 + rng.below(4), rng.below(15));
        case 1:
            return fmt::format(
                "aws-sdk-java/1.12.{} Linux/5.10.{}-{}.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.{}+{}-LTS "
                "java/17.0.{} vendor/Amazon.com_Inc. cfg/retry-mode/standard",
                500 + rng.below(200), 200 + rng.below(20), 100 + rng.below(100), 8 + rng.below(3), 7 + rng.below(3),
                8 + rng.below(3));
        case 2:
            return fmt::format(
                "aws-sdk-go-v2/1.{}.{} os/linux lang/go#1.21.{} md/GOOS#linux md/GOARCH#amd64 "
                "api/s3#1.{}.{}",
                22 + rng.below(5), rng.below(10), rng.below(9), 40 + rng.below(15), rng.below(6));
        case 3:
            return fmt::format(
                "Hadoop 3.3.{}, aws-sdk-java/1.12.{} Linux/5.15.0-{}-aws "
                "OpenJDK_64-Bit_Server_VM/11.0.{}+{} java/11.0.{} scala/2.12.{} vendor/Eclipse_Adoptium "
                "cfg/retry-mode/legacy",
                4 + rng.below(3), 300 + rng.below(300), 1000 + rng.below(60), 20 + rng.below(3), rng.below(9),
                20 + rng.below(3), 15 + rng.below(4));
        case 4:
            return fmt::format(
                "aws-sdk-js/3.{}.0 ua/2.0 os/linux#5.10.{}-{}.amzn2.x86_64 lang/js md/nodejs#20.{}.{} "
                "api/s3#3.{}.0 exec-env/AWS_Lambda_nodejs20.x",
                450 + rng.below(80), 200 + rng.below(20), 100 + rng.below(100), 9 + rng.below(4), rng.below(3),
                450 + rng.below(80));
        default: return fmt::format("aws-sdk-rust/1.1.{} os/linux lang/rust/1.7{}.0", rng.below(9), 3 + rng.below(4));
    }
}

std::string cli_user_agent(Rng& rng) {
    static constexpr std::array<std::string_view, 6> cmds = {
        "s3.cp", "s3.ls", "s3.sync", "s3.rm", "s3api.get-object-acl", "s3api.list-objects-v2"};
    switch (rng.below(6)) {
        case 0:
        case 1:
            return fmt::format(
                "aws-cli/2.15.{} Python/3.11.{} Linux/6.1.0-{}-amd64 exe/x86_64.debian.12 prompt/off "
                "command/{}",
                rng.below(40), rng.below(9), 10 + rng.below(10), pick(rng, cmds));
        case 2:
            return fmt::format(
                "aws-cli/1.32.{0} md/Botocore#1.34.{0} ua/2.0 os/macos#23.{1}.0 md/arch#arm64 "
                "lang/python#3.12.{2} md/pyimpl#CPython cfg/retry-mode#legacy botocore/1.34.{0}",
                rng.below(80), rng.below(5), rng.below(3));
        case 3:
            return fmt::format(
                "S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.{} Linux/5.10.{}-{}.amzn2int.x86_64 "
                "OpenJDK_64-Bit_Server_VM/25.{}-b{} java/1.8.0_{} vendor/Oracle_Corporation "
                "cfg/retry-mode/standard",
                400 + rng.below(200), 200 + rng.below(20), 100 + rng.below(100), 392 + rng.below(10), rng.below(10),
                392 + rng.below(10));
        case 4: return fmt::format("rclone/v1.6{}.{}", rng.below(7), rng.below(3));
        default:
            return fmt::format("Cyberduck/8.7.{}.{} (Mac OS X/14.{}) (x86_64)", rng.below(4), 40000 + rng.below(999),
                               rng.below(4));
    }
}

std::string browser_user_agent(Rng& rng) {
    switch (rng.below(6)) {
        case 0:
        case 1:
            return fmt::format(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/12{}.0.0.0 Safari/537.36",
                rng.below(4));
        case 2:
            return fmt::format("Mozilla/5.0 (X11; Linux x86_64; rv:12{0}.0) Gecko/20100101 Firefox/12{0}.0",
                               rng.below(4));
        case 3:
            return fmt::format(
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
                "Gecko) Version/17.{} Safari/605.1.15",
                rng.below(4));
        case 4:
            return fmt::format(
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{0} like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
                "like Gecko) Version/17.{0} Mobile/15E148 Safari/604.1",
                rng.below(4));
        default:
            return fmt::format(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/12{0}.0.0.0 Safari/537.36 Edg/12{0}.0.0.0",
                rng.below(4));
    }
}

std::string tool_user_agent(Rng& rng) {
    switch (rng.below(9)) {
        case 0:
        case 1: return fmt::format("curl/7.{}.{}", 68 + rng.below(21), rng.below(2));
        case 2: return fmt::format("Wget/1.21.{}", rng.below(5));
        case 3: return fmt::format("python-requests/2.{}.0", 28 + rng.below(4));
        case 4: return "Go-http-client/1.1";
        case 5: return "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
        case 6: return "Amazon CloudFront";
        case 7: return fmt::format("okhttp/4.{}.0", 9 + rng.below(4));
        default: return browser_user_agent(rng);
    }
}

// pip sends its linehaul JSON (with raw double quotes) in the user agent.
std::string pip_user_agent(Rng& rng) {
    switch (rng.below(5)) {
        case 0: return R"(pip/19.1 {"ci":null,"cpu":"x86_64"})";
        case 1:
            return fmt::format(
                R"(pip/23.{0}.{1} {{"ci":null,"cpu":"x86_64","distro":{{"id":"bookworm","libc":{{"lib":"glibc","version":"2.36"}},"name":"Debian GNU/Linux","version":"12"}},"implementation":{{"name":"CPython","version":"3.11.{2}"}},"installer":{{"name":"pip","version":"23.{0}.{1}"}},"openssl_version":"OpenSSL 3.0.11 19 Sep 2023","python":"3.11.{2}","setuptools_version":"66.1.1","system":{{"name":"Linux","release":"6.1.0-{3}-amd64"}}}})",
                rng.below(4), rng.below(3), rng.below(8), 10 + rng.below(10));
        case 2:
            return fmt::format(
                R"(pip/24.0 {{"ci":true,"cpu":"aarch64","implementation":{{"name":"CPython","version":"3.12.{0}"}},"installer":{{"name":"pip","version":"24.0"}},"python":"3.12.{0}","system":{{"name":"Linux","release":"5.15.0-{1}-azure"}}}})",
                rng.below(3), 1050 + rng.below(20));
        case 3: return fmt::format("uv/0.1.{}", 10 + rng.below(30));
        default: return fmt::format("pip/22.0.{} CPython/3.10.{}", rng.below(5), rng.below(13));
    }
}

}  // namespace

World build_world(const Config& cfg) {
    World w;
    w.seed = cfg.seed;
    Rng rng(mix64(cfg.seed, 0x776F726C64ULL));  // "world"

    // Orgs: unique names "<word>-<n>".
    const std::uint64_t word_off = rng.below(kOrgWords.size());
    for (std::uint64_t j = 0; j < cfg.orgs; ++j) {
        w.orgs.push_back(fmt::format("{}-{}", kOrgWords[(j * 7 + word_off) % kOrgWords.size()], j + 1));
    }
    w.org_zipf = Zipf(w.orgs.size(), Zipf::Skew::One);

    for (int i = 0; i < 3; ++i) w.owners.push_back(hex_string(rng, 64, false));

    // Buckets: name, region, kind, key count, versioned, lifecycle, owner.
    struct Def {
        std::string_view name, region;
        KeyKind kind;
        std::uint32_t nkeys;
        bool versioned, lifecycle;
        std::size_t owner;
        Zipf::Skew skew;
    };
    static constexpr std::array<Def, 8> defs = {{
        {"acme-data-prod", "us-east-1", KeyKind::Data, 20000, true, true, 0, Zipf::Skew::One},
        {"acme-media-public", "us-east-1", KeyKind::Media, 50000, false, false, 0, Zipf::Skew::One},
        {"www.example-site.com", "us-west-2", KeyKind::Web, 400, false, false, 1, Zipf::Skew::OneAndHalf},
        {"ml-training-sets", "eu-west-1", KeyKind::Ml, 100000, false, false, 0, Zipf::Skew::One},
        {"corp-backups-7f3a", "us-east-2", KeyKind::Backup, 3000, true, true, 2, Zipf::Skew::Half},
        {"pypi-mirror", "us-east-1", KeyKind::Pypi, 6000, false, false, 1, Zipf::Skew::One},
        {"acme-logs-archive", "us-east-1", KeyKind::Logs, 40000, false, true, 0, Zipf::Skew::Half},
        {"analytics-lake", "eu-central-1", KeyKind::Hive, 30000, true, false, 2, Zipf::Skew::One},
    }};
    for (const Def& d : defs) {
        Bucket b{std::string(d.name), std::string(d.region), d.kind,  d.nkeys,
                 d.versioned,         d.lifecycle,           d.owner, w.key_zipfs.size(),
                 rng.next()};
        w.key_zipfs.emplace_back(d.nkeys, d.skew);
        w.buckets.push_back(std::move(b));
    }

    // Clients.  Rank 0 (the heaviest under the Zipf) is an ETL service; the two
    // log-delivery principals get fixed, busy ranks.
    constexpr std::size_t kClients = 2500;
    static constexpr std::array<std::pair<Profile, unsigned>, 7> mix = {{{Profile::Service, 22},
                                                                         {Profile::Cli, 8},
                                                                         {Profile::Reader, 14},
                                                                         {Profile::Anon, 18},
                                                                         {Profile::Browser, 14},
                                                                         {Profile::Presign, 10},
                                                                         {Profile::Pip, 12}}};
    unsigned mix_total = 0;
    for (const auto& m : mix) mix_total += m.second;

    for (std::size_t i = 0; i < kClients; ++i) {
        Client c{};
        if (i == 0) {
            c.profile = Profile::Service;
        } else if (i == 6 || i == 45) {
            c.profile = Profile::LogDelivery;
        } else {
            auto r = static_cast<unsigned>(rng.below(mix_total));
            c.profile = mix.back().first;
            for (const auto& m : mix) {
                if (r < m.second) {
                    c.profile = m.first;
                    break;
                }
                r -= m.second;
            }
        }
        c.account = std::string(kAccounts[rng.index(kAccounts.size())]);
        c.home_org = w.orgs.empty() ? 0 : w.org_zipf(rng);
        c.throughput_kbps = 2000 + rng.log_uniform(10, 19);  // ~3 MB/s .. ~1 GB/s
        c.tls = rng.permille(600) ? 1 : 2;
        c.cipher = static_cast<std::uint8_t>(rng.permille(800) ? 0 : (rng.permille(800) ? 1 : 2));
        c.sig = 1;
        c.vhost = rng.permille(700);
        c.http10 = rng.permille(5);

        switch (c.profile) {
            case Profile::Service: {
                c.ip = make_ip(rng, true);
                if (rng.permille(120)) {
                    c.requester = hex_string(rng, 64, false);  // cross-account canonical id
                } else {
                    c.requester = fmt::format("arn:aws:sts::{}:assumed-role/{}/", c.account, pick(rng, kRoles));
                    if (rng.permille(500))
                        c.requester += "i-0" + hex_string(rng, 16, false);
                    else
                        c.requester += fmt::format("botocore-session-{}", 1700000000 + rng.below(10000000));
                }
                c.user_agent = sdk_user_agent(rng);
                static constexpr std::array<std::size_t, 6> homes = {0, 0, 3, 4, 7, 1};
                c.home_bucket = homes[rng.index(homes.size())];
                if (rng.permille(60)) c.access_point = std::string(pick(rng, kAccessPoints));
                if (rng.permille(40)) c.tls = 0;  // plain HTTP inside a VPC
                if (rng.permille(20)) c.sig = 2;
                break;
            }
            case Profile::Cli: {
                c.ip = make_ip(rng, false);
                if (rng.permille(250)) {
                    c.requester =
                        fmt::format("arn:aws:sts::{}:assumed-role/AWSReservedSSO_AdministratorAccess_{}/{}@example.com",
                                    c.account, hex_string(rng, 16, false), pick(rng, kUserNames));
                } else {
                    c.requester = fmt::format("arn:aws:iam::{}:user/{}", c.account, pick(rng, kUserNames));
                }
                c.user_agent = cli_user_agent(rng);
                c.home_bucket = rng.index(w.buckets.size());
                c.vhost = rng.permille(850);
                break;
            }
            case Profile::Reader: {
                c.ip = make_ip(rng, true);
                c.requester = rng.permille(500)
                                  ? hex_string(rng, 64, false)
                                  : fmt::format("arn:aws:iam::{}:user/reader-{}", c.account, rng.below(100));
                if (rng.permille(300)) {
                    // FUSE mounts and friends: do not percent-encode '=' '+' '&' in paths.
                    c.raw_path = true;
                    c.user_agent = rng.permille(500)
                                       ? std::string("s3fs/1.93 (commit hash unknown; OpenSSL)")
                                       : fmt::format("MinIO (linux; amd64) minio-go/v7.0.{}", 60 + rng.below(10));
                } else {
                    c.user_agent = rng.permille(500) ? sdk_user_agent(rng) : cli_user_agent(rng);
                }
                static constexpr std::array<std::size_t, 4> homes = {0, 7, 7, 3};
                c.home_bucket = homes[rng.index(homes.size())];
                break;
            }
            case Profile::Anon: {
                c.ip = make_ip(rng, false);
                c.requester = "-";
                c.sig = 0;
                c.raw_path = true;
                c.user_agent = tool_user_agent(rng);
                static constexpr std::array<std::size_t, 4> homes = {1, 1, 5, 2};
                c.home_bucket = homes[rng.index(homes.size())];
                if (c.home_bucket == 2) c.vhost = false;
                if (rng.permille(50)) c.tls = 0;
                break;
            }
            case Profile::Browser: {
                c.ip = make_ip(rng, false);
                c.requester = "-";
                c.sig = 0;
                c.raw_path = true;
                c.user_agent = browser_user_agent(rng);
                c.home_bucket = rng.permille(850) ? 2 : 1;
                switch (rng.below(6)) {
                    case 0: c.referrer = "https://www.example-site.com/"; break;
                    case 1:
                        c.referrer = fmt::format("https://www.example-site.com/blog/2024/post-{}/", rng.below(300));
                        break;
                    case 2: c.referrer = "https://www.google.com/"; break;
                    case 3: c.referrer = "https://duckduckgo.com/"; break;
                    default: break;  // no referrer
                }
                break;
            }
            case Profile::Presign: {
                c.ip = make_ip(rng, false);
                c.requester = fmt::format("arn:aws:iam::{}:user/presigner-{}", c.account, rng.below(4));
                c.raw_path = true;
                c.user_agent = rng.permille(700) ? browser_user_agent(rng) : tool_user_agent(rng);
                c.home_bucket = rng.permille(600) ? 0 : 1;
                if (rng.permille(500)) {
                    // A referrer that itself carries org=...: must not count as the org.
                    c.referrer = fmt::format("https://portal.acme.example/files?org={}&tab=recent",
                                             w.orgs.empty() ? std::string("none") : w.orgs[w.org_zipf(rng)]);
                } else if (rng.permille(500)) {
                    c.referrer = "https://app.acme.example/dashboard";
                }
                break;
            }
            case Profile::Pip: {
                c.ip = make_ip(rng, false);
                c.requester = "-";
                c.sig = 0;
                c.user_agent = pip_user_agent(rng);
                c.home_bucket = 5;
                break;
            }
            case Profile::LogDelivery: {
                c.ip = fmt::format("52.{}.{}.{}", rng.below(256), rng.below(256), 1 + rng.below(254));
                c.requester = i == 6 ? "svc:logging.s3.amazonaws.com" : "svc:cloudtrail.amazonaws.com";
                c.user_agent = fmt::format(
                    "aws-internal/3 aws-sdk-java/1.12.{} Linux/5.10.{}-{}.amzn2int.x86_64 "
                    "OpenJDK_64-Bit_Server_VM/25.{}-b08 java/1.8.0_{} vendor/Oracle_Corporation "
                    "cfg/retry-mode/standard",
                    400 + rng.below(200), 200 + rng.below(20), 100 + rng.below(100), 392 + rng.below(10),
                    392 + rng.below(10));
                c.home_bucket = 6;
                c.tls = 1;
                c.cipher = 0;
                break;
            }
        }
        if (w.buckets[c.home_bucket].name.find('.') != std::string::npos) c.vhost = false;
        w.clients.push_back(std::move(c));
    }
    w.client_zipf = Zipf(w.clients.size(), Zipf::Skew::One);

    w.start = cfg.start;
    w.end = cfg.start + static_cast<std::int64_t>(cfg.hours) * 3600;
    w.first_hour = floor_div(w.start, 3600);
    w.hour_count = static_cast<std::size_t>(floor_div(w.end - 1, 3600) - w.first_hour + 1);
    return w;
}

void Truth::merge(const Truth& o) {
    lines += o.lines;
    valid += o.valid;
    garbage += o.garbage;
    blank += o.blank;
    duplicates += o.duplicates;
    bytes_sent += o.bytes_sent;
    bytes_uploaded += o.bytes_uploaded;
    errors_4xx += o.errors_4xx;
    errors_5xx += o.errors_5xx;
    for (std::size_t i = 0; i < by_org.size(); ++i) by_org[i].merge(o.by_org[i]);
    for (std::size_t i = 0; i < by_status.size(); ++i) by_status[i].merge(o.by_status[i]);
    status_dash.merge(o.status_dash);
    for (std::size_t i = 0; i < by_hour.size(); ++i) by_hour[i].merge(o.by_hour[i]);
    for (std::size_t i = 0; i < by_op.size(); ++i) by_op[i].merge(o.by_op[i]);
    for (std::size_t i = 0; i < by_bucket.size(); ++i) by_bucket[i].merge(o.by_bucket[i]);
}

namespace {

void json_string(std::string& out, std::string_view s) {
    out.push_back('"');
    for (const char ch : s) {
        const auto u = static_cast<unsigned char>(ch);
        if (ch == '"' || ch == '\\') {
            out.push_back('\\');
            out.push_back(ch);
        } else if (u < 0x20) {
            fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(u));
        } else {
            out.push_back(ch);
        }
    }
    out.push_back('"');
}

// Emits `"name": { "key": {"requests": n, "bytes_sent": b}, ... }` for the
// entries with at least one request, in the order given (callers sort).
struct Entry {
    std::string key;
    Agg agg;
};

void json_group(std::string& out, std::string_view name, std::vector<Entry> entries, bool last) {
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; });
    out += "  ";
    json_string(out, name);
    out += ": {";
    bool first = true;
    for (const Entry& e : entries) {
        if (e.agg.requests == 0) continue;
        out += first ? "\n    " : ",\n    ";
        first = false;
        json_string(out, e.key);
        fmt::format_to(std::back_inserter(out), ": {{\"requests\": {}, \"bytes_sent\": {}}}", e.agg.requests,
                       e.agg.bytes_sent);
    }
    out += first ? "}" : "\n  }";
    out += last ? "\n" : ",\n";
}

}  // namespace

std::string truth_json(const World& w, const Config& cfg, const Truth& t, std::uint64_t file_count) {
    std::string out;
    out += "{\n";
    fmt::format_to(std::back_inserter(out),
                   "  \"lines\": {},\n  \"valid\": {},\n  \"garbage\": {},\n  \"blank\": {},\n  \"files\": {},\n"
                   "  \"seed\": {},\n",
                   t.lines, t.valid, t.garbage, t.blank, file_count, cfg.seed);
    if (cfg.duplicate_permille > 0)  // second deliveries: read, but every record counts once
        fmt::format_to(std::back_inserter(out), "  \"duplicates\": {},\n", t.duplicates);
    const DateTime s = split_time(w.start);
    fmt::format_to(std::back_inserter(out),
                   "  \"start\": \"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z\",\n  \"hours\": {},\n", s.date.year,
                   s.date.month, s.date.day, s.hour, s.minute, s.second, cfg.hours);
    fmt::format_to(std::back_inserter(out),
                   "  \"totals\": {{\"requests\": {}, \"bytes_sent\": {}, \"bytes_uploaded\": {}, "
                   "\"errors_4xx\": {}, \"errors_5xx\": {}}},\n",
                   t.valid, t.bytes_sent, t.bytes_uploaded, t.errors_4xx, t.errors_5xx);

    std::vector<Entry> e;
    for (std::size_t i = 0; i < w.orgs.size(); ++i) e.push_back({w.orgs[i], t.by_org[i]});
    e.push_back({"-", t.by_org[w.orgs.size()]});
    json_group(out, "by_org", std::move(e), false);

    e.clear();
    for (std::size_t i = 0; i < t.by_status.size(); ++i) e.push_back({fmt::format("{}", i), t.by_status[i]});
    e.push_back({"-", t.status_dash});
    json_group(out, "by_status", std::move(e), false);

    e.clear();
    for (std::size_t i = 0; i < t.by_hour.size(); ++i) {
        const DateTime h = split_time((w.first_hour + static_cast<std::int64_t>(i)) * 3600);
        e.push_back(
            {fmt::format("{:04}-{:02}-{:02}T{:02}", h.date.year, h.date.month, h.date.day, h.hour), t.by_hour[i]});
    }
    json_group(out, "by_hour", std::move(e), false);

    e.clear();
    for (std::size_t i = 0; i < kOpCount; ++i) e.push_back({std::string(kOpNames[i]), t.by_op[i]});
    json_group(out, "by_operation", std::move(e), false);

    e.clear();
    for (std::size_t i = 0; i < w.buckets.size(); ++i) e.push_back({w.buckets[i].name, t.by_bucket[i]});
    json_group(out, "by_bucket", std::move(e), true);
    out += "}\n";
    return out;
}

}  // namespace s3gen
