// Syncing, rolling and sealing: how what a PartitionLog appended becomes durable, and recorded
// as such in the recovery point (FORMAT.md, "recovery-point"). The active segment is synced when
// the policy's timer fires or a flush asks, and the recovery point's record of its synced bytes
// is rewritten as they grow. A roll starts a new active segment, writes a producer snapshot and
// hands the old segment to sealing: its log is synced, its index files written, and the recovery
// point moved past it, off the core's thread and one segment at a time.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "storage/partition_log.h"
#include "storage/producer_snapshots.h"

namespace cairn::storage {

void PartitionLog::sync_active() {
  syncing_active_ = true;
  uint64_t covered = writes_completed_;
  std::shared_ptr<Segment> active = segments_.back();
  uint64_t size = active->size_bytes();
  size_t appends = std::exchange(appends_unsynced_, 0);
  auto started = std::chrono::steady_clock::now();
  io_.async_sync(*active->log(), [this, alive = std::weak_ptr<bool>(alive_), active, covered, size,
                                  appends, started](const Status& s) {
    if (alive.expired()) return;
    syncing_active_ = false;
    if (observer_) {
      if (s.is_ok()) {
        observer_->on_group_synced(appends, std::chrono::steady_clock::now() - started);
      } else {
        observer_->on_error(StorageOperation::kFsync);
      }
    }
    if (!s.is_ok()) {
      fence(Status::io_error(s.message() + "; the partition refuses writes until it is reopened"));
    } else {
      writes_synced_ = std::max(writes_synced_, covered);
      if (active == segments_.back()) active_synced_bytes_ = std::max(active_synced_bytes_, size);
      maybe_record_synced();
    }
    maybe_finish_flush();
  });
}

bool PartitionLog::should_roll(uint64_t next_batch_bytes) const {
  const Segment& active = *segments_.back();
  if (active.empty()) return false;
  if (active.size_bytes() + next_batch_bytes > config_.segment_bytes) return true;
  auto first = active.first_append_time();
  return first && config_.clock() - *first >= config_.segment_age;
}

Status PartitionLog::roll() {
  // Sealed segments hold no preallocated zeros: the cut is made durable by the seal's sync.
  CAIRN_RETURN_IF_ERROR(segments_.back()->release_preallocated(io_));
  preallocation_off_ = false;  // tried again in the new segment
  Offset base = segments_.back()->next_offset();
  write_producer_snapshot(base);
  auto segment = Segment::create(io_, dir_, base, config_.index_interval_bytes);
  if (!segment) return segment.error().with_context("rolling to a new segment");
  Status s = io_.sync_directory(dir_);
  if (!s.is_ok()) {
    (*segment)->remove_files(io_).ignore_error();
    return s.with_context("rolling to a new segment");
  }
  sealing_.push_back(segments_.back());
  segments_.push_back(std::move(*segment));
  active_synced_bytes_ = 0;
  maybe_seal();
  if (auto deleted = enforce_retention(); !deleted) {
    spdlog::warn("{}: retention: {}", dir_.string(), deleted.error().to_string());
  }
  return Status::ok();
}

void PartitionLog::write_producer_snapshot(Offset at) {
  ++background_;
  io_.async_run(
      [&io = io_, dir = dir_, at, bytes = take_producer_snapshot(at)] {
        return write_producer_snapshot_file(io, dir, at, bytes);
      },
      [this, alive = std::weak_ptr<bool>(alive_)](const Status& s) {
        if (alive.expired()) return;
        --background_;
        if (!s.is_ok()) {
          // Not fatal: the state is rebuilt from the log, from an older snapshot.
          spdlog::warn("{}: writing a producer snapshot: {}", dir_.string(), s.to_string());
        }
        maybe_finish_flush();
      });
}

std::vector<std::byte> PartitionLog::take_producer_snapshot(Offset at) {
  // Idle producers are forgotten, by the broker's clock, as Kafka does with
  // producer.id.expiration.ms: a retry comes within seconds, not after this long.
  producers_.expire(config_.clock() - config_.producer_expiry);
  return producers_.encode(at);
}

void PartitionLog::maybe_seal() {
  if (sealing_in_flight_ || sealing_.empty()) return;
  sealing_in_flight_ = true;
  std::shared_ptr<Segment> segment = sealing_.front();
  io_.async_sync(
      *segment->log(), [this, alive = std::weak_ptr<bool>(alive_), segment](const Status& synced) {
        if (alive.expired()) return;
        auto next = [this] {
          sealing_in_flight_ = false;
          sealing_.pop_front();
          maybe_seal();
          maybe_finish_flush();
        };
        if (!synced.is_ok()) {
          fence(synced.with_context("sealing segment " + segment->log_path().filename().string()));
          seal_failed_ = true;
          return next();
        }
        unindexed_.push_back(segment);
        write_seal(next);
      });
}

void PartitionLog::write_seal(std::function<void()> then) {
  std::vector<Segment::IndexFiles> files;
  for (const auto& segment : unindexed_) files.push_back(segment->seal_indexes());
  Offset point = unindexed_.back()->next_offset();
  // The point is the base of the segment after the newest sealed one: what of it is synced.
  uint64_t synced = segments_.back()->base_offset() == point ? active_synced_bytes_ : 0;
  bool move_point = !seal_failed_;
  seal_writing_ = true;
  ++background_;
  io_.async_run(
      [&io = io_, dir = dir_, files = std::move(files), point, synced, move_point]() -> Status {
        for (const auto& f : files) CAIRN_RETURN_IF_ERROR(Segment::write_index_files(io, f));
        if (!move_point) return Status::ok();
        return write_recovery_point(io, dir, point, synced);
      },
      [this, alive = std::weak_ptr<bool>(alive_), indexed = unindexed_.size(), point, synced,
       move_point, then = std::move(then)](const Status& s) {
        if (alive.expired()) return;
        seal_writing_ = false;
        --background_;
        if (s.is_ok()) {
          unindexed_.erase(unindexed_.begin(),
                           unindexed_.begin() + static_cast<std::ptrdiff_t>(indexed));
          if (move_point) {
            recovery_point_ = point;
            recovery_point_synced_ = synced;
          }
        } else {
          // Recovery rebuilds missing indexes; the recovery point just must not pass them yet.
          spdlog::warn("{}: sealing: {}; retried at the next seal", dir_.string(), s.to_string());
        }
        then();
        maybe_record_synced();
      });
}

void PartitionLog::maybe_record_synced() {
  if (seal_writing_ || hint_writing_ || seal_failed_ || closing_ || closed_ || sealing_in_flight_ ||
      !sealing_.empty() || !unindexed_.empty()) {
    return;
  }
  // The synced bytes describe the segment holding the point: only useful when that is the
  // active one (a seal moves the point there).
  if (recovery_point_ < segments_.back()->base_offset()) return;
  if (active_synced_bytes_ < recovery_point_synced_ + config_.synced_hint_bytes) return;
  hint_writing_ = true;
  ++background_;
  Offset point = recovery_point_;
  uint64_t synced = active_synced_bytes_;
  io_.async_run([&io = io_, dir = dir_, point,
                 synced] { return write_recovery_point(io, dir, point, synced); },
                [this, alive = std::weak_ptr<bool>(alive_), synced](const Status& s) {
                  if (alive.expired()) return;
                  hint_writing_ = false;
                  --background_;
                  if (s.is_ok()) {
                    recovery_point_synced_ = synced;
                    maybe_record_synced();
                  } else {
                    spdlog::debug("{}: recording the synced bytes: {}", dir_.string(),
                                  s.to_string());
                  }
                  maybe_finish_flush();
                });
}

Status PartitionLog::leave_clean_start() {
  if (!clean_start_) return Status::ok();
  const Segment& active = *segments_.back();
  CAIRN_RETURN_IF_ERROR(write_recovery_point(io_, dir_, active.base_offset(), active_synced_bytes_)
                            .with_context("recording that the active segment is open for writes"));
  recovery_point_ = active.base_offset();
  recovery_point_synced_ = active_synced_bytes_;
  clean_start_ = false;
  return Status::ok();
}

}  // namespace cairn::storage
