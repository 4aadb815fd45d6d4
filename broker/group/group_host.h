#pragma once

// GroupHost: what a GroupCoordinator needs from the broker around it: the clock, its shard's
// `__consumer_offsets` partitions, the partition counts of topics, and the log ends of
// partitions that may live on other shards. make_group_host() gives the broker's
// implementation, over its services (topic registry and shards); tests supply their own over an
// in-memory backend. Owned by the coordinator and used on its shard's thread only.

#include "broker/async.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "broker/group/group.h"
#include "protocol/status.h"
#include "protocol/types.h"

namespace cairn::broker {

class BrokerServices;
class Partition;
class Shard;

struct TopicPartitionRef {
  std::string topic;
  int32_t partition = 0;
};

class GroupHost {
 public:
  virtual ~GroupHost() = default;

  virtual GroupTime now() = 0;
  // How many partitions the offsets topic has in all (fixed once the topic exists).
  virtual int32_t offsets_partition_count() const = 0;
  // The offsets partitions this shard owns, online or offline.
  virtual std::vector<Partition*> offsets_partitions() = 0;
  // Offsets partition `id` if this shard owns it, else null.
  virtual Partition* offsets_partition(int32_t id) = 0;
  // The partition count of `topic`; 0 when there is no such topic.
  virtual int32_t partition_count(const std::string& topic) = 0;
  // The log end offset (high watermark) of each of `partitions`, in order, each read on the shard
  // that owns it, one hop per shard involved. kNotFound for a partition the broker does not
  // have, kUnavailable for one that is offline. Resumes on the caller's executor.
  virtual awaitable<std::vector<Result<Offset>>> log_ends(
      std::vector<TopicPartitionRef> partitions) = 0;
};

// The broker's host for the coordinator of `shard`.
std::unique_ptr<GroupHost> make_group_host(BrokerServices& services, Shard& shard);

}  // namespace cairn::broker
