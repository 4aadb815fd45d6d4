#pragma once

// Shard: one core of the broker. It runs one io_context on one thread, owns one I/O backend and
// the partitions assigned to it (by hash of topic and partition, owner_shard()), and hosts the
// sessions whose connections it accepted. Everything a shard owns is touched only from its
// thread, which debug builds check (before start() and after join(), the thread that starts or
// destroys the shard may); other shards reach it by running work on its executor (async.h,
// run_on / gather; partition_router.h).

#include "broker/async.h"

#include <atomic>
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
#include "broker/memory_budget.h"
#include "broker/partition.h"
#include "storage/io/io_backend.h"
#include "storage/log_cleaner.h"

namespace cairn::broker {

class BrokerMetrics;
class Session;

// Which of `shard_count` shards owns a partition: a fixed hash of its topic and number, so every
// shard agrees without a lookup or a lock.
unsigned owner_shard(std::string_view topic, int32_t partition, unsigned shard_count);

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
  // Whether the caller may touch what this shard owns: on its thread while it runs, on any
  // thread before start() and after join().
  bool on_own_thread();

  Partition* find(std::string_view topic, int32_t partition);
  // The partition, if this shard has it and it is online. Errors: kNotFound (no such partition
  // here), kUnavailable (offline; the message is the reason). error_mapping.h, ErrorSubject
  // kPartition, turns them into UNKNOWN_TOPIC_OR_PARTITION and PARTITION_OFFLINE.
  Result<Partition*> find_online(std::string_view topic, int32_t partition);
  // The shard whose thread calls this (0 on any other thread): the shard an update of a metric
  // names (metrics/metric.h).
  static unsigned current_id();
  // Where the partitions added from now on count their throughput and storage's syncs. Set
  // before any partition is added; must outlive the shard.
  void set_metrics(BrokerMetrics* metrics) { metrics_ = metrics; }
  // Takes a partition; its log (if online) gets the producer id filter, and the partition its
  // metrics.
  void add(std::unique_ptr<Partition> partition);
  // Which producer ids the partitions added from now on accept (issued by InitProducerId).
  void set_producer_id_filter(std::function<bool(int64_t)> issued) {
    producer_id_issued_ = std::move(issued);
  }
  std::unique_ptr<Partition> remove(std::string_view topic, int32_t partition);
  std::vector<Partition*> partitions();

  // Sessions on this shard, for a graceful stop.
  std::set<Session*>& sessions();

  // Every `interval`, deletes segments past retention in this shard's partitions.
  void start_retention_timer(std::chrono::milliseconds interval);
  // Compacts the partitions whose cleanup policy holds `compact`, one slice at a time off the
  // shard's thread (storage/log_cleaner.h), reading at most `options.bytes_per_sec`.
  void start_cleaner(storage::LogCleaner::Options options);
  // No compaction slice starts after this (one in flight finishes; a flush waits for it).
  void stop_cleaner();
  // The shard's cleaner, if started.
  const storage::LogCleaner* cleaner() const { return cleaner_.get(); }

 private:
  struct KeyLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      std::string_view a_topic = a.first;
      std::string_view b_topic = b.first;
      return a_topic < b_topic || (a_topic == b_topic && a.second < b.second);
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
  BrokerMetrics* metrics_ = nullptr;
  std::unique_ptr<asio::steady_timer> retention_timer_;
  std::chrono::milliseconds retention_interval_{0};
  std::unique_ptr<storage::LogCleaner> cleaner_;
  std::atomic<bool> running_{false};  // between start() and the end of join()
  std::thread thread_;
};

}  // namespace cairn::broker
