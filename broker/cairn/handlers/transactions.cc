// The transaction APIs: each request becomes the transaction operation's call, and its result
// the response (PROTOCOL.md, "Transactions").
#include "broker/cairn/handlers.h"

namespace cairn::broker {

namespace {

TxnProducerRef producer_ref(protocol::TxnProducer p) {
  return {std::move(p.transactional_id), p.producer_id, p.producer_epoch};
}

}  // namespace

awaitable<Reply<protocol::AddPartitionsToTxnResponse>> handle(
    RequestContext& ctx, protocol::AddPartitionsToTxnRequest r) {
  std::vector<TxnTopicPartition> partitions;
  for (const auto& t : r.topics) {
    for (int32_t p : t.partitions) partitions.push_back({t.topic, p});
  }
  auto errors = co_await ctx.ops.add_partitions_to_txn(producer_ref(std::move(r.producer)),
                                                       std::move(partitions));
  // One entry per partition asked, in the request's order.
  protocol::AddPartitionsToTxnResponse out;
  size_t i = 0;
  for (const auto& t : r.topics) {
    auto& topic = out.topics.emplace_back();
    topic.name = t.topic;
    for (int32_t p : t.partitions) topic.partitions.push_back({p, errors[i++]});
  }
  co_return out;
}

awaitable<Reply<protocol::AddOffsetsToTxnResponse>> handle(RequestContext& ctx,
                                                           protocol::AddOffsetsToTxnRequest r) {
  co_return protocol::AddOffsetsToTxnResponse{co_await ctx.ops.add_offsets_to_txn(
      producer_ref(std::move(r.producer)), std::move(r.group_id))};
}

awaitable<Reply<protocol::TxnOffsetCommitResponse>> handle(RequestContext& ctx,
                                                           protocol::TxnOffsetCommitRequest r) {
  CommitRequest commit{std::move(r.group_id), r.generation, std::move(r.member_id), {}};
  for (auto& t : r.topics) {
    for (auto& p : t.partitions) {
      commit.entries.push_back({t.name, p.partition, p.offset, std::move(p.metadata)});
    }
  }
  auto errors =
      co_await ctx.ops.txn_commit_offsets(producer_ref(std::move(r.producer)), std::move(commit),
                                          Operations::OffsetsPartition::kAddToTransaction);
  // One answer per partition asked, in the request's order.
  protocol::TxnOffsetCommitResponse out;
  size_t i = 0;
  for (const auto& t : r.topics) {
    auto& topic = out.topics.emplace_back();
    topic.name = t.name;
    for (const auto& p : t.partitions) topic.partitions.push_back({p.partition, errors[i++]});
  }
  co_return out;
}

awaitable<Reply<protocol::EndTxnResponse>> handle(RequestContext& ctx, protocol::EndTxnRequest r) {
  TxnEndOutcome ended = co_await ctx.ops.end_txn(producer_ref(std::move(r.producer)), r.result);
  co_return protocol::EndTxnResponse{ended.error, ended.producer_id, ended.producer_epoch};
}

awaitable<Reply<protocol::DescribeTransactionsResponse>> handle(
    RequestContext& ctx, protocol::DescribeTransactionsRequest r) {
  protocol::DescribeTransactionsResponse out;
  for (auto& t : co_await ctx.ops.describe_transactions(std::move(r.transactional_ids))) {
    protocol::TransactionDescription& d = out.transactions.emplace_back();
    d.error = t.error;
    d.transactional_id = std::move(t.transactional_id);
    d.state = std::move(t.state);
    d.producer_id = t.producer_id;
    d.producer_epoch = t.producer_epoch;
    d.timeout_ms = t.timeout_ms;
    d.start_time_ms = t.start_time_ms;
    for (auto& [topic, partitions] : t.partitions) {
      d.topics.push_back({std::move(topic), std::move(partitions)});
    }
  }
  co_return out;
}

}  // namespace cairn::broker
