// Webhook notifications against a real HTTP server on 127.0.0.1, started by the test.
#include "notify/webhook.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

namespace clawsim {
namespace {

// A one-thread HTTP/1.1 server on an ephemeral loopback port: answers each request with the next
// status of `statuses` and keeps every request it read.
class LocalServer {
 public:
  explicit LocalServer(std::vector<int> statuses) : statuses_(std::move(statuses)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(listen(fd_, 4), 0);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~LocalServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hooks/abc"; }
  const std::vector<std::string>& requests() const { return requests_; }

 private:
  void serve() {
    for (int status : statuses_) {
      const int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string request;
      char buf[4096];
      // Read the headers, then the body of Content-Length bytes.
      while (true) {
        const ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0) break;
        request.append(buf, static_cast<std::size_t>(n));
        const auto end = request.find("\r\n\r\n");
        if (end == std::string::npos) continue;
        const auto cl = request.find("Content-Length: ");
        const std::size_t body = cl == std::string::npos ? 0 : std::stoul(request.substr(cl + 16));
        if (request.size() >= end + 4 + body) break;
      }
      requests_.push_back(request);
      const std::string answer = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
      (void)write(c, answer.data(), answer.size());
      close(c);
    }
  }
  std::vector<int> statuses_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::vector<std::string> requests_;
};

TEST(Webhook, PostsTheJsonSummary) {
  WebhookResult r;
  std::vector<std::string> requests;
  {
    LocalServer server({200});
    r = post_webhook(server.url(), R"({"text":"clawsim game day g: fail"})");
    requests = server.requests();
  }
  EXPECT_TRUE(r.delivered) << r.error;
  EXPECT_EQ(r.attempts, 1);
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].rfind("POST /hooks/abc HTTP/1.1\r\n", 0), 0U) << requests[0];
  EXPECT_NE(requests[0].find("Content-Type: application/json"), std::string::npos);
  EXPECT_NE(requests[0].find(R"({"text":"clawsim game day g: fail"})"), std::string::npos);
}

TEST(Webhook, AServerErrorIsRetriedAClientErrorIsNot) {
  WebhookSettings fast;
  fast.backoff_ms = 10;
  {
    LocalServer server({503, 200});
    const WebhookResult r = post_webhook(server.url(), "{}", fast);
    EXPECT_TRUE(r.delivered);
    EXPECT_EQ(r.attempts, 2);
  }
  {
    LocalServer server({404});
    const WebhookResult r = post_webhook(server.url(), "{}", fast);
    EXPECT_FALSE(r.delivered);
    EXPECT_EQ(r.attempts, 1);
    EXPECT_EQ(r.status, 404);
  }
}

TEST(Webhook, NobodyListeningFailsAfterBoundedAttempts) {
  int port = 0;
  {
    LocalServer probe({});  // bind an ephemeral port, then free it: nothing listens there
    port = std::stoi(probe.url().substr(17, 5));
  }
  WebhookSettings fast;
  fast.backoff_ms = 10;
  fast.timeout_ms = 2'000;
  const WebhookResult r = post_webhook("http://127.0.0.1:" + std::to_string(port) + "/x", "{}", fast);
  EXPECT_FALSE(r.delivered);
  EXPECT_EQ(r.attempts, 3);
  EXPECT_FALSE(r.error.empty());
}

// An incoming webhook's path is its secret: what clawsim prints keeps only scheme and host.
TEST(Webhook, ShownWithoutItsSecret) {
  EXPECT_EQ(webhook_shown("https://chat.example/hooks/T000/B000/XXXX"), "https://chat.example/...");
  EXPECT_EQ(webhook_shown("http://user:pw@127.0.0.1:18089/hook?token=abc"), "http://127.0.0.1:18089/...");
  EXPECT_EQ(webhook_shown("https://chat.example"), "https://chat.example");
}

}  // namespace
}  // namespace clawsim
