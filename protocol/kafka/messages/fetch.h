#pragma once

// Fetch (1). Responses carry stored batches as Records pieces: a translated 61-byte header from
// memory, then the batch's records as external bytes sent from their file.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "protocol/kafka/api.h"
#include "protocol/kafka/codec.h"
#include "protocol/kafka/messages/common.h"

namespace cairn::protocol::kafka {

struct ReplicaState {
  int32_t replica_id = -1;
  int64_t replica_epoch = -1;

  template <class Io>
  void fields(Io& io) {
    io(replica_id, "ReplicaId", Versions{15});
    io(replica_epoch, "ReplicaEpoch", Versions{15});
  }
  bool operator==(const ReplicaState&) const = default;
};

struct FetchPartition {
  int32_t partition = 0;
  int32_t current_leader_epoch = -1;
  int64_t fetch_offset = 0;
  int32_t last_fetched_epoch = -1;
  int64_t log_start_offset = -1;
  int32_t partition_max_bytes = 0;
  Uuid replica_directory_id;
  int64_t high_watermark = std::numeric_limits<int64_t>::max();

  template <class Io>
  void fields(Io& io) {
    io(partition, "Partition", Versions{0});
    io(current_leader_epoch, "CurrentLeaderEpoch", Versions{9});
    io(fetch_offset, "FetchOffset", Versions{0});
    io(last_fetched_epoch, "LastFetchedEpoch", Versions{12});
    io(log_start_offset, "LogStartOffset", Versions{5});
    io(partition_max_bytes, "PartitionMaxBytes", Versions{0});
    io(replica_directory_id, "ReplicaDirectoryId", Versions{17}, Tag{0});
    io(high_watermark, "HighWatermark", Versions{18},
       Tag{1, std::numeric_limits<int64_t>::max()});
  }
  bool operator==(const FetchPartition&) const = default;
};

struct FetchTopic {
  std::string topic;
  Uuid topic_id;
  std::vector<FetchPartition> partitions;

  template <class Io>
  void fields(Io& io) {
    io(topic, "Topic", Versions{0, 12});
    io(topic_id, "TopicId", Versions{13});
    io(partitions, "Partitions", Versions{0});
  }
  bool operator==(const FetchTopic&) const = default;
};

struct ForgottenTopic {
  std::string topic;
  Uuid topic_id;
  std::vector<int32_t> partitions;

  template <class Io>
  void fields(Io& io) {
    io(topic, "Topic", Versions{7, 12});
    io(topic_id, "TopicId", Versions{13});
    io(partitions, "Partitions", Versions{7});
  }
  bool operator==(const ForgottenTopic&) const = default;
};

// isolation_level: 0 read uncommitted, 1 read committed. session_id 0 with session_epoch -1 is
// a full fetch without a session (KIP-227), what librdkafka and kafkajs send.
struct FetchRequest {
  static constexpr const ApiSpec& kApi = kFetchApi;
  std::optional<std::string> cluster_id;
  int32_t replica_id = -1;
  ReplicaState replica_state;
  int32_t max_wait_ms = 0;
  int32_t min_bytes = 0;
  int32_t max_bytes = std::numeric_limits<int32_t>::max();
  int8_t isolation_level = 0;
  int32_t session_id = 0;
  int32_t session_epoch = -1;
  std::vector<FetchTopic> topics;
  std::vector<ForgottenTopic> forgotten_topics_data;
  std::string rack_id;

  template <class Io>
  void fields(Io& io) {
    io(cluster_id, "ClusterId", Versions{12}, Nullable{12}, Tag{0});
    io(replica_id, "ReplicaId", Versions{0, 14});
    io(replica_state, "ReplicaState", Versions{15}, Tag{1});
    io(max_wait_ms, "MaxWaitMs", Versions{0});
    io(min_bytes, "MinBytes", Versions{0});
    io(max_bytes, "MaxBytes", Versions{3});
    io(isolation_level, "IsolationLevel", Versions{4});
    io(session_id, "SessionId", Versions{7});
    io(session_epoch, "SessionEpoch", Versions{7});
    io(topics, "Topics", Versions{0});
    io(forgotten_topics_data, "ForgottenTopicsData", Versions{7});
    io(rack_id, "RackId", Versions{11});
  }
  bool operator==(const FetchRequest&) const = default;
};

struct EpochEndOffset {
  int32_t epoch = -1;
  int64_t end_offset = -1;

  template <class Io>
  void fields(Io& io) {
    io(epoch, "Epoch", Versions{12});
    io(end_offset, "EndOffset", Versions{12});
  }
  bool operator==(const EpochEndOffset&) const = default;
};

struct SnapshotId {
  int64_t end_offset = -1;
  int32_t epoch = -1;

  template <class Io>
  void fields(Io& io) {
    io(end_offset, "EndOffset", Versions{0});
    io(epoch, "Epoch", Versions{0});
  }
  bool operator==(const SnapshotId&) const = default;
};

struct AbortedTransaction {
  int64_t producer_id = 0;
  int64_t first_offset = 0;

  template <class Io>
  void fields(Io& io) {
    io(producer_id, "ProducerId", Versions{4});
    io(first_offset, "FirstOffset", Versions{4});
  }
  bool operator==(const AbortedTransaction&) const = default;
};

struct FetchPartitionData {
  int32_t partition_index = 0;
  int16_t error_code = 0;
  int64_t high_watermark = 0;
  int64_t last_stable_offset = -1;
  int64_t log_start_offset = -1;
  EpochEndOffset diverging_epoch;
  LeaderIdAndEpoch current_leader;
  SnapshotId snapshot_id;
  std::optional<std::vector<AbortedTransaction>> aborted_transactions =
      std::vector<AbortedTransaction>{};
  int32_t preferred_read_replica = -1;
  Records records;

  template <class Io>
  void fields(Io& io) {
    io(partition_index, "PartitionIndex", Versions{0});
    io(error_code, "ErrorCode", Versions{0});
    io(high_watermark, "HighWatermark", Versions{0});
    io(last_stable_offset, "LastStableOffset", Versions{4});
    io(log_start_offset, "LogStartOffset", Versions{5});
    io(diverging_epoch, "DivergingEpoch", Versions{12}, Tag{0});
    io(current_leader, "CurrentLeader", Versions{12}, Tag{1});
    io(snapshot_id, "SnapshotId", Versions{12}, Tag{2});
    io(aborted_transactions, "AbortedTransactions", Versions{4}, Nullable{4});
    io(preferred_read_replica, "PreferredReadReplica", Versions{11});
    io(records, "Records", Versions{0}, Nullable{0});
  }
  bool operator==(const FetchPartitionData&) const = default;
};

struct FetchableTopicResponse {
  std::string topic;
  Uuid topic_id;
  std::vector<FetchPartitionData> partitions;

  template <class Io>
  void fields(Io& io) {
    io(topic, "Topic", Versions{0, 12});
    io(topic_id, "TopicId", Versions{13});
    io(partitions, "Partitions", Versions{0});
  }
  bool operator==(const FetchableTopicResponse&) const = default;
};

struct FetchResponse {
  static constexpr const ApiSpec& kApi = kFetchApi;
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  int32_t session_id = 0;
  std::vector<FetchableTopicResponse> responses;
  std::vector<NodeEndpoint> node_endpoints;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{1});
    io(error_code, "ErrorCode", Versions{7});
    io(session_id, "SessionId", Versions{7});
    io(responses, "Responses", Versions{0});
    io(node_endpoints, "NodeEndpoints", Versions{16}, Tag{0});
  }
  bool operator==(const FetchResponse&) const = default;
};

}  // namespace cairn::protocol::kafka
