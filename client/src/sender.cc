#include "client/src/sender.h"

#include <algorithm>

#include "client/src/retry.h"
#include "client/src/wire_status.h"

namespace cairn::client {

namespace {

SteadyTime now() { return std::chrono::steady_clock::now(); }

}  // namespace

Sender::Sender(const ProducerConfig& config, std::shared_ptr<RecordAccumulator> accumulator,
               std::shared_ptr<TransactionManager> transactions)
    : config_(config),
      accumulator_(std::move(accumulator)),
      transactions_(std::move(transactions)) {
  accumulator_->set_codec(codec());
  accumulator_->set_transactional(transactions_->transactional());
}

Sender::~Sender() {
  // stop() joins the thread; if the thread itself let go of the last reference, it is ending.
  if (thread_.joinable()) thread_.detach();
}

int64_t Sender::producer_id() const {
  std::lock_guard lock(mu_);
  return producer_id_;
}

protocol::TxnProducer Sender::txn_producer() const {
  std::lock_guard lock(mu_);
  return {transactions_->transactional_id(), producer_id_, producer_epoch_};
}

void Sender::set_producer(int64_t producer_id, int16_t producer_epoch) {
  std::lock_guard lock(mu_);
  if (producer_id == producer_id_ && producer_epoch == producer_epoch_) return;
  producer_id_ = producer_id;
  producer_epoch_ = producer_epoch;
  for (auto& [tp, p] : pipelines_) p.next_sequence = 0;
}

bool Sender::stopped() const {
  std::lock_guard lock(mu_);
  return stopped_;
}

void Sender::start() {
  thread_ = std::thread([self = shared_from_this()] { self->run(); });
}

void Sender::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  wake_.notify_one();
}

void Sender::resolve(BatchPtr b, const Status& error, int64_t base_offset, Resolved& out) {
  for (size_t i = 0; i < b->callbacks.size(); ++i) {
    Result<RecordMetadata> r =
        error.is_ok() ? Result<RecordMetadata>(RecordMetadata{
                            b->tp, base_offset < 0 ? -1 : base_offset + static_cast<int64_t>(i),
                            b->timestamps[i]})
                      : Result<RecordMetadata>(error);
    out.calls.emplace_back(std::move(b->callbacks[i]), std::move(r));
  }
  out.bytes += b->bytes;
  out.records += b->callbacks.size();
}

// A batch that fails for good takes every batch queued behind it on its partition: sending them
// would break the partition's order (and, idempotent, leave a gap in its sequences).
void Sender::fail_partition(const TopicPartition& tp, Pipeline& p, const Status& error,
                            Resolved& out) {
  // A transactional producer takes its new epoch when the transaction is aborted.
  if (config_.idempotent && !transactions_->transactional()) renew_producer_id_ = true;
  transactions_->on_batch_failed(error);
  ++p.generation;
  ++p.failures;
  p.last_failure = error;
  p.in_flight = 0;
  while (!p.sealed.empty()) {
    resolve(std::move(p.sealed.front()), error, -1, out);
    p.sealed.pop_front();
  }
  for (auto& b : accumulator_->take_closed(tp)) resolve(std::move(b), error, -1, out);
}

void Sender::deliver(Resolved& resolved) {
  if (resolved.bytes > 0) accumulator_->release_memory(resolved.bytes);
  for (auto& [cb, result] : resolved.calls) {
    if (cb) cb(std::move(result));
  }
  if (resolved.records > 0) accumulator_->resolved(resolved.records);
}

