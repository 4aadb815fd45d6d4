#pragma once

// The requests a transactional producer makes of its transaction coordinator (PROTOCOL.md,
// "Transactions"): InitProducerId with a transactional id, AddPartitionsToTxn, TxnOffsetCommit
// (which adds the group's offsets partition to the transaction) and EndTxn, each sent once on a
// given connection and its answer sorted into what the producer does next: go on, send it again
// after a backoff, or give up (the transaction only, or the producer for good). with_retries()
// sends one again until it succeeds, fails for good or its deadline passes. Blocking; never called
// on a connection's I/O thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cairn/consumer.h"
#include "cairn/producer.h"
#include "client/src/connection.h"
#include "protocol/control_record.h"
#include "protocol/messages/transactions.h"

namespace cairn::client {

// What became of one coordinator request.
struct TxnReply {
  Status status;           // OK, or why not
  bool retriable = false;  // worth sending again after a backoff (the coordinator is busy or away)
  bool fatal = false;      // the producer can do nothing more: fenced, or its id refused
  static TxnReply ok() { return {}; }
};

// The answer of InitProducerId or EndTxn: the producer id and epoch to use from now on.
struct ProducerIdentity {
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
};

// Sorts a wire error code: PRODUCER_FENCED, INVALID_PRODUCER_EPOCH,
// TRANSACTION_COORDINATOR_FENCED, INVALID_PRODUCER_ID_MAPPING,
// TRANSACTIONAL_ID_AUTHORIZATION_FAILED and INVALID_TRANSACTION_TIMEOUT are fatal; a code the
// table marks retriable is retriable; anything else ends the transaction only (a group's
// ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID or REBALANCE_IN_PROGRESS as kUnavailable, not kFenced,
// which stays the fatal fencing of the producer).
TxnReply classify_txn_error(protocol::ErrorCode code, std::string_view context);

TxnReply init_transactional_id(Connection& c, const std::string& transactional_id,
                               std::chrono::milliseconds timeout, ProducerIdentity& out);
TxnReply add_partitions_to_txn(Connection& c, const protocol::TxnProducer& producer,
                               const std::vector<TopicPartition>& partitions);
TxnReply txn_offset_commit(Connection& c, const protocol::TxnProducer& producer,
                           const std::map<TopicPartition, int64_t>& offsets,
                           const ConsumerGroupMetadata& group);
TxnReply end_txn(Connection& c, const protocol::TxnProducer& producer, protocol::TxnResult result,
                 ProducerIdentity& out);

// Whether the coordinator still holds `producer`'s id and epoch for its transactional id
// (DescribeTransactions): fatal, with a PRODUCER_FENCED status, when it holds another (a newer
// instance took over, or the coordinator aborted the transaction at its timeout). A partition
// may refuse a fenced producer's batch with INVALID_TXN_STATE rather than INVALID_PRODUCER_EPOCH
// (its transaction was aborted, so the partition is in none), and this tells the two apart.
TxnReply check_not_fenced(Connection& c, const protocol::TxnProducer& producer);

// How with_retries() reaches the coordinator and paces itself.
struct TxnRetry {
  std::function<Result<std::shared_ptr<Connection>>()> connection;
  std::chrono::steady_clock::time_point deadline;
  std::chrono::milliseconds backoff{100};
  std::chrono::milliseconds backoff_max{1'000};
  // Checked before each attempt: true gives up (the producer is closing).
  std::function<bool()> stopping;
  // Held through each attempt: the producer's coordinator requests go one at a time, since the
  // coordinator answers a request that arrives while it stores the last one's change with
  // CONCURRENT_TRANSACTIONS (and a retry after a backoff costs more than the wait).
  std::mutex* one_at_a_time = nullptr;
};

// Calls `attempt` on the connection until it is not retriable or the deadline passes (then the
// last retriable error, as kTimedOut when it was not one already). A connection that cannot be
// made counts as a retriable attempt.
TxnReply with_retries(const TxnRetry& retry, const std::function<TxnReply(Connection&)>& attempt);

}  // namespace cairn::client
