#pragma once

// BrokerServices: what the broker's operations (ops/) and its listeners (net/) may reach: the
// shards and which one owns a partition, the topic registry, whether the broker is stopping,
// and the services that live on one shard (the topic files, the admin lock and producer ids on
// shard 0; a group coordinator on each). It holds no sockets and no front end, and includes
// none of them, so nothing it serves includes back what serves it.
//
// Owned by the Broker, which fills it at startup (broker.h) and tears it down after the shards
// have stopped; everything in it outlives every request. The accessors marked "shard N" may be
// used only on that shard's thread (checked in debug builds).

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "broker/config.h"
#include "broker/shard.h"
#include "broker/topic_registry.h"
#include "storage/topic_store.h"

namespace cairn::broker {

class AsyncMutex;
class BrokerMetrics;
class GroupCoordinator;
class ProducerIds;
class TxnCoordinator;
namespace security {
class SharedSecurity;
}

class BrokerServices {
 public:
  explicit BrokerServices(BrokerConfig config);
  ~BrokerServices();
  BrokerServices(const BrokerServices&) = delete;
  BrokerServices& operator=(const BrokerServices&) = delete;

  const BrokerConfig& config() const { return config_; }
  const std::vector<std::unique_ptr<Shard>>& shards() const { return shards_; }
  unsigned shard_count() const { return static_cast<unsigned>(shards_.size()); }
  Shard& shard(unsigned i) { return *shards_[i]; }
  // The shard that owns a partition (owner_shard()).
  Shard& shard_for(std::string_view topic, int32_t partition);
  // Read on any shard; changed on shard 0 only.
  TopicRegistry& topics() { return registry_; }
  // From the start of a graceful stop on; any thread.
  bool shutting_down() const { return shutting_down_.load(std::memory_order_relaxed); }
  // Topic creations and deletions under way, counted from their first step (any thread): the
  // stop answers them before it stops the shards, so none is left without an answer.
  class AdminInFlight {
   public:
    explicit AdminInFlight(BrokerServices& s) : s_(s) { s_.admin_in_flight_.fetch_add(1); }
    ~AdminInFlight() { s_.admin_in_flight_.fetch_sub(1); }
    AdminInFlight(const AdminInFlight&) = delete;
    AdminInFlight& operator=(const AdminInFlight&) = delete;

   private:
    BrokerServices& s_;
  };
  int admin_in_flight() const { return admin_in_flight_.load(); }
  // Whether this broker follows another (--replica-of) or is being promoted: either way it
  // refuses produce. Any thread.
  bool following() const { return role_.load() != Role::kLeader; }
  // Whether the follower goes on copying the leader (no longer once a promotion began).
  bool replicating() const { return role_.load() == Role::kFollower; }
  void set_following(bool following) { role_ = following ? Role::kFollower : Role::kLeader; }
  // A promotion: from follower to promoting (false for a broker that is not a follower), then
  // to leader.
  bool try_begin_promotion() {
    Role expected = Role::kFollower;
    return role_.compare_exchange_strong(expected, Role::kPromoting);
  }
  void finish_promotion() { role_ = Role::kLeader; }

  // Shard 0: the topic files.
  storage::TopicStore& topic_store();
  // Shard 0: serializes topic creation and deletion.
  AsyncMutex& admin_mutex();
  // Shard 0: producer ids for InitProducerId.
  ProducerIds& producer_ids();
  // Shard `i`: its group coordinator.
  GroupCoordinator& coordinator(unsigned i);
  // The shard whose coordinator runs `group`.
  Shard& coordinator_shard(std::string_view group);
  int32_t offsets_partitions() const { return offsets_partitions_; }
  // Shard `i`: its transaction coordinator.
  TxnCoordinator& txn_coordinator(unsigned i);
  // The shard whose transaction coordinator runs `transactional_id`.
  Shard& txn_coordinator_shard(std::string_view transactional_id);
  int32_t transaction_state_partitions() const { return transaction_state_partitions_; }
  // The broker's metrics; any thread (handles are updated by the shard that makes the update).
  BrokerMetrics& metrics() { return *metrics_; }
  // The credentials and ACLs every core reads (security_snapshot.h); any thread.
  security::SharedSecurity& security() { return *security_; }

 private:
  friend class Broker;

  BrokerConfig config_;
  std::unique_ptr<BrokerMetrics> metrics_;
  std::vector<std::unique_ptr<Shard>> shards_;
  TopicRegistry registry_;
  std::unique_ptr<storage::TopicStore> store_;
  std::unique_ptr<AsyncMutex> admin_mutex_;
  std::vector<std::unique_ptr<GroupCoordinator>> coordinators_;
  std::vector<std::unique_ptr<TxnCoordinator>> txn_coordinators_;
  std::unique_ptr<ProducerIds> producer_ids_;
  std::shared_ptr<security::SharedSecurity> security_;
  int32_t offsets_partitions_ = 1;
  int32_t transaction_state_partitions_ = 1;
  std::atomic<bool> shutting_down_{false};
  std::atomic<int> admin_in_flight_{0};
  enum class Role { kLeader, kFollower, kPromoting };
  std::atomic<Role> role_{Role::kLeader};
};

}  // namespace cairn::broker
