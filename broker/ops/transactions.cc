// The transaction operations: each runs on the shard whose transaction coordinator owns the
// transactional id (the shard of its `__transaction_state` partition) and resumes on the
// caller's.
#include <algorithm>

#include "broker/ops/operations.h"
#include "broker/group/coordinator.h"
#include "broker/services.h"
#include "broker/txn_coordinator/coordinator.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

// The coordinator calls, as coroutines with value parameters to run on the coordinator's shard.
awaitable<TxnInitResult> init_on(BrokerServices& s, unsigned shard, txn::InitProducerIdArgs a) {
  co_return co_await s.txn_coordinator(shard).init_producer_id(std::move(a));
}
awaitable<std::vector<ErrorCode>> add_partitions_on(BrokerServices& s, unsigned shard,
                                                    protocol::TxnProducer producer,
                                                    std::vector<txn::TxnPartition> partitions) {
  co_return co_await s.txn_coordinator(shard).add_partitions(std::move(producer),
                                                             std::move(partitions));
}
awaitable<ErrorCode> add_offsets_on(BrokerServices& s, unsigned shard,
                                    protocol::TxnProducer producer, std::string group_id) {
  co_return co_await s.txn_coordinator(shard).add_offsets(std::move(producer), std::move(group_id));
}
awaitable<ErrorCode> check_offsets_on(BrokerServices& s, unsigned shard,
                                      protocol::TxnProducer producer, std::string group_id) {
  co_return s.txn_coordinator(shard).check_offsets(producer, group_id);
}
awaitable<std::vector<ErrorCode>> txn_commit_on(BrokerServices& s, unsigned shard,
                                                CommitRequest request) {
  co_return co_await s.coordinator(shard).commit(std::move(request));
}
awaitable<protocol::EndTxnResponse> end_on(BrokerServices& s, unsigned shard,
                                           protocol::TxnProducer producer,
                                           protocol::TxnResult result) {
  co_return co_await s.txn_coordinator(shard).end_txn(std::move(producer), result);
}
awaitable<protocol::TransactionDescription> describe_on(BrokerServices& s, unsigned shard,
                                                        std::string transactional_id) {
  co_return s.txn_coordinator(shard).describe(transactional_id);
}

awaitable<std::vector<ErrorCode>> verify_on(BrokerServices& s, unsigned shard,
                                            protocol::TxnProducer producer,
                                            std::vector<txn::TxnPartition> partitions) {
  co_return s.txn_coordinator(shard).verify_partitions(producer, partitions);
}
awaitable<TxnListResult> list_on(BrokerServices& s, unsigned shard, TxnListFilter filter) {
  co_return s.txn_coordinator(shard).list(filter);
}

protocol::TxnProducer as_txn_producer(TxnProducerRef r) {
  return {std::move(r.transactional_id), r.producer_id, r.producer_epoch};
}

}  // namespace

awaitable<ProducerIdOutcome> Operations::init_transactional_producer_id(TxnInit request) {
  if (services_.shutting_down()) co_return ProducerIdOutcome{ErrorCode::kCoordinatorNotAvailable};
  Shard& shard = services_.txn_coordinator_shard(request.transactional_id);
  txn::InitProducerIdArgs args{std::move(request.transactional_id), request.timeout,
                               request.producer_id, request.producer_epoch};
  TxnInitResult r =
      co_await run_on(shard.executor(), init_on(services_, shard.id(), std::move(args)));
  co_return ProducerIdOutcome{r.error, r.producer_id, r.producer_epoch};
}

awaitable<std::vector<ErrorCode>> Operations::add_partitions_to_txn(
    TxnProducerRef ref, std::vector<TxnTopicPartition> partitions) {
  protocol::TxnProducer producer = as_txn_producer(std::move(ref));
  std::vector<txn::TxnPartition> tps;
  tps.reserve(partitions.size());
  for (auto& p : partitions) tps.push_back({std::move(p.topic), p.partition});
  Shard& shard = services_.txn_coordinator_shard(producer.transactional_id);
  co_return co_await run_on(
      shard.executor(),
      add_partitions_on(services_, shard.id(), std::move(producer), std::move(tps)));
}

