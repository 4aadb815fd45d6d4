#include "client/src/record_accumulator.h"

#include <algorithm>
#include <optional>

#include "cairn/partitioner.h"
#include "client/src/record_clock.h"

namespace cairn::client {

namespace {

SteadyTime now() { return std::chrono::steady_clock::now(); }

// What a record costs the buffer beyond its bytes in the batch; also a margin for the varints
// (timestamp and offset deltas) that grow once the batch is not empty.
constexpr size_t kRecordOverhead = 16;

// Spare batch buffers kept for reuse: enough for a batch acknowledged while the next ones fill.
constexpr size_t kSpareBatchBuffers = 4;
// Blocks smaller than this the allocator recycles itself, without returning them to the system.
constexpr size_t kPooledBufferBytes = size_t{64} * 1024;

}  // namespace

RecordAccumulator::RecordAccumulator(const ProducerConfig& config)
    : config_(config), buffers_(BatchBufferPool::create(kSpareBatchBuffers, kPooledBufferBytes)) {}

size_t RecordAccumulator::batch_limit() const {
  return max_batch_bytes_ > 0 ? std::min(config_.batch_bytes, max_batch_bytes_)
                              : config_.batch_bytes;
}

void RecordAccumulator::set_max_batch_bytes(size_t bytes) {
  std::lock_guard lock(mu_);
  max_batch_bytes_ = bytes;
}

int32_t RecordAccumulator::choose_partition(const ProducerRecord& record, TopicState& topic,
                                            bool keyed) {
  if (record.partition) return *record.partition;
  auto count = static_cast<uint32_t>(topic.partitions);
  if (config_.partitioning == Partitioning::kRoundRobin) {
    return static_cast<int32_t>(topic.sticky++ % count);
  }
  if (keyed) return partition_for_key(protocol::as_bytes(*record.key), topic.partitions);
  return static_cast<int32_t>(topic.sticky % count);
}

RecordAccumulator::PartitionQueue& RecordAccumulator::queue_of(const std::string& name,
                                                               TopicState& topic,
                                                               int32_t partition) {
  auto index = static_cast<size_t>(partition);
  if (index >= topic.queues.size()) topic.queues.resize(index + 1, nullptr);
  PartitionQueue*& q = topic.queues[index];
  if (q == nullptr) q = &queues_[TopicPartition{name, partition}];
  return *q;
}

ProducerBatch* RecordAccumulator::close_open(PartitionQueue& q) {
  ProducerBatch* b = q.open.get();
  q.fills = true;
  q.last_records = b->callbacks.size();
  q.closed.push_back(std::move(q.open));
  // While the sender is busy compressing, the thread that closed the batch compresses it; else
  // the sender takes it as it is and compresses it itself. Without a codec there is nothing worth
  // sharing: sealing is a checksum, and the appending thread is the busier one.
  if (sender_sealing_ == 0 || codec_ == protocol::Compression::kNone) return nullptr;
  b->sealing = ProducerBatch::Sealing::kByAppender;
  ++appender_sealing_;
  return b;
}

Result<RecordAccumulator::Appended> RecordAccumulator::append(const ProducerRecord& record,
                                                              int32_t partitions,
                                                              Producer::Callback& done) {
  std::vector<ProducerBatch*> claimed;
  auto appended = append_record(record, partitions, done, claimed);
  if (claimed.empty()) return appended;
  seal_claimed(claimed);
  return Appended::kWakeSender;  // the sender may take the batches now
}

void RecordAccumulator::seal_claimed(const std::vector<ProducerBatch*>& batches) {
  protocol::RecordBatchBuilder::Options options;
  options.compression = codec_;
  options.transactional = transactional_;
  // Only this thread touches a claimed batch's builder: drain(), take_closed() and take_all()
  // leave it in its queue until it is kDone.
  for (ProducerBatch* b : batches) {
    b->record_count = b->builder.record_count();
    b->builder.set_options(options);
    b->compressed = b->builder.seal();
  }
  std::lock_guard lock(mu_);
  for (ProducerBatch* b : batches) b->sealing = ProducerBatch::Sealing::kDone;
  appender_sealing_ -= batches.size();
  sealed_.notify_all();
}

void RecordAccumulator::sender_sealed(size_t batches) {
  std::lock_guard lock(mu_);
  sender_sealing_ -= batches;
}

Result<RecordAccumulator::Appended> RecordAccumulator::append_record(
    const ProducerRecord& record, int32_t partitions, Producer::Callback& done,
    std::vector<ProducerBatch*>& claimed) {
  Timestamp ts = record.timestamp ? *record.timestamp : RecordClock::now();
  std::vector<protocol::HeaderEntry> headers;
  for (const auto& h : record.headers) {
    headers.push_back(
        {h.key, h.value ? std::optional(protocol::as_bytes(*h.value)) : std::nullopt});
  }
  auto key = record.key ? std::optional(protocol::as_bytes(*record.key)) : std::nullopt;
  auto value = record.value ? std::optional(protocol::as_bytes(*record.value)) : std::nullopt;
  // The size of the record as the first of a batch: an empty builder allocates nothing to ask.
  static const protocol::RecordBatchBuilder kEmpty;
  size_t record_bytes = kEmpty.record_size(ts, key, value, headers);

  std::unique_lock lock(mu_);
  if (closing_) return Status::unavailable("producer is closed");
  // One lookup of the topic per record: its partition count and its sticky partition.
  auto known = topics_.find(record.topic);
  if (known == topics_.end()) {
    if (partitions <= 0) return Appended::kPartitionsUnknown;
    known = topics_.emplace(record.topic, TopicState{partitions, 0}).first;
  }
  TopicState& topic = known->second;
  partitions = topic.partitions;
  if (record.partition && (*record.partition < 0 || *record.partition >= partitions)) {
    return Status::not_found("topic '" + record.topic + "' has no partition " +
                             std::to_string(*record.partition));
  }
  if (max_batch_bytes_ > 0 && protocol::batch::kHeaderSize + record_bytes > max_batch_bytes_) {
    return Status::invalid_argument(
        "a record of " + std::to_string(record_bytes) + " bytes cannot fit in a batch: the " +
        "broker's max batch bytes is " + std::to_string(max_batch_bytes_) + ", and a batch " +
        "header takes " + std::to_string(protocol::batch::kHeaderSize));
  }
  int32_t partition = choose_partition(record, topic, key.has_value());
  size_t size = record_bytes + kRecordOverhead;
  std::optional<SteadyTime> deadline;  // read the clock only when the buffer is full
  while (buffered_ + size > config_.buffer_bytes && buffered_ > 0 && !closing_) {
    if (!config_.block_when_full) return Status::unavailable("producer buffer is full");
    if (!deadline) deadline = now() + config_.max_block;
    if (room_.wait_until(lock, *deadline) == std::cv_status::timeout) {
      return Status::timed_out("producer buffer stayed full for " +
                               std::to_string(config_.max_block.count()) + " ms");
    }
  }
  if (closing_) return Status::unavailable("producer is closed");
  // The sender is woken only when it has something new to do: a closed batch to send, or a new
  // batch whose linger to time. A wake-up per record would cost a futex call each.
  bool wake = false;
  size_t limit = batch_limit();
  PartitionQueue* target = &queue_of(known->first, topic, partition);
  if (target->open && target->open->builder.size_bytes() + size > limit) {
    if (auto* b = close_open(*target)) claimed.push_back(b);
    wake = true;
    if (!key && !record.partition && config_.partitioning == Partitioning::kKeyHash) {
      // The sticky partition's batch is full: the next unkeyed records start another one.
      partition = static_cast<int32_t>(++topic.sticky % static_cast<uint32_t>(partitions));
      target = &queue_of(known->first, topic, partition);
    }
  }
  if (!target->open) {
    // A new batch's linger is timed by the sender, unless the partition waits for an answer,
    // which wakes the sender anyway.
    if (!target->busy) wake = true;
    target->open = std::make_unique<ProducerBatch>();
    target->open->tp = TopicPartition{record.topic, partition};
    target->open->created = now();
    if (target->fills) {
      target->open->builder.reuse(buffers_->take());
      target->open->builder.reserve(limit);
      target->open->callbacks.reserve(target->last_records);
      target->open->timestamps.reserve(target->last_records);
    }
  }
  ProducerBatch& b = *target->open;
  b.builder.append(ts, key, value, headers);
  b.callbacks.push_back(std::move(done));
  b.timestamps.push_back(ts);
  b.bytes += size;
  buffered_ += size;
  ++unresolved_;
  if (b.builder.size_bytes() >= limit) {
    if (auto* c = close_open(*target)) claimed.push_back(c);
    wake = true;
  }
  return wake ? Appended::kWakeSender : Appended::kQueued;
}

std::vector<BatchPtr> RecordAccumulator::drain(
    SteadyTime t, size_t max_in_flight,
    const std::function<size_t(const TopicPartition&)>& with_sender, SteadyTime& next_wake) {
  std::vector<BatchPtr> out;
  std::lock_guard lock(mu_);
  for (auto& [tp, q] : queues_) {
    // In order, up to the first batch an appending thread is still compressing.
    size_t taken = 0;
    while (!q.closed.empty() && q.closed.front()->sealing != ProducerBatch::Sealing::kByAppender) {
      if (q.closed.front()->sealing == ProducerBatch::Sealing::kNo) ++sender_sealing_;
      out.push_back(std::move(q.closed.front()));
      q.closed.pop_front();
      ++taken;
    }
    size_t unanswered = with_sender(tp) + taken;
    q.busy = unanswered > 0;
    if (!q.open || !q.closed.empty()) continue;
    SteadyTime lingered = q.open->created + config_.linger;
    bool ending = flushing_ || closing_ || q.open->created <= due_from_;
    // A batch that lingered without filling goes only when nothing of its partition is
    // unanswered (Nagle's rule): until the answer comes (it wakes the sender) it keeps filling,
    // which costs the records about a round trip on loopback and saves the broker a request and
    // often a sync each. A flush takes it behind up to max_in_flight - 1 others.
    bool due = ending || t >= lingered;
    if (due && (ending ? unanswered < max_in_flight : unanswered == 0)) {
      ++sender_sealing_;
      q.fills = false;  // it lingered without filling
      q.busy = true;
      out.push_back(std::move(q.open));
    } else if (!due) {
      next_wake = std::min(next_wake, lingered);
    }
  }
  return out;
}

std::vector<BatchPtr> RecordAccumulator::take_closed(const TopicPartition& tp) {
  std::vector<BatchPtr> out;
  std::lock_guard lock(mu_);
  auto it = queues_.find(tp);
  if (it == queues_.end()) return out;
  std::deque<BatchPtr> kept;
  for (auto& b : it->second.closed) {
    if (b->sealing == ProducerBatch::Sealing::kByAppender) {
      b->failed_while_sealing = true;
      kept.push_back(std::move(b));
    } else {
      out.push_back(std::move(b));
    }
  }
  it->second.closed = std::move(kept);
  return out;
}

std::vector<BatchPtr> RecordAccumulator::take_all() {
  std::vector<BatchPtr> out;
  std::unique_lock lock(mu_);
  sealed_.wait(lock, [this] { return appender_sealing_ == 0; });
  for (auto& [tp, q] : queues_) {
    for (auto& b : q.closed) out.push_back(std::move(b));
    q.closed.clear();
    if (q.open) out.push_back(std::move(q.open));
  }
  return out;
}

void RecordAccumulator::release_memory(size_t bytes) {
  std::lock_guard lock(mu_);
  buffered_ -= bytes;
  room_.notify_all();
}

void RecordAccumulator::resolved(size_t records) {
  std::lock_guard lock(mu_);
  unresolved_ -= records;
  resolved_.notify_all();
}

bool RecordAccumulator::flush(std::chrono::milliseconds timeout,
                              const std::function<void()>& wake_sender) {
  {
    std::lock_guard lock(mu_);
    flushing_ = true;
  }
  wake_sender();
  std::unique_lock lock(mu_);
  auto all_resolved = [this] { return unresolved_ == 0; };
  bool done = timeout == std::chrono::milliseconds::max()
                  ? (resolved_.wait(lock, all_resolved), true)
                  : resolved_.wait_for(lock, timeout, all_resolved);
  flushing_ = false;
  return done;
}

void RecordAccumulator::send_open_batches(const std::function<void()>& wake_sender) {
  {
    std::lock_guard lock(mu_);
    due_from_ = std::chrono::steady_clock::now();
  }
  wake_sender();
}

void RecordAccumulator::close() {
  std::lock_guard lock(mu_);
  closing_ = true;
  room_.notify_all();
}

}  // namespace cairn::client
