#pragma once

// LinkProxy: a loopback TCP proxy standing for the network link between two brokers. It passes
// every byte through until cut(): then it closes every connection through it and closes each
// new one at once, as a link that is down, until heal().

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cairn::testing {

class LinkProxy {
 public:
  explicit LinkProxy(uint16_t upstream_port);
  ~LinkProxy();
  LinkProxy(const LinkProxy&) = delete;
  LinkProxy& operator=(const LinkProxy&) = delete;

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  void cut();
  void heal() { cut_ = false; }

 private:
  void accept_loop();
  void serve(int client);

  int listener_ = -1;
  uint16_t port_ = 0;
  uint16_t upstream_;
  std::atomic<bool> cut_{false};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<std::thread> threads_;
  std::vector<int> sockets_;
  std::thread acceptor_;
};

}  // namespace cairn::testing
