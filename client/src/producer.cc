#include "cairn/producer.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "cairn/connection.h"
#include "cairn/partitioner.h"
#include "client/src/retry.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/produce.h"
#include "protocol/record_batch_builder.h"

namespace cairn::client {

namespace {

using SteadyTime = std::chrono::steady_clock::time_point;
SteadyTime now() { return std::chrono::steady_clock::now(); }

struct Batch {
  TopicPartition tp;
  protocol::RecordBatchBuilder builder;
  std::vector<Producer::Callback> callbacks;
  std::vector<Timestamp> timestamps;
  SteadyTime created = now();
  std::vector<std::byte> sealed;  // set once sealed: the exact bytes every attempt sends
  int32_t base_sequence = -1;
  size_t bytes = 0;               // buffer memory it holds
  int attempts = 0;
  SteadyTime retry_at{};
};

// One partition's batches. The first `in_flight` sealed batches are sent and await their
// responses, which come back in order on the one connection. When one fails and must be sent
// again, every batch behind it goes again too, in order: `generation` moves on and responses
// from an older generation are ignored (an idempotent broker answers a batch sent twice with the
// offsets it stored the first time).
struct PartitionQueue {
  std::unique_ptr<Batch> open;
  std::deque<std::unique_ptr<Batch>> sealed;
  size_t in_flight = 0;
  uint64_t generation = 0;
  int32_t next_sequence = 0;
};

}  // namespace

struct Producer::Impl {
  explicit Impl(ProducerConfig c) : config(std::move(c)) {}

  ProducerConfig config;
  std::mutex mu;
  std::condition_variable wake_sender;  // new work, a response, or closing
  std::condition_variable room;         // buffer memory freed
  std::condition_variable resolved;     // records acknowledged or failed
  std::map<TopicPartition, PartitionQueue> queues;
  std::map<std::string, int32_t> partition_counts;
  std::map<std::string, int32_t> sticky;  // unkeyed records fill one partition's batch at a time
  size_t buffered = 0;
  size_t unresolved = 0;
  bool flushing = false;
  bool closing = false;
  bool stopped = false;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  // A batch failed for good with an unknown outcome: its sequences cannot be continued, so the
  // producer takes a new id (and starts every partition's sequences again) before sending more.
  bool renew_producer_id = false;

  std::mutex conn_mu;
  std::shared_ptr<Connection> conn;
  std::thread sender;

