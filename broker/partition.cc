#include "broker/partition.h"

#include <algorithm>

#include "protocol/record_batch.h"

namespace cairn::broker {

Partition::Partition(std::string topic, int32_t id, std::unique_ptr<storage::PartitionLog> log)
    : topic_(std::move(topic)), id_(id), log_(std::move(log)) {
  log_->set_append_listener([this](Offset hwm) { on_append(hwm); });
}

Partition::Partition(std::string topic, int32_t id, Status offline_reason)
    : topic_(std::move(topic)), id_(id), offline_reason_(std::move(offline_reason)) {}

void Partition::refresh_gauges(unsigned shard) const {
  bool offline = !log_ || !log_->write_status().is_ok();
  gauges_.offline.set(shard, offline ? 1 : 0);
  if (!log_) return;
  gauges_.log_start_offset.set(shard, static_cast<double>(log_->log_start_offset().value()));
  gauges_.log_end_offset.set(shard, static_cast<double>(log_->high_watermark().value()));
  gauges_.high_watermark.set(shard, static_cast<double>(log_->high_watermark().value()));
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

void Partition::wait_for_data(Offset offset, std::weak_ptr<DataWaiter> waiter) {
  if (log_ && log_->high_watermark() > offset) {
    if (auto w = waiter.lock()) w->wake();
    return;
  }
  // Fetches that finished without data leave expired entries; drop them now and then.
  if (waiters_.size() >= 64) {
    std::erase_if(waiters_, [](const auto& e) { return e.second.expired(); });
  }
  waiters_.emplace_back(offset, std::move(waiter));
}

void Partition::wake_all() {
  auto waiters = std::move(waiters_);
  waiters_.clear();
  for (auto& [offset, weak] : waiters) {
    if (auto w = weak.lock()) w->wake();
  }
}

void Partition::on_append(Offset high_watermark) {
  if (waiters_.empty()) return;
  std::vector<std::pair<Offset, std::weak_ptr<DataWaiter>>> still_waiting;
  auto waiters = std::move(waiters_);
  waiters_.clear();
  for (auto& [offset, weak] : waiters) {
    auto w = weak.lock();
    if (!w) continue;
    if (high_watermark > offset) {
      w->wake();
    } else {
      still_waiting.emplace_back(offset, std::move(weak));
    }
  }
  for (auto& e : still_waiting) waiters_.push_back(std::move(e));
}

}  // namespace cairn::broker
