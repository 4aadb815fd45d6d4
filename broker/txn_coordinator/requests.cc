// TxnCoordinator: the transaction requests, each decided by the partition's state machine and
// answered once what it changed is stored.
#include <algorithm>

#include "broker/group/offset_log.h"
#include "broker/txn_coordinator/coordinator.h"

namespace cairn::broker {

using protocol::ErrorCode;
using txn::TransactionLogRecord;
using txn::TxnState;

awaitable<TxnInitResult> TxnCoordinator::init_producer_id(txn::InitProducerIdArgs args) {
  ErrorCode error{};
  PartitionState* ps = partition_for(args.transactional_id, error);
  if (ps == nullptr) co_return TxnInitResult{error};
  co_await settle(*ps, args.transactional_id);
  if (ps = partition_for(args.transactional_id, error); ps == nullptr) {
    co_return TxnInitResult{error};
  }
  // A new producer id is needed for an id seen for the first time, or whose epochs ran out.
  const txn::TransactionMetadata* current = ps->machine.find(args.transactional_id);
  int64_t fresh = -1;
  if (current == nullptr || current->producer_epoch >= txn::kMaxProducerEpoch) {
    fresh = co_await host_->new_producer_id();
  }
  auto new_id = [fresh] { return fresh; };
  txn::TxnDecision d = ps->machine.init_producer_id(args, host_->now(), new_id);
  if (!d.write) co_return TxnInitResult{d.error, d.producer_id, d.producer_epoch};
  bool fences = d.write->state == TxnState::kPrepareAbort;
  int32_t partition = partition_of(args.transactional_id);
  TransactionLogRecord record{args.transactional_id, std::move(d.write)};
  if (!co_await store(partition, std::move(record))) {
    co_return TxnInitResult{ErrorCode::kCoordinatorNotAvailable};
  }
  if (fences) {
    // The older instance's transaction is aborted first; this one retries once it is.
    co_await finish(partition, args.transactional_id);
    co_return TxnInitResult{ErrorCode::kConcurrentTransactions};
  }
  co_return TxnInitResult{d.error, d.producer_id, d.producer_epoch};
}

awaitable<std::vector<ErrorCode>> TxnCoordinator::add_partitions(
    protocol::TxnProducer producer, std::vector<txn::TxnPartition> partitions) {
  size_t n = partitions.size();
  ErrorCode error{};
  PartitionState* ps = partition_for(producer.transactional_id, error);
  if (ps == nullptr) co_return std::vector<ErrorCode>(n, error);
  // All or nothing: one unknown partition refuses the others.
  std::vector<ErrorCode> unknown(n, ErrorCode::kNone);
  bool any_unknown = false;
  for (size_t i = 0; i < n; ++i) {
    if (host_->partition_exists(partitions[i].topic, partitions[i].partition)) continue;
    unknown[i] = ErrorCode::kUnknownTopicOrPartition;
    any_unknown = true;
  }
  if (any_unknown) {
    for (auto& e : unknown) {
      if (e == ErrorCode::kNone) e = ErrorCode::kInvalidTxnState;
    }
    co_return unknown;
  }
  co_await settle(*ps, producer.transactional_id);
  if (ps = partition_for(producer.transactional_id, error); ps == nullptr) {
    co_return std::vector<ErrorCode>(n, error);
  }
  // Within an Ongoing transaction (whose first state stored any Complete state before it):
  // answered once queued (the class comment says why a crash loses nothing).
  const txn::TransactionMetadata* before = ps->machine.find(producer.transactional_id);
  bool extends = before != nullptr && before->state == TxnState::kOngoing;
  txn::TxnDecision d = ps->machine.add_partitions(producer, partitions, host_->now());
  if (d.error != ErrorCode::kNone) co_return std::vector<ErrorCode>(n, d.error);
  if (d.write) {
    int32_t partition = partition_of(producer.transactional_id);
    TransactionLogRecord record{producer.transactional_id, std::move(d.write)};
    bool stored =
        extends ? store_queued(partition, record) : co_await store(partition, std::move(record));
    if (!stored) co_return std::vector<ErrorCode>(n, ErrorCode::kCoordinatorNotAvailable);
  }
  // Also when nothing changed: a partition forgets what it was told when the broker restarts.
  co_await host_->add_to_transaction(std::move(partitions), producer.producer_id,
                                     producer.producer_epoch);
  co_return std::vector<ErrorCode>(n, ErrorCode::kNone);
}

awaitable<ErrorCode> TxnCoordinator::add_offsets(protocol::TxnProducer producer,
                                                 std::string group_id) {
  std::vector<txn::TxnPartition> offsets{
      {std::string(kOffsetsTopic),
       offsets_partition_for(group_id, host_->offsets_partition_count())}};
  auto errors = co_await add_partitions(std::move(producer), std::move(offsets));
  co_return errors.front();
}

ErrorCode TxnCoordinator::check_offsets(const protocol::TxnProducer& producer,
                                        const std::string& group_id) {
  ErrorCode error{};
  PartitionState* ps = partition_for(producer.transactional_id, error);
  if (ps == nullptr) return error;
  txn::TxnPartition offsets{std::string(kOffsetsTopic),
                            offsets_partition_for(group_id, host_->offsets_partition_count())};
  return ps->machine.check_in_transaction(producer, offsets);
}

std::vector<ErrorCode> TxnCoordinator::verify_partitions(
    const protocol::TxnProducer& producer, const std::vector<txn::TxnPartition>& partitions) {
  ErrorCode error{};
  PartitionState* ps = partition_for(producer.transactional_id, error);
  if (ps == nullptr) return std::vector<ErrorCode>(partitions.size(), error);
  std::vector<ErrorCode> out;
  out.reserve(partitions.size());
  for (const auto& tp : partitions) {
    ErrorCode e = ps->machine.check_in_transaction(producer, tp);
    // One answer for all when the producer itself is refused.
    if (e != ErrorCode::kNone && e != ErrorCode::kInvalidTxnState) {
      return std::vector<ErrorCode>(partitions.size(), e);
    }
    out.push_back(e);
  }
  return out;
}

awaitable<protocol::EndTxnResponse> TxnCoordinator::end_txn(protocol::TxnProducer producer,
                                                            protocol::TxnResult result) {
  protocol::EndTxnResponse out{ErrorCode::kNone, producer.producer_id, producer.producer_epoch};
  PartitionState* ps = partition_for(producer.transactional_id, out.error);
  if (ps == nullptr) co_return out;
  // A retry of an EndTxn whose markers are being written gets the answer of a completed one.
  co_await settle(*ps, producer.transactional_id);
  if (ps = partition_for(producer.transactional_id, out.error); ps == nullptr) co_return out;
  txn::TxnDecision d = ps->machine.end_transaction(producer, result, host_->now());
  if (!d.write) {
    out.error = d.error;
    if (d.error == ErrorCode::kNone) {
      out.producer_id = d.producer_id;
      out.producer_epoch = d.producer_epoch;
    }
    co_return out;
  }
  int32_t partition = partition_of(producer.transactional_id);
  TransactionLogRecord record{producer.transactional_id, std::move(d.write)};
  if (!co_await store(partition, std::move(record))) {
    out.error = ErrorCode::kCoordinatorNotAvailable;
    co_return out;
  }
  // Decided and durable: answered now. The markers follow; a request of the same id waits for
  // them (settle()), and if they fail the housekeeping writes them again.
  if (!ps->finishing.contains(producer.transactional_id) &&
      !ps->machine.is_pending(producer.transactional_id)) {
    ps->finishing.insert(producer.transactional_id);
    asio::co_spawn(executor_, complete_detached(this, partition, producer.transactional_id),
                   asio::detached);
  }
  out.producer_id = d.producer_id;
  out.producer_epoch = d.producer_epoch;
  co_return out;
}

protocol::TransactionDescription TxnCoordinator::describe(
    const std::string& transactional_id) const {
  protocol::TransactionDescription out;
  out.transactional_id = transactional_id;
  auto it = partitions_.find(partition_of(transactional_id));
  if (stopped_ || it == partitions_.end() || !it->second->load_error.is_ok()) {
    out.error = ErrorCode::kCoordinatorNotAvailable;
    return out;
  }
  if (!it->second->loaded) {
    out.error = ErrorCode::kCoordinatorLoadInProgress;
    return out;
  }
  const txn::TransactionMetadata* m = it->second->machine.find(transactional_id);
  if (m == nullptr) {
    out.error = ErrorCode::kInvalidProducerIdMapping;
    return out;
  }
  out.state = std::string(txn::state_name(m->state));
  out.producer_id = m->producer_id;
  out.producer_epoch = m->producer_epoch;
  out.timeout_ms = static_cast<int32_t>(m->timeout.count());
  out.start_time_ms = m->start_time ? to_millis(*m->start_time) : -1;
  for (const auto& tp : m->partitions) {
    if (out.topics.empty() || out.topics.back().topic != tp.topic) {
      out.topics.push_back({tp.topic, {}});
    }
    out.topics.back().partitions.push_back(tp.partition);
  }
  return out;
}

}  // namespace cairn::broker