void Sender::on_response(const std::vector<ProduceSlot>& slots,
                         const Result<Reply<protocol::ProduceResponse>>& r) {
  Resolved resolved;
  protocol::ErrorCode broker_error = protocol::ErrorCode::kNone;
  bool here = false;
  {
    std::lock_guard lock(mu_);
    for (const ProduceSlot& slot : slots) {
      Pipeline& p = pipelines_[slot.tp];
      if (slot.generation != p.generation || p.in_flight == 0 || p.sealed.empty())
        continue;  // stale
      --p.in_flight;
      ProducerBatch& b = *p.sealed.front();
      std::string context = "produce to " + partition_name(slot.tp);
      Status error;
      bool retriable = false;
      int64_t base = -1;
      if (!r) {
        // No answer (the connection failed, or the request was refused as a whole).
        error = r.error();
        retriable = error.code() == Status::Code::kUnavailable ||
                    error.code() == Status::Code::kTimedOut ||
                    error.code() == Status::Code::kNotFound;
      } else if (const auto* entry =
                     find_partition(r->body.topics, slot.tp.topic, slot.tp.partition)) {
        error = to_status(entry->error, context, entry->message);
        retriable = protocol::is_retriable(entry->error);
        base = entry->base_offset;
        if (entry->error == protocol::ErrorCode::kNotLeader) broker_error = entry->error;
      } else {
        error = missing_entry(context);
      }
      auto backoff = retry_backoff(config_.retry_backoff, config_.retry_backoff_max, b.attempts);
      if (error.is_ok()) {
        resolve(std::move(p.sealed.front()), Status::ok(), base, resolved);
        p.sealed.pop_front();
      } else if (retriable && now() + backoff < b.created + config_.delivery_timeout && !stopped_) {
        ++b.attempts;
        b.retry_at = now() + backoff;
        ++p.generation;  // it goes again, and so does everything sent behind it
        p.in_flight = 0;
      } else {
        fail_partition(slot.tp, p, error, resolved);
      }
    }
    // A pass follows: the accumulator may hold a batch for this answer. It runs here unless a
    // pass is running already or the connection is going (the sender's thread reconnects).
    here = !pumping_ && !stopped_ && broker_error == protocol::ErrorCode::kNone;
    if (here) {
      pumping_ = true;
    } else {
      woken_ = true;
    }
  }
  if (broker_error != protocol::ErrorCode::kNone) {
    std::lock_guard lock(conn_mu_);
    if (conn_) conn_->note_error(broker_error);  // the retries go to the leader
  }
  if (!here) wake_.notify_one();
  deliver(resolved);
  if (here) pump_after_answer();
}

void Sender::expire_batches(Resolved& out) {
  auto t = now();
  for (auto& [tp, p] : pipelines_) {
    if (p.in_flight > 0 || p.sealed.empty()) continue;
    if (t >= p.sealed.front()->created + config_.delivery_timeout) {
      fail_partition(tp, p,
                     Status::timed_out("not acknowledged within the delivery timeout of " +
                                       std::to_string(config_.delivery_timeout.count()) + " ms"),
                     out);
    }
  }
}

void Sender::send(Connection& c, const std::vector<ReadyBatch>& ready) {
  std::weak_ptr<Sender> weak = weak_from_this();
  auto requests = plan_produce_requests(ready, config_, c.broker_info().max_frame_bytes);
  for (ProduceRequestPlan& req : requests) {
    if (config_.acks == 0) {
      // Nothing comes back: written is done, with offsets unknown (-1).
      protocol::ProduceResponse written;
      for (const ProduceSlot& s : req.slots) {
        written.topics.push_back({s.tp.topic, {{s.tp.partition}}});
      }
      c.send_oneway(
          protocol::ApiKey::kProduce, req.body,
          [weak, slots = req.slots, written = std::move(written)](const Status& s) {
            auto self = weak.lock();
            if (!self) return;
            if (!s.is_ok()) return self->on_response(slots, s);
            self->on_response(slots, Reply<protocol::ProduceResponse>{written, nullptr});
          },
          std::move(req.options));
      continue;
    }
    c.call_async<protocol::ProduceRequest, protocol::ProduceResponse>(
        protocol::ApiKey::kProduce, req.body,
        [weak, slots = req.slots](const Result<Reply<protocol::ProduceResponse>>& r) {
          if (auto self = weak.lock()) self->on_response(slots, r);
        },
        std::move(req.options));
  }
}

bool Sender::collect(Pass& pass) {
  auto t = now();
  pass.next_wake = t + std::chrono::milliseconds(100);
  expire_batches(pass.resolved);
  if (!pass.resolved.calls.empty()) return true;
  if (renew_producer_id_ && !stopped_) {
    pass.renew = true;  // a new id before sealing anything more
    return true;
  }
  auto with_sender = [this](const TopicPartition& tp) { return pipelines_[tp].sealed.size(); };
  for (auto& b : accumulator_->drain(t, max_in_flight(), with_sender, pass.next_wake)) {
    uint64_t failures = pipelines_[b->tp].failures;
    int32_t records =
        b->sealing == ProducerBatch::Sealing::kDone ? b->record_count : b->builder.record_count();
    pass.drained.push_back({std::move(b), failures, records, {}});
  }
  // Send the next sealed batches of each partition, in order, up to the in-flight limit.
  for (auto& [tp, p] : pipelines_) {
    while (p.in_flight < max_in_flight() && p.in_flight < p.sealed.size()) {
      ProducerBatch& b = *p.sealed[p.in_flight];
      if (b.retry_at > t) {
        pass.next_wake = std::min(pass.next_wake, b.retry_at);
        break;
      }
      ++p.in_flight;
      pass.ready.push_back({tp, p.generation, b.sealed});
    }
  }
  return !pass.ready.empty() || !pass.drained.empty();
}

