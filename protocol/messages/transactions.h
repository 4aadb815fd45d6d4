#pragma once

// Bodies of the transaction APIs (PROTOCOL.md, "Transactions"): AddPartitionsToTxn,
// AddOffsetsToTxn, TxnOffsetCommit, EndTxn and DescribeTransactions. InitProducerId, which
// starts a transactional producer, has its own file. Every request of a transaction names the
// transactional id and the producer id and epoch InitProducerId gave it; the coordinator checks
// all three.

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/codec.h"
#include "protocol/control_record.h"
#include "protocol/error_code.h"
#include "protocol/messages/group.h"

namespace cairn::protocol {

// The producer a transaction request comes from.
struct TxnProducer {
  std::string transactional_id;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
};

struct AddPartitionsToTxnRequest {
  TxnProducer producer;
  std::vector<TopicPartitions> topics;

  void encode(Encoder& e, uint16_t version) const;
  static Result<AddPartitionsToTxnRequest> decode(Bytes body, uint16_t version);
};

// One entry for each partition of the request, in its order.
struct AddPartitionsToTxnResponse {
  std::vector<TopicPartitionErrors> topics;

  void encode(Encoder& e, uint16_t version) const;
  static Result<AddPartitionsToTxnResponse> decode(Bytes body, uint16_t version);
};

struct AddOffsetsToTxnRequest {
  TxnProducer producer;
  std::string group_id;

  void encode(Encoder& e, uint16_t version) const;
  static Result<AddOffsetsToTxnRequest> decode(Bytes body, uint16_t version);
};

// The answer of AddOffsetsToTxn: an error code only.
struct TxnErrorResponse {
  ErrorCode error = ErrorCode::kNone;

  void encode(Encoder& e, uint16_t version) const;
  static Result<TxnErrorResponse> decode(Bytes body, uint16_t version);
};
using AddOffsetsToTxnResponse = TxnErrorResponse;

// Offsets committed inside a transaction: stored by the group coordinator, visible to
// OffsetFetch only once the transaction commits. The generation and member id fence a consumer
// that lost its partitions (KIP-447); generation -1 with an empty member id skips that check.
struct TxnOffsetCommitRequest {
  TxnProducer producer;
  std::string group_id;
  int32_t generation = -1;
  std::string member_id;
  std::vector<CommitTopic> topics;

  void encode(Encoder& e, uint16_t version) const;
  static Result<TxnOffsetCommitRequest> decode(Bytes body, uint16_t version);
};
using TxnOffsetCommitResponse = OffsetCommitResponse;

struct EndTxnRequest {
  TxnProducer producer;
  TxnResult result = TxnResult::kAbort;

  void encode(Encoder& e, uint16_t version) const;
  static Result<EndTxnRequest> decode(Bytes body, uint16_t version);
};

// The producer id and epoch are those the producer uses for its next transaction: the same as
// in the request unless the coordinator bumped the epoch.
struct EndTxnResponse {
  ErrorCode error = ErrorCode::kNone;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;

  void encode(Encoder& e, uint16_t version) const;
  static Result<EndTxnResponse> decode(Bytes body, uint16_t version);
};

struct DescribeTransactionsRequest {
  std::vector<std::string> transactional_ids;

  void encode(Encoder& e, uint16_t version) const;
  static Result<DescribeTransactionsRequest> decode(Bytes body, uint16_t version);
};

struct TransactionDescription {
  ErrorCode error = ErrorCode::kNone;
  std::string transactional_id;
  std::string state;  // Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t timeout_ms = 0;
  int64_t start_time_ms = -1;  // when the open transaction began; -1 when none is open
  std::vector<TopicPartitions> topics;
};

struct DescribeTransactionsResponse {
  std::vector<TransactionDescription> transactions;

  void encode(Encoder& e, uint16_t version) const;
  static Result<DescribeTransactionsResponse> decode(Bytes body, uint16_t version);
};

}  // namespace cairn::protocol
