#include "broker/txn/transaction_state_machine.h"

namespace cairn::broker::txn {

using protocol::ErrorCode;
using protocol::TxnResult;

namespace {

int16_t bumped(int16_t epoch) {
  return epoch < kMaxProducerEpoch ? static_cast<int16_t>(epoch + 1) : epoch;
}

// `m` with no transaction open.
void close_transaction(TransactionMetadata& m) {
  m.partitions.clear();
  m.start_time.reset();
}

}  // namespace

Status TransactionStateMachine::replay(const TransactionLogRecord& record) {
  auto it = ids_.find(record.transactional_id);
  if (!record.value) {
    if (it != ids_.end()) ids_.erase(it);
    return Status::ok();
  }
  if (it != ids_.end() && !is_legal_transition(it->second.state, record.value->state)) {
    return Status::corruption("transaction state of '" + record.transactional_id + "' goes from " +
                              std::string(state_name(it->second.state)) + " to " +
                              std::string(state_name(record.value->state)));
  }
  ids_.insert_or_assign(record.transactional_id, *record.value);
  return Status::ok();
}

std::vector<TransactionMetadata> TransactionStateMachine::to_complete() const {
  std::vector<TransactionMetadata> out;
  for (const auto& [id, m] : ids_) {
    if (m.state == TxnState::kPrepareCommit || m.state == TxnState::kPrepareAbort) {
      out.push_back(m);
    }
  }
  return out;
}

TxnDecision TransactionStateMachine::propose(TransactionMetadata next, ErrorCode error) {
  pending_.insert(next.transactional_id);
  TxnDecision d;
  d.error = error;
  d.producer_id = next.producer_id;
  d.producer_epoch = next.producer_epoch;
  d.write = std::move(next);
  return d;
}

std::vector<std::pair<std::string, TxnPartition>> TransactionStateMachine::recover_open(
    std::span<const OpenTransaction> open) {
  std::map<int64_t, TransactionMetadata*> ongoing;
  for (auto& [id, m] : ids_) {
    if (m.state == TxnState::kOngoing) ongoing[m.producer_id] = &m;
  }
  std::vector<std::pair<std::string, TxnPartition>> out;
  for (const auto& o : open) {
    auto it = ongoing.find(o.producer_id);
    if (it == ongoing.end()) continue;
    TransactionMetadata& m = *it->second;
    if (o.producer_epoch >= 0 && o.producer_epoch != m.producer_epoch) continue;
    if (m.partitions.insert(o.partition).second) out.emplace_back(m.transactional_id, o.partition);
  }
  return out;
}

TxnDecision TransactionStateMachine::init_producer_id(const InitProducerIdArgs& args, Timestamp now,
                                                      const NewProducerId& new_producer_id) {
  if (args.transactional_id.empty()) return {.error = ErrorCode::kInvalidRequest};
  if (args.timeout < std::chrono::milliseconds(1) || args.timeout > limits_.max_timeout) {
    return {.error = ErrorCode::kInvalidTransactionTimeout};
  }
  if (is_pending(args.transactional_id)) return {.error = ErrorCode::kConcurrentTransactions};
  const TransactionMetadata* current = find(args.transactional_id);
  TransactionMetadata next;
  if (current) {
    bool holds_other = args.producer_id >= 0 && (args.producer_id != current->producer_id ||
                                                 args.producer_epoch != current->producer_epoch);
    if (holds_other) return {.error = ErrorCode::kProducerFenced};
    next = *current;
  }
  next.last_update = now;
  if (current && current->state == TxnState::kOngoing) {
    // A newer instance: abort what the older one left open, fencing it, then let this one retry.
    next.state = TxnState::kPrepareAbort;
    next.producer_epoch = bumped(current->producer_epoch);
    TxnDecision d = propose(std::move(next), ErrorCode::kConcurrentTransactions);
    d.producer_id = -1;
    d.producer_epoch = -1;
    return d;
  }
  if (current && current->state != TxnState::kEmpty && current->state != TxnState::kCompleteAbort &&
      current->state != TxnState::kCompleteCommit) {
    return {.error = ErrorCode::kConcurrentTransactions};  // a Prepare state: markers under way
  }
  if (!current || current->producer_epoch >= kMaxProducerEpoch) {
    int64_t id = new_producer_id();
    if (id < 0) return {.error = ErrorCode::kStorageError};
    next.transactional_id = args.transactional_id;
    next.producer_id = id;
    next.producer_epoch = 0;
  } else {
    next.producer_epoch = bumped(current->producer_epoch);
  }
  next.state = TxnState::kEmpty;
  next.timeout = args.timeout;
  close_transaction(next);
  return propose(std::move(next));
}

ErrorCode TransactionStateMachine::check_producer(const protocol::TxnProducer& producer) const {
  if (producer.transactional_id.empty()) return ErrorCode::kInvalidRequest;
  const TransactionMetadata* m = find(producer.transactional_id);
  if (!m || m->producer_id != producer.producer_id) return ErrorCode::kInvalidProducerIdMapping;
  if (m->producer_epoch != producer.producer_epoch) return ErrorCode::kProducerFenced;
  if (is_pending(producer.transactional_id)) return ErrorCode::kConcurrentTransactions;
  return ErrorCode::kNone;
}

ErrorCode TransactionStateMachine::check_in_transaction(const protocol::TxnProducer& producer,
                                                        const TxnPartition& partition) const {
  if (ErrorCode e = check_producer(producer); e != ErrorCode::kNone) return e;
  const TransactionMetadata& current = *find(producer.transactional_id);
  if (current.state == TxnState::kPrepareCommit || current.state == TxnState::kPrepareAbort) {
    return ErrorCode::kConcurrentTransactions;
  }
  if (current.state != TxnState::kOngoing || !current.partitions.contains(partition)) {
    return ErrorCode::kInvalidTxnState;
  }
  return ErrorCode::kNone;
}

TxnDecision TransactionStateMachine::add_partitions(const protocol::TxnProducer& producer,
                                                    std::span<const TxnPartition> partitions,
                                                    Timestamp now) {
  if (ErrorCode e = check_producer(producer); e != ErrorCode::kNone) return {.error = e};
  const TransactionMetadata& current = *find(producer.transactional_id);
  if (current.state == TxnState::kPrepareCommit || current.state == TxnState::kPrepareAbort) {
    return {.error = ErrorCode::kConcurrentTransactions};
  }
  bool open = current.state == TxnState::kOngoing;
  bool adds = std::any_of(partitions.begin(), partitions.end(),
                          [&](const TxnPartition& p) { return !current.partitions.contains(p); });
  if (!adds) return {.producer_id = current.producer_id, .producer_epoch = current.producer_epoch};
  TransactionMetadata next = current;
  if (!open) {
    close_transaction(next);
    next.start_time = now;
  }
  next.state = TxnState::kOngoing;
  next.partitions.insert(partitions.begin(), partitions.end());
  next.last_update = now;
  return propose(std::move(next));
}

TxnDecision TransactionStateMachine::end_transaction(const protocol::TxnProducer& producer,
                                                     TxnResult result, Timestamp now) {
  if (ErrorCode e = check_producer(producer); e != ErrorCode::kNone) return {.error = e};
  const TransactionMetadata& current = *find(producer.transactional_id);
  bool commit = result == TxnResult::kCommit;
  TxnDecision same{.producer_id = current.producer_id, .producer_epoch = current.producer_epoch};
  switch (current.state) {
    case TxnState::kOngoing: {
      TransactionMetadata next = current;
      next.state = commit ? TxnState::kPrepareCommit : TxnState::kPrepareAbort;
      next.last_update = now;
      return propose(std::move(next));
    }
    case TxnState::kCompleteCommit:
    case TxnState::kCompleteAbort:
      // The same EndTxn again (a retry) succeeds; the opposite one cannot.
      if (commit == (current.state == TxnState::kCompleteCommit)) return same;
      return {.error = ErrorCode::kInvalidTxnState};
    case TxnState::kPrepareCommit:
    case TxnState::kPrepareAbort:
      if (commit == (current.state == TxnState::kPrepareCommit)) {
        return {.error = ErrorCode::kConcurrentTransactions};
      }
      return {.error = ErrorCode::kInvalidTxnState};
    case TxnState::kEmpty: return {.error = ErrorCode::kInvalidTxnState};
  }
  return {.error = ErrorCode::kInvalidTxnState};
}

TxnDecision TransactionStateMachine::complete(std::string_view transactional_id, Timestamp now) {
  if (is_pending(transactional_id)) return {.error = ErrorCode::kConcurrentTransactions};
  const TransactionMetadata* current = find(transactional_id);
  if (!current) return {.error = ErrorCode::kInvalidProducerIdMapping};
  TransactionMetadata next = *current;
  if (current->state == TxnState::kPrepareCommit) {
    next.state = TxnState::kCompleteCommit;
  } else if (current->state == TxnState::kPrepareAbort) {
    next.state = TxnState::kCompleteAbort;
  } else {
    return {.error = ErrorCode::kInvalidTxnState};
  }
  close_transaction(next);
  next.last_update = now;
  return propose(std::move(next));
}

std::vector<TransactionMetadata> TransactionStateMachine::expire_timed_out(Timestamp now) {
  std::vector<TransactionMetadata> out;
  for (const auto& [id, m] : ids_) {
    if (m.state != TxnState::kOngoing || is_pending(id)) continue;
    if (!m.start_time || now - *m.start_time <= m.timeout) continue;
    TransactionMetadata next = m;
    next.state = TxnState::kPrepareAbort;
    next.producer_epoch = bumped(m.producer_epoch);
    next.last_update = now;
    out.push_back(std::move(next));
  }
  for (const auto& m : out) pending_.insert(m.transactional_id);
  return out;
}

std::vector<std::string> TransactionStateMachine::expire_idle(Timestamp now) {
  std::vector<std::string> out;
  for (const auto& [id, m] : ids_) {
    if (has_open_transaction(m.state) || is_pending(id)) continue;
    if (now - m.last_update > limits_.id_expiry) out.push_back(id);
  }
  for (const auto& id : out) pending_.insert(id);
  return out;
}

void TransactionStateMachine::apply(const TransactionLogRecord& stored) {
  abandon(stored.transactional_id);
  if (stored.value) {
    ids_.insert_or_assign(stored.transactional_id, *stored.value);
  } else if (auto it = ids_.find(stored.transactional_id); it != ids_.end()) {
    ids_.erase(it);
  }
}

void TransactionStateMachine::abandon(std::string_view transactional_id) {
  if (auto it = pending_.find(transactional_id); it != pending_.end()) pending_.erase(it);
}

const TransactionMetadata* TransactionStateMachine::find(std::string_view transactional_id) const {
  auto it = ids_.find(transactional_id);
  return it == ids_.end() ? nullptr : &it->second;
}

bool TransactionStateMachine::is_pending(std::string_view transactional_id) const {
  return pending_.find(transactional_id) != pending_.end();
}

}  // namespace cairn::broker::txn
