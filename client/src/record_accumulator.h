#pragma once

// RecordAccumulator: the producer's records waiting to be sent, batched per partition, and the
// buffer memory they hold (Kafka's RecordAccumulator).
//
// append() puts a record into its partition's open batch, choosing the partition (explicit, key
// hash, sticky or round robin) and blocking while the buffer is full. A batch closes when it
// reaches the batch size (or the broker's max batch bytes, if smaller). The sender drain()s closed
// batches, and open ones once they have lingered; from then on it owns them, seals them and sends
// them until each is acknowledged or fails, and gives their memory back with release_memory() and
// then resolved().
//
// Sealing (compressing) is shared between the sender and the application threads: a batch closed
// by append() while the sender is still compressing batches it drained earlier is compressed by
// the appending thread itself, after it has released the lock (Kafka's producer compresses on the
// caller's thread). Such a batch stays in its partition's queue, claimed, until it is compressed;
// drain() takes a partition's batches in order and so stops at a claimed one. The sender still
// stamps sequences in order when it takes the batches.
//
// Threads: shared by the application threads that append and flush, the sender's thread that
// drains, and the connection's I/O thread that releases; every member is guarded by mu_. Delivery
// callbacks are only stored here, never called. Owned through shared_ptr by the Producer and its
// Sender. Lock order: the Sender's mutex may be held when calling in here, never the reverse.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cairn/producer.h"
#include "client/src/batch_buffer_pool.h"
#include "protocol/record_batch_builder.h"

namespace cairn::client {

using SteadyTime = std::chrono::steady_clock::time_point;

// One partition's batch, from its first record until its records are resolved.
struct ProducerBatch {
  TopicPartition tp;
  protocol::RecordBatchBuilder builder;
  std::vector<Producer::Callback> callbacks;
  std::vector<Timestamp> timestamps;
  SteadyTime created;
  size_t bytes = 0;  // buffer memory it holds
  // Set when it closes; guarded by the accumulator's lock while the batch is in its queues.
  enum class Sealing { kNo, kByAppender, kDone } sealing = Sealing::kNo;
  bool failed_while_sealing = false;  // its partition failed for good meanwhile
  int32_t record_count = 0;           // kept when the builder is sealed (which empties it)
  std::vector<std::byte> compressed;  // the sealed records, when sealing is kDone
  // Set by the sender when it seals the batch: the exact bytes every attempt sends.
  std::shared_ptr<const std::vector<std::byte>> sealed;
  int32_t base_sequence = -1;
  int attempts = 0;
  SteadyTime retry_at{};
};

using BatchPtr = std::unique_ptr<ProducerBatch>;

class RecordAccumulator {
 public:
  explicit RecordAccumulator(const ProducerConfig& config);

  enum class Appended {
    kQueued,
    kWakeSender,        // a batch closed, or a new one began whose linger the sender must time
    kPartitionsUnknown  // nothing done: call again with the topic's partition count
  };
  // Appends `record` (its timestamp set) to a partition of its topic, which has `partitions`
  // (0: the count given for the topic before, remembered, as the first count given is; without
  // one, kPartitionsUnknown and `done` is left as it was; it is moved from once queued). Errors:
  // kUnavailable (closed; or the buffer is full and block_when_full is off), kTimedOut (full for
  // max_block), kNotFound (no such partition), kInvalidArgument (the record alone is over the
  // broker's max batch bytes).
  Result<Appended> append(const ProducerRecord& record, int32_t partitions,
                          Producer::Callback& done);
  // The codec batches are sealed with (set once, before the first append).
  void set_codec(protocol::Compression codec) { codec_ = codec; }
  // A sealed batch's bytes, shared by its sends; their buffer starts a later full batch once the
  // last holder drops them.
  std::shared_ptr<const std::vector<std::byte>> share_sealed(std::vector<std::byte> bytes) {
    return buffers_->share(std::move(bytes));
  }
  // Whether batches carry the transactional bit (set once, before the first append).
  void set_transactional(bool transactional) { transactional_ = transactional; }

