// The transaction APIs of a transactional producer (KIP-98, with KIP-447's group checks and
// KIP-890's verification), each one call of the transaction operations: the coordinator is the
// one Cairn's own listener uses (protocol/PROTOCOL.md, "Transactions"), so a transactional id
// is one producer whichever listener it comes by. PRODUCER_FENCED is INVALID_PRODUCER_EPOCH for
// the versions before 2, as Kafka answers them.
#include <algorithm>

#include "broker/kafka/error_mapping.h"
#include "broker/kafka/handlers.h"
#include "protocol/kafka/messages/transaction_commit.h"

namespace cairn::broker::kafka {

namespace {

constexpr uint64_t kBytesPerPartition = sizeof(TxnTopicPartition) + sizeof(protocol::ErrorCode) +
                                        sizeof(pk::AddPartitionsToTxnPartitionResult);

// The partitions of one transaction's topics, in the request's order.
std::vector<TxnTopicPartition> partitions_of(
    const std::vector<pk::AddPartitionsToTxnTopic>& topics) {
  std::vector<TxnTopicPartition> out;
  for (const auto& t : topics) {
    for (int32_t p : t.partitions) out.push_back({t.name, p});
  }
  return out;
}

// One transaction's partitions added (or, `verify_only`, checked) and answered by topic. A
// partition that does not exist fails the whole transaction: the others are answered
// OPERATION_NOT_ATTEMPTED, as Kafka does. A verified partition that is not in the transaction
// is TRANSACTION_ABORTABLE (KIP-890).
awaitable<std::vector<pk::AddPartitionsToTxnTopicResult>> add_partitions(
    KafkaContext& ctx, TxnProducerRef producer,
    const std::vector<pk::AddPartitionsToTxnTopic>& topics, bool verify_only) {
  std::vector<pk::AddPartitionsToTxnTopicResult> out;
  std::vector<TxnTopicPartition> partitions = partitions_of(topics);
  if (partitions.empty()) co_return out;
  std::vector<protocol::ErrorCode> errors;
  if (verify_only) {
    errors = co_await ctx.ops.verify_partitions_in_txn(std::move(producer), std::move(partitions));
  } else {
    errors = co_await ctx.ops.add_partitions_to_txn(std::move(producer), std::move(partitions));
  }
  bool unknown = std::find(errors.begin(), errors.end(),
                           protocol::ErrorCode::kUnknownTopicOrPartition) != errors.end();
  bool old = ctx.version() < 2;
  size_t i = 0;
  for (const auto& t : topics) {
    auto& topic = out.emplace_back();
    topic.name = t.name;
    for (int32_t p : t.partitions) {
      protocol::ErrorCode e = errors.at(i++);
      int16_t code = kafka_txn_code(e, old);
      if (unknown && e == protocol::ErrorCode::kInvalidTxnState) {
        code = pk::code_of(pk::ErrorCode::kOperationNotAttempted);
      } else if (verify_only && e == protocol::ErrorCode::kInvalidTxnState) {
        code = pk::code_of(pk::ErrorCode::kTransactionAbortable);
      }
      topic.results_by_partition.push_back({p, code});
    }
  }
  co_return out;
}

}  // namespace

// Versions 0-3 come from a producer, one transaction each; 4 and later from a broker, a batch of
// transactions, each answered by itself.
awaitable<KafkaReply<pk::AddPartitionsToTxnResponse>> handle(KafkaContext& ctx,
                                                             pk::AddPartitionsToTxnRequest r) {
  pk::AddPartitionsToTxnResponse out;
  if (ctx.version() < 4) {
    ctx.memory.add(kBytesPerPartition * partitions_of(r.v3_and_below_topics).size());
    TxnProducerRef producer{std::move(r.v3_and_below_transactional_id), r.v3_and_below_producer_id,
                            r.v3_and_below_producer_epoch};
    out.results_by_topic_v3_and_below =
        co_await add_partitions(ctx, std::move(producer), r.v3_and_below_topics, false);
    co_return out;
  }
  for (auto& txn : r.transactions) {
    ctx.memory.add(kBytesPerPartition * partitions_of(txn.topics).size() +
                   sizeof(pk::AddPartitionsToTxnResult));
    auto& result = out.results_by_transaction.emplace_back();
    result.transactional_id = txn.transactional_id;
    TxnProducerRef producer{std::move(txn.transactional_id), txn.producer_id, txn.producer_epoch};
    result.topic_results =
        co_await add_partitions(ctx, std::move(producer), txn.topics, txn.verify_only);
  }
  co_return out;
}

awaitable<KafkaReply<pk::AddOffsetsToTxnResponse>> handle(KafkaContext& ctx,
                                                          pk::AddOffsetsToTxnRequest r) {
  TxnProducerRef producer{std::move(r.transactional_id), r.producer_id, r.producer_epoch};
  protocol::ErrorCode e =
      co_await ctx.ops.add_offsets_to_txn(std::move(producer), std::move(r.group_id));
  pk::AddOffsetsToTxnResponse out;
  out.error_code = kafka_txn_code(e, ctx.version() < 2);
  co_return out;
}

// The offsets stay pending until the transaction's marker (OffsetFetch answers
// UNSTABLE_OFFSET_COMMIT for them meanwhile). From version 3 the consumer's generation and
// member id are checked as OffsetCommit checks them (KIP-447); before, there are none (-1, "").
awaitable<KafkaReply<pk::TxnOffsetCommitResponse>> handle(KafkaContext& ctx,
                                                          pk::TxnOffsetCommitRequest r) {
  CommitRequest commit{std::move(r.group_id), r.generation_id, std::move(r.member_id), {}};
  for (const auto& t : r.topics) {
    ctx.memory.add(t.partitions.size() *
                   (sizeof(CommitEntry) + sizeof(pk::TxnOffsetCommitResponsePartition) + 16));
    for (const auto& p : t.partitions) {
      commit.entries.push_back(
          {t.name, p.partition_index, p.committed_offset, p.committed_metadata.value_or("")});
    }
  }
  pk::TxnOffsetCommitResponse out;
  std::vector<protocol::ErrorCode> errors;
  if (!commit.entries.empty()) {
    TxnProducerRef producer{std::move(r.transactional_id), r.producer_id, r.producer_epoch};
    errors = co_await ctx.ops.txn_commit_offsets(
        std::move(producer), std::move(commit), Operations::OffsetsPartition::kMustBeInTransaction);
  }
  size_t i = 0;
  for (const auto& t : r.topics) {
    auto& topic = out.topics.emplace_back();
    topic.name = t.name;
    for (const auto& p : t.partitions) {
      topic.partitions.push_back({p.partition_index, kafka_code(errors.at(i++))});
    }
  }
  co_return out;
}

// Version 5's answer carries the producer id and epoch of the next transaction (the request's:
// this coordinator bumps the epoch only when it fences).
awaitable<KafkaReply<pk::EndTxnResponse>> handle(KafkaContext& ctx, pk::EndTxnRequest r) {
  TxnProducerRef producer{std::move(r.transactional_id), r.producer_id, r.producer_epoch};
  TxnEndOutcome ended =
      co_await ctx.ops.end_txn(std::move(producer), r.committed ? protocol::TxnResult::kCommit
                                                                : protocol::TxnResult::kAbort);
  pk::EndTxnResponse out;
  out.error_code = kafka_txn_code(ended.error, ctx.version() < 2);
  out.producer_id = ended.producer_id;
  out.producer_epoch = ended.producer_epoch;
  co_return out;
}

}  // namespace cairn::broker::kafka
