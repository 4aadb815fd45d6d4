#pragma once

// Broker: the daemon's core. It owns the shards (one per core), the topic registry and store,
// and the listener, and runs startup (lock the data directory, load topics, recover partitions
// on their shards, listen) and a graceful stop (stop accepting, answer what was read, flush and
// close every partition). Thread-safe entry points: start(), request_stop(), wait().

#include <atomic>
#include <memory>
#include <string_view>
#include <vector>

#include "broker/config.h"
#include "broker/shard.h"
#include "broker/topic_registry.h"
#include "protocol/status.h"
#include "storage/topic_store.h"

namespace cairn::broker {

class GroupCoordinator;
class ProducerIds;
class Server;

class Broker {
 public:
  explicit Broker(BrokerConfig config);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Locks the data directory, recovers every partition and starts listening. Errors: the data
  // directory is locked by another process, unreadable topic files, the port is taken.
  Status start();
  // Begins a graceful stop; returns at once. Safe from any thread or a signal handler's loop.
  void request_stop();
  // Blocks until the broker has stopped.
  void wait();
  // After wait(): how many partitions the graceful stop could not flush and close cleanly (their
  // acknowledged data is intact; the next start recovers them from the log).
  int stop_failures() const { return stop_failures_.load(); }

  const BrokerConfig& config() const { return config_; }
  unsigned shard_count() const { return static_cast<unsigned>(shards_.size()); }
  Shard& shard(unsigned i) { return *shards_[i]; }
  // The shard that owns a partition: a fixed hash, so no lookup and no lock.
  Shard& shard_for(std::string_view topic, int32_t partition);
  TopicRegistry& topics() { return registry_; }
  // Only on shard 0's thread.
  storage::TopicStore& topic_store() { return *store_; }
  bool shutting_down() const { return shutting_down_.load(std::memory_order_relaxed); }
  uint16_t port() const;
  std::atomic<uint32_t>& connections() { return connections_; }
  // Serializes topic creation and deletion; only on shard 0's thread.
  AsyncMutex& admin_mutex() { return *admin_mutex_; }
  // The group coordinator of shard `i`, used on that shard's thread.
  GroupCoordinator& coordinator(unsigned i) { return *coordinators_[i]; }
  // The shard whose coordinator runs `group`.
  Shard& coordinator_shard(std::string_view group);
  int32_t offsets_partitions() const { return offsets_partitions_; }
  // Only on shard 0's thread.
  ProducerIds& producer_ids() { return *producer_ids_; }

 private:
  awaitable<void> shutdown();
  Status lock_data_dir();
  Status open_partitions(const std::map<std::string, storage::TopicConfig>& topics);

  BrokerConfig config_;
  std::vector<std::unique_ptr<Shard>> shards_;
  TopicRegistry registry_;
  std::unique_ptr<storage::TopicStore> store_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<AsyncMutex> admin_mutex_;
  std::vector<std::unique_ptr<GroupCoordinator>> coordinators_;
  std::unique_ptr<ProducerIds> producer_ids_;
  int32_t offsets_partitions_ = 1;
  std::atomic<bool> shutting_down_{false};
  std::atomic<bool> stop_requested_{false};
  std::atomic<int> stop_failures_{0};
  std::atomic<uint32_t> connections_{0};
  int lock_fd_ = -1;
};

}  // namespace cairn::broker
