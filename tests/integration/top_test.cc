// `cairn top` against a tiny HTTP server (the broker's own HTTP server with a static route)
// serving fixed expositions: --once prints one frame from two scrapes; the live view quits on q
// and on Ctrl-C in a real pseudo-terminal and gives the terminal back as it was.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "broker/http/server.h"
#include "tests/support/process.h"

namespace cairn {
namespace {

using namespace std::chrono_literals;
using broker::http::Method;
using broker::http::Request;
using broker::http::Response;
using broker::http::Router;
using broker::http::Server;
using broker::http::ServerOptions;
using broker::http::SyncHandler;

const char* kFirst =
    "# TYPE cairn_records_in_total counter\n"
    "cairn_records_in_total{topic=\"orders\"} 1000\n"
    "cairn_group_lag_records{group=\"billing\",topic=\"orders\",partition=\"0\"} 100\n"
    "cairn_requests_total{api=\"produce\"} 100\n"
    "cairn_request_duration_seconds_bucket{api=\"produce\",le=\"0.001\"} 100\n"
    "cairn_request_duration_seconds_bucket{api=\"produce\",le=\"0.01\"} 100\n"
    "cairn_request_duration_seconds_bucket{api=\"produce\",le=\"+Inf\"} 100\n";
const char* kSecond =
    "# TYPE cairn_records_in_total counter\n"
    "cairn_records_in_total{topic=\"orders\"} 3000\n"
    "cairn_group_lag_records{group=\"billing\",topic=\"orders\",partition=\"0\"} 4321\n"
    "cairn_group_lag_seconds{group=\"billing\",topic=\"orders\",partition=\"0\"} 2.5\n"
    "cairn_requests_total{api=\"produce\"} 300\n"
    "cairn_request_duration_seconds_bucket{api=\"produce\",le=\"0.001\"} 100\n"
    "cairn_request_duration_seconds_bucket{api=\"produce\",le=\"0.01\"} 300\n"
    "cairn_request_duration_seconds_bucket{api=\"produce\",le=\"+Inf\"} 300\n"
    "cairn_replication_lag_records{follower=\"127.0.0.1:9393\",topic=\"orders\",partition=\"0\"} 3\n";

// Serves kFirst to the first scrape and kSecond to every later one.
class MetricsServer {
 public:
  MetricsServer() {
    Router router;
    router.add(Method::kGet, "/metrics", SyncHandler([this](const Request&) {
                 Response r = Response::text(200, scrapes_++ == 0 ? kFirst : kSecond);
                 r.content_type = "text/plain; version=0.0.4; charset=utf-8";
                 return r;
               }));
    ServerOptions options;
    options.port = 0;
    server_ = std::make_unique<Server>(std::move(router), options);
    Status s = server_->start();
    EXPECT_TRUE(s.is_ok()) << s.message();
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(server_->port()); }
  int scrapes() const { return scrapes_; }

 private:
  std::atomic<int> scrapes_{0};
  std::unique_ptr<Server> server_;
};

TEST(TopTest, OncePrintsOneFrameFromTwoScrapes) {
  MetricsServer server;
  auto r = testing::run_program(
      {CAIRN_CLI_PATH, "top", "--once", "--interval", "0.2", "--http", server.address()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(server.scrapes(), 2);
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << "no escape codes with --once";
  for (const char* part : {"cairn top", "orders", "billing", "4321", "2.50 s", "produce",
                           "5.5 ms", "127.0.0.1:9393"}) {
    EXPECT_NE(r.out.find(part), std::string::npos) << part << "\n" << r.out;
  }
}

TEST(TopTest, OnceExitsUnreachableWhenNothingListens) {
  auto r = testing::run_program({CAIRN_CLI_PATH, "top", "--once", "--http", "127.0.0.1:1"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("cannot connect"), std::string::npos) << r.err;
}

TEST(TopTest, AnAddressWithoutAPortIsAUsageError) {
  auto r = testing::run_program({CAIRN_CLI_PATH, "top", "--once", "--http", "localhost"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

// `cairn top` on a pseudo-terminal, as over ssh.
class PtyChild {
 public:
  explicit PtyChild(const std::string& address) {
    winsize size{};
    size.ws_row = 40;
    size.ws_col = 100;
    pid_ = ::forkpty(&master_, nullptr, nullptr, &size);
    if (pid_ == 0) {
      ::execl(CAIRN_CLI_PATH, CAIRN_CLI_PATH, "top", "--interval", "0.2", "--http",
              address.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~PtyChild() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) ::close(master_);
  }

  // Reads until `text` has appeared (true) or `limit` passes.
  bool read_until(const std::string& text, std::chrono::milliseconds limit = 10s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (output_.find(text) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{master_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char buf[4096];
      ssize_t n = ::read(master_, buf, sizeof buf);
      if (n <= 0) return output_.find(text) != std::string::npos;
      output_.append(buf, static_cast<size_t>(n));
    }
    return true;
  }
  void type(const std::string& keys) { ASSERT_EQ(::write(master_, keys.data(), keys.size()), static_cast<ssize_t>(keys.size())); }
  // The exit code once it has exited within `limit`; -1 if it has not.
  int wait(std::chrono::milliseconds limit = 10s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        read_until("\x1b[?1049l", 1s);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
      }
      char buf[4096];
      pollfd p{master_, POLLIN, 0};
      if (::poll(&p, 1, 20) == 1) {
        ssize_t n = ::read(master_, buf, sizeof buf);
        if (n > 0) output_.append(buf, static_cast<size_t>(n));
      }
    }
    return -1;
  }
  const std::string& output() const { return output_; }

 private:
  pid_t pid_ = -1;
  int master_ = -1;
  std::string output_;
};

TEST(TopTest, TheLiveViewQuitsOnQAndGivesTheTerminalBack) {
  MetricsServer server;
  PtyChild top(server.address());
  ASSERT_TRUE(top.read_until("billing")) << top.output();
  EXPECT_NE(top.output().find("\x1b[?1049h"), std::string::npos) << "the alternate screen";
  top.type("q");
  EXPECT_EQ(top.wait(), 0) << top.output();
  const std::string& out = top.output();
  size_t restore = out.rfind("\x1b[?1049l");
  ASSERT_NE(restore, std::string::npos) << "the terminal's screen is given back";
  EXPECT_NE(out.find("\x1b[?25h", out.rfind("\x1b[?25l")), std::string::npos) << "the cursor is shown again";
}

TEST(TopTest, TheLiveViewQuitsOnCtrlCAndGivesTheTerminalBack) {
  MetricsServer server;
  PtyChild top(server.address());
  ASSERT_TRUE(top.read_until("billing")) << top.output();
  top.type("\x03");
  EXPECT_EQ(top.wait(), 0) << top.output();
  EXPECT_NE(top.output().rfind("\x1b[?1049l"), std::string::npos);
}

}  // namespace
}  // namespace cairn
