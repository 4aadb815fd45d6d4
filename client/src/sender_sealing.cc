// The Sender's sealing: compressing drained batches, adding their partitions to the
// transaction, stamping sequences in drain order, and failing drained batches that cannot be
// sealed. See sender.h.
#include <algorithm>

#include "client/src/retry.h"
#include "client/src/sender.h"
#include "client/src/transaction_requests.h"

namespace cairn::client {

protocol::Compression Sender::codec() const {
  switch (config_.compression) {
    case Compression::kGzip: return protocol::Compression::kGzip;
    case Compression::kSnappy: return protocol::Compression::kSnappy;
    case Compression::kLz4: return protocol::Compression::kLz4;
    case Compression::kZstd: return protocol::Compression::kZstd;
    case Compression::kNone: break;
  }
  return protocol::Compression::kNone;
}

std::vector<std::byte> Sender::compress(ProducerBatch& b) const {
  protocol::RecordBatchBuilder::Options options;
  options.compression = codec();
  options.transactional = transactions_->transactional();
  b.builder.set_options(options);
  return b.builder.seal();
}

void Sender::seal(Pipeline& p, ProducerBatch& b, int32_t record_count,
                  std::vector<std::byte> bytes) {
  if (config_.idempotent) {
    b.base_sequence = p.next_sequence;
    p.next_sequence = static_cast<int32_t>((int64_t{p.next_sequence} + record_count) & 0x7fffffff);
    protocol::stamp_producer(bytes, {producer_id_, producer_epoch_, b.base_sequence});
  }
  b.sealed = accumulator_->share_sealed(std::move(bytes));
}

Status Sender::add_to_transaction(const std::vector<TopicPartition>& missing) {
  TxnRetry retry{
      [this] { return connection(); }, std::chrono::steady_clock::now() + config_.delivery_timeout,
      config_.retry_backoff,           config_.retry_backoff_max,
      [this] { return stopped(); },    &transactions_->coordinator_requests()};
  auto producer = txn_producer();
  TxnReply r = with_retries(
      retry, [&](Connection& c) { return add_partitions_to_txn(c, producer, missing); });
  if (!r.status.is_ok()) return transactions_->fail(r.status, r.fatal);
  transactions_->partitions_added(missing);
  return Status::ok();
}

bool Sender::seal_drained(std::vector<Drained>& drained, bool may_block) {
  bool compressing = config_.compression != Compression::kNone;
  if (!may_block && compressing &&
      std::any_of(drained.begin(), drained.end(), [](const Drained& d) {
        return d.batch->sealing != ProducerBatch::Sealing::kDone;
      })) {
    return false;
  }
  if (transactions_->transactional()) {
    std::vector<TopicPartition> partitions;
    partitions.reserve(drained.size());
    for (const Drained& d : drained) partitions.push_back(d.batch->tp);
    auto missing = transactions_->partitions_to_add(partitions);
    if (missing && !missing->empty() && !may_block) return false;
    Status s = !missing           ? missing.error()
               : missing->empty() ? Status::ok()
                                  : add_to_transaction(*missing);
    if (!s.is_ok()) {
      fail_drained(drained, s);  // unsealed, they hold no sequence: failing them leaves no gap
      return true;
    }
  }
  size_t compressed = 0;
  for (Drained& d : drained) {
    if (d.batch->sealing == ProducerBatch::Sealing::kDone) {
      d.bytes = std::move(d.batch->compressed);  // an appending thread compressed it
    } else {
      d.bytes = compress(*d.batch);
      ++compressed;
    }
  }
  if (compressed > 0) accumulator_->sender_sealed(compressed);
  Resolved resolved;
  {
    std::lock_guard lock(mu_);
    for (Drained& d : drained) {
      Pipeline& p = pipelines_[d.batch->tp];
      if (p.failures != d.failures || d.batch->failed_while_sealing) {
        // Its partition failed for good while it was compressed: it fails with the batches that
        // were queued beside it.
        resolve(std::move(d.batch), p.last_failure, -1, resolved);
        continue;
      }
      if (stopped_) {
        // Sealed after stop() failed what the pipelines held (on the I/O thread).
        resolve(std::move(d.batch), Status::unavailable("producer closed"), -1, resolved);
        continue;
      }
      seal(p, *d.batch, d.record_count, std::move(d.bytes));
      p.sealed.push_back(std::move(d.batch));
    }
  }
  deliver(resolved);
  return true;
}

void Sender::fail_drained(std::vector<Drained>& drained, const Status& why) {
  Resolved resolved;
  size_t compressed = 0;
  {
    std::lock_guard lock(mu_);
    for (Drained& d : drained) {
      if (d.batch->sealing != ProducerBatch::Sealing::kDone) ++compressed;
      resolve(std::move(d.batch), why, -1, resolved);
    }
  }
  drained.clear();
  if (compressed > 0) accumulator_->sender_sealed(compressed);
  deliver(resolved);
}

}  // namespace cairn::client
