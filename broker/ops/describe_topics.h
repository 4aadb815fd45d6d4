#pragma once

// Describing topics: their settings and each partition's offsets and size
// (Operations::describe_topics, describe_topics.cc).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/error_code.h"
#include "storage/topic_store.h"

namespace cairn::broker {

// A follower of a partition this broker leads: where its last fetch asked from and whether it
// is in the in-sync set (replication/replica_state.h).
struct ReplicaDescription {
  int32_t replica_id = 0;
  int64_t fetched_offset = 0;
  bool in_sync = false;
  int64_t caught_up_ms_ago = -1;  // -1: never
};

struct PartitionState {
  int32_t partition = 0;
  // UNKNOWN_TOPIC_OR_PARTITION while a new topic's partitions are being opened,
  // PARTITION_OFFLINE, or STORAGE_ERROR once it stopped taking appends (offsets still given).
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::string message;  // why, with an error
  int64_t log_start_offset = 0;
  int64_t high_watermark = 0;
  uint64_t size_bytes = 0;
  size_t segments = 0;
  int32_t leader_epoch = -1;
  int64_t log_end_offset = 0;
  std::vector<ReplicaDescription> replicas;  // as leader; none on a follower
};

struct TopicDescription {
  std::string name;
  // INVALID_TOPIC_NAME or UNKNOWN_TOPIC_OR_PARTITION; then no config and no partitions.
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::optional<storage::TopicConfig> config;
  std::vector<PartitionState> partitions;
};

// Memory describe builds per topic named and per partition described; it charges the
// partitions itself once it knows how many there are.
inline constexpr uint64_t kDescribeBytesPerTopic = sizeof(TopicDescription) + 64;
inline constexpr uint64_t kDescribeBytesPerPartition = sizeof(PartitionState) + sizeof(size_t) + 48;

}  // namespace cairn::broker