  // The batches the sender takes now: every closed batch, then each open one whose linger has
  // passed if its partition has no batch with the sender (`with_sender`, the closed ones taken
  // now included), or, when flushing or closing, fewer than `max_in_flight`: until then an open
  // batch keeps filling. Lowers `next_wake` to the next linger's end. The sender must drain
  // again after each answer.
  std::vector<BatchPtr> drain(SteadyTime now, size_t max_in_flight,
                              const std::function<size_t(const TopicPartition&)>& with_sender,
                              SteadyTime& next_wake);
  // The closed batches of `tp` not yet drained (a batch before them failed for good). One being
  // compressed by an application thread stays, marked failed_while_sealing, until drained.
  std::vector<BatchPtr> take_closed(const TopicPartition& tp);
  // Every batch left, closed or open (the producer is closing), once none is being compressed.
  std::vector<BatchPtr> take_all();
  // The sender finished compressing `batches` of those it drained: until then, appending threads
  // compress the batches they close themselves.
  void sender_sealed(size_t batches);
  // Compresses `batches` (closed by append() and claimed) without the lock, with `codec`.
  void seal_claimed(const std::vector<ProducerBatch*>& batches);

  // A batch's buffer memory is free again (before its callbacks run, so a callback may send).
  void release_memory(size_t bytes);
  // Its records are resolved (after their callbacks ran, so flush() returns only then).
  void resolved(size_t records);

  // Makes every open batch due and waits until every record appended so far is resolved; false
  // after `timeout`. `wake_sender` is called once the flag is set.
  bool flush(std::chrono::milliseconds timeout, const std::function<void()>& wake_sender);
  // Makes the batches open now due as in a flush, without waiting for them; later ones linger
  // as usual. `wake_sender` is called once they are.
  void send_open_batches(const std::function<void()>& wake_sender);
  // From now on append() fails, and open batches are due.
  void close();
  // The broker's limit (0: not known): no batch grows past it, no record over it is taken.
  void set_max_batch_bytes(size_t bytes);

 private:
  struct PartitionQueue {
    BatchPtr open;
    std::deque<BatchPtr> closed;
    // The last batch closed full: the next one likely fills too, so it takes its whole size at
    // once instead of growing (and copying) its buffer record by record, and room for as many
    // callbacks and timestamps as that batch held.
    bool fills = false;
    size_t last_records = 0;
    // At the last drain, the sender held batches of it not answered yet: its next answer wakes
    // the sender, so a new batch need not.
    bool busy = false;
  };

  // What the accumulator knows of a topic it has taken records for.
  struct TopicState {
    int32_t partitions = 0;
    uint32_t sticky = 0;  // unkeyed records fill one partition's batch at a time (wraps)
    // Each partition's queue once used (queues_ never drops one), so that a record costs no
    // lookup by topic name and partition.
    std::vector<PartitionQueue*> queues;
  };

  // The queue of `topic`'s partition `partition`, named `name`.
  PartitionQueue& queue_of(const std::string& name, TopicState& topic, int32_t partition);

  int32_t choose_partition(const ProducerRecord& record, TopicState& topic, bool keyed);
  size_t batch_limit() const;
  // Closes `q`'s open batch; returns it when the calling thread is to compress it.
  ProducerBatch* close_open(PartitionQueue& q);
  Result<Appended> append_record(const ProducerRecord& record, int32_t partitions,
                                 Producer::Callback& done, std::vector<ProducerBatch*>& claimed);

  const ProducerConfig config_;
  const std::shared_ptr<BatchBufferPool> buffers_;
  mutable std::mutex mu_;
  std::condition_variable room_;      // buffer memory freed
  std::condition_variable resolved_;  // records resolved
  std::condition_variable sealed_;    // an appending thread finished compressing
  protocol::Compression codec_ = protocol::Compression::kNone;
  bool transactional_ = false;
  size_t sender_sealing_ = 0;    // batches the sender drained unsealed and is compressing
  size_t appender_sealing_ = 0;  // batches appending threads are compressing
  std::map<TopicPartition, PartitionQueue> queues_;
  std::map<std::string, TopicState, std::less<>> topics_;  // once a topic's count is known
  size_t buffered_ = 0;
  size_t unresolved_ = 0;
  size_t max_batch_bytes_ = 0;
  bool flushing_ = false;
  // Open batches created at or before it are due as in a flush (send_open_batches()).
  SteadyTime due_from_ = SteadyTime::min();
  bool closing_ = false;
};

}  // namespace cairn::client
