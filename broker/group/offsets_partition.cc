#include "broker/group/offsets_partition.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include <random>
#include <string>

#include "broker/partition.h"
#include "storage/log_replay.h"

namespace cairn::broker {

namespace {

// Snapshot batches stay well below the partition's batch limit (8 MiB).
constexpr size_t kSnapshotBatchBytes = 1 << 20;
constexpr std::chrono::milliseconds kFirstRetry{1000};
constexpr std::chrono::milliseconds kLastRetry{60'000};

uint64_t snapshot_id() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

}  // namespace

void OffsetsPartition::Backoff::failed(GroupTime now) {
  delay = delay.count() == 0 ? kFirstRetry : std::min(delay * 2, kLastRetry);
  retry_at = now + delay;
}

OffsetsPartition::OffsetsPartition(Partition& partition, const asio::any_io_executor& executor)
    : partition_(partition), executor_(executor), released_(executor), quiet_(executor) {}

int32_t OffsetsPartition::id() const { return partition_.id(); }

Result<OffsetReplay> OffsetsPartition::load() {
  const storage::PartitionLog* log = partition_.log();
  if (log == nullptr) return partition_.offline_reason();
  OffsetReplay replay;
  CAIRN_RETURN_IF_ERROR(storage::replay_log(
      *log, [&replay](const protocol::RecordBatchView& batch) { return replay.apply(batch); }));
  loaded_ = true;
  bytes_since_snapshot_ = log->size_bytes();
  last_snapshot_bytes_ = 0;
  for (const auto& [group, offsets] : replay.offsets()) {
    for (const auto& [tp, c] : offsets) {
      last_snapshot_bytes_ += offset_record_bytes({group, tp.first, tp.second, c});
    }
  }
  return replay;
}

awaitable<bool> OffsetsPartition::wait_until_writable() {
  while (held_ && !stopped_) co_await released_.wait();
  co_return !stopped_;
}

void OffsetsPartition::write(const std::shared_ptr<std::vector<std::byte>>& batch,
                             std::function<void(Status)> done) {
  storage::PartitionLog* log = partition_.log();
  if (stopped_ || log == nullptr) {
    asio::post(executor_, [done = std::move(done), id = id()] {
      done(Status::unavailable("offsets partition " + std::to_string(id) + " takes no writes now"));
    });
    return;
  }
  ++in_flight_;
  bytes_since_snapshot_ += batch->size();
  log->append(*batch, [self = shared_from_this(), batch,
                       done = std::move(done)](const Result<storage::AppendResult>& r) {
    done(r.status());
    if (--self->in_flight_ == 0) self->quiet_.notify_all();
  });
}

bool OffsetsPartition::may_expire(GroupTime now) const {
  return loaded_ && writable() && now >= expiry_backoff_.retry_at;
}

void OffsetsPartition::expiry_written(const Status& status, GroupTime now) {
  if (status.is_ok()) {
    expiry_backoff_.succeeded();
    return;
  }
  expiry_backoff_.failed(now);
  spdlog::warn(
      "offsets partition {}: deleting expired offsets failed ({}); they stay until a retry "
      "in {} ms succeeds",
      id(), status.to_string(), expiry_backoff_.delay.count());
}

bool OffsetsPartition::snapshot_due(GroupTime now, uint64_t min_bytes) const {
  return loaded_ && !stopped_ && !snapshot_running_ && now >= snapshot_backoff_.retry_at &&
         bytes_since_snapshot_ > std::max(min_bytes, last_snapshot_bytes_);
}

void OffsetsPartition::release_writes() {
  held_ = false;
  released_.notify_all();
}

awaitable<void> OffsetsPartition::snapshot(std::shared_ptr<OffsetsPartition> self,
                                           LiveOffsets live_offsets, GroupTime now) {
  self->snapshot_running_ = true;
  self->held_ = true;
  while (self->in_flight_ > 0 && !self->stopped_) co_await self->quiet_.wait();
  storage::PartitionLog* log = self->partition_.log();
  if (self->stopped_ || log == nullptr) {
    self->release_writes();
    self->snapshot_running_ = false;
    co_return;
  }
  std::vector<OffsetRecord> entries = live_offsets();
  auto batches = encode_offset_snapshot(snapshot_id(), entries, system_now(), kSnapshotBatchBytes);
  struct Outcome {
    explicit Outcome(const asio::any_io_executor& ex, size_t n) : remaining(n), done(ex) {}
    size_t remaining;
    Status status;
    Offset begin;
    Notifier done;
  };
  auto outcome = std::make_shared<Outcome>(self->executor_, batches.size());
  uint64_t superseded = self->bytes_since_snapshot_;
  uint64_t bytes = 0;
  for (size_t i = 0; i < batches.size(); ++i) {
    auto batch = std::make_shared<std::vector<std::byte>>(std::move(batches[i]));
    bytes += batch->size();
    log->append(*batch, [batch, outcome, first = i == 0](Result<storage::AppendResult> r) {
      if (!r) {
        if (outcome->status.is_ok()) outcome->status = r.error();
      } else if (first) {
        outcome->begin = r->base_offset;
      }
      if (--outcome->remaining == 0) outcome->done.notify_all();
    });
  }
  // Everything appended from here on lies after the snapshot's end.
  self->release_writes();
  while (outcome->remaining > 0) co_await outcome->done.wait();
  self->snapshot_running_ = false;
  if (self->stopped_) co_return;
  if (!outcome->status.is_ok()) {
    self->snapshot_backoff_.failed(now);
    spdlog::warn("offsets partition {}: snapshot of {} offsets failed ({}); retrying in {} ms",
                 self->id(), entries.size(), outcome->status.to_string(),
                 self->snapshot_backoff_.delay.count());
    co_return;
  }
  self->snapshot_backoff_.succeeded();
  self->bytes_since_snapshot_ -= std::min(superseded, self->bytes_since_snapshot_);
  self->last_snapshot_bytes_ = bytes;
  // Everything before the snapshot is superseded by it.
  auto deleted = log->delete_segments_before(outcome->begin);
  if (!deleted) {
    spdlog::warn("offsets partition {}: {}", self->id(), deleted.error().to_string());
  } else {
    spdlog::debug("offsets partition {}: snapshot of {} offsets in {} batches; {} segments deleted",
                  self->id(), entries.size(), batches.size(), *deleted);
  }
}

void OffsetsPartition::stop() {
  stopped_ = true;
  release_writes();
  quiet_.notify_all();
}

}  // namespace cairn::broker
