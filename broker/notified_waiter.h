#pragma once

// NotifiedWaiter: a DataWaiter (partition.h) that wakes a coroutine on its own executor, for an
// operation that waits on partitions of any shard (a long-polling fetch, an acks=all produce).
// Held by shared_ptr by the coroutine; the partitions keep weak references.

#include "broker/async.h"

#include <memory>

#include <boost/asio/post.hpp>

#include "broker/partition.h"

namespace cairn::broker {

class NotifiedWaiter final : public DataWaiter,
                             public std::enable_shared_from_this<NotifiedWaiter> {
 public:
  explicit NotifiedWaiter(const asio::any_io_executor& ex) : executor_(ex), notifier_(ex) {}
  void wake() override {
    asio::post(executor_, [self = weak_from_this()] {
      if (auto s = self.lock()) {
        s->woken_ = true;
        s->notifier_.notify_all();
      }
    });
  }
  // Returns once woken (at once if woken already) or at `deadline`.
  awaitable<void> wait_until(SteadyTime deadline) {
    if (!woken_) co_await notifier_.wait_until(deadline);
  }

 private:
  asio::any_io_executor executor_;
  Notifier notifier_;
  bool woken_ = false;
};

}  // namespace cairn::broker
