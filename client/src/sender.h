#pragma once

// Sender: the producer's thread that seals batches and sends them, and the retry, ordering and
// idempotence rules that hold until each batch is acknowledged (Kafka's Sender).
//
// It owns the connection to the broker (reconnecting when it fails), an idempotent producer's
// id and epoch, and per partition a pipeline of sealed batches. It drains batches from the
// RecordAccumulator, seals them (compressing their records without the lock, while the batches
// sealed before are on the wire, unless the application thread that closed a batch compressed it
// already, which it does while this thread is busy compressing; then stamping the producer id and
// the partition's next sequence under it, in drain order) and sends the first max_in_flight of each
// pipeline; batches of several partitions ready together share one Produce request, as large as the
// broker's max frame bytes allows, each sent as external bytes without a copy. Answers come back in
// order on the one connection. When a batch must be sent again, it and every batch behind it go
// again, in order, with the bytes and sequences they had: the pipeline's generation moves on and
// answers from an older generation are ignored (an idempotent broker answers a batch sent twice
// with the offsets it stored the first time). A batch that fails for good fails the batches queued
// behind it on its partition too, and an idempotent producer takes a new id before it seals another
// batch.
//
// Threads: its own thread runs the send loop; answers arrive on the connection's I/O thread;
// application threads call partitions_of(), wake() and producer_id(). Every member is guarded
// by mu_, except the connection (conn_mu_); neither lock is held while calling the connection
// or a delivery callback. The thread holds the Sender through shared_ptr and the connection's
// callbacks through weak_ptr, never a bare `this`. Owned by the Producer, which calls stop().
//
// A pass of the send loop (expire, drain, seal, send) runs on one thread at a time (pumping_).
// The answer to a partition's request is what lets its next batch go (Nagle's rule, the in-flight
// limit), so the I/O thread that receives an answer runs that pass itself when it can do so
// without blocking: the connection is up, nothing needs compressing, every partition is in the
// transaction already. The batch then goes out on the same wake-up that read the answer, rather
// than after waking the sender's thread and that thread waking the I/O thread to write. Batches
// it drained but cannot seal without blocking it hands to the sender's thread (handoff_), which
// seals them in drain order.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "cairn/producer.h"
#include "client/src/connection.h"
#include "client/src/produce_requests.h"
#include "client/src/record_accumulator.h"
#include "client/src/transaction_manager.h"
#include "protocol/messages/produce.h"
#include "protocol/messages/transactions.h"

namespace cairn::client {

class Sender : public std::enable_shared_from_this<Sender> {
 public:
  Sender(const ProducerConfig& config, std::shared_ptr<RecordAccumulator> accumulator,
         std::shared_ptr<TransactionManager> transactions);
  ~Sender();

  // Connects and, for an idempotent producer, obtains a producer id. Before start().
  Status connect();
  void start();
  // New work in the accumulator, or a flush.
  void wake();
  // Ends the thread once nothing is ready to send, closes the connection (failing what is in
  // flight) and fails every batch still held or accumulated with kUnavailable. Delivery callbacks
  // have all run when it returns. Requires the accumulator closed.
  void stop();

  // The partition count of `topic`, asked of the broker once and then remembered.
  Result<int32_t> partitions_of(const std::string& topic);
  int64_t producer_id() const;

  // A transactional producer's id and epoch (those of InitProducerId or EndTxn), with its
  // transactional id. Adopting another id or epoch starts every partition's sequences at 0.
  protocol::TxnProducer txn_producer() const;
  void set_producer(int64_t producer_id, int16_t producer_epoch);
  // The connection, made (again) if needed: the transaction calls share it.
  Result<std::shared_ptr<Connection>> connection();
  bool stopped() const;

 private:
  struct Pipeline {
    std::deque<BatchPtr> sealed;  // the first `in_flight` are sent and await their answers
    size_t in_flight = 0;
    uint64_t generation = 0;
    int32_t next_sequence = 0;
    uint64_t failures = 0;  // times the partition failed for good, the last one's error
    Status last_failure;
  };
  // A batch drained from the accumulator and being sealed outside the lock; `failures` is its
  // pipeline's count when it was drained.
  struct Drained {
    BatchPtr batch;
    uint64_t failures = 0;
    int32_t record_count = 0;  // taken before sealing, which empties the builder
    std::vector<std::byte> bytes;
  };
  // Batches resolved under the lock; their callbacks run after it is released.
  struct Resolved {
    std::vector<std::pair<Producer::Callback, Result<RecordMetadata>>> calls;
    size_t bytes = 0;
    size_t records = 0;
  };

