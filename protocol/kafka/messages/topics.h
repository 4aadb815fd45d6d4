#pragma once

// Topic administration: CreateTopics (19), DeleteTopics (20), CreatePartitions (37) and
// DeleteRecords (21).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/kafka/api.h"
#include "protocol/kafka/codec.h"

namespace cairn::protocol::kafka {

struct CreatableReplicaAssignment {
  int32_t partition_index = 0;
  std::vector<int32_t> broker_ids;

  template <class Io>
  void fields(Io& io) {
    io(partition_index, "PartitionIndex", Versions{0});
    io(broker_ids, "BrokerIds", Versions{0});
  }
  bool operator==(const CreatableReplicaAssignment&) const = default;
};

struct CreatableTopicConfig {
  std::string name;
  std::optional<std::string> value = "";

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(value, "Value", Versions{0}, Nullable{0});
  }
  bool operator==(const CreatableTopicConfig&) const = default;
};

// num_partitions and replication_factor -1 mean the broker's default.
struct CreatableTopic {
  std::string name;
  int32_t num_partitions = 0;
  int16_t replication_factor = 0;
  std::vector<CreatableReplicaAssignment> assignments;
  std::vector<CreatableTopicConfig> configs;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(num_partitions, "NumPartitions", Versions{0});
    io(replication_factor, "ReplicationFactor", Versions{0});
    io(assignments, "Assignments", Versions{0});
    io(configs, "Configs", Versions{0});
  }
  bool operator==(const CreatableTopic&) const = default;
};

struct CreateTopicsRequest {
  static constexpr const ApiSpec& kApi = kCreateTopicsApi;
  std::vector<CreatableTopic> topics;
  int32_t timeout_ms = 60000;
  bool validate_only = false;

  template <class Io>
  void fields(Io& io) {
    io(topics, "Topics", Versions{0});
    io(timeout_ms, "timeoutMs", Versions{0});
    io(validate_only, "validateOnly", Versions{1});
  }
  bool operator==(const CreateTopicsRequest&) const = default;
};

struct CreatableTopicConfigs {
  std::string name;
  std::optional<std::string> value = "";
  bool read_only = false;
  int8_t config_source = -1;
  bool is_sensitive = false;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{5});
    io(value, "Value", Versions{5}, Nullable{5});
    io(read_only, "ReadOnly", Versions{5});
    io(config_source, "ConfigSource", Versions{5});
    io(is_sensitive, "IsSensitive", Versions{5});
  }
  bool operator==(const CreatableTopicConfigs&) const = default;
};

struct CreatableTopicResult {
  std::string name;
  Uuid topic_id;
  int16_t error_code = 0;
  std::optional<std::string> error_message = "";
  int16_t topic_config_error_code = 0;
  int32_t num_partitions = -1;
  int16_t replication_factor = -1;
  std::optional<std::vector<CreatableTopicConfigs>> configs =
      std::vector<CreatableTopicConfigs>{};

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(topic_id, "TopicId", Versions{7});
    io(error_code, "ErrorCode", Versions{0});
    io(error_message, "ErrorMessage", Versions{1}, Nullable{0});
    io(topic_config_error_code, "TopicConfigErrorCode", Versions{5}, Tag{0});
    io(num_partitions, "NumPartitions", Versions{5});
    io(replication_factor, "ReplicationFactor", Versions{5});
    io(configs, "Configs", Versions{5}, Nullable{5});
  }
  bool operator==(const CreatableTopicResult&) const = default;
};

struct CreateTopicsResponse {
  static constexpr const ApiSpec& kApi = kCreateTopicsApi;
  int32_t throttle_time_ms = 0;
  std::vector<CreatableTopicResult> topics;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{2});
    io(topics, "Topics", Versions{0});
  }
  bool operator==(const CreateTopicsResponse&) const = default;
};

struct DeleteTopicState {
  std::optional<std::string> name;
  Uuid topic_id;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{6}, Nullable{6});
    io(topic_id, "TopicId", Versions{6});
  }
  bool operator==(const DeleteTopicState&) const = default;
};

// Versions 6+ name topics by name or id (topics); earlier ones by name (topic_names).
struct DeleteTopicsRequest {
  static constexpr const ApiSpec& kApi = kDeleteTopicsApi;
  std::vector<DeleteTopicState> topics;
  std::vector<std::string> topic_names;
  int32_t timeout_ms = 0;

  template <class Io>
  void fields(Io& io) {
    io(topics, "Topics", Versions{6});
    io(topic_names, "TopicNames", Versions{0, 5});
    io(timeout_ms, "TimeoutMs", Versions{0});
  }
  bool operator==(const DeleteTopicsRequest&) const = default;
};

