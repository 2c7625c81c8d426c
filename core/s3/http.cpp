#include "core/s3/http.hpp"

#include <curl/curl.h>
#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>
#include <type_traits>

namespace s3top::s3 {
namespace {

/// libcurl's functions, loaded (dlopen) when the first client is made rather than linked: a run
/// over local files (the dashboard, report, bill) then never maps libcurl and the ~30 libraries
/// it needs (TLS, HTTP/2, Kerberos, LDAP ...), about 4 MB of resident memory and their start-up.
struct CurlApi {
    CURLcode (*global_init)(long) = nullptr;
    CURL* (*easy_init)() = nullptr;
    void (*easy_cleanup)(CURL*) = nullptr;
    void (*easy_reset)(CURL*) = nullptr;
    CURLcode (*easy_setopt)(CURL*, CURLoption, ...) = nullptr;
    CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...) = nullptr;
    CURLcode (*easy_perform)(CURL*) = nullptr;
    const char* (*easy_strerror)(CURLcode) = nullptr;
    curl_slist* (*slist_append)(curl_slist*, const char*) = nullptr;
    void (*slist_free_all)(curl_slist*) = nullptr;
    std::string error;  ///< why libcurl could not be loaded ("": it was)
};

/// The soname of the libcurl the build's headers are (libcurl4 on Debian).
constexpr const char* kLibcurl = "libcurl.so.4";

const CurlApi& curl_api() {
    static const CurlApi api = [] {
        CurlApi a;
        void* lib = dlopen(kLibcurl, RTLD_NOW | RTLD_LOCAL);  // kept open for the process's life
        if (!lib) {
            const char* why = dlerror();
            a.error = std::string(kLibcurl) + " could not be loaded: " + (why ? why : "unknown error");
            return a;
        }
        bool all = true;
        auto get = [&](auto& fn, const char* name) {
            fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(lib, name));
            all = all && fn != nullptr;
        };
        get(a.global_init, "curl_global_init");
        get(a.easy_init, "curl_easy_init");
        get(a.easy_cleanup, "curl_easy_cleanup");
        get(a.easy_reset, "curl_easy_reset");
        get(a.easy_setopt, "curl_easy_setopt");
        get(a.easy_getinfo, "curl_easy_getinfo");
        get(a.easy_perform, "curl_easy_perform");
        get(a.easy_strerror, "curl_easy_strerror");
        get(a.slist_append, "curl_slist_append");
        get(a.slist_free_all, "curl_slist_free_all");
        if (!all) a = CurlApi{.error = std::string(kLibcurl) + " lacks a function s3top calls"};
        return a;
    }();
    return api;
}

struct Transfer {
    HttpResponse* resp;
    int fd;
    std::size_t max_body;
    bool write_failed = false;
    int write_errno = 0;
};

/// Feeds curl a body piece after piece (HttpRequest::body_source). A source that ends before
/// the size the request declared stops the transfer at once (the server would wait for the
/// rest until the stall timeout).
struct SourceReader {
    const std::function<std::string_view()>* source;
    std::uint64_t size = 0, given = 0;
    std::string_view left;
    bool ended_short = false;
    static std::size_t read(char* out, std::size_t size, std::size_t n, void* user) {
        auto* r = static_cast<SourceReader*>(user);
        std::size_t room = size * n, given = 0;
        while (room > 0) {
            if (r->left.empty() && (r->left = (*r->source)()).empty()) break;
            const std::size_t take = std::min(room, r->left.size());
            std::memcpy(out + given, r->left.data(), take);
            given += take;
            room -= take;
            r->left.remove_prefix(take);
        }
        r->given += given;
        if (given == 0 && r->given < r->size) {
            r->ended_short = true;
            return CURL_READFUNC_ABORT;
        }
        return given;
    }
};

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::string_view line(data, size * n);
    if (line.starts_with("HTTP/")) {  // a new response (after a 100 Continue or a redirect)
        t->resp->headers.clear();
        return size * n;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return size * n;
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
        value.remove_suffix(1);
    t->resp->headers.emplace_back(std::move(name), std::string(value));
    return size * n;
}

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t len = size * n;
    t->resp->body_bytes += len;
    if (t->fd >= 0 && t->resp->status / 100 == 2) {
        std::size_t done = 0;
        while (done < len) {
            const ssize_t w = ::write(t->fd, data + done, len - done);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) {
                t->write_errno = w < 0 ? errno : ENOSPC;
                t->write_failed = true;
                return 0;  // curl stops with CURLE_WRITE_ERROR
            }
            done += static_cast<std::size_t>(w);
        }
        return len;
    }
    if (t->resp->body.size() < t->max_body)
        t->resp->body.append(data, std::min(len, t->max_body - t->resp->body.size()));
    return len;
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (k == name) return v;
    return {};
}

