#pragma once

// Transaction and producer inspection: DescribeTransactions (65), ListTransactions (66) and
// DescribeProducers (61).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/kafka/api.h"
#include "protocol/kafka/codec.h"

namespace cairn::protocol::kafka {

struct DescribeTransactionsRequest {
  static constexpr const ApiSpec& kApi = kDescribeTransactionsApi;
  std::vector<std::string> transactional_ids;

  template <class Io>
  void fields(Io& io) {
    io(transactional_ids, "TransactionalIds", Versions{0});
  }
  bool operator==(const DescribeTransactionsRequest&) const = default;
};

struct TransactionTopicData {
  std::string topic;
  std::vector<int32_t> partitions;

  template <class Io>
  void fields(Io& io) {
    io(topic, "Topic", Versions{0});
    io(partitions, "Partitions", Versions{0});
  }
  bool operator==(const TransactionTopicData&) const = default;
};

struct DescribedTransactionState {
  int16_t error_code = 0;
  std::string transactional_id;
  std::string transaction_state;
  int32_t transaction_timeout_ms = 0;
  int64_t transaction_start_time_ms = 0;
  int64_t producer_id = 0;
  int16_t producer_epoch = 0;
  std::vector<TransactionTopicData> topics;

  template <class Io>
  void fields(Io& io) {
    io(error_code, "ErrorCode", Versions{0});
    io(transactional_id, "TransactionalId", Versions{0});
    io(transaction_state, "TransactionState", Versions{0});
    io(transaction_timeout_ms, "TransactionTimeoutMs", Versions{0});
    io(transaction_start_time_ms, "TransactionStartTimeMs", Versions{0});
    io(producer_id, "ProducerId", Versions{0});
    io(producer_epoch, "ProducerEpoch", Versions{0});
    io(topics, "Topics", Versions{0});
  }
  bool operator==(const DescribedTransactionState&) const = default;
};

struct DescribeTransactionsResponse {
  static constexpr const ApiSpec& kApi = kDescribeTransactionsApi;
  int32_t throttle_time_ms = 0;
  std::vector<DescribedTransactionState> transaction_states;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{0});
    io(transaction_states, "TransactionStates", Versions{0});
  }
  bool operator==(const DescribeTransactionsResponse&) const = default;
};

struct ListTransactionsRequest {
  static constexpr const ApiSpec& kApi = kListTransactionsApi;
  std::vector<std::string> state_filters;
  std::vector<int64_t> producer_id_filters;
  int64_t duration_filter = -1;
  std::optional<std::string> transactional_id_pattern;

  template <class Io>
  void fields(Io& io) {
    io(state_filters, "StateFilters", Versions{0});
    io(producer_id_filters, "ProducerIdFilters", Versions{0});
    io(duration_filter, "DurationFilter", Versions{1});
    io(transactional_id_pattern, "TransactionalIdPattern", Versions{2}, Nullable{2});
  }
  bool operator==(const ListTransactionsRequest&) const = default;
};

struct ListedTransactionState {
  std::string transactional_id;
  int64_t producer_id = 0;
  std::string transaction_state;

  template <class Io>
  void fields(Io& io) {
    io(transactional_id, "TransactionalId", Versions{0});
    io(producer_id, "ProducerId", Versions{0});
    io(transaction_state, "TransactionState", Versions{0});
  }
  bool operator==(const ListedTransactionState&) const = default;
};

struct ListTransactionsResponse {
  static constexpr const ApiSpec& kApi = kListTransactionsApi;
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  std::vector<std::string> unknown_state_filters;
  std::vector<ListedTransactionState> transaction_states;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{0});
    io(error_code, "ErrorCode", Versions{0});
    io(unknown_state_filters, "UnknownStateFilters", Versions{0});
    io(transaction_states, "TransactionStates", Versions{0});
  }
  bool operator==(const ListTransactionsResponse&) const = default;
};

struct DescribeProducersTopicRequest {
  std::string name;
  std::vector<int32_t> partition_indexes;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(partition_indexes, "PartitionIndexes", Versions{0});
  }
  bool operator==(const DescribeProducersTopicRequest&) const = default;
};

struct DescribeProducersRequest {
  static constexpr const ApiSpec& kApi = kDescribeProducersApi;
  std::vector<DescribeProducersTopicRequest> topics;

  template <class Io>
  void fields(Io& io) {
    io(topics, "Topics", Versions{0});
  }
  bool operator==(const DescribeProducersRequest&) const = default;
};

struct ProducerState {
  int64_t producer_id = 0;
  int32_t producer_epoch = 0;
  int32_t last_sequence = -1;
  int64_t last_timestamp = -1;
  int32_t coordinator_epoch = 0;
  int64_t current_txn_start_offset = -1;

  template <class Io>
  void fields(Io& io) {
    io(producer_id, "ProducerId", Versions{0});
    io(producer_epoch, "ProducerEpoch", Versions{0});
    io(last_sequence, "LastSequence", Versions{0});
    io(last_timestamp, "LastTimestamp", Versions{0});
    io(coordinator_epoch, "CoordinatorEpoch", Versions{0});
    io(current_txn_start_offset, "CurrentTxnStartOffset", Versions{0});
  }
  bool operator==(const ProducerState&) const = default;
};

struct DescribeProducersPartitionResponse {
  int32_t partition_index = 0;
  int16_t error_code = 0;
  std::optional<std::string> error_message;
  std::vector<ProducerState> active_producers;

  template <class Io>
  void fields(Io& io) {
    io(partition_index, "PartitionIndex", Versions{0});
    io(error_code, "ErrorCode", Versions{0});
    io(error_message, "ErrorMessage", Versions{0}, Nullable{0});
    io(active_producers, "ActiveProducers", Versions{0});
  }
  bool operator==(const DescribeProducersPartitionResponse&) const = default;
};

struct DescribeProducersTopicResponse {
  std::string name;
  std::vector<DescribeProducersPartitionResponse> partitions;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(partitions, "Partitions", Versions{0});
  }
  bool operator==(const DescribeProducersTopicResponse&) const = default;
};

struct DescribeProducersResponse {
  static constexpr const ApiSpec& kApi = kDescribeProducersApi;
  int32_t throttle_time_ms = 0;
  std::vector<DescribeProducersTopicResponse> topics;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{0});
    io(topics, "Topics", Versions{0});
  }
  bool operator==(const DescribeProducersResponse&) const = default;
};

}  // namespace cairn::protocol::kafka
