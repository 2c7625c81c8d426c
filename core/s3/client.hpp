#pragma once
// S3 requests s3top makes: ListObjectsV2 (every page) and GetObject into a file descriptor,
// signed (SigV4), retried with backoff on 5xx, SlowDown and timeouts, and every other failure
// turned into one S3Error. Thread-safe: each thread passes its own HttpClient.
#include <chrono>
#include <expected>
#include <mutex>
#include <string>
#include <vector>

#include "core/s3/http.hpp"
#include "core/s3/s3_error.hpp"
#include "core/s3/settings.hpp"
#include "core/s3/xml.hpp"

namespace s3top::s3 {

struct ClientOptions {
    int attempts = 6;                        ///< tries per request before its error is final
    std::chrono::milliseconds backoff{200};  ///< before the 2nd try; doubled each time (+ jitter), at most 10 s
    std::chrono::milliseconds stall{30000};  ///< a transfer that moves nothing this long is a timeout
};

/// What one GET brought: the object's ETag and size as the answer gave them.
struct Fetched {
    std::string etag;
    std::uint64_t size = 0;
    int attempts = 1;
};

class S3Client {
public:
    S3Client(S3Settings settings, ClientOptions options = {});
    S3Client(const S3Client&) = delete;
    S3Client& operator=(const S3Client&) = delete;
    /// Temporary credentials (settings().credentials_expire set) are fetched again through
    /// fetch_remote_credentials with `env` before they expire (credentials_refresh_time), and
    /// once more when S3 says ExpiredToken: a long --follow outlives them.
    void refresh_credentials_with(GetEnv env) { refresh_env_ = std::move(env); }
    /// How many times the credentials were fetched again (for the tests).
    int credential_refreshes() const;
    /// Every object under `url.prefix` whose key sorts after `start_after` (all when empty),
    /// in key order, all pages.
    std::expected<std::vector<ObjectInfo>, S3Error> list(HttpClient& http, const S3Url& url,
                                                         const std::string& start_after) const;
    /// GETs bucket/key into `fd` (truncated before each try).
    std::expected<Fetched, S3Error> get(HttpClient& http, const std::string& bucket, const std::string& key,
                                        int fd) const;
    /// The one-line error of an answer that is not a 2xx (exposed for the tests).
    S3Error error_of(const HttpResponse& resp) const;

private:
    HttpRequest signed_request(const std::string& bucket, const std::string& key,
                               std::vector<std::pair<std::string, std::string>> query) const;
    /// Performs `req` (re-signed for each try) until it succeeds, fails for good, or the tries
    /// run out.
    template <typename MakeRequest, typename BeforeTry>
    std::expected<HttpResponse, S3Error> perform(HttpClient& http, MakeRequest make, BeforeTry before,
                                                 int* attempts_used) const;
    /// The credentials to sign with now: fetched again first when due (or `force`d, after an
    /// ExpiredToken). False when a forced refresh could not be made.
    Credentials credentials(bool force = false) const;
    mutable S3Settings settings_;  ///< its credentials (and their times) under credentials_mutex_
    ClientOptions options_;
    GetEnv refresh_env_;
    mutable std::mutex credentials_mutex_;  ///< settings_'s credentials and their times
    mutable int refreshes_ = 0;
};

/// True for an answer worth another try: 500, 502, 503, 504, SlowDown, InternalError, RequestTimeout.
bool retryable(long status, const std::string& code);

}  // namespace s3top::s3