void Sender::run() {
  int reconnects = 0;
  for (;;) {
    Pass pass;
    {
      std::unique_lock lock(mu_);
      for (;;) {
        if (!handoff_.empty()) {  // the I/O thread's pass, handed over with pumping_
          pass.drained = std::move(handoff_);
          handoff_.clear();
          break;
        }
        if (!pumping_) {
          woken_ = false;
          if (collect(pass)) {
            pumping_ = true;
            break;
          }
          if (stopped_) return;
        }
        // While the I/O thread runs a pass, it wakes this thread when it ends if needed.
        sender_wakes_at_ = pumping_ ? now() + std::chrono::milliseconds(100) : pass.next_wake;
        wake_.wait_until(lock, sender_wakes_at_, [this] {
          return (!pumping_ && (woken_ || stopped_)) || !handoff_.empty();
        });
      }
    }
    deliver(pass.resolved);
    // What is ready goes out first; the batches just drained are compressed while it is on the
    // wire, and go out on the next pass.
    if (!pass.ready.empty() || pass.renew) send_ready(pass.ready, reconnects);
    if (!pass.drained.empty()) seal_drained(pass.drained, /*may_block=*/true);
    std::lock_guard lock(mu_);
    pumping_ = false;
  }
}

bool Sender::collect_after_answer(std::shared_ptr<Connection>& c, Pass& pass) {
  bool connected = c && c->health().is_ok();
  {
    std::lock_guard lock(mu_);
    if (connected && !stopped_ && !renew_producer_id_) {
      woken_ = false;
      if (collect(pass)) return true;
    }
  }
  // Let go of the connection before the pass ends: once it has, stop() may drop its own
  // reference, and the last one must not be this thread's (the connection would be destroyed on
  // its own I/O thread, which cannot join itself).
  c.reset();
  bool notify = false;
  {
    std::lock_guard lock(mu_);
    // What this pass leaves goes to the sender's thread: a reconnect, a new producer id,
    // stopping, a wake-up that came meanwhile, or a linger or backoff that ends before it wakes.
    pumping_ = false;
    woken_ =
        woken_ || !connected || stopped_ || renew_producer_id_ || pass.next_wake < sender_wakes_at_;
    notify = woken_;
  }
  if (notify) wake_.notify_all();  // stop() may wait for the pass too
  return false;
}

void Sender::pump_after_answer() {
  for (;;) {
    std::shared_ptr<Connection> c;
    {
      std::lock_guard lock(conn_mu_);
      c = conn_;
    }
    Pass pass;
    pass.next_wake = SteadyTime::max();
    if (!collect_after_answer(c, pass)) return;
    deliver(pass.resolved);
    if (!pass.ready.empty()) send(*c, pass.ready);
    if (pass.drained.empty() || seal_drained(pass.drained, /*may_block=*/false)) continue;
    c.reset();  // as above: handing off ends this thread's pass
    {
      std::lock_guard lock(mu_);
      handoff_ = std::move(pass.drained);  // with pumping_
    }
    wake_.notify_all();
    return;
  }
}

void Sender::send_ready(const std::vector<ReadyBatch>& ready, int& reconnects) {
  auto c = connection();
  if (!c) {
    // Not connected: send them again after a backoff.
    std::unique_lock lock(mu_);
    auto backoff = retry_backoff(config_.retry_backoff, config_.retry_backoff_max, reconnects++);
    for (const ReadyBatch& b : ready) {
      Pipeline& p = pipelines_[b.tp];
      if (p.generation != b.generation) continue;
      ++p.generation;
      p.in_flight = 0;
      if (!p.sealed.empty()) p.sealed.front()->retry_at = now() + backoff;
    }
    if (ready.empty()) wake_.wait_for(lock, backoff, [this] { return stopped_; });
    return;
  }
  reconnects = 0;
  send(**c, ready);
}

void Sender::stop() {
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  std::vector<Drained> handed;
  {
    // A pass on the I/O thread ends at its next step, or hands its batches to the thread that
    // has just ended: those fail here.
    std::unique_lock lock(mu_);
    wake_.wait(lock, [this] { return !pumping_ || !handoff_.empty(); });
    handed = std::move(handoff_);
    handoff_.clear();
  }
  fail_drained(handed, Status::unavailable("producer closed"));
  std::shared_ptr<Connection> c;
  {
    std::lock_guard lock(conn_mu_);
    c = std::move(conn_);
  }
  c.reset();  // fails what is still in flight; those callbacks run before this returns
  Resolved resolved;
  {
    std::lock_guard lock(mu_);
    for (auto& [tp, p] : pipelines_) {
      while (!p.sealed.empty()) {
        resolve(std::move(p.sealed.front()), Status::unavailable("producer closed"), -1, resolved);
        p.sealed.pop_front();
      }
    }
  }
  for (auto& b : accumulator_->take_all()) {
    resolve(std::move(b), Status::unavailable("producer closed"), -1, resolved);
  }
  deliver(resolved);
}

}  // namespace cairn::client
