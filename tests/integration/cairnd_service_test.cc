// cairnd as a service: systemd's readiness protocol and --print-config on the real program.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

// A datagram socket where systemd would listen for sd_notify messages.
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      throw std::runtime_error("bind " + path.string() + ": " + std::strerror(errno));
    }
  }
  ~NotifySocket() { ::close(fd_); }
  // The next message, or "" if none arrives within `limit`.
  std::string receive(std::chrono::milliseconds limit) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(limit.count())) != 1) return "";
    char buffer[4096];
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

TEST(CairndService, ItTellsSystemdWhenItIsReadyAndWhenItStops) {
  TempDir tmp;
  NotifySocket notify(tmp.path() / "notify");
  BrokerProcess broker(tmp.path() / "data", {}, {"NOTIFY_SOCKET=" + notify.path().string()});
  std::string ready = notify.receive(std::chrono::seconds(10));
  EXPECT_EQ(ready.rfind("READY=1\n", 0), 0u) << ready;
  EXPECT_NE(ready.find("STATUS=serving on port " + std::to_string(broker.port())), std::string::npos) << ready;
  // Ready means serving: a client gets an answer at once.
  EXPECT_EQ(cli(broker.address(), {"topics", "list"}).exit_code, 0);
  ASSERT_EQ(broker.stop(), 0) << broker.log();
  EXPECT_EQ(notify.receive(std::chrono::seconds(10)), "STOPPING=1");
}

TEST(CairndService, WithoutANotifySocketItStartsAsBefore) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data", {}, {"NOTIFY_SOCKET="});
  EXPECT_EQ(cli(broker.address(), {"topics", "list"}).exit_code, 0);
  ASSERT_EQ(broker.stop(), 0) << broker.log();
  EXPECT_EQ(broker.log().find("NOTIFY_SOCKET"), std::string::npos) << broker.log();
}

TEST(CairndService, PrintConfigChecksAFileAndShowsEachValuesSourceWithoutStarting) {
  TempDir tmp;
  auto file = tmp.path() / "cairnd.toml";
  std::ofstream(file) << "data-dir = \"" << (tmp.path() / "data").string() << "\"\nfsync = \"never\"\n";
  auto r = run_program({cairnd_path(), "--config", file.string(), "--partitions", "4", "--print-config"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\nfsync = \"never\"  # file " + file.string() + "\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\npartitions = 4  # flag\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nlisten = \"127.0.0.1:9292\"  # default\n"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "data"));  // it did not start

  std::ofstream(file) << "fsycn = \"never\"\n";
  auto bad = run_program({cairnd_path(), "--config", file.string(), "--print-config"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown key 'fsycn' (did you mean 'fsync'?)"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace cairn::testing
