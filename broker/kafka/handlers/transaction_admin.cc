// DescribeTransactions and ListTransactions, for Kafka's admin tools: the transaction
// coordinator's state of each transactional id, by Kafka's state names (which are the
// coordinator's own).
#include "broker/kafka/error_mapping.h"
#include "broker/kafka/handlers.h"

namespace cairn::broker::kafka {

namespace {

// The states a ListTransactions filter may name: the coordinator's, and Kafka's two it never
// holds.
constexpr std::array<std::string_view, 8> kStates = {
    "Empty",          "Ongoing",       "PrepareCommit", "PrepareAbort",
    "CompleteCommit", "CompleteAbort", "Dead",          "PrepareEpochFence"};

}  // namespace

awaitable<KafkaReply<pk::DescribeTransactionsResponse>> handle(KafkaContext& ctx,
                                                               pk::DescribeTransactionsRequest r) {
  ctx.memory.add(r.transactional_ids.size() *
                 (sizeof(TxnDescription) + sizeof(pk::DescribedTransactionState)));
  pk::DescribeTransactionsResponse out;
  for (auto& t : co_await ctx.ops.describe_transactions(std::move(r.transactional_ids))) {
    auto& d = out.transaction_states.emplace_back();
    // An id the coordinator does not know: Kafka's TRANSACTIONAL_ID_NOT_FOUND.
    d.error_code = t.error == protocol::ErrorCode::kInvalidProducerIdMapping
                       ? pk::code_of(pk::ErrorCode::kTransactionalIdNotFound)
                       : kafka_code(t.error);
    d.transactional_id = std::move(t.transactional_id);
    d.transaction_state = std::move(t.state);
    d.transaction_timeout_ms = t.timeout_ms;
    d.transaction_start_time_ms = t.start_time_ms;
    d.producer_id = t.producer_id;
    d.producer_epoch = t.producer_epoch;
    for (auto& [topic, partitions] : t.partitions) {
      d.topics.push_back({std::move(topic), std::move(partitions)});
    }
  }
  co_return out;
}

// A state filter Kafka does not know is answered in UnknownStateFilters and matches nothing.
// Version 2's transactional id pattern is not served (versions 0-1 are advertised).
awaitable<KafkaReply<pk::ListTransactionsResponse>> handle(KafkaContext& ctx,
                                                           pk::ListTransactionsRequest r) {
  pk::ListTransactionsResponse out;
  TxnListQuery query;
  for (auto& state : r.state_filters) {
    if (std::find(kStates.begin(), kStates.end(), state) == kStates.end()) {
      out.unknown_state_filters.push_back(state);
    } else {
      query.states.push_back(std::move(state));
    }
  }
  // Only unknown states asked: nothing can match.
  if (!r.state_filters.empty() && query.states.empty()) co_return out;
  query.producer_ids = std::move(r.producer_id_filters);
  query.min_duration_ms = r.duration_filter;
  TxnListOutcome listed = co_await ctx.ops.list_transactions(std::move(query));
  ctx.memory.add(listed.transactions.size() * sizeof(pk::ListedTransactionState));
  out.error_code = kafka_code(listed.error);
  for (auto& t : listed.transactions) {
    out.transaction_states.push_back(
        {std::move(t.transactional_id), t.producer_id, std::move(t.state)});
  }
  co_return out;
}

}  // namespace cairn::broker::kafka
