#pragma once

// TransactionStateMachine: the transaction coordinator's decisions for the transactional ids of
// one `__transaction_state` partition (protocol/PROTOCOL.md, "Transactions"), without I/O. Each
// request either is answered at once (an error, or nothing to change) or yields the new state
// to store first: the caller appends it to the partition as a record and calls apply() once it
// is stored (abandon() if the append failed), and only then answers. While a state is being
// stored, the id is pending: every request that would change it again is answered
// CONCURRENT_TRANSACTIONS. A Prepare state is completed by complete() once the caller has stored
// a marker in every partition of the transaction.
//
// Owned by the core that owns the partition, for as long as it owns it; not thread-safe.
// Invariant: every state it holds was reached by a legal transition (is_legal_transition) from
// the one before, and an id in a Prepare state or pending is never changed by a request.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "broker/txn/transaction_log_record.h"
#include "broker/txn/transaction_state.h"
#include "protocol/control_record.h"
#include "protocol/error_code.h"
#include "protocol/messages/transactions.h"

namespace cairn::broker::txn {

// The largest epoch handed out; one more gets a new producer id at epoch 0 instead.
inline constexpr int16_t kMaxProducerEpoch = 32766;

struct TxnLimits {
  std::chrono::milliseconds max_timeout = std::chrono::minutes(15);
  // An id with no transaction open and no change for this long is forgotten.
  std::chrono::milliseconds id_expiry = std::chrono::hours(24 * 7);
};

// The answer to a request: `error` now, or, when `write` is set, store it, apply() it, then
// answer `error` (NONE, or CONCURRENT_TRANSACTIONS for an InitProducerId that fences an open
// transaction and must be retried once its abort completes). `producer_id` and `producer_epoch`
// are what InitProducerId and EndTxn answer.
struct TxnDecision {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::optional<TransactionMetadata> write;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
};

struct InitProducerIdArgs {
  std::string transactional_id;
  std::chrono::milliseconds timeout{0};
  int64_t producer_id = -1;  // version 1: what the producer holds; -1 when nothing
  int16_t producer_epoch = -1;
};

class TransactionStateMachine {
 public:
  // Allocates a new producer id; -1 when none could be recorded.
  using NewProducerId = std::function<int64_t()>;

  explicit TransactionStateMachine(TxnLimits limits) : limits_(limits) {}

  // Replays a stored record, in log order. kCorruption when a state follows its id's previous
  // one by an illegal transition (the first record of an id may hold any state: the log is
  // compacted).
  Status replay(const TransactionLogRecord& record);
  // After replay: the transactions in a Prepare state, whose markers must be (re)written before
  // complete().
  std::vector<TransactionMetadata> to_complete() const;

  // After replay: adds each of `open` to its producer's Ongoing transaction (same producer id,
  // and epoch when known) that does not list it yet, in memory (the next state stored lists it).
  // Only a change within an Ongoing transaction is answered before it is synced, and such a
  // transaction's first state was synced, so every earlier transaction of the producer is
  // complete in every partition: what a partition still holds open is this transaction's. The
  // partitions added, by transactional id.
  std::vector<std::pair<std::string, TxnPartition>> recover_open(
      std::span<const OpenTransaction> open);

  TxnDecision init_producer_id(const InitProducerIdArgs& args, Timestamp now,
                               const NewProducerId& new_producer_id);
  // AddPartitionsToTxn, and AddOffsetsToTxn with the group's offsets partition.
  TxnDecision add_partitions(const protocol::TxnProducer& producer,
                             std::span<const TxnPartition> partitions, Timestamp now);
  TxnDecision end_transaction(const protocol::TxnProducer& producer, protocol::TxnResult result,
                              Timestamp now);
  // TxnOffsetCommit: NONE when `partition` (the group's offsets partition) is in the producer's
  // open transaction; the producer checks' answer, CONCURRENT_TRANSACTIONS while it ends, else
  // INVALID_TXN_STATE.
  protocol::ErrorCode check_in_transaction(const protocol::TxnProducer& producer,
                                           const TxnPartition& partition) const;
  // Every marker of `transactional_id`'s Prepare state is stored: its Complete state to store.
  TxnDecision complete(std::string_view transactional_id, Timestamp now);

  // Ongoing transactions past their timeout, each as the PrepareAbort to store (the epoch bumped
  // to fence the producer); each id is pending until applied.
  std::vector<TransactionMetadata> expire_timed_out(Timestamp now);
  // Ids idle past the expiry with no transaction open, each to forget (store a null record);
  // pending until applied.
  std::vector<std::string> expire_idle(Timestamp now);

  // A decision's record is stored: it becomes the id's state (a null value forgets the id).
  void apply(const TransactionLogRecord& stored);
  // A decision's record could not be stored: the id keeps its state and is free again.
  void abandon(std::string_view transactional_id);

  const TransactionMetadata* find(std::string_view transactional_id) const;
  bool is_pending(std::string_view transactional_id) const;
  size_t size() const { return ids_.size(); }
  // Every id held, by transactional id (ListTransactions).
  const std::map<std::string, TransactionMetadata, std::less<>>& ids() const { return ids_; }

 private:
  // The producer checks every transaction request makes; NONE when it may go on.
  protocol::ErrorCode check_producer(const protocol::TxnProducer& producer) const;
  TxnDecision propose(TransactionMetadata next, protocol::ErrorCode error = {});

  TxnLimits limits_;
  std::map<std::string, TransactionMetadata, std::less<>> ids_;
  std::set<std::string, std::less<>> pending_;
};

}  // namespace cairn::broker::txn
