#include "core/s3/client.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <random>
#include <thread>

#include "core/s3/sigv4.hpp"

namespace s3top::s3 {
namespace {

constexpr std::string_view kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string unquote(std::string s) {
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    return s;
}

std::string one_line(std::string s, std::size_t max = 200) {
    for (char& c : s)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (s.size() > max) s = s.substr(0, max) + "...";
    return s;
}

}  // namespace

bool retryable(long status, const std::string& code) {
    return status == 500 || status == 502 || status == 503 || status == 504 || code == "SlowDown" ||
           code == "InternalError" || code == "RequestTimeout" || code == "ServiceUnavailable";
}

S3Client::S3Client(S3Settings settings, ClientOptions options) : settings_(std::move(settings)), options_(options) {}

int S3Client::credential_refreshes() const {
    const std::lock_guard lock(credentials_mutex_);
    return refreshes_;
}

Credentials S3Client::credentials(bool force) const {
    const std::lock_guard lock(credentials_mutex_);
    if (settings_.credentials_expire != 0 && refresh_env_) {
        const auto now =
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        if (force || now >= credentials_refresh_time(settings_.credentials_fetched, settings_.credentials_expire)) {
            S3Settings fresh = settings_;
            fresh.credentials = {};
            // Kept as they are when the endpoint does not answer: S3 then says what is wrong.
            if (fetch_remote_credentials(fresh, refresh_env_) && !fresh.credentials.empty()) {
                settings_.credentials = std::move(fresh.credentials);
                settings_.credentials_expire = fresh.credentials_expire;
                settings_.credentials_fetched = fresh.credentials_fetched;
                ++refreshes_;
            }
        }
    }
    return settings_.credentials;
}

HttpRequest S3Client::signed_request(const std::string& bucket, const std::string& key,
                                     std::vector<std::pair<std::string, std::string>> query) const {
    const Target t = target_for(settings_, bucket);
    SignRequest sr;
    sr.host = t.host;
    sr.path = t.path_prefix + "/" + uri_encode(key, true);
    sr.query = std::move(query);
    sr.payload_hash = std::string(kEmptySha256);
    sr.region = settings_.region;
    sr.amz_date = amz_date(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    HttpRequest req;
    const std::string scheme = t.url_base.substr(0, t.url_base.find("://"));
    const std::string q = canonical_query(sr.query);
    req.url = scheme + "://" + t.host + sr.path + (q.empty() ? "" : "?" + q);
    req.stall_timeout = options_.stall;
    const Credentials creds = credentials();
    if (creds.empty()) return req;  // anonymous: a public bucket
    const Signature sig = sign(sr, creds);
    req.headers = sig.headers;
    return req;
}

S3Error S3Client::error_of(const HttpResponse& resp) const {
    const XmlError x = parse_error_xml(resp.body);
    S3Error e;
    e.http_status = resp.status;
    e.code = x.code;
    std::string region = resp.header("x-amz-bucket-region");
    if (region.empty()) region = x.region;
    const std::string said = x.message.empty() ? "" : ": " + one_line(x.message);
    const std::string who = "credentials from " + settings_.credential_source;
    using K = S3Error::Kind;
    if (resp.status == 301 || x.code == "PermanentRedirect" || x.code == "AuthorizationHeaderMalformed" ||
        x.code == "IllegalLocationConstraintException" || (!region.empty() && region != settings_.region)) {
        e.kind = K::WrongRegion;
        e.region = region;
        e.message = region.empty()
                        ? fmt::format("the bucket is not in {} ({}{}): set AWS_REGION or the profile's region",
                                      settings_.region, x.code.empty() ? std::to_string(resp.status) : x.code, said)
                        : fmt::format("the bucket is in {}, not {}: set AWS_REGION={} or the profile's region", region,
                                      settings_.region, region);
    } else if (x.code == "InvalidAccessKeyId") {
        e.kind = K::BadCredentials;
        e.message = fmt::format("S3 does not know the access key id (InvalidAccessKeyId; {})", who);
    } else if (x.code == "SignatureDoesNotMatch") {
        e.kind = K::BadCredentials;
        e.message =
            fmt::format("the secret access key does not match the access key id (SignatureDoesNotMatch; {})", who);
    } else if (x.code == "ExpiredToken" || x.code == "InvalidToken" || x.code == "TokenRefreshRequired") {
        e.kind = K::BadCredentials;
        e.message = fmt::format("the session token is expired or invalid ({}; {})", x.code, who);
    } else if (resp.status == 403) {
        e.kind = K::AccessDenied;
        e.message = fmt::format("access denied (403 {}; {})", x.code.empty() ? "Forbidden" : x.code,
                                credentials().empty() ? "no credentials found: anonymous request" : who);
    } else if (x.code == "NoSuchBucket") {
        e.kind = K::NoSuchBucket;
        e.message = "no such bucket (NoSuchBucket)";
    } else if (resp.status == 404) {
        e.kind = K::NotFound;
        e.message = fmt::format("not found (404{})", x.code.empty() ? "" : " " + x.code);
    } else if (retryable(resp.status, x.code)) {
        e.kind = K::Server;
        e.message = fmt::format("S3 kept failing ({} {}) after {} tries", resp.status, x.code, options_.attempts);
    } else {
        e.kind = K::Other;
        e.message = fmt::format("S3 answered {}{}{}", resp.status, x.code.empty() ? "" : " " + x.code, said);
    }
    return e;
}

template <typename MakeRequest, typename BeforeTry>
std::expected<HttpResponse, S3Error> S3Client::perform(HttpClient& http, MakeRequest make, BeforeTry before,
                                                       int* attempts_used) const {
    thread_local std::minstd_rand jitter{std::random_device{}()};
    auto wait = options_.backoff;
    for (int attempt = 1;; ++attempt) {
        if (attempts_used) *attempts_used = attempt;
        if (auto ok = before(); !ok) return std::unexpected(ok.error());
        HttpRequest req = make();
        auto resp = http.perform(req);
        const bool last = attempt >= options_.attempts;
        if (!resp) {
            if (resp.error().message.starts_with("writing the object"))
                return std::unexpected(S3Error{S3Error::Kind::Local, 0, {}, resp.error().message, {}});
            if (last)
                return std::unexpected(
                    S3Error{S3Error::Kind::Network,
                            0,
                            {},
                            fmt::format("no answer from {} ({}) after {} tries", req.url.substr(0, req.url.find('?')),
                                        resp.error().message, attempt),
                            {}});
        } else if (resp->status / 100 == 2) {
            return std::move(*resp);
        } else {
            S3Error e = error_of(*resp);
            // Temporary credentials that expired before their refresh (a clock behind S3's):
            // fetched again now, and the request tried again at once.
            if (e.code == "ExpiredToken" && !last && settings_.credentials_expire != 0 && refresh_env_) {
                credentials(true);
                continue;
            }
            if (e.kind != S3Error::Kind::Server || last) return std::unexpected(std::move(e));
        }
        const auto jittered = wait + std::chrono::milliseconds(jitter() % (wait.count() / 2 + 1));
        std::this_thread::sleep_for(jittered);
        wait = std::min(wait * 2, std::chrono::milliseconds(10000));
    }
}

std::expected<std::vector<ObjectInfo>, S3Error> S3Client::list(HttpClient& http, const S3Url& url,
                                                               const std::string& start_after) const {
    std::vector<ObjectInfo> out;
    std::string token;
    while (true) {
        std::vector<std::pair<std::string, std::string>> q{{"list-type", "2"}, {"prefix", url.prefix}};
        if (!token.empty()) q.emplace_back("continuation-token", token);
        if (!start_after.empty()) q.emplace_back("start-after", start_after);
        auto resp = perform(
            http, [&] { return signed_request(url.bucket, "", q); }, [] { return std::expected<void, S3Error>{}; },
            nullptr);
        if (!resp) return std::unexpected(resp.error());
        auto page = parse_list_page(resp->body);
        if (!page)
            return std::unexpected(S3Error{S3Error::Kind::Other, resp->status, {}, "the listing: " + page.error(), {}});
        for (auto& o : page->objects) {
            // Only what the prefix names, whatever a server sends.
            if (o.key.starts_with(url.prefix) && (start_after.empty() || o.key > start_after))
                out.push_back(std::move(o));
        }
        if (!page->truncated) break;
        if (page->next_token == token)
            return std::unexpected(S3Error{S3Error::Kind::Other, resp->status, {}, "the listing repeats its page", {}});
        token = page->next_token;
    }
    return out;
}

std::expected<Fetched, S3Error> S3Client::get(HttpClient& http, const std::string& bucket, const std::string& key,
                                              int fd) const {
    Fetched f;
    auto truncate = [fd]() -> std::expected<void, S3Error> {
        if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0)
            return std::unexpected(
                S3Error{S3Error::Kind::Local, 0, {}, std::string("the cache file: ") + std::strerror(errno), {}});
        return {};
    };
    auto resp = perform(
        http,
        [&] {
            HttpRequest r = signed_request(bucket, key, {});
            r.body_fd = fd;
            return r;
        },
        truncate, &f.attempts);
    if (!resp) return std::unexpected(resp.error());
    f.etag = unquote(resp->header("etag"));
    f.size = resp->body_bytes;
    return f;
}

}  // namespace s3top::s3
