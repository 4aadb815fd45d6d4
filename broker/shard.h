#pragma once

// Shard: one core of the broker. It runs one io_context on one thread, owns one I/O backend and
// the partitions assigned to it (by hash of topic and partition), and hosts the sessions whose
// connections it accepted. Everything a shard owns is touched only from its thread; other
// shards reach it by running work on its executor (async.h, run_on / gather).

#include "broker/async.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "broker/config.h"
#include "broker/partition.h"
#include "storage/io/io_backend.h"

namespace cairn::broker {

class Session;

// Bytes of request memory a shard may hold at once: request frames while they are read and
// handled, the work a handler builds from a request, and responses until they are written. A
// reader waits for room before it takes in a frame, so many large requests at once queue
// instead of exhausting memory. Owned by its Shard (shared_ptr, so that charges made by
// sessions torn down with the shard can see it is gone); used on the shard's thread only.
class MemoryBudget {
 public:
  MemoryBudget(const asio::any_io_executor& ex, uint64_t capacity)
      : capacity_(capacity), notifier_(ex) {}
  // Waits until `bytes` fit, or until `give_up` turns true (then returns false, holding
  // nothing). A request larger than the whole budget passes when nothing else is held.
  awaitable<bool> acquire(uint64_t bytes, const bool& give_up);
  // Counts `bytes` that are already allocated, even past the capacity: readers then wait until
  // enough is released.
  void take(uint64_t bytes) { used_ += bytes; }
  void release(uint64_t bytes);
  uint64_t used() const { return used_; }
  // Wakes every waiter so that it can see its connection is closing.
  void wake_all() { notifier_.notify_all(); }

 private:
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

class Shard {
 public:
  Shard(unsigned id, const BrokerConfig& config);
  ~Shard();
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  // Creates the I/O backend. Call before start().
  Status init();
  unsigned id() const { return id_; }
  asio::io_context& context() { return context_; }
  asio::any_io_executor executor() { return context_.get_executor(); }
  storage::IoBackend& io() { return *io_; }
  MemoryBudget& budget() { return *budget_; }
  std::weak_ptr<MemoryBudget> budget_handle() { return budget_; }

  // Runs the io_context on the shard's own thread until stop().
  void start();
  void stop();
  void join();

  Partition* find(std::string_view topic, int32_t partition);
  // Takes a partition; its log (if online) gets the producer id filter.
  void add(std::unique_ptr<Partition> partition);
  // Which producer ids the partitions added from now on accept (issued by InitProducerId).
  void set_producer_id_filter(std::function<bool(int64_t)> issued) {
    producer_id_issued_ = std::move(issued);
  }
  std::unique_ptr<Partition> remove(std::string_view topic, int32_t partition);
  std::vector<Partition*> partitions();

  // Sessions on this shard, for a graceful stop.
  std::set<Session*>& sessions() { return sessions_; }

  // Every `interval`, deletes segments past retention in this shard's partitions.
  void start_retention_timer(std::chrono::milliseconds interval);

 private:
  struct KeyLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return std::tie(a.first, a.second) < std::tie(b.first, b.second);
    }
  };
  using Key = std::pair<std::string, int32_t>;

  void arm_retention();

  unsigned id_;
  const BrokerConfig& config_;
  // Outlives context_: destroying the context destroys suspended session coroutines, whose
  // sessions then unregister here.
  std::set<Session*> sessions_;
  asio::io_context context_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::unique_ptr<storage::IoBackend> io_;
  std::shared_ptr<MemoryBudget> budget_;
  std::map<Key, std::unique_ptr<Partition>, KeyLess> partitions_;
  std::function<bool(int64_t)> producer_id_issued_;
  std::unique_ptr<asio::steady_timer> retention_timer_;
  std::chrono::milliseconds retention_interval_{0};
  std::thread thread_;
};

}  // namespace cairn::broker
