#pragma once

// Transactions, commit side: TxnOffsetCommit (28), from a transactional producer, and
// WriteTxnMarkers (27), from a transaction coordinator to partition leaders.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/kafka/api.h"
#include "protocol/kafka/codec.h"

namespace cairn::protocol::kafka {

struct TxnOffsetCommitRequestPartition {
  int32_t partition_index = 0;
  int64_t committed_offset = 0;
  int32_t committed_leader_epoch = -1;
  std::optional<std::string> committed_metadata = "";

  template <class Io>
  void fields(Io& io) {
    io(partition_index, "PartitionIndex", Versions{0});
    io(committed_offset, "CommittedOffset", Versions{0});
    io(committed_leader_epoch, "CommittedLeaderEpoch", Versions{2});
    io(committed_metadata, "CommittedMetadata", Versions{0}, Nullable{0});
  }
  bool operator==(const TxnOffsetCommitRequestPartition&) const = default;
};

struct TxnOffsetCommitRequestTopic {
  std::string name;
  std::vector<TxnOffsetCommitRequestPartition> partitions;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(partitions, "Partitions", Versions{0});
  }
  bool operator==(const TxnOffsetCommitRequestTopic&) const = default;
};

struct TxnOffsetCommitRequest {
  static constexpr const ApiSpec& kApi = kTxnOffsetCommitApi;
  std::string transactional_id;
  std::string group_id;
  int64_t producer_id = 0;
  int16_t producer_epoch = 0;
  int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::vector<TxnOffsetCommitRequestTopic> topics;

  template <class Io>
  void fields(Io& io) {
    io(transactional_id, "TransactionalId", Versions{0});
    io(group_id, "GroupId", Versions{0});
    io(producer_id, "ProducerId", Versions{0});
    io(producer_epoch, "ProducerEpoch", Versions{0});
    io(generation_id, "GenerationId", Versions{3});
    io(member_id, "MemberId", Versions{3});
    io(group_instance_id, "GroupInstanceId", Versions{3}, Nullable{3});
    io(topics, "Topics", Versions{0});
  }
  bool operator==(const TxnOffsetCommitRequest&) const = default;
};

struct TxnOffsetCommitResponsePartition {
  int32_t partition_index = 0;
  int16_t error_code = 0;

  template <class Io>
  void fields(Io& io) {
    io(partition_index, "PartitionIndex", Versions{0});
    io(error_code, "ErrorCode", Versions{0});
  }
  bool operator==(const TxnOffsetCommitResponsePartition&) const = default;
};

struct TxnOffsetCommitResponseTopic {
  std::string name;
  std::vector<TxnOffsetCommitResponsePartition> partitions;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(partitions, "Partitions", Versions{0});
  }
  bool operator==(const TxnOffsetCommitResponseTopic&) const = default;
};

struct TxnOffsetCommitResponse {
  static constexpr const ApiSpec& kApi = kTxnOffsetCommitApi;
  int32_t throttle_time_ms = 0;
  std::vector<TxnOffsetCommitResponseTopic> topics;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{0});
    io(topics, "Topics", Versions{0});
  }
  bool operator==(const TxnOffsetCommitResponse&) const = default;
};

struct WritableTxnMarkerTopic {
  std::string name;
  std::vector<int32_t> partition_indexes;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(partition_indexes, "PartitionIndexes", Versions{0});
  }
  bool operator==(const WritableTxnMarkerTopic&) const = default;
};

// transaction_result: false abort, true commit.
struct WritableTxnMarker {
  int64_t producer_id = 0;
  int16_t producer_epoch = 0;
  bool transaction_result = false;
  std::vector<WritableTxnMarkerTopic> topics;
  int32_t coordinator_epoch = 0;
  int8_t transaction_version = 0;

  template <class Io>
  void fields(Io& io) {
    io(producer_id, "ProducerId", Versions{0});
    io(producer_epoch, "ProducerEpoch", Versions{0});
    io(transaction_result, "TransactionResult", Versions{0});
    io(topics, "Topics", Versions{0});
    io(coordinator_epoch, "CoordinatorEpoch", Versions{0});
    io(transaction_version, "TransactionVersion", Versions{2});
  }
  bool operator==(const WritableTxnMarker&) const = default;
};

struct WriteTxnMarkersRequest {
  static constexpr const ApiSpec& kApi = kWriteTxnMarkersApi;
  std::vector<WritableTxnMarker> markers;

  template <class Io>
  void fields(Io& io) {
    io(markers, "Markers", Versions{0});
  }
  bool operator==(const WriteTxnMarkersRequest&) const = default;
};

struct WritableTxnMarkerPartitionResult {
  int32_t partition_index = 0;
  int16_t error_code = 0;

  template <class Io>
  void fields(Io& io) {
    io(partition_index, "PartitionIndex", Versions{0});
    io(error_code, "ErrorCode", Versions{0});
  }
  bool operator==(const WritableTxnMarkerPartitionResult&) const = default;
};

struct WritableTxnMarkerTopicResult {
  std::string name;
  std::vector<WritableTxnMarkerPartitionResult> partitions;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(partitions, "Partitions", Versions{0});
  }
  bool operator==(const WritableTxnMarkerTopicResult&) const = default;
};

struct WritableTxnMarkerResult {
  int64_t producer_id = 0;
  std::vector<WritableTxnMarkerTopicResult> topics;

  template <class Io>
  void fields(Io& io) {
    io(producer_id, "ProducerId", Versions{0});
    io(topics, "Topics", Versions{0});
  }
  bool operator==(const WritableTxnMarkerResult&) const = default;
};

struct WriteTxnMarkersResponse {
  static constexpr const ApiSpec& kApi = kWriteTxnMarkersApi;
  std::vector<WritableTxnMarkerResult> markers;

  template <class Io>
  void fields(Io& io) {
    io(markers, "Markers", Versions{0});
  }
  bool operator==(const WriteTxnMarkersResponse&) const = default;
};

}  // namespace cairn::protocol::kafka