  Status connect();
  Result<std::shared_ptr<Connection>> connection();
  Result<int32_t> partitions_of(const std::string& topic);
  void seal(PartitionQueue& q);
  void run_sender();
  size_t max_in_flight() const { return config.idempotent ? config.max_in_flight : 1; }
  void send_batch(const std::shared_ptr<Connection>& c, Batch& batch, uint64_t generation);
  void on_response(const TopicPartition& tp, uint64_t generation,
                   Result<Reply<protocol::ProduceResponse>> r);
  void resolve_front(PartitionQueue& q, const Status& error, int64_t base_offset,
                     std::vector<std::pair<Callback, Result<RecordMetadata>>>& calls);
  void expire_batches(std::vector<std::pair<Callback, Result<RecordMetadata>>>& calls);
};

namespace {

Result<protocol::InitProducerIdResponse> init_producer_id(Connection& c) {
  auto r = c.call<protocol::InitProducerIdRequest, protocol::InitProducerIdResponse>(
      protocol::ApiKey::kInitProducerId, protocol::InitProducerIdRequest{});
  if (!r) return r.error().with_context("InitProducerId");
  if (r->body.error != protocol::ErrorCode::kNone) {
    return Status::unavailable("InitProducerId: " + std::string(protocol::error_name(r->body.error)));
  }
  return r->body;
}

}  // namespace

Status Producer::Impl::connect() {
  ConnectionOptions o{config.broker, config.client_id, config.connect_timeout, config.request_timeout};
  auto c = Connection::connect(o);
  if (!c) return c.error();
  std::shared_ptr<Connection> fresh(std::move(*c));
  bool need_id;
  {
    std::lock_guard lock(mu);
    need_id = config.idempotent && (producer_id < 0 || renew_producer_id);
  }
  if (need_id) {
    auto id = init_producer_id(*fresh);
    if (!id) return id.error();
    std::lock_guard lock(mu);
    producer_id = id->producer_id;
    producer_epoch = id->producer_epoch;
    if (renew_producer_id) {
      for (auto& [tp, q] : queues) q.next_sequence = 0;
      renew_producer_id = false;
    }
  }
  std::lock_guard lock(conn_mu);
  conn = std::move(fresh);
  return Status::ok();
}

Result<std::shared_ptr<Connection>> Producer::Impl::connection() {
  bool renew;
  {
    std::lock_guard lock(mu);
    renew = renew_producer_id;
  }
  {
    std::lock_guard lock(conn_mu);
    if (conn && conn->health().is_ok() && !renew) return conn;
  }
  CAIRN_RETURN_IF_ERROR(connect());
  std::lock_guard lock(conn_mu);
  return conn;
}

Result<int32_t> Producer::Impl::partitions_of(const std::string& topic) {
  {
    std::lock_guard lock(mu);
    auto it = partition_counts.find(topic);
    if (it != partition_counts.end()) return it->second;
  }
  auto c = connection();
  if (!c) return c.error();
  protocol::MetadataRequest req{std::vector<std::string>{topic}};
  auto r = (*c)->call<protocol::MetadataRequest, protocol::MetadataResponse>(protocol::ApiKey::kMetadata, req);
  if (!r) return r.error();
  if (r->body.topics.size() != 1 || r->body.topics[0].error != protocol::ErrorCode::kNone) {
    return Status::not_found("unknown topic '" + topic + "'");
  }
  auto n = static_cast<int32_t>(r->body.topics[0].partitions.size());
  std::lock_guard lock(mu);
  partition_counts[topic] = n;
  return n;
}

void Producer::Impl::seal(PartitionQueue& q) {
  std::unique_ptr<Batch> b = std::move(q.open);
  if (config.idempotent && config.acks != 0) {
    b->base_sequence = q.next_sequence;
    q.next_sequence = static_cast<int32_t>((int64_t{q.next_sequence} + b->builder.record_count()) & 0x7fffffff);
    b->builder.set_options({producer_id, producer_epoch, b->base_sequence});
  }
  b->sealed = b->builder.seal();
  q.sealed.push_back(std::move(b));
}

Status Producer::send(ProducerRecord record, Callback done) {
  Impl& s = *impl_;
  auto count = s.partitions_of(record.topic);
  if (!count) return count.error();
  Timestamp ts = record.timestamp.value_or(system_now());
  std::vector<protocol::HeaderEntry> headers;
  for (const auto& h : record.headers) {
    headers.push_back({h.key, h.value ? std::optional(protocol::as_bytes(*h.value)) : std::nullopt});
  }
  auto key = record.key ? std::optional(protocol::as_bytes(*record.key)) : std::nullopt;
  auto value = record.value ? std::optional(protocol::as_bytes(*record.value)) : std::nullopt;

  std::unique_lock lock(s.mu);
  if (s.closing) return Status::unavailable("producer is closed");
  int32_t partition;
  if (record.partition) {
    partition = *record.partition;
    if (partition < 0 || partition >= *count) {
      return Status::not_found("topic '" + record.topic + "' has no partition " + std::to_string(partition));
    }
  } else if (s.config.partitioning == Partitioning::kRoundRobin) {
    partition = s.sticky[record.topic]++ % *count;
  } else if (key) {
    partition = partition_for_key(*key, *count);
  } else {
    partition = s.sticky[record.topic] % *count;
  }
  TopicPartition tp{record.topic, partition};
  size_t size = protocol::RecordBatchBuilder().record_size(ts, key, value, headers) + 16;
  auto deadline = now() + s.config.max_block;
  while (s.buffered + size > s.config.buffer_bytes && s.buffered > 0 && !s.closing) {
    if (!s.config.block_when_full) return Status::unavailable("producer buffer is full");
    if (s.room.wait_until(lock, deadline) == std::cv_status::timeout) {
      return Status::timed_out("producer buffer stayed full for " +
                               std::to_string(s.config.max_block.count()) + " ms");
    }
  }
  if (s.closing) return Status::unavailable("producer is closed");
  // The sender thread is woken only when it has something new to do: a sealed batch to send,
  // or a new batch whose linger to time. A wake-up per record would cost a futex call each.
  bool wake = false;
  PartitionQueue& q = s.queues[tp];
  if (q.open && q.open->builder.size_bytes() + size > s.config.batch_bytes) {
    s.seal(q);
    wake = true;
    if (!key && !record.partition && s.config.partitioning == Partitioning::kKeyHash) {
      // The sticky partition's batch is full: the next unkeyed records start another one.
      partition = ++s.sticky[record.topic] % *count;
      tp = TopicPartition{record.topic, partition};
    }
  }
  PartitionQueue& target = s.queues[tp];
  if (!target.open) {
    target.open = std::make_unique<Batch>();
    target.open->tp = tp;
    wake = true;
  }
  target.open->builder.append(ts, key, value, headers);
  target.open->callbacks.push_back(std::move(done));
  target.open->timestamps.push_back(ts);
  target.open->bytes += size;
  s.buffered += size;
  ++s.unresolved;
  if (target.open->builder.size_bytes() >= s.config.batch_bytes) {
    s.seal(target);
    wake = true;
  }
  if (wake) s.wake_sender.notify_one();
  return Status::ok();
}

std::future<Result<RecordMetadata>> Producer::send(ProducerRecord record) {
  auto promise = std::make_shared<std::promise<Result<RecordMetadata>>>();
  auto future = promise->get_future();
  Status s = send(std::move(record), [promise](Result<RecordMetadata> r) { promise->set_value(std::move(r)); });
  if (!s.is_ok()) promise->set_value(s);
  return future;
}

void Producer::Impl::resolve_front(PartitionQueue& q, const Status& error, int64_t base_offset,
                                   std::vector<std::pair<Callback, Result<RecordMetadata>>>& calls) {
  std::unique_ptr<Batch> b = std::move(q.sealed.front());
  q.sealed.pop_front();
  for (size_t i = 0; i < b->callbacks.size(); ++i) {
    Result<RecordMetadata> r =
        error.is_ok() ? Result<RecordMetadata>(RecordMetadata{
                            b->tp, base_offset < 0 ? -1 : base_offset + static_cast<int64_t>(i), b->timestamps[i]})
                      : Result<RecordMetadata>(error);
    calls.emplace_back(std::move(b->callbacks[i]), std::move(r));
  }
  buffered -= b->bytes;
  unresolved -= b->callbacks.size();
}

void Producer::Impl::on_response(const TopicPartition& tp, uint64_t generation,
                                 Result<Reply<protocol::ProduceResponse>> r) {
  std::vector<std::pair<Callback, Result<RecordMetadata>>> calls;
  {
    std::lock_guard lock(mu);
    PartitionQueue& q = queues[tp];
    if (generation != q.generation || q.in_flight == 0 || q.sealed.empty()) return;  // stale
    --q.in_flight;
    Batch& b = *q.sealed.front();
    Status error;
    int64_t base = -1;
    if (!r) {
      error = r.error();  // the connection failed: retriable
    } else {
      const auto& p = r->body.topics.at(0).partitions.at(0);
      base = p.base_offset;
      if (p.error != protocol::ErrorCode::kNone) {
        const auto& info = protocol::error_info(p.error);
        std::string msg = std::string(info.name) + (p.message.empty() ? "" : ": " + p.message);
        if (p.error == protocol::ErrorCode::kUnknownTopicOrPartition) {
          error = Status::not_found(msg);
        } else if (p.error == protocol::ErrorCode::kOutOfOrderSequence) {
          error = Status::out_of_order(msg);
        } else if (p.error == protocol::ErrorCode::kInvalidProducerEpoch) {
          error = Status::fenced(msg);
        } else {
          error = info.retriable ? Status::unavailable(msg) : Status::invalid_argument(msg);
        }
      }
    }
    bool retriable = error.code() == Status::Code::kUnavailable ||
                     error.code() == Status::Code::kTimedOut ||
                     error.code() == Status::Code::kNotFound;
    auto backoff = retry_backoff(config.retry_backoff, config.retry_backoff_max, b.attempts);
    if (!error.is_ok() && retriable && now() + backoff < b.created + config.delivery_timeout &&
        !stopped) {
      ++b.attempts;
      b.retry_at = now() + backoff;
      ++q.generation;  // it goes again, and so does everything sent behind it
      q.in_flight = 0;
    } else if (!error.is_ok()) {
      // A batch that fails for good takes the ones queued behind it: sending them would break
      // the partition's order (and, idempotent, leave a gap in its sequences).
      if (config.idempotent) renew_producer_id = true;
      ++q.generation;
      q.in_flight = 0;
      while (!q.sealed.empty()) resolve_front(q, error, -1, calls);
    } else {
      resolve_front(q, Status::ok(), base, calls);
    }
    room.notify_all();
    resolved.notify_all();
    wake_sender.notify_one();
  }
  for (auto& [cb, result] : calls) {
    if (cb) cb(std::move(result));
  }
}

void Producer::Impl::expire_batches(std::vector<std::pair<Callback, Result<RecordMetadata>>>& calls) {
  auto t = now();
  for (auto& [tp, q] : queues) {
    if (q.in_flight > 0 || q.sealed.empty()) continue;
    if (t >= q.sealed.front()->created + config.delivery_timeout) {
      Status e = Status::timed_out("not acknowledged within the delivery timeout of " +
                                   std::to_string(config.delivery_timeout.count()) + " ms");
      if (config.idempotent) renew_producer_id = true;
      while (!q.sealed.empty()) resolve_front(q, e, -1, calls);
    }
  }
}

void Producer::Impl::send_batch(const std::shared_ptr<Connection>& c, Batch& batch,
                                uint64_t generation) {
  protocol::ProduceRequest req;
  req.acks = config.acks;
  req.timeout_ms = static_cast<uint32_t>(config.request_timeout.count());
  req.topics.push_back({batch.tp.topic, {{batch.tp.partition, batch.sealed}}});
  TopicPartition tp = batch.tp;
  if (config.acks == 0) {
    c->send_oneway(protocol::ApiKey::kProduce, req, [this, tp, generation](Status s) {
      if (s.is_ok()) {
        on_response(tp, generation,
                    Reply<protocol::ProduceResponse>{
                        protocol::ProduceResponse{{{tp.topic, {{tp.partition}}}}}, nullptr});
      } else {
        on_response(tp, generation, s);
      }
    });
    return;
  }
  c->call_async<protocol::ProduceRequest, protocol::ProduceResponse>(
      protocol::ApiKey::kProduce, req,
      [this, tp, generation](Result<Reply<protocol::ProduceResponse>> r) {
        on_response(tp, generation, std::move(r));
      });
}

void Producer::Impl::run_sender() {
  int reconnects = 0;
  for (;;) {
    std::vector<std::pair<Batch*, uint64_t>> ready;
    std::vector<std::pair<Callback, Result<RecordMetadata>>> calls;
    {
      std::unique_lock lock(mu);
      for (;;) {
        auto t = now();
        SteadyTime next_wake = t + std::chrono::milliseconds(100);
        expire_batches(calls);
        if (!calls.empty()) break;
        for (auto& [tp, q] : queues) {
          if (q.open) {
            bool due = flushing || closing || t >= q.open->created + config.linger;
            // A due batch is sealed only when it can be sent soon; behind a full pipeline it
            // keeps filling instead (a response wakes this loop). Sealing it anyway would, at
            // linger 0, queue one tiny batch per record and fall further behind under load.
            if (due && q.sealed.size() < max_in_flight()) {
              seal(q);
            } else if (!due) {
              next_wake = std::min(next_wake, q.open->created + config.linger);
            }
          }
          // Send the next sealed batches, in order, up to the in-flight limit.
          while (q.in_flight < max_in_flight() && q.in_flight < q.sealed.size()) {
            Batch& b = *q.sealed[q.in_flight];
            if (b.retry_at > t) {
              next_wake = std::min(next_wake, b.retry_at);
              break;
            }
            ++q.in_flight;
            ready.emplace_back(&b, q.generation);
          }
        }
        if (!ready.empty()) break;
        if (stopped) return;
        wake_sender.wait_until(lock, next_wake);
      }
    }
    for (auto& [cb, result] : calls) {
      if (cb) cb(std::move(result));
    }
    if (ready.empty()) continue;
    auto c = connection();
    if (!c) {
      // Not connected: send them again after a backoff.
      std::lock_guard lock(mu);
      auto backoff = retry_backoff(config.retry_backoff, config.retry_backoff_max, reconnects++);
      for (auto& [b, generation] : ready) {
        PartitionQueue& q = queues[b->tp];
        if (q.generation != generation) continue;
        ++q.generation;
        q.in_flight = 0;
        if (!q.sealed.empty()) q.sealed.front()->retry_at = now() + backoff;
      }
      continue;
    }
    reconnects = 0;
    for (auto& [b, generation] : ready) send_batch(*c, *b, generation);
  }
}

Result<std::unique_ptr<Producer>> Producer::create(ProducerConfig config) {
  if (config.idempotent && config.acks == 0) config.idempotent = false;
  auto impl = std::make_unique<Impl>(std::move(config));
  CAIRN_RETURN_IF_ERROR(impl->connect());
  Impl* raw = impl.get();
  impl->sender = std::thread([raw] { raw->run_sender(); });
  return std::unique_ptr<Producer>(new Producer(std::move(impl)));
}

Producer::Producer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Producer::~Producer() { close(); }

Status Producer::flush(std::chrono::milliseconds timeout) {
  Impl& s = *impl_;
  std::unique_lock lock(s.mu);
  s.flushing = true;
  s.wake_sender.notify_one();
  bool done = timeout == std::chrono::milliseconds::max()
                  ? (s.resolved.wait(lock, [&] { return s.unresolved == 0; }), true)
                  : s.resolved.wait_for(lock, timeout, [&] { return s.unresolved == 0; });
  s.flushing = false;
  if (!done) return Status::timed_out("flush: records still unacknowledged");
  return Status::ok();
}

void Producer::close() {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.mu);
    if (s.stopped) return;
    s.closing = true;
  }
  flush(s.config.delivery_timeout).ignore_error();  // whatever is left fails below
  {
    std::lock_guard lock(s.mu);
    s.stopped = true;
    s.wake_sender.notify_one();
  }
  if (s.sender.joinable()) s.sender.join();
  std::shared_ptr<Connection> c;
  {
    std::lock_guard lock(s.conn_mu);
    c = std::move(s.conn);
  }
  c.reset();  // fails what is still in flight; callbacks run before this returns
  std::vector<std::pair<Callback, Result<RecordMetadata>>> calls;
  {
    std::lock_guard lock(s.mu);
    for (auto& [tp, q] : s.queues) {
      if (q.open) s.seal(q);
      while (!q.sealed.empty()) s.resolve_front(q, Status::unavailable("producer closed"), -1, calls);
    }
  }
  for (auto& [cb, result] : calls) {
    if (cb) cb(std::move(result));
  }
}

int64_t Producer::producer_id() const { return impl_->producer_id; }

}  // namespace cairn::client
