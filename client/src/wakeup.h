#pragma once

// Wakeup: what a consumer's poll() waits on. The fetcher signals it when records arrive or a
// fetch ends, the group member when the group wants a rebalance. A count under a mutex: poll()
// reads the count before it looks for work, so a signal that comes between looking and waiting
// is never lost. Shared (shared_ptr) by the consumer and both parts; any thread may signal.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace cairn::client {

class Wakeup {
 public:
  uint64_t count() const {
    std::lock_guard lock(mu_);
    return count_;
  }
  void notify() {
    {
      std::lock_guard lock(mu_);
      ++count_;
    }
    cv_.notify_all();
  }
  // Waits until notified after `count()` returned `seen`, or until `deadline`.
  void wait_until(uint64_t seen, std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mu_);
    cv_.wait_until(lock, deadline, [&] { return count_ != seen; });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t count_ = 0;
};

}  // namespace cairn::client
