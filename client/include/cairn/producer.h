#pragma once

// cairn::client::Producer: sends records to a broker, batched per partition.
//
// Records are appended to an open batch of their partition; a batch goes out when it reaches
// batch_bytes (or the broker's max batch bytes, if smaller), or once it has waited linger and
// its partition has no request unanswered (Nagle's rule: a batch that did not fill keeps filling
// while the partition's last request is answered, which at low rates costs its records about a
// loopback round trip and saves a request, and often a sync, on the broker). flush() sends at
// once. Batches of several partitions that are ready together share one request. An idempotent
// producer keeps up to max_in_flight requests (full batches) in flight per partition (one
// otherwise); when one must be retried, it
// and every one behind it are sent again in order, so records of one partition are stored in
// the order they were sent, retries included. Retriable failures (a lost connection, a full
// disk, a broker restarting) are retried with backoff until the delivery timeout. The producer
// is idempotent by default: the broker gives it a producer id and each batch carries a
// per-partition sequence, so a retried batch that was in fact stored is not stored twice. If a
// batch fails for good, the batches queued behind it on the same partition fail too (their order
// could not be kept), and the producer takes a new id before it sends more.
//
// Memory: at most buffer_bytes of records wait to be sent; send() then blocks up to max_block
// (or fails at once, as configured). Thread-safety: send(), flush() and close() may be called
// from any thread. Delivery callbacks run on the producer's I/O thread, in send order per
// partition; keep them short and never call flush() or close() from one. Errors are Status
// values: kUnavailable/kTimedOut for delivery that did not succeed in time, kNotFound for an
// unknown topic, kInvalidArgument for a record the broker refused (or, at send(), one too large
// for the broker's max batch bytes), kOutOfOrder/kFenced for an idempotence violation,
// kCorruption for a broker reply that does not answer for the batch.
//
// Transactions (PROTOCOL.md, "Transactions"; Kafka's KIP-98 and KIP-447): a producer with a
// transactional_id writes to several partitions, and commits a consumer group's offsets, as one
// unit that a read_committed consumer sees whole or not at all. Call init_transactions() once
// (it fences any older producer with the same id and aborts what that one left open), then per
// transaction begin_transaction(), send()s, optionally send_offsets_to_transaction(), and
// commit_transaction() or abort_transaction(). A transactional producer is idempotent, with
// acks -1, and sends only inside a transaction. Each partition joins the transaction
// (AddPartitionsToTxn) before its first batch of the transaction is sent;
// send_offsets_to_transaction() sends the batches open then without waiting for their linger (the
// transaction's end follows, and their sync overlaps the offsets'); commit_transaction() flushes
// first. Errors of a transaction are of two kinds:
// - fatal: kFenced (a newer instance with the same transactional id, or the coordinator aborted
//   the transaction at its timeout; PRODUCER_FENCED) or a refusal of the transactional id
//   itself (kInvalidArgument): the producer can do nothing more, and every later call returns
//   the same error. Close it (and, for a timeout, create a new one).
// - abortable: anything else that failed inside the transaction (a send that failed for good, a
//   group that moved on before send_offsets_to_transaction()): every call but
//   abort_transaction() returns the error until abort_transaction(); then the next transaction
//   may begin. A commit that could not reach the coordinator in time (kUnavailable, kTimedOut)
//   may be retried with commit_transaction().
// The transaction calls block (up to max_block per request, retrying what is retriable) and are
// made from one application thread; send() may run on others, inside the transaction.

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <string>

#include "cairn/record.h"
#include "cairn/status.h"
#include "cairn/sasl.h"
#include "cairn/tls.h"

