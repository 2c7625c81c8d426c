// HttpClient's streamed request bodies (HttpRequest::body_source): a body that ends before the
// size it declared fails at once, naming the bytes, instead of leaving the server waiting for
// the rest until the stall timeout.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "core/s3/http.hpp"

namespace s3top::s3 {
namespace {

/// A server on 127.0.0.1 that takes one connection and reads it until the client closes it,
/// answering nothing: a server waiting for the rest of a body.
class SilentServer {
public:
    SilentServer() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 1) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            return;
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] {
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) return;
            char buf[4096];
            while (::read(c, buf, sizeof buf) > 0) {}
            ::close(c);
        });
    }
    ~SilentServer() {
        ::shutdown(fd_, SHUT_RDWR);
        if (thread_.joinable()) thread_.join();
        ::close(fd_);
    }
    int port() const { return port_; }

private:
    int fd_ = -1, port_ = 0;
    std::thread thread_;
};

TEST(HttpBody, ABodyThatEndsShortOfItsSizeFailsAtOnceNamingTheBytes) {
    SilentServer server;
    ASSERT_GT(server.port(), 0);
    HttpClient client;
    HttpRequest req;
    req.method = "POST";
    req.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
    req.body_size = 10;
    int calls = 0;
    req.body_source = [&calls]() -> std::string_view { return ++calls == 1 ? "abcd" : ""; };
    req.stall_timeout = std::chrono::milliseconds(2000);  // what it waited for before
    const auto got = client.perform(req);
    ASSERT_FALSE(got.has_value());
    EXPECT_FALSE(got.error().timeout) << got.error().message;
    EXPECT_FALSE(got.error().cancelled);
    EXPECT_NE(got.error().message.find("4 of 10 bytes"), std::string::npos) << got.error().message;
}

}  // namespace
}  // namespace s3top::s3
