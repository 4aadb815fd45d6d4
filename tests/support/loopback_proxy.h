#pragma once

// LoopbackProxy: a loopback TCP proxy in front of a broker that passes every byte through, counts
// the Cairn request frames going to the broker by API key, so a test can tell how often a client
// asks for something (a fetch loop that never waits shows up as thousands of Fetches), and can
// stand for a network link that goes down: after cut() it closes every connection through it and
// each new one at once, until heal().

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cairn::testing {

class LoopbackProxy {
 public:
  explicit LoopbackProxy(uint16_t upstream_port);
  ~LoopbackProxy();
  LoopbackProxy(const LoopbackProxy&) = delete;
  LoopbackProxy& operator=(const LoopbackProxy&) = delete;

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // Request frames with this API key seen so far, over every connection.
  int64_t requests(uint16_t api_key) const;
  void cut();
  void heal() { cut_ = false; }

 private:
  void accept_loop();
  void serve(int client);

  int listener_ = -1;
  uint16_t port_ = 0;
  uint16_t upstream_;
  std::array<std::atomic<int64_t>, 64> counts_{};
  std::atomic<bool> cut_{false};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<std::thread> threads_;
  std::vector<int> sockets_;
  std::thread acceptor_;
};

}  // namespace cairn::testing