namespace cairn::client {

// Where records without an explicit partition go.
// The codec a producer compresses its batches with (PROTOCOL.md, "Compression"); the consumer
// decompresses whatever it fetches.
enum class Compression { kNone, kGzip, kSnappy, kLz4, kZstd };

enum class Partitioning {
  kKeyHash,  // keyed records by key hash; unkeyed ones fill one partition's batch, then the next's
  kRoundRobin,  // every record to the next partition in turn, keys or not
};

struct ProducerConfig {
  // HOST:PORT, or several comma-separated: each tried in turn until one connects.
  std::string broker = "127.0.0.1:9292";
  std::string client_id = "cairn-producer";
  int16_t acks = -1;       // 0: fire and forget; 1: the partition stored it; -1: all replicas
  bool idempotent = true;  // needs acks != 0
  size_t batch_bytes = size_t{256} * 1024;  // before compression
  Compression compression = Compression::kNone;
  std::chrono::milliseconds linger{5};
  size_t buffer_bytes = 64 << 20;
  bool block_when_full = true;  // false: send() fails at once when the buffer is full
  std::chrono::milliseconds max_block{60'000};
  std::chrono::milliseconds delivery_timeout{120'000};  // from send() to giving up
  std::chrono::milliseconds retry_backoff{100};         // doubled per retry, up to the max
  std::chrono::milliseconds retry_backoff_max{1'000};
  std::chrono::milliseconds request_timeout{30'000};
  std::chrono::milliseconds connect_timeout{5'000};
  TlsConfig tls;    // off: plaintext
  SaslConfig sasl;  // no mechanism: no authentication
  Partitioning partitioning = Partitioning::kKeyHash;
  // Requests in flight per partition, for an idempotent producer (1 otherwise, so that retries
  // cannot reorder records).
  size_t max_in_flight = 5;
  // Non-empty: a transactional producer (see above); implies idempotent and needs acks -1.
  std::string transactional_id;
  // How long the coordinator lets a transaction stay open before aborting it (and fencing this
  // producer); at most the broker's --transaction-max-timeout-ms.
  std::chrono::milliseconds transaction_timeout{60'000};
};

struct ConsumerGroupMetadata;  // cairn/consumer.h

class Producer {
 public:
  using Callback = std::function<void(Result<RecordMetadata>)>;

  // Connects and, for an idempotent producer, obtains a producer id.
  static Result<std::unique_ptr<Producer>> create(ProducerConfig config);
  // close().
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Queues a record; `done` runs once it is acknowledged or has failed. An immediate error
  // (unknown topic, buffer full, closed) is returned and `done` is not called.
  Status send(const ProducerRecord& record, Callback done);
  std::future<Result<RecordMetadata>> send(const ProducerRecord& record);

  // Sends everything queued at once and waits until every record sent so far is acknowledged
  // or failed and its callback has run. kTimedOut if that takes longer than `timeout`.
  Status flush(std::chrono::milliseconds timeout = std::chrono::milliseconds::max());
  // Flushes (up to the delivery timeout) and stops; later sends fail.
  void close();

  int64_t producer_id() const;

  // Transactions (a producer with a transactional_id; kInvalidArgument otherwise, and for a call
  // out of order). See the class comment for the errors.
  // Registers the transactional id with its coordinator: takes the producer id and a new epoch
  // (fencing older instances) once any transaction an older instance left open is aborted.
  Status init_transactions();
  // Opens a transaction locally; the coordinator hears of it with its first partition.
  Status begin_transaction();
  // Commits `offsets` (next offsets to read, per partition) for the consumer group `group`
  // inside the transaction: they become the group's committed offsets when it commits, and
  // never when it aborts. `group` comes from Consumer::group_metadata(), so that a consumer that
  // lost the partitions in a rebalance cannot commit for them (an abortable error).
  Status send_offsets_to_transaction(const std::map<TopicPartition, int64_t>& offsets,
                                     const ConsumerGroupMetadata& group);
  // Flushes, then commits: on OK every record sent and every offset sent in the transaction is
  // visible to read_committed readers.
  Status commit_transaction();
  // Waits for the records in flight, then aborts: nothing of the transaction becomes visible to
  // read_committed readers. Also the way out of an abortable error.
  Status abort_transaction();

 private:
  struct Impl;
  explicit Producer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cairn::client
