#pragma once

// MemoryBudget and MemoryCharge: the request memory a shard may hold at once, and one
// request's share of it.

#include "broker/async.h"

#include <cstdint>
#include <memory>

namespace cairn::broker {

// Bytes of request memory a shard may hold at once: request frames while they are read and
// handled, the work a handler builds from a request, and responses until they are written. A
// reader waits for room before it takes in a frame, so many large requests at once queue
// instead of exhausting memory. Owned by its Shard (shared_ptr, so that charges made by
// sessions torn down with the shard can see it is gone); used on the shard's thread only
// (checked in debug builds).
class MemoryBudget {
 public:
  MemoryBudget(const asio::any_io_executor& ex, uint64_t capacity)
      : executor_(ex), capacity_(capacity), notifier_(ex) {}
  // Waits until `bytes` fit, or until `give_up` turns true (then returns false, holding
  // nothing). A request larger than the whole budget passes when nothing else is held.
  awaitable<bool> acquire(uint64_t bytes, const bool& give_up);
  // Counts `bytes` that are already allocated, even past the capacity: readers then wait until
  // enough is released.
  void take(uint64_t bytes);
  void release(uint64_t bytes);
  uint64_t used() const { return used_; }
  // Wakes every waiter so that it can see its connection is closing.
  void wake_all() { notifier_.notify_all(); }

 private:
  asio::any_io_executor executor_;
  uint64_t capacity_;
  uint64_t used_ = 0;
  Notifier notifier_;
};

// Bytes charged for one request, released when this goes away (after the request's response is
// written): to the shard's MemoryBudget (nothing once the shard is being destroyed) and to a
// running total of the request's connection.
class MemoryCharge {
 public:
  MemoryCharge(std::weak_ptr<MemoryBudget> budget, std::shared_ptr<uint64_t> connection_total)
      : budget_(std::move(budget)), connection_total_(std::move(connection_total)) {}
  ~MemoryCharge() {
    *connection_total_ -= held_;
    if (auto b = budget_.lock()) b->release(held_);
  }
  MemoryCharge(const MemoryCharge&) = delete;
  MemoryCharge& operator=(const MemoryCharge&) = delete;

  void add(uint64_t bytes) {
    held_ += bytes;
    *connection_total_ += bytes;
    if (auto b = budget_.lock()) b->take(bytes);
  }

 private:
  std::weak_ptr<MemoryBudget> budget_;
  std::shared_ptr<uint64_t> connection_total_;
  uint64_t held_ = 0;
};

}  // namespace cairn::broker
