#pragma once

// ChaosProxy: a loopback TCP proxy in front of the broker that, with a given probability, drops
// a connection when a response arrives from the broker instead of passing it on: the broker did
// the work (an append) but the client never hears of it, as when a network fails at the worst
// moment. The upstream port can change (a broker restarted on a new port).

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace cairn::testing {

class ChaosProxy {
 public:
  ChaosProxy(uint16_t upstream_port, double drop_probability);
  ~ChaosProxy();

  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  void set_upstream(uint16_t port) { upstream_ = port; }
  int64_t drops() const { return drops_; }
  int64_t responses() const { return responses_; }

 private:
  void accept_loop();
  void serve(int client);

  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<uint16_t> upstream_;
  double drop_probability_;
  std::atomic<int64_t> drops_{0};
  std::atomic<int64_t> responses_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::mt19937_64 rng_{2024};
  std::vector<std::thread> threads_;
  std::vector<int> sockets_;
  std::thread acceptor_;
};

}  // namespace cairn::testing
