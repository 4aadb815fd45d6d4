#pragma once

// CountingProxy: a loopback TCP proxy in front of the broker that passes every byte through and
// counts the request frames going to the broker by API key, so a test can tell how often a
// client asks for something (a fetch loop that never waits shows up as thousands of Fetches).

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cairn::testing {

class CountingProxy {
 public:
  explicit CountingProxy(uint16_t upstream_port);
  ~CountingProxy();
  CountingProxy(const CountingProxy&) = delete;
  CountingProxy& operator=(const CountingProxy&) = delete;

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // Request frames with this API key seen so far, over every connection.
  int64_t requests(uint16_t api_key) const;

 private:
  void accept_loop();
  void serve(int client);

  int listener_ = -1;
  uint16_t port_ = 0;
  uint16_t upstream_;
  std::array<std::atomic<int64_t>, 64> counts_{};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<std::thread> threads_;
  std::vector<int> sockets_;
  std::thread acceptor_;
};

}  // namespace cairn::testing
