#pragma once

// Partition: the broker's handle on one partition: its storage log, or why it is offline, and
// the fetches waiting for new data in it. Owned by one Shard and used only on its thread.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "broker/broker_metrics.h"
#include "broker/replication/replica_state.h"
#include "protocol/status.h"
#include "protocol/types.h"
#include "storage/partition_log.h"

namespace cairn::broker {

// Something waiting for a partition to pass an offset (a long-polling fetch). wake() is called
// on the partition's thread and must hand off to the waiter's own thread.
class DataWaiter {
 public:
  virtual ~DataWaiter() = default;
  virtual void wake() = 0;
};

class Partition {
 public:
  Partition(std::string topic, int32_t id, std::unique_ptr<storage::PartitionLog> log);
  Partition(std::string topic, int32_t id, Status offline_reason);

  const std::string& topic() const { return topic_; }
  int32_t id() const { return id_; }
  // Null when the partition is offline.
  storage::PartitionLog* log() { return log_.get(); }
  const storage::PartitionLog* log() const { return log_.get(); }
  const Status& offline_reason() const { return offline_reason_; }

  // The topic's throughput counters (null before the shard gave them) and this partition's
  // gauges, which refresh_gauges() sets for the shard `shard` that owns it.
  void set_metrics(std::shared_ptr<const TopicCounters> counters, PartitionGauges gauges) {
    counters_ = std::move(counters);
    gauges_ = std::move(gauges);
  }
  const std::shared_ptr<const TopicCounters>& counters() const { return counters_; }
  void refresh_gauges(unsigned shard) const;
  // The timestamp of the record at `offset` (or the first after it, in a compacted log), or
  // nullopt when there is none below the high watermark or it cannot be read.
  std::optional<Timestamp> record_timestamp(Offset offset) const;

  // Replication (replication/replica_state.h): the followers' positions as leader, the leader's
  // high watermark as follower.
  ReplicaState& replica() { return replica_; }
  // What consumers may read up to: the log end, lowered to what the in-sync followers have (as
  // leader) or to the leader's high watermark (as follower). The log end when the partition
  // has never been replicated. Offset 0 when offline.
  Offset high_watermark() const;
  // Records a replica fetch (as leader) and wakes whoever waits for the high watermark it moved.
  void on_replica_fetch(int32_t replica_id, Offset fetch_offset);
  // Takes the high watermark the leader reported (as follower) and wakes readers.
  void set_leader_high_watermark(Offset hw);

  // What read_committed readers may read up to (PROTOCOL.md, "Isolation"): the log's last stable
  // offset, never past the high watermark. Offset 0 when offline.
  Offset last_stable_offset() const;

  // What a waiter waits for to pass its offset.
  enum class WaitFor : uint8_t { kHighWatermark, kLogEnd, kLastStableOffset };
  // Wakes `waiter` once the high watermark is past `offset` (the log end, for a replica's fetch;
  // the last stable offset for a read_committed one), at once if it already is.
  void wait_for_data(Offset offset, std::weak_ptr<DataWaiter> waiter,
                     WaitFor bound = WaitFor::kHighWatermark);
  // Wakes every waiter now (the broker is stopping).
  void wake_all();

  // Transactions (PROTOCOL.md, "Control batches and transactional batches"): the producers whose
  // open transaction the coordinator added this partition to, each with the epoch it was added
  // at. A transactional batch is taken only from one of them at that epoch; a marker ends it.
  void add_to_transaction(int64_t producer_id, int16_t epoch) {
    txn_producers_[producer_id] = epoch;
  }
  void end_transaction(int64_t producer_id) { txn_producers_.erase(producer_id); }
  bool in_transaction(int64_t producer_id, int16_t epoch) const {
    auto it = txn_producers_.find(producer_id);
    return it != txn_producers_.end() && it->second == epoch;
  }

 private:
  struct Waiter {
    Offset offset;
    std::weak_ptr<DataWaiter> waiter;
    WaitFor bound = WaitFor::kHighWatermark;
  };
  // Where `bound` stands now.
  Offset bound_offset(WaitFor bound) const;
  // Wakes the waiters whose offset their bound has passed.
  void notify_waiters();

  std::string topic_;
  int32_t id_;
  std::unique_ptr<storage::PartitionLog> log_;
  Status offline_reason_;
  std::shared_ptr<const TopicCounters> counters_;
  PartitionGauges gauges_;
  std::vector<Waiter> waiters_;
  ReplicaState replica_;
  std::map<int64_t, int16_t> txn_producers_;
};

}  // namespace cairn::broker
