#pragma once
// One HTTP request through libcurl: the body into memory or into a file descriptor. Errors are
// values; nothing is printed (curl's own messages are turned off).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace s3top::s3 {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
    long status = 0;
    Headers headers;   ///< names lower-case
    std::string body;  ///< empty when the body went to a file (and for a 2xx written there)
    std::uint64_t body_bytes = 0;
    std::string header(std::string_view name) const;
};

/// No answer at all: the words (curl's), and whether it was a timeout.
struct HttpFailure {
    std::string message;
    bool timeout = false;
    bool cancelled = false;  ///< HttpRequest::cancel stopped it
};

struct HttpRequest {
    std::string method = "GET";  ///< GET, HEAD, PUT or POST (PUT and POST send `body`)
    std::string url;
    Headers headers;
    std::string body;
    /// PUT and POST: when set, the body is what it gives, piece after piece until an empty
    /// one, `body_size` bytes in all, sent as made (never copied together; `body` is unused).
    std::function<std::string_view()> body_source;
    std::uint64_t body_size = 0;
    std::chrono::milliseconds connect_timeout{10000};
    /// The transfer fails when it moves under 1 byte/s for this long (a stalled server).
    std::chrono::milliseconds stall_timeout{30000};
    std::chrono::milliseconds total_timeout{0};  ///< 0: none
    /// >= 0: a 2xx body is written here (other bodies are kept in memory for their error XML).
    int body_fd = -1;
    /// A body kept in memory is cut at this many bytes (error documents are small; a query's
    /// answer may not be).
    std::size_t max_body_bytes = std::size_t{1} << 20;
    /// When not null and it becomes true, the transfer stops soon (curl checks about once a
    /// second, and whenever data moves), failing with `cancelled` set.
    const std::atomic<bool>* cancel = nullptr;
};

/// Keeps one curl handle (and its connections) for a series of requests on one thread. The first
/// client of a process loads libcurl; when it cannot be loaded, perform() fails saying so.
class HttpClient {
public:
    HttpClient();
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;
    std::expected<HttpResponse, HttpFailure> perform(const HttpRequest& req);

private:
    void* curl_ = nullptr;
};

/// Loads libcurl and calls curl_global_init, once per process (thread-safe).
void http_global_init();

}  // namespace s3top::s3
