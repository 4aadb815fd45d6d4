#pragma once

// Offset lookups: ListOffsets (2) and OffsetForLeaderEpoch (23).

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/kafka/api.h"
#include "protocol/kafka/codec.h"

namespace cairn::protocol::kafka {

// Timestamp -1 asks for the latest offset, -2 the earliest; other negative values are later
// additions (-3 max timestamp, -4 earliest local, -5 latest tiered).
struct ListOffsetsPartition {
  int32_t partition_index = 0;
  int32_t current_leader_epoch = -1;
  int64_t timestamp = 0;

  template <class Io>
  void fields(Io& io) {
    io(partition_index, "PartitionIndex", Versions{0});
    io(current_leader_epoch, "CurrentLeaderEpoch", Versions{4});
    io(timestamp, "Timestamp", Versions{0});
  }
  bool operator==(const ListOffsetsPartition&) const = default;
};

struct ListOffsetsTopic {
  std::string name;
  std::vector<ListOffsetsPartition> partitions;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(partitions, "Partitions", Versions{0});
  }
  bool operator==(const ListOffsetsTopic&) const = default;
};

struct ListOffsetsRequest {
  static constexpr const ApiSpec& kApi = kListOffsetsApi;
  int32_t replica_id = 0;
  int8_t isolation_level = 0;
  std::vector<ListOffsetsTopic> topics;
  int32_t timeout_ms = 0;

  template <class Io>
  void fields(Io& io) {
    io(replica_id, "ReplicaId", Versions{0});
    io(isolation_level, "IsolationLevel", Versions{2});
    io(topics, "Topics", Versions{0});
    io(timeout_ms, "TimeoutMs", Versions{10});
  }
  bool operator==(const ListOffsetsRequest&) const = default;
};

struct ListOffsetsPartitionResponse {
  int32_t partition_index = 0;
  int16_t error_code = 0;
  int64_t timestamp = -1;
  int64_t offset = -1;
  int32_t leader_epoch = -1;

  template <class Io>
  void fields(Io& io) {
    io(partition_index, "PartitionIndex", Versions{0});
    io(error_code, "ErrorCode", Versions{0});
    io(timestamp, "Timestamp", Versions{1});
    io(offset, "Offset", Versions{1});
    io(leader_epoch, "LeaderEpoch", Versions{4});
  }
  bool operator==(const ListOffsetsPartitionResponse&) const = default;
};

struct ListOffsetsTopicResponse {
  std::string name;
  std::vector<ListOffsetsPartitionResponse> partitions;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(partitions, "Partitions", Versions{0});
  }
  bool operator==(const ListOffsetsTopicResponse&) const = default;
};

struct ListOffsetsResponse {
  static constexpr const ApiSpec& kApi = kListOffsetsApi;
  int32_t throttle_time_ms = 0;
  std::vector<ListOffsetsTopicResponse> topics;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{2});
    io(topics, "Topics", Versions{0});
  }
  bool operator==(const ListOffsetsResponse&) const = default;
};

struct OffsetForLeaderPartition {
  int32_t partition = 0;
  int32_t current_leader_epoch = -1;
  int32_t leader_epoch = 0;

  template <class Io>
  void fields(Io& io) {
    io(partition, "Partition", Versions{0});
    io(current_leader_epoch, "CurrentLeaderEpoch", Versions{2});
    io(leader_epoch, "LeaderEpoch", Versions{0});
  }
  bool operator==(const OffsetForLeaderPartition&) const = default;
};

struct OffsetForLeaderTopic {
  std::string topic;
  std::vector<OffsetForLeaderPartition> partitions;

  template <class Io>
  void fields(Io& io) {
    io(topic, "Topic", Versions{0});
    io(partitions, "Partitions", Versions{0});
  }
  bool operator==(const OffsetForLeaderTopic&) const = default;
};

struct OffsetForLeaderEpochRequest {
  static constexpr const ApiSpec& kApi = kOffsetForLeaderEpochApi;
  int32_t replica_id = -2;
  std::vector<OffsetForLeaderTopic> topics;

  template <class Io>
  void fields(Io& io) {
    io(replica_id, "ReplicaId", Versions{3});
    io(topics, "Topics", Versions{0});
  }
  bool operator==(const OffsetForLeaderEpochRequest&) const = default;
};

struct OffsetForLeaderEpochEndOffset {
  int16_t error_code = 0;
  int32_t partition = 0;
  int32_t leader_epoch = -1;
  int64_t end_offset = -1;

  template <class Io>
  void fields(Io& io) {
    io(error_code, "ErrorCode", Versions{0});
    io(partition, "Partition", Versions{0});
    io(leader_epoch, "LeaderEpoch", Versions{1});
    io(end_offset, "EndOffset", Versions{0});
  }
  bool operator==(const OffsetForLeaderEpochEndOffset&) const = default;
};

struct OffsetForLeaderTopicResult {
  std::string topic;
  std::vector<OffsetForLeaderEpochEndOffset> partitions;

  template <class Io>
  void fields(Io& io) {
    io(topic, "Topic", Versions{0});
    io(partitions, "Partitions", Versions{0});
  }
  bool operator==(const OffsetForLeaderTopicResult&) const = default;
};

struct OffsetForLeaderEpochResponse {
  static constexpr const ApiSpec& kApi = kOffsetForLeaderEpochApi;
  int32_t throttle_time_ms = 0;
  std::vector<OffsetForLeaderTopicResult> topics;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{2});
    io(topics, "Topics", Versions{0});
  }
  bool operator==(const OffsetForLeaderEpochResponse&) const = default;
};

}  // namespace cairn::protocol::kafka
