#include "broker/partition.h"

#include <algorithm>

#include "protocol/record_batch.h"

namespace cairn::broker {

Partition::Partition(std::string topic, int32_t id, std::unique_ptr<storage::PartitionLog> log)
    : topic_(std::move(topic)), id_(id), log_(std::move(log)) {
  log_->set_append_listener([this](Offset) { notify_waiters(); });
}

Partition::Partition(std::string topic, int32_t id, Status offline_reason)
    : topic_(std::move(topic)), id_(id), offline_reason_(std::move(offline_reason)) {}

void Partition::refresh_gauges(unsigned shard) const {
  bool offline = !log_ || !log_->write_status().is_ok();
  gauges_.offline.set(shard, offline ? 1 : 0);
  if (!log_) return;
  gauges_.log_start_offset.set(shard, static_cast<double>(log_->log_start_offset().value()));
  gauges_.log_end_offset.set(shard, static_cast<double>(log_->high_watermark().value()));
  gauges_.high_watermark.set(shard, static_cast<double>(high_watermark().value()));
  gauges_.size_bytes.set(shard, static_cast<double>(log_->size_bytes()));
  gauges_.segments.set(shard, static_cast<double>(log_->segment_count()));
}

std::optional<Timestamp> Partition::record_timestamp(Offset offset) const {
  // One batch holds the record; 64 KiB is enough for most and read() gives a larger one whole.
  constexpr uint32_t kReadBytes = 64 * 1024;
  if (!log_ || offset >= log_->high_watermark()) return std::nullopt;
  auto slice = log_->read(offset, kReadBytes);
  if (!slice || slice->size_bytes == 0) return std::nullopt;
  std::vector<std::byte> bytes(slice->size_bytes);
  auto n = slice->file->read_at(slice->position, bytes);
  if (!n || *n != bytes.size()) return std::nullopt;
  protocol::BatchIterator batches(bytes, protocol::Verify::kStored);
  while (auto batch = batches.next()) {
    auto records = protocol::BatchRecords::open(*batch);
    if (!records) return std::nullopt;
    protocol::RecordReader reader = records->reader();
    protocol::RecordView r;
    while (reader.next(r)) {
      if (r.offset >= offset) return r.timestamp;
    }
  }
  return std::nullopt;
}

Offset Partition::high_watermark() const {
  if (!log_) return Offset(0);
  Offset log_end = log_->high_watermark();
  if (const auto& leader = replica_.leader_high_watermark()) return std::min(*leader, log_end);
  if (replica_.followers().empty()) return log_end;
  return replica_.high_watermark(log_end, ReplicaState::Clock::now());
}

void Partition::on_replica_fetch(int32_t replica_id, Offset fetch_offset) {
  if (!log_) return;
  replica_.on_replica_fetch(replica_id, fetch_offset, log_->high_watermark(),
                            ReplicaState::Clock::now());
  notify_waiters();
}

void Partition::set_leader_high_watermark(Offset hw) {
  replica_.set_leader_high_watermark(hw);
  notify_waiters();
}

Offset Partition::last_stable_offset() const {
  if (!log_) return Offset(0);
  return std::min(high_watermark(), log_->last_stable_offset());
}

Offset Partition::bound_offset(WaitFor bound) const {
  switch (bound) {
    case WaitFor::kLogEnd: return log_->high_watermark();
    case WaitFor::kLastStableOffset: return last_stable_offset();
    case WaitFor::kHighWatermark: break;
  }
  return high_watermark();
}

void Partition::wait_for_data(Offset offset, std::weak_ptr<DataWaiter> waiter, WaitFor bound) {
  if (log_ && bound_offset(bound) > offset) {
    if (auto w = waiter.lock()) w->wake();
    return;
  }
  // Fetches that finished without data leave expired entries; drop them now and then.
  if (waiters_.size() >= 64) {
    std::erase_if(waiters_, [](const Waiter& e) { return e.waiter.expired(); });
  }
  waiters_.push_back(Waiter{offset, std::move(waiter), bound});
}

void Partition::wake_all() {
  auto waiters = std::move(waiters_);
  waiters_.clear();
  for (auto& e : waiters) {
    if (auto w = e.waiter.lock()) w->wake();
  }
}

void Partition::notify_waiters() {
  if (waiters_.empty() || !log_) return;
  const Offset bounds[] = {high_watermark(), log_->high_watermark(), last_stable_offset()};
  std::vector<Waiter> still_waiting;
  auto waiters = std::move(waiters_);
  waiters_.clear();
  for (auto& e : waiters) {
    auto w = e.waiter.lock();
    if (!w) continue;
    if (bounds[static_cast<size_t>(e.bound)] > e.offset) {
      w->wake();
    } else {
      still_waiting.push_back(std::move(e));
    }
  }
  for (auto& e : still_waiting) waiters_.push_back(std::move(e));
}

}  // namespace cairn::broker
