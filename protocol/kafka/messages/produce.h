#pragma once

// Produce (0). Versions 0-2 (message format v0/v1) are refused; see kProduceApi.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/kafka/api.h"
#include "protocol/kafka/codec.h"
#include "protocol/kafka/messages/common.h"

namespace cairn::protocol::kafka {

struct PartitionProduceData {
  int32_t index = 0;
  Records records;  // one or more RecordBatch v2, a view into the request frame

  template <class Io>
  void fields(Io& io) {
    io(index, "Index", Versions{0});
    io(records, "Records", Versions{0}, Nullable{0});
  }
  bool operator==(const PartitionProduceData&) const = default;
};

struct TopicProduceData {
  std::string name;
  Uuid topic_id;
  std::vector<PartitionProduceData> partition_data;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0, 12});
    io(topic_id, "TopicId", Versions{13});
    io(partition_data, "PartitionData", Versions{0});
  }
  bool operator==(const TopicProduceData&) const = default;
};

// acks = 0 gets no response at all.
struct ProduceRequest {
  static constexpr const ApiSpec& kApi = kProduceApi;
  std::optional<std::string> transactional_id;
  int16_t acks = 0;
  int32_t timeout_ms = 0;
  std::vector<TopicProduceData> topic_data;

  template <class Io>
  void fields(Io& io) {
    io(transactional_id, "TransactionalId", Versions{3}, Nullable{3});
    io(acks, "Acks", Versions{0});
    io(timeout_ms, "TimeoutMs", Versions{0});
    io(topic_data, "TopicData", Versions{0});
  }
  bool operator==(const ProduceRequest&) const = default;
};

struct BatchIndexAndErrorMessage {
  int32_t batch_index = 0;
  std::optional<std::string> batch_index_error_message;

  template <class Io>
  void fields(Io& io) {
    io(batch_index, "BatchIndex", Versions{8});
    io(batch_index_error_message, "BatchIndexErrorMessage", Versions{8}, Nullable{8});
  }
  bool operator==(const BatchIndexAndErrorMessage&) const = default;
};

struct PartitionProduceResponse {
  int32_t index = 0;
  int16_t error_code = 0;
  int64_t base_offset = 0;
  int64_t log_append_time_ms = -1;
  int64_t log_start_offset = -1;
  std::vector<BatchIndexAndErrorMessage> record_errors;
  std::optional<std::string> error_message;
  LeaderIdAndEpoch current_leader;

  template <class Io>
  void fields(Io& io) {
    io(index, "Index", Versions{0});
    io(error_code, "ErrorCode", Versions{0});
    io(base_offset, "BaseOffset", Versions{0});
    io(log_append_time_ms, "LogAppendTimeMs", Versions{2});
    io(log_start_offset, "LogStartOffset", Versions{5});
    io(record_errors, "RecordErrors", Versions{8});
    io(error_message, "ErrorMessage", Versions{8}, Nullable{8});
    io(current_leader, "CurrentLeader", Versions{10}, Tag{0});
  }
  bool operator==(const PartitionProduceResponse&) const = default;
};

struct TopicProduceResponse {
  std::string name;
  Uuid topic_id;
  std::vector<PartitionProduceResponse> partition_responses;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0, 12});
    io(topic_id, "TopicId", Versions{13});
    io(partition_responses, "PartitionResponses", Versions{0});
  }
  bool operator==(const TopicProduceResponse&) const = default;
};

struct ProduceResponse {
  static constexpr const ApiSpec& kApi = kProduceApi;
  std::vector<TopicProduceResponse> responses;
  int32_t throttle_time_ms = 0;
  std::vector<NodeEndpoint> node_endpoints;

  template <class Io>
  void fields(Io& io) {
    io(responses, "Responses", Versions{0});
    io(throttle_time_ms, "ThrottleTimeMs", Versions{1});
    io(node_endpoints, "NodeEndpoints", Versions{10}, Tag{0});
  }
  bool operator==(const ProduceResponse&) const = default;
};

}  // namespace cairn::protocol::kafka