void http_global_init() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (const CurlApi& api = curl_api(); api.error.empty()) api.global_init(CURL_GLOBAL_DEFAULT);
    });
}

HttpClient::HttpClient() {
    http_global_init();
    if (const CurlApi& api = curl_api(); api.error.empty()) curl_ = api.easy_init();
}

HttpClient::~HttpClient() {
    if (curl_) curl_api().easy_cleanup(static_cast<CURL*>(curl_));
}

std::expected<HttpResponse, HttpFailure> HttpClient::perform(const HttpRequest& req) {
    const CurlApi& api = curl_api();
    if (!api.error.empty()) return std::unexpected(HttpFailure{api.error, false});
    CURL* c = static_cast<CURL*>(curl_);
    if (!c) return std::unexpected(HttpFailure{"curl could not be started", false});
    api.easy_reset(c);
    HttpResponse resp;
    Transfer t{&resp, req.body_fd, req.max_body_bytes};
    api.easy_setopt(c, CURLOPT_URL, req.url.c_str());
    api.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    api.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    api.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.connect_timeout.count()));
    api.easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    api.easy_setopt(c, CURLOPT_LOW_SPEED_TIME, std::max(1L, static_cast<long>(req.stall_timeout.count() / 1000)));
    if (req.total_timeout.count() > 0)
        api.easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(req.total_timeout.count()));
    if (req.cancel) {
        struct Cancel {
            static int check(void* flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
                return static_cast<const std::atomic<bool>*>(flag)->load(std::memory_order_relaxed) ? 1 : 0;
            }
        };
        api.easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
        api.easy_setopt(c, CURLOPT_XFERINFOFUNCTION, Cancel::check);
        api.easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(req.cancel));
    }
    api.easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    api.easy_setopt(c, CURLOPT_HEADERDATA, &t);
    SourceReader source{&req.body_source, req.body_size, 0, {}, false};
    if ((req.method == "PUT" || req.method == "POST") && req.body_source) {
        api.easy_setopt(c, CURLOPT_POST, 1L);
        api.easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
        api.easy_setopt(c, CURLOPT_READFUNCTION, SourceReader::read);
        api.easy_setopt(c, CURLOPT_READDATA, &source);
        api.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body_size));
    } else if (req.method == "PUT" || req.method == "POST") {
        api.easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
        api.easy_setopt(c, CURLOPT_POSTFIELDS, req.body.c_str());
        api.easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(req.body.size()));
    } else if (req.method == "HEAD") {
        api.easy_setopt(c, CURLOPT_NOBODY, 1L);
    }
    curl_slist* list = nullptr;
    for (const auto& [k, v] : req.headers) list = api.slist_append(list, (k + ": " + v).c_str());
    list = api.slist_append(list, "Expect:");
    api.easy_setopt(c, CURLOPT_HTTPHEADER, list);
    // A 2xx body goes to the file, any other to memory: the status is known (curl has it)
    // when the first body byte comes.
    struct StatusPeek {
        static std::size_t write(char* d, std::size_t s, std::size_t n, void* u) {
            auto* tt = static_cast<std::pair<Transfer*, CURL*>*>(u);
            if (tt->first->resp->status == 0)
                curl_api().easy_getinfo(tt->second, CURLINFO_RESPONSE_CODE, &tt->first->resp->status);
            return on_body(d, s, n, tt->first);
        }
    };
    std::pair<Transfer*, CURL*> peek{&t, c};
    api.easy_setopt(c, CURLOPT_WRITEFUNCTION, StatusPeek::write);
    api.easy_setopt(c, CURLOPT_WRITEDATA, &peek);
    const CURLcode rc = api.easy_perform(c);
    api.slist_free_all(list);
    if (t.write_failed)
        return std::unexpected(HttpFailure{std::string("writing the object: ") + std::strerror(t.write_errno), false});
    if (source.ended_short)
        return std::unexpected(HttpFailure{"the request's body ended after " + std::to_string(source.given) + " of " +
                                               std::to_string(req.body_size) + " bytes (an internal error)",
                                           false});
    if (rc == CURLE_ABORTED_BY_CALLBACK) return std::unexpected(HttpFailure{"cancelled", false, true});
    if (rc != CURLE_OK) return std::unexpected(HttpFailure{api.easy_strerror(rc), rc == CURLE_OPERATION_TIMEDOUT});
    api.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
    return resp;
}

}  // namespace s3top::s3
