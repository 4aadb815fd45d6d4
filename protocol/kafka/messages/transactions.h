#pragma once

// Idempotence and transactions, producer side: InitProducerId (22), AddPartitionsToTxn (24),
// AddOffsetsToTxn (25) and EndTxn (26).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/kafka/api.h"
#include "protocol/kafka/codec.h"

namespace cairn::protocol::kafka {

// A null transactional id asks for an idempotent (not transactional) producer id.
struct InitProducerIdRequest {
  static constexpr const ApiSpec& kApi = kInitProducerIdApi;
  std::optional<std::string> transactional_id = "";
  int32_t transaction_timeout_ms = 0;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;

  template <class Io>
  void fields(Io& io) {
    io(transactional_id, "TransactionalId", Versions{0}, Nullable{0});
    io(transaction_timeout_ms, "TransactionTimeoutMs", Versions{0});
    io(producer_id, "ProducerId", Versions{3});
    io(producer_epoch, "ProducerEpoch", Versions{3});
  }
  bool operator==(const InitProducerIdRequest&) const = default;
};

struct InitProducerIdResponse {
  static constexpr const ApiSpec& kApi = kInitProducerIdApi;
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  int64_t producer_id = -1;
  int16_t producer_epoch = 0;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{0});
    io(error_code, "ErrorCode", Versions{0});
    io(producer_id, "ProducerId", Versions{0});
    io(producer_epoch, "ProducerEpoch", Versions{0});
  }
  bool operator==(const InitProducerIdResponse&) const = default;
};

struct AddPartitionsToTxnTopic {
  std::string name;
  std::vector<int32_t> partitions;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(partitions, "Partitions", Versions{0});
  }
  bool operator==(const AddPartitionsToTxnTopic&) const = default;
};

struct AddPartitionsToTxnTransaction {
  std::string transactional_id;
  int64_t producer_id = 0;
  int16_t producer_epoch = 0;
  bool verify_only = false;
  std::vector<AddPartitionsToTxnTopic> topics;

  template <class Io>
  void fields(Io& io) {
    io(transactional_id, "TransactionalId", Versions{4});
    io(producer_id, "ProducerId", Versions{4});
    io(producer_epoch, "ProducerEpoch", Versions{4});
    io(verify_only, "VerifyOnly", Versions{4});
    io(topics, "Topics", Versions{4});
  }
  bool operator==(const AddPartitionsToTxnTransaction&) const = default;
};

// Versions 0-3 carry one transaction (the v3_and_below fields); 4+ a batch (transactions).
struct AddPartitionsToTxnRequest {
  static constexpr const ApiSpec& kApi = kAddPartitionsToTxnApi;
  std::vector<AddPartitionsToTxnTransaction> transactions;
  std::string v3_and_below_transactional_id;
  int64_t v3_and_below_producer_id = 0;
  int16_t v3_and_below_producer_epoch = 0;
  std::vector<AddPartitionsToTxnTopic> v3_and_below_topics;

  template <class Io>
  void fields(Io& io) {
    io(transactions, "Transactions", Versions{4});
    io(v3_and_below_transactional_id, "V3AndBelowTransactionalId", Versions{0, 3});
    io(v3_and_below_producer_id, "V3AndBelowProducerId", Versions{0, 3});
    io(v3_and_below_producer_epoch, "V3AndBelowProducerEpoch", Versions{0, 3});
    io(v3_and_below_topics, "V3AndBelowTopics", Versions{0, 3});
  }
  bool operator==(const AddPartitionsToTxnRequest&) const = default;
};

struct AddPartitionsToTxnPartitionResult {
  int32_t partition_index = 0;
  int16_t partition_error_code = 0;

  template <class Io>
  void fields(Io& io) {
    io(partition_index, "PartitionIndex", Versions{0});
    io(partition_error_code, "PartitionErrorCode", Versions{0});
  }
  bool operator==(const AddPartitionsToTxnPartitionResult&) const = default;
};

struct AddPartitionsToTxnTopicResult {
  std::string name;
  std::vector<AddPartitionsToTxnPartitionResult> results_by_partition;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(results_by_partition, "ResultsByPartition", Versions{0});
  }
  bool operator==(const AddPartitionsToTxnTopicResult&) const = default;
};

struct AddPartitionsToTxnResult {
  std::string transactional_id;
  std::vector<AddPartitionsToTxnTopicResult> topic_results;

  template <class Io>
  void fields(Io& io) {
    io(transactional_id, "TransactionalId", Versions{4});
    io(topic_results, "TopicResults", Versions{4});
  }
  bool operator==(const AddPartitionsToTxnResult&) const = default;
};

struct AddPartitionsToTxnResponse {
  static constexpr const ApiSpec& kApi = kAddPartitionsToTxnApi;
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  std::vector<AddPartitionsToTxnResult> results_by_transaction;
  std::vector<AddPartitionsToTxnTopicResult> results_by_topic_v3_and_below;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{0});
    io(error_code, "ErrorCode", Versions{4});
    io(results_by_transaction, "ResultsByTransaction", Versions{4});
    io(results_by_topic_v3_and_below, "ResultsByTopicV3AndBelow", Versions{0, 3});
  }
  bool operator==(const AddPartitionsToTxnResponse&) const = default;
};

struct AddOffsetsToTxnRequest {
  static constexpr const ApiSpec& kApi = kAddOffsetsToTxnApi;
  std::string transactional_id;
  int64_t producer_id = 0;
  int16_t producer_epoch = 0;
  std::string group_id;

  template <class Io>
  void fields(Io& io) {
    io(transactional_id, "TransactionalId", Versions{0});
    io(producer_id, "ProducerId", Versions{0});
    io(producer_epoch, "ProducerEpoch", Versions{0});
    io(group_id, "GroupId", Versions{0});
  }
  bool operator==(const AddOffsetsToTxnRequest&) const = default;
};

struct AddOffsetsToTxnResponse {
  static constexpr const ApiSpec& kApi = kAddOffsetsToTxnApi;
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{0});
    io(error_code, "ErrorCode", Versions{0});
  }
  bool operator==(const AddOffsetsToTxnResponse&) const = default;
};

struct EndTxnRequest {
  static constexpr const ApiSpec& kApi = kEndTxnApi;
  std::string transactional_id;
  int64_t producer_id = 0;
  int16_t producer_epoch = 0;
  bool committed = false;

  template <class Io>
  void fields(Io& io) {
    io(transactional_id, "TransactionalId", Versions{0});
    io(producer_id, "ProducerId", Versions{0});
    io(producer_epoch, "ProducerEpoch", Versions{0});
    io(committed, "Committed", Versions{0});
  }
  bool operator==(const EndTxnRequest&) const = default;
};

struct EndTxnResponse {
  static constexpr const ApiSpec& kApi = kEndTxnApi;
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{0});
    io(error_code, "ErrorCode", Versions{0});
    io(producer_id, "ProducerId", Versions{5});
    io(producer_epoch, "ProducerEpoch", Versions{5});
  }
  bool operator==(const EndTxnResponse&) const = default;
};

}  // namespace cairn::protocol::kafka
