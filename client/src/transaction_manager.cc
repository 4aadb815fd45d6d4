#include "client/src/transaction_manager.h"

#include <algorithm>

namespace cairn::client {

namespace {

Status out_of_order(std::string_view call, std::string_view needs) {
  return Status::invalid_argument(std::string(call) + ": " + std::string(needs));
}

}  // namespace

TransactionManager::State TransactionManager::state() const {
  std::lock_guard lock(mu_);
  return state_;
}

Status TransactionManager::check_send() const {
  if (!transactional()) return Status::ok();
  std::lock_guard lock(mu_);
  switch (state_) {
    case State::kInTransaction: return Status::ok();
    case State::kAbortable:
    case State::kFatal: return error_;
    default:
      return out_of_order("send", "a transactional producer sends inside a transaction only");
  }
}

Status TransactionManager::check_init() const {
  if (!transactional()) {
    return out_of_order("init_transactions", "the producer has no transactional id");
  }
  std::lock_guard lock(mu_);
  if (state_ == State::kFatal) return error_;
  if (state_ != State::kUninitialized && state_ != State::kReady) {
    return out_of_order("init_transactions", "a transaction is open");
  }
  return Status::ok();
}

void TransactionManager::initialized() {
  std::lock_guard lock(mu_);
  state_ = State::kReady;
  partitions_.clear();
  offsets_added_ = false;
  needs_new_epoch_ = false;
}

Status TransactionManager::begin() {
  if (!transactional()) {
    return out_of_order("begin_transaction", "the producer has no transactional id");
  }
  std::lock_guard lock(mu_);
  switch (state_) {
    case State::kReady: state_ = State::kInTransaction; return Status::ok();
    case State::kFatal: return error_;
    case State::kUninitialized:
      return out_of_order("begin_transaction", "call init_transactions() first");
    default: return out_of_order("begin_transaction", "a transaction is open already");
  }
}

Status TransactionManager::check_in_transaction() const {
  if (!transactional())
    return out_of_order("transaction call", "the producer has no transactional id");
  std::lock_guard lock(mu_);
  if (state_ == State::kInTransaction) return Status::ok();
  if (state_ == State::kAbortable || state_ == State::kFatal) return error_;
  return out_of_order("send_offsets_to_transaction", "no transaction is open");
}

Status TransactionManager::start_end(protocol::TxnResult result) {
  bool commit = result == protocol::TxnResult::kCommit;
  std::string_view call = commit ? "commit_transaction" : "abort_transaction";
  if (!transactional()) return out_of_order(call, "the producer has no transactional id");
  std::lock_guard lock(mu_);
  switch (state_) {
    case State::kInTransaction:
      state_ = State::kEnding;
      aborting_ = !commit;
      return Status::ok();
    case State::kEnding:
      // A commit or abort that timed out may be made again; an abort may follow a commit.
      if (commit && aborting_) return out_of_order(call, "the transaction is being aborted");
      aborting_ = !commit;
      return Status::ok();
    case State::kAbortable:
      if (commit) return error_;
      state_ = State::kEnding;
      aborting_ = true;
      return Status::ok();
    case State::kFatal: return error_;
    default: return out_of_order(call, "no transaction is open");
  }
}

Status TransactionManager::error_while_ending() const {
  std::lock_guard lock(mu_);
  return state_ == State::kEnding ? Status::ok() : error_;
}

bool TransactionManager::coordinator_involved() const {
  std::lock_guard lock(mu_);
  return !partitions_.empty() || offsets_added_;
}

bool TransactionManager::needs_new_epoch() const {
  std::lock_guard lock(mu_);
  return needs_new_epoch_;
}

void TransactionManager::ended(bool new_epoch) {
  std::lock_guard lock(mu_);
  if (state_ == State::kFatal) return;
  state_ = State::kReady;
  error_ = Status::ok();
  partitions_.clear();
  offsets_added_ = false;
  if (new_epoch) needs_new_epoch_ = false;
}

Status TransactionManager::fail(Status error, bool fatal) {
  std::lock_guard lock(mu_);
  if (state_ == State::kFatal) return error_;
  state_ = fatal ? State::kFatal : State::kAbortable;
  error_ = error;
  return error;
}

Result<std::vector<TopicPartition>> TransactionManager::partitions_to_add(
    const std::vector<TopicPartition>& partitions) const {
  std::lock_guard lock(mu_);
  if (state_ == State::kAbortable || state_ == State::kFatal) return error_;
  if (state_ == State::kEnding && aborting_) return Status::unavailable("transaction aborted");
  if (state_ != State::kInTransaction && state_ != State::kEnding) {
    return out_of_order("send", "no transaction is open");
  }
  std::vector<TopicPartition> missing;
  for (const TopicPartition& tp : partitions) {
    if (!partitions_.contains(tp) &&
        (missing.empty() || std::find(missing.begin(), missing.end(), tp) == missing.end())) {
      missing.push_back(tp);
    }
  }
  return missing;
}

void TransactionManager::partitions_added(const std::vector<TopicPartition>& partitions) {
  std::lock_guard lock(mu_);
  partitions_.insert(partitions.begin(), partitions.end());
}

void TransactionManager::offsets_added() {
  std::lock_guard lock(mu_);
  offsets_added_ = true;
}

void TransactionManager::on_batch_failed(const Status& error) {
  if (!transactional()) return;
  std::lock_guard lock(mu_);
  needs_new_epoch_ = true;
  if (state_ == State::kFatal) return;
  if (error.is_fenced()) {
    state_ = State::kFatal;
    error_ = error;
  } else if (state_ == State::kInTransaction || state_ == State::kEnding) {
    state_ = State::kAbortable;
    error_ = error;
  }
}

}  // namespace cairn::client
