// Producer: the facade over the RecordAccumulator (records waiting, per partition), the Sender
// (its thread, the connection, retries and idempotence) and, for transactions, the
// TransactionManager (the state) and the coordinator requests the transaction calls make here on
// the application's thread. See client/src/record_accumulator.h, client/src/sender.h and
// client/src/transaction_manager.h for who owns what on which thread.
#include "cairn/producer.h"

#include <mutex>

#include "cairn/consumer.h"
#include "client/src/record_accumulator.h"
#include "client/src/sender.h"
#include "client/src/transaction_manager.h"
#include "client/src/transaction_requests.h"

namespace cairn::client {

struct Producer::Impl {
  explicit Impl(ProducerConfig c)
      : config(std::move(c)),
        accumulator(std::make_shared<RecordAccumulator>(config)),
        transactions(std::make_shared<TransactionManager>(config.transactional_id)),
        sender(std::make_shared<Sender>(config, accumulator, transactions)) {}

  // Sends a coordinator request until it succeeds, fails for good or max_block passes.
  TxnReply call(const std::function<TxnReply(Connection&)>& attempt) {
    std::shared_ptr<Sender> s = sender;
    TxnRetry retry{[s] { return s->connection(); },
                   std::chrono::steady_clock::now() + config.max_block,
                   config.retry_backoff,
                   config.retry_backoff_max,
                   [s] { return s->stopped(); },
                   &transactions->coordinator_requests()};
    return with_retries(retry, attempt);
  }
  // Takes the transactional id's producer id and a new epoch.
  Status init_producer_id();
  Status end_transaction(protocol::TxnResult result);

