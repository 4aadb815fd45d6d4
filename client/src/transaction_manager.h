#pragma once

// TransactionManager: the state of a transactional producer's transactions (Kafka's client
// TransactionManager, KIP-98): where it is in the state machine below, which partitions and
// groups the open transaction holds, and the error that ended it.
//
//   kUninitialized --init--> kReady --begin--> kInTransaction --commit/abort--> kEnding --> kReady
//   kInTransaction or kEnding --a send or request failed--> kAbortable --abort--> kEnding
//   any state --fenced, or the transactional id refused--> kFatal (for good)
//
// A producer without a transactional id has one too, which lets every send through. The
// application's thread moves it through the transaction calls; the sender's thread asks which
// partitions of its drained batches still have to join the transaction and reports batches that
// failed. Every member is guarded by mu_, a leaf lock (nothing is called while holding it).
// Owned by the Producer, shared with its Sender.

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "cairn/producer.h"
#include "protocol/control_record.h"

namespace cairn::client {

class TransactionManager {
 public:
  enum class State { kUninitialized, kReady, kInTransaction, kEnding, kAbortable, kFatal };

  explicit TransactionManager(std::string transactional_id)
      : transactional_id_(std::move(transactional_id)) {}

  bool transactional() const { return !transactional_id_.empty(); }
  const std::string& transactional_id() const { return transactional_id_; }
  State state() const;

  // OK when a record may be sent now: always without a transactional id; inside an open
  // transaction otherwise (the transaction's error once it has one).
  Status check_send() const;
  // OK when init_transactions() may run (uninitialized, or ready between transactions).
  Status check_init() const;
  void initialized();
  Status begin();
  // OK inside an open transaction (for send_offsets_to_transaction()).
  Status check_in_transaction() const;
  // Starts ending the open transaction: a commit needs it open and without error, an abort
  // needs it open or abortable. Returns the reason it may not.
  Status start_end(protocol::TxnResult result);
  // After the flush of a commit: the error a batch met meanwhile, or OK.
  Status error_while_ending() const;
  // Whether the coordinator holds anything of the transaction (partitions or offsets added),
  // so that EndTxn is needed.
  bool coordinator_involved() const;
  // Whether a batch failed since the last new epoch: its sequences may be broken, so the
  // producer takes a new epoch after the abort.
  bool needs_new_epoch() const;
  // The transaction ended (and, with `new_epoch`, the producer took one): ready for the next.
  void ended(bool new_epoch);
  // A transaction call failed: the transaction is abortable, or the producer fenced for good.
  // Returns `error`.
  Status fail(Status error, bool fatal);

  // Sender's thread. Of `partitions`, those not yet in the open transaction; or the error that
  // stops batches from being sealed now (no transaction open, or one failing or ending).
  Result<std::vector<TopicPartition>> partitions_to_add(
      const std::vector<TopicPartition>& partitions) const;
  void partitions_added(const std::vector<TopicPartition>& partitions);
  void offsets_added();
  // A batch failed for good: a fenced producer is fatal; inside a transaction, any other error
  // makes it abortable.
  void on_batch_failed(const Status& error);

  // Held through each coordinator request, by whichever thread makes it (TxnRetry).
  std::mutex& coordinator_requests() { return coordinator_mu_; }

 private:
  std::mutex coordinator_mu_;
  const std::string transactional_id_;
  mutable std::mutex mu_;
  State state_ = State::kUninitialized;
  Status error_;  // why the state is kAbortable or kFatal
  std::set<TopicPartition> partitions_;
  bool offsets_added_ = false;
  bool needs_new_epoch_ = false;
  bool aborting_ = false;  // in kEnding: an abort
};

}  // namespace cairn::client