awaitable<std::vector<ErrorCode>> Operations::verify_partitions_in_txn(
    TxnProducerRef ref, std::vector<TxnTopicPartition> partitions) {
  protocol::TxnProducer producer = as_txn_producer(std::move(ref));
  std::vector<txn::TxnPartition> tps;
  tps.reserve(partitions.size());
  for (auto& p : partitions) tps.push_back({std::move(p.topic), p.partition});
  Shard& shard = services_.txn_coordinator_shard(producer.transactional_id);
  co_return co_await run_on(shard.executor(),
                            verify_on(services_, shard.id(), std::move(producer), std::move(tps)));
}

awaitable<ErrorCode> Operations::add_offsets_to_txn(TxnProducerRef ref, std::string group_id) {
  protocol::TxnProducer producer = as_txn_producer(std::move(ref));
  Shard& shard = services_.txn_coordinator_shard(producer.transactional_id);
  co_return co_await run_on(
      shard.executor(),
      add_offsets_on(services_, shard.id(), std::move(producer), std::move(group_id)));
}

awaitable<std::vector<ErrorCode>> Operations::txn_commit_offsets(TxnProducerRef ref,
                                                                 CommitRequest request,
                                                                 OffsetsPartition offsets) {
  if (services_.shutting_down()) {
    co_return std::vector<ErrorCode>(request.entries.size(), ErrorCode::kCoordinatorNotAvailable);
  }
  protocol::TxnProducer producer = as_txn_producer(std::move(ref));
  Shard& txn_shard = services_.txn_coordinator_shard(producer.transactional_id);
  ErrorCode e =
      offsets == OffsetsPartition::kAddToTransaction
          ? co_await run_on(txn_shard.executor(),
                            add_offsets_on(services_, txn_shard.id(), producer, request.group_id))
          : co_await run_on(txn_shard.executor(), check_offsets_on(services_, txn_shard.id(),
                                                                   producer, request.group_id));
  if (e != ErrorCode::kNone) co_return std::vector<ErrorCode>(request.entries.size(), e);
  request.producer_id = producer.producer_id;
  Shard& shard = services_.coordinator_shard(request.group_id);
  co_return co_await run_on(shard.executor(),
                            txn_commit_on(services_, shard.id(), std::move(request)));
}

awaitable<TxnEndOutcome> Operations::end_txn(TxnProducerRef ref, protocol::TxnResult result) {
  protocol::TxnProducer producer = as_txn_producer(std::move(ref));
  Shard& shard = services_.txn_coordinator_shard(producer.transactional_id);
  protocol::EndTxnResponse r =
      co_await run_on(shard.executor(), end_on(services_, shard.id(), std::move(producer), result));
  co_return TxnEndOutcome{r.error, r.producer_id, r.producer_epoch};
}

awaitable<std::vector<TxnDescription>> Operations::describe_transactions(
    std::vector<std::string> transactional_ids) {
  std::vector<TxnDescription> out;
  out.reserve(transactional_ids.size());
  for (auto& id : transactional_ids) {
    Shard& shard = services_.txn_coordinator_shard(id);
    protocol::TransactionDescription d =
        co_await run_on(shard.executor(), describe_on(services_, shard.id(), std::move(id)));
    TxnDescription& t = out.emplace_back();
    t.error = d.error;
    t.transactional_id = std::move(d.transactional_id);
    t.state = std::move(d.state);
    t.producer_id = d.producer_id;
    t.producer_epoch = d.producer_epoch;
    t.timeout_ms = d.timeout_ms;
    t.start_time_ms = d.start_time_ms;
    for (auto& tp : d.topics)
      t.partitions.emplace_back(std::move(tp.topic), std::move(tp.partitions));
  }
  co_return out;
}

awaitable<TxnListOutcome> Operations::list_transactions(TxnListQuery query) {
  TxnListFilter filter{std::move(query.states), std::move(query.producer_ids),
                       query.min_duration_ms};
  TxnListOutcome out;
  for (unsigned i = 0; i < services_.shard_count(); ++i) {
    Shard& shard = *services_.shards()[i];
    TxnListResult listed =
        co_await run_on(shard.executor(), list_on(services_, shard.id(), filter));
    if (listed.error != ErrorCode::kNone) out.error = listed.error;
    for (auto& t : listed.transactions) {
      out.transactions.push_back(
          {std::move(t.transactional_id), t.producer_id, std::move(t.state)});
    }
  }
  std::sort(out.transactions.begin(), out.transactions.end(),
            [](const TxnListed& a, const TxnListed& b) {
              return a.transactional_id < b.transactional_id;
            });
  co_return out;
}

}  // namespace cairn::broker
