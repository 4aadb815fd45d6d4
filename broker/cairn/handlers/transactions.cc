// The transaction APIs. The broker does not coordinate transactions yet (PROTOCOL.md,
// "Transactions"): each request is answered, entry by entry, with INVALID_REQUEST, as
// InitProducerId answers a transactional id, so that a client learns it at once and no state
// changes.
#include "broker/cairn/handlers.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

constexpr ErrorCode kNotServed = ErrorCode::kInvalidRequest;

}  // namespace

awaitable<Reply<protocol::AddPartitionsToTxnResponse>> handle(
    RequestContext&, protocol::AddPartitionsToTxnRequest r) {
  protocol::AddPartitionsToTxnResponse out;
  for (const auto& t : r.topics) {
    auto& topic = out.topics.emplace_back();
    topic.name = t.topic;
    for (int32_t p : t.partitions) topic.partitions.push_back({p, kNotServed});
  }
  co_return out;
}

awaitable<Reply<protocol::AddOffsetsToTxnResponse>> handle(RequestContext&,
                                                           protocol::AddOffsetsToTxnRequest) {
  co_return protocol::AddOffsetsToTxnResponse{kNotServed};
}

awaitable<Reply<protocol::TxnOffsetCommitResponse>> handle(RequestContext&,
                                                           protocol::TxnOffsetCommitRequest r) {
  protocol::TxnOffsetCommitResponse out;
  for (const auto& t : r.topics) {
    auto& topic = out.topics.emplace_back();
    topic.name = t.name;
    for (const auto& p : t.partitions) topic.partitions.push_back({p.partition, kNotServed});
  }
  co_return out;
}

awaitable<Reply<protocol::EndTxnResponse>> handle(RequestContext&, protocol::EndTxnRequest r) {
  co_return protocol::EndTxnResponse{kNotServed, r.producer.producer_id, r.producer.producer_epoch};
}

awaitable<Reply<protocol::DescribeTransactionsResponse>> handle(
    RequestContext&, protocol::DescribeTransactionsRequest r) {
  protocol::DescribeTransactionsResponse out;
  for (auto& id : r.transactional_ids) {
    out.transactions.push_back({.error = kNotServed, .transactional_id = std::move(id)});
  }
  co_return out;
}

}  // namespace cairn::broker