  const ProducerConfig config;
  const std::shared_ptr<RecordAccumulator> accumulator;
  const std::shared_ptr<TransactionManager> transactions;
  const std::shared_ptr<Sender> sender;
  std::mutex close_mu;  // held through close(), so a second close() waits for the first
  bool closed = false;
};

Result<std::unique_ptr<Producer>> Producer::create(ProducerConfig config) {
  if (!config.transactional_id.empty()) {
    if (config.acks != -1) {
      return Status::invalid_argument("a transactional producer needs acks -1");
    }
    config.idempotent = true;
  }
  if (config.idempotent && config.acks == 0) config.idempotent = false;
  auto impl = std::make_unique<Impl>(std::move(config));
  CAIRN_RETURN_IF_ERROR(impl->sender->connect());
  impl->sender->start();
  return std::unique_ptr<Producer>(new Producer(std::move(impl)));
}

Producer::Producer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Producer::~Producer() { close(); }

Status Producer::send(const ProducerRecord& record, Callback done) {
  using Appended = RecordAccumulator::Appended;
  CAIRN_RETURN_IF_ERROR(impl_->transactions->check_send());
  // The accumulator remembers each topic's partition count: the sender (and its lock) is asked
  // only for a topic's first record.
  auto appended = impl_->accumulator->append(record, 0, done);
  if (appended && *appended == Appended::kPartitionsUnknown) {
    auto partitions = impl_->sender->partitions_of(record.topic);
    if (!partitions) return partitions.error();
    appended = impl_->accumulator->append(record, *partitions, done);
  }
  if (!appended) return appended.error();
  if (*appended == Appended::kWakeSender) impl_->sender->wake();
  return Status::ok();
}

std::future<Result<RecordMetadata>> Producer::send(const ProducerRecord& record) {
  auto promise = std::make_shared<std::promise<Result<RecordMetadata>>>();
  auto future = promise->get_future();
  Status s =
      send(record, [promise](Result<RecordMetadata> r) { promise->set_value(std::move(r)); });
  if (!s.is_ok()) promise->set_value(s);
  return future;
}

Status Producer::flush(std::chrono::milliseconds timeout) {
  Sender& sender = *impl_->sender;
  if (!impl_->accumulator->flush(timeout, [&sender] { sender.wake(); })) {
    return Status::timed_out("flush: records still unacknowledged");
  }
  return Status::ok();
}

void Producer::close() {
  std::lock_guard lock(impl_->close_mu);
  if (impl_->closed) return;
  impl_->closed = true;
  impl_->accumulator->close();
  flush(impl_->config.delivery_timeout).ignore_error();  // whatever is left fails in stop()
  impl_->sender->stop();
}

int64_t Producer::producer_id() const { return impl_->sender->producer_id(); }

Status Producer::Impl::init_producer_id() {
  ProducerIdentity id;
  TxnReply r = call([&](Connection& c) {
    return init_transactional_id(c, config.transactional_id, config.transaction_timeout, id);
  });
  if (!r.status.is_ok()) {
    // Without an epoch the producer can send nothing; a refusal of the id is for good.
    return r.fatal ? transactions->fail(r.status, true) : r.status;
  }
  sender->set_producer(id.producer_id, id.producer_epoch);
  return Status::ok();
}

Status Producer::Impl::end_transaction(protocol::TxnResult result) {
  bool commit = result == protocol::TxnResult::kCommit;
  CAIRN_RETURN_IF_ERROR(transactions->start_end(result));
  Status flushed = accumulator->flush(config.delivery_timeout, [this] { sender->wake(); })
                       ? Status::ok()
                       : Status::timed_out("flush: records still unacknowledged");
  if (commit) {
    if (!flushed.is_ok()) return transactions->fail(flushed, false);
    if (Status failed = transactions->error_while_ending(); !failed.is_ok()) {
      // A batch failed: if the coordinator has moved on to a newer instance, that is the error.
      auto producer = sender->txn_producer();
      TxnReply fenced = call([&](Connection& c) { return check_not_fenced(c, producer); });
      if (fenced.fatal) return transactions->fail(fenced.status, true);
      return failed;
    }
  }
  if (transactions->coordinator_involved()) {
    ProducerIdentity next;
    auto producer = sender->txn_producer();
    TxnReply r = call([&](Connection& c) { return end_txn(c, producer, result, next); });
    if (!r.status.is_ok()) {
      // Not reached in time: the same call may be made again (the coordinator answers a repeated
      // EndTxn as the first).
      if (r.retriable || r.status.code() == Status::Code::kTimedOut) return r.status;
      return transactions->fail(r.status, r.fatal || !commit);
    }
    sender->set_producer(next.producer_id, next.producer_epoch);
  }
  bool new_epoch = !commit && transactions->needs_new_epoch();
  if (new_epoch) CAIRN_RETURN_IF_ERROR(init_producer_id());
  transactions->ended(new_epoch);
  return Status::ok();
}

Status Producer::init_transactions() {
  CAIRN_RETURN_IF_ERROR(impl_->transactions->check_init());
  CAIRN_RETURN_IF_ERROR(impl_->init_producer_id());
  impl_->transactions->initialized();
  return Status::ok();
}

Status Producer::begin_transaction() { return impl_->transactions->begin(); }

Status Producer::send_offsets_to_transaction(const std::map<TopicPartition, int64_t>& offsets,
                                             const ConsumerGroupMetadata& group) {
  TransactionManager& txn = *impl_->transactions;
  CAIRN_RETURN_IF_ERROR(txn.check_in_transaction());
  if (group.group_id.empty()) {
    return Status::invalid_argument("send_offsets_to_transaction: no group id");
  }
  // One request: Cairn's TxnOffsetCommit adds the group's offsets partition to the transaction
  // itself (no AddOffsetsToTxn before it). Refused, it may have added it all the same (the group's
  // coordinator refused the offsets), so the transaction's end goes to the coordinator either way.
  auto producer = impl_->sender->txn_producer();
  txn.offsets_added();
  // The transaction's end follows: its records go now, so that their sync overlaps the offsets'.
  impl_->accumulator->send_open_batches([this] { impl_->sender->wake(); });
  TxnReply r =
      impl_->call([&](Connection& c) { return txn_offset_commit(c, producer, offsets, group); });
  if (!r.status.is_ok()) return txn.fail(r.status, r.fatal);
  return Status::ok();
}

Status Producer::commit_transaction() {
  return impl_->end_transaction(protocol::TxnResult::kCommit);
}

Status Producer::abort_transaction() { return impl_->end_transaction(protocol::TxnResult::kAbort); }

}  // namespace cairn::client
