#include "client/src/transaction_requests.h"

#include <algorithm>
#include <thread>

#include "client/src/retry.h"
#include "client/src/wire_status.h"
#include "protocol/messages/init_producer_id.h"

namespace cairn::client {

namespace {

using protocol::ApiKey;
using protocol::ErrorCode;

// A request that got no answer: the connection failed or the broker did not answer in time.
TxnReply unanswered(const Status& error, std::string_view context) {
  TxnReply r;
  r.status = error.with_context(std::string(context));
  r.retriable =
      error.code() == Status::Code::kUnavailable || error.code() == Status::Code::kTimedOut;
  return r;
}

// The first error of a reply's partitions, or OK.
TxnReply first_partition_error(const std::vector<protocol::TopicPartitionErrors>& topics,
                               std::string_view context) {
  for (const auto& t : topics) {
    for (const auto& p : t.partitions) {
      if (p.error == ErrorCode::kNone) continue;
      return classify_txn_error(p.error,
                                std::string(context) + " " + partition_name({t.name, p.partition}));
    }
  }
  return TxnReply::ok();
}

}  // namespace

TxnReply classify_txn_error(ErrorCode code, std::string_view context) {
  TxnReply r;
  r.status = to_status(code, context);
  switch (code) {
    case ErrorCode::kNone: return r;
    case ErrorCode::kProducerFenced:
    case ErrorCode::kInvalidProducerEpoch:
    case ErrorCode::kTransactionCoordinatorFenced:
    case ErrorCode::kInvalidProducerIdMapping:
    case ErrorCode::kTransactionalIdAuthorizationFailed:
    case ErrorCode::kInvalidTransactionTimeout: r.fatal = true; return r;
    default:
      r.retriable = protocol::is_retriable(code);
      // A group that moved on (ILLEGAL_GENERATION and the like) ends the transaction only:
      // kFenced is kept for the producer's own fencing, which is fatal.
      if (r.status.is_fenced()) {
        r.status = Status::unavailable(r.status.message() + " (abort the transaction)");
      }
      return r;
  }
}

TxnReply init_transactional_id(Connection& c, const std::string& transactional_id,
                               std::chrono::milliseconds timeout, ProducerIdentity& out) {
  protocol::InitProducerIdRequest req{transactional_id, static_cast<int32_t>(timeout.count())};
  auto r = c.call<protocol::InitProducerIdRequest, protocol::InitProducerIdResponse>(
      ApiKey::kInitProducerId, req);
  if (!r) return unanswered(r.error(), "InitProducerId");
  TxnReply reply = classify_txn_error(r->body.error, "InitProducerId");
  if (reply.status.is_ok()) out = {r->body.producer_id, r->body.producer_epoch};
  return reply;
}

TxnReply add_partitions_to_txn(Connection& c, const protocol::TxnProducer& producer,
                               const std::vector<TopicPartition>& partitions) {
  protocol::AddPartitionsToTxnRequest req{producer, {}};
  for (const TopicPartition& tp : partitions) {
    if (req.topics.empty() || req.topics.back().topic != tp.topic) req.topics.push_back({tp.topic});
    req.topics.back().partitions.push_back(tp.partition);
  }
  auto r = c.call<protocol::AddPartitionsToTxnRequest, protocol::AddPartitionsToTxnResponse>(
      ApiKey::kAddPartitionsToTxn, req);
  if (!r) return unanswered(r.error(), "AddPartitionsToTxn");
  for (const TopicPartition& tp : partitions) {
    if (!find_partition(r->body.topics, tp.topic, tp.partition)) {
      return {missing_entry("AddPartitionsToTxn " + partition_name(tp))};
    }
  }
  return first_partition_error(r->body.topics, "AddPartitionsToTxn");
}

TxnReply txn_offset_commit(Connection& c, const protocol::TxnProducer& producer,
                           const std::map<TopicPartition, int64_t>& offsets,
                           const ConsumerGroupMetadata& group) {
  protocol::TxnOffsetCommitRequest req{
      producer, group.group_id, group.generation, group.member_id, {}};
  for (const auto& [tp, offset] : offsets) {
    if (req.topics.empty() || req.topics.back().name != tp.topic) req.topics.push_back({tp.topic});
    req.topics.back().partitions.push_back({tp.partition, offset, ""});
  }
  auto r = c.call<protocol::TxnOffsetCommitRequest, protocol::TxnOffsetCommitResponse>(
      ApiKey::kTxnOffsetCommit, req);
  if (!r) return unanswered(r.error(), "TxnOffsetCommit");
  for (const auto& [tp, offset] : offsets) {
    if (!find_partition(r->body.topics, tp.topic, tp.partition)) {
      return {missing_entry("TxnOffsetCommit " + partition_name(tp))};
    }
  }
  return first_partition_error(r->body.topics, "TxnOffsetCommit");
}

TxnReply end_txn(Connection& c, const protocol::TxnProducer& producer, protocol::TxnResult result,
                 ProducerIdentity& out) {
  protocol::EndTxnRequest req{producer, result};
  auto r = c.call<protocol::EndTxnRequest, protocol::EndTxnResponse>(ApiKey::kEndTxn, req);
  if (!r) return unanswered(r.error(), "EndTxn");
  if (result == protocol::TxnResult::kAbort && r->body.error == ErrorCode::kInvalidTxnState) {
    // The coordinator holds no transaction open (a TxnOffsetCommit refused before it added the
    // group's offsets partition opened none): nothing to abort.
    out = {producer.producer_id, producer.producer_epoch};
    return TxnReply::ok();
  }
  TxnReply reply = classify_txn_error(
      r->body.error, result == protocol::TxnResult::kCommit ? "EndTxn commit" : "EndTxn abort");
  if (reply.status.is_ok()) out = {r->body.producer_id, r->body.producer_epoch};
  return reply;
}

TxnReply check_not_fenced(Connection& c, const protocol::TxnProducer& producer) {
  protocol::DescribeTransactionsRequest req{{producer.transactional_id}};
  auto r = c.call<protocol::DescribeTransactionsRequest, protocol::DescribeTransactionsResponse>(
      ApiKey::kDescribeTransactions, req);
  if (!r) return unanswered(r.error(), "DescribeTransactions");
  auto t = std::ranges::find(r->body.transactions, producer.transactional_id,
                             &protocol::TransactionDescription::transactional_id);
  if (t == r->body.transactions.end()) return {missing_entry("DescribeTransactions")};
  if (t->error != ErrorCode::kNone) return classify_txn_error(t->error, "DescribeTransactions");
  if (t->producer_id == producer.producer_id && t->producer_epoch == producer.producer_epoch) {
    return TxnReply::ok();
  }
  TxnReply fenced = classify_txn_error(ErrorCode::kProducerFenced, "transaction");
  fenced.status = to_status(ErrorCode::kProducerFenced, "transaction",
                            "the coordinator holds producer " + std::to_string(t->producer_id) +
                                " epoch " + std::to_string(t->producer_epoch) + ", not epoch " +
                                std::to_string(producer.producer_epoch));
  return fenced;
}

TxnReply with_retries(const TxnRetry& retry, const std::function<TxnReply(Connection&)>& attempt) {
  TxnReply last;
  for (int attempts = 0;; ++attempts) {
    if (retry.stopping && retry.stopping()) {
      return {Status::unavailable("producer closed"), false, false};
    }
    {
      std::unique_lock<std::mutex> serial;
      if (retry.one_at_a_time) serial = std::unique_lock(*retry.one_at_a_time);
      auto c = retry.connection();
      last = c ? attempt(**c) : unanswered(c.error(), "connect");
    }
    if (!last.retriable) return last;
    auto backoff = retry_backoff(retry.backoff, retry.backoff_max, attempts);
    if (std::chrono::steady_clock::now() + backoff >= retry.deadline) break;
    std::this_thread::sleep_for(backoff);
  }
  if (last.status.code() != Status::Code::kTimedOut) {
    last.status = Status::timed_out(last.status.message() + " (gave up at the deadline)");
  }
  return last;
}

}  // namespace cairn::client