struct DeletableTopicResult {
  std::optional<std::string> name = "";
  Uuid topic_id;
  int16_t error_code = 0;
  std::optional<std::string> error_message;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0}, Nullable{6});
    io(topic_id, "TopicId", Versions{6});
    io(error_code, "ErrorCode", Versions{0});
    io(error_message, "ErrorMessage", Versions{5}, Nullable{5});
  }
  bool operator==(const DeletableTopicResult&) const = default;
};

struct DeleteTopicsResponse {
  static constexpr const ApiSpec& kApi = kDeleteTopicsApi;
  int32_t throttle_time_ms = 0;
  std::vector<DeletableTopicResult> responses;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{1});
    io(responses, "Responses", Versions{0});
  }
  bool operator==(const DeleteTopicsResponse&) const = default;
};

struct CreatePartitionsAssignment {
  std::vector<int32_t> broker_ids;

  template <class Io>
  void fields(Io& io) {
    io(broker_ids, "BrokerIds", Versions{0});
  }
  bool operator==(const CreatePartitionsAssignment&) const = default;
};

struct CreatePartitionsTopic {
  std::string name;
  int32_t count = 0;
  std::optional<std::vector<CreatePartitionsAssignment>> assignments =
      std::vector<CreatePartitionsAssignment>{};

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(count, "Count", Versions{0});
    io(assignments, "Assignments", Versions{0}, Nullable{0});
  }
  bool operator==(const CreatePartitionsTopic&) const = default;
};

struct CreatePartitionsRequest {
  static constexpr const ApiSpec& kApi = kCreatePartitionsApi;
  std::vector<CreatePartitionsTopic> topics;
  int32_t timeout_ms = 0;
  bool validate_only = false;

  template <class Io>
  void fields(Io& io) {
    io(topics, "Topics", Versions{0});
    io(timeout_ms, "TimeoutMs", Versions{0});
    io(validate_only, "ValidateOnly", Versions{0});
  }
  bool operator==(const CreatePartitionsRequest&) const = default;
};

struct CreatePartitionsTopicResult {
  std::string name;
  int16_t error_code = 0;
  std::optional<std::string> error_message;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(error_code, "ErrorCode", Versions{0});
    io(error_message, "ErrorMessage", Versions{0}, Nullable{0});
  }
  bool operator==(const CreatePartitionsTopicResult&) const = default;
};

struct CreatePartitionsResponse {
  static constexpr const ApiSpec& kApi = kCreatePartitionsApi;
  int32_t throttle_time_ms = 0;
  std::vector<CreatePartitionsTopicResult> results;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{0});
    io(results, "Results", Versions{0});
  }
  bool operator==(const CreatePartitionsResponse&) const = default;
};

struct DeleteRecordsPartition {
  int32_t partition_index = 0;
  int64_t offset = 0;

  template <class Io>
  void fields(Io& io) {
    io(partition_index, "PartitionIndex", Versions{0});
    io(offset, "Offset", Versions{0});
  }
  bool operator==(const DeleteRecordsPartition&) const = default;
};

struct DeleteRecordsTopic {
  std::string name;
  std::vector<DeleteRecordsPartition> partitions;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(partitions, "Partitions", Versions{0});
  }
  bool operator==(const DeleteRecordsTopic&) const = default;
};

struct DeleteRecordsRequest {
  static constexpr const ApiSpec& kApi = kDeleteRecordsApi;
  std::vector<DeleteRecordsTopic> topics;
  int32_t timeout_ms = 0;

  template <class Io>
  void fields(Io& io) {
    io(topics, "Topics", Versions{0});
    io(timeout_ms, "TimeoutMs", Versions{0});
  }
  bool operator==(const DeleteRecordsRequest&) const = default;
};

struct DeleteRecordsPartitionResult {
  int32_t partition_index = 0;
  int64_t low_watermark = 0;
  int16_t error_code = 0;

  template <class Io>
  void fields(Io& io) {
    io(partition_index, "PartitionIndex", Versions{0});
    io(low_watermark, "LowWatermark", Versions{0});
    io(error_code, "ErrorCode", Versions{0});
  }
  bool operator==(const DeleteRecordsPartitionResult&) const = default;
};

struct DeleteRecordsTopicResult {
  std::string name;
  std::vector<DeleteRecordsPartitionResult> partitions;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(partitions, "Partitions", Versions{0});
  }
  bool operator==(const DeleteRecordsTopicResult&) const = default;
};

struct DeleteRecordsResponse {
  static constexpr const ApiSpec& kApi = kDeleteRecordsApi;
  int32_t throttle_time_ms = 0;
  std::vector<DeleteRecordsTopicResult> topics;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{0});
    io(topics, "Topics", Versions{0});
  }
  bool operator==(const DeleteRecordsResponse&) const = default;
};

}  // namespace cairn::protocol::kafka