  // What one pass of the send loop found to do.
  struct Pass {
    std::vector<ReadyBatch> ready;  // sealed batches to send, marked in flight
    std::vector<Drained> drained;   // batches taken from the accumulator, to seal
    Resolved resolved;              // batches expired
    bool renew = false;             // take a new producer id first
    SteadyTime next_wake;           // when a linger or a retry backoff ends
  };

  void run();
  // Under mu_: expires batches and collects what is ready to send and to seal. False when there
  // is nothing to do before pass.next_wake.
  bool collect(Pass& pass);
  // Passes after an answer, on the connection's I/O thread, until one finds nothing to do;
  // requires pumping_, and clears it or hands it to the sender's thread.
  void pump_after_answer();
  // collect() for pump_after_answer() over `c` (the connection, or null); when it finds nothing
  // (or cannot run without blocking), resets `c`, then clears pumping_ and wakes the sender's
  // thread if it has something to do.
  bool collect_after_answer(std::shared_ptr<Connection>& c, Pass& pass);
  // A transactional producer's drained batches may be sealed once their partitions are in the
  // transaction: adds `missing` (AddPartitionsToTxn, retried until the delivery timeout). The
  // error, if that fails or no transaction can take them.
  Status add_to_transaction(const std::vector<TopicPartition>& missing);
  size_t max_in_flight() const { return config_.idempotent ? config_.max_in_flight : 1; }
  // Sealing is split so that the expensive part runs without the lock: compress() seals the
  // records (compressed with the codec) on the sender's thread without mu_; seal() then takes a
  // sequence under mu_ and stamps it (an idempotent producer's fields and the checksums).
  std::vector<std::byte> compress(ProducerBatch& batch) const;
  void seal(Pipeline& p, ProducerBatch& batch, int32_t record_count, std::vector<std::byte> bytes);
  // Seals `drained` (compress() unless an appending thread did, then seal() under the lock) and
  // queues each on its pipeline, or fails it when its partition failed for good meanwhile (also
  // while an appending thread compressed it) or it could not join the transaction. Unless
  // `may_block`, does nothing and returns false when that would compress or ask the coordinator.
  bool seal_drained(std::vector<Drained>& drained, bool may_block);
  // Fails `drained` with `why` (their callbacks run) and empties it.
  void fail_drained(std::vector<Drained>& drained, const Status& why);
  // The wire codec of config_.compression.
  protocol::Compression codec() const;
  // Sends `ready` on the connection, making one first if needed; without one, backs off.
  void send_ready(const std::vector<ReadyBatch>& ready, int& reconnects);
  // Sends `ready`: by value, since a batch may be resolved (one before it failed for good) once
  // the lock is released; then its answer is stale and ignored.
  void send(Connection& c, const std::vector<ReadyBatch>& ready);
  void on_response(const std::vector<ProduceSlot>& slots,
                   const Result<Reply<protocol::ProduceResponse>>& r);
  void resolve(BatchPtr batch, const Status& error, int64_t base_offset, Resolved& out);
  void fail_partition(const TopicPartition& tp, Pipeline& p, const Status& error, Resolved& out);
  void expire_batches(Resolved& out);
  void deliver(Resolved& resolved);

  const ProducerConfig config_;
  const std::shared_ptr<RecordAccumulator> accumulator_;
  const std::shared_ptr<TransactionManager> transactions_;

  mutable std::mutex mu_;
  std::condition_variable wake_;  // new work, an answer, or stopping
  bool woken_ = false;
  bool pumping_ = false;          // a pass is running (on either thread)
  std::vector<Drained> handoff_;  // drained on the I/O thread, for the sender's thread to seal
  SteadyTime sender_wakes_at_{};  // when the sender's thread wakes on its own
  bool stopped_ = false;
  std::map<TopicPartition, Pipeline> pipelines_;
  std::map<std::string, int32_t> partition_counts_;
  int64_t producer_id_ = -1;
  int16_t producer_epoch_ = -1;
  // A batch failed for good with an unknown outcome: its sequences cannot be continued, so the
  // producer takes a new id (and starts every partition's sequences again) before sealing more.
  bool renew_producer_id_ = false;

  std::mutex connect_mu_;  // one (re)connect at a time, so a producer id is asked for once
  std::mutex conn_mu_;
  std::shared_ptr<Connection> conn_;
  std::thread thread_;
};

}  // namespace cairn::client
