// Replication in a PartitionLog: appending a leader's batches at its offsets, the leader epochs
// and their checkpoint (FORMAT.md, "Leader epochs"), cutting a divergent tail off
// (FORMAT.md, "Truncation") and restarting an emptied log at a later offset.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "storage/batch_scanner.h"
#include "storage/compaction_job.h"
#include "storage/format.h"
#include "storage/offset_checkpoint.h"
#include "storage/partition_log.h"
#include "storage/producer_snapshots.h"

namespace cairn::storage {

void PartitionLog::append_replica(std::span<std::byte> batch, AppendCallback done) {
  auto view = admit(batch, protocol::Verify::kStored);
  if (!view) return fail_later(std::move(done), view.error());
  queue_.push_back(Pending{batch, view->header(), std::move(done), {}, /*replica=*/true});
  maybe_write();
}

Status PartitionLog::take_replica_batch(const Pending& p, Offset next) {
  if (p.header.base_offset != next) {
    return Status::out_of_order("a replica batch at offset " + p.header.base_offset.to_string() +
                                " does not continue the log at " + next.to_string());
  }
  auto latest = epochs_.latest_epoch();
  if (latest && p.header.leader_epoch < *latest) {
    return Status::invalid_argument("a replica batch of leader epoch " +
                                    std::to_string(p.header.leader_epoch) +
                                    " is older than the latest, " + std::to_string(*latest));
  }
  if (latest && p.header.leader_epoch == *latest) return Status::ok();
  LeaderEpochCache before = epochs_;
  auto changed = epochs_.assign(p.header.leader_epoch, p.header.base_offset);
  if (!changed) return changed.error();
  if (!epochs_on_disk_) epochs_on_disk_ = std::move(before);
  return Status::ok();
}

Status PartitionLog::set_leader_epoch(int32_t epoch) {
  if (writing_ || !queue_.empty()) {
    return Status::unavailable("partition " + dir_.string() +
                               " has appends in flight; a new leader epoch starts after them");
  }
  LeaderEpochCache next = epochs_;
  auto changed = next.assign(epoch, high_watermark());
  if (!changed) return changed.error();
  if (*changed) CAIRN_RETURN_IF_ERROR(write_leader_epoch_checkpoint(io_, dir_, next));
  epochs_ = std::move(next);
  leader_epoch_ = epoch;
  return Status::ok();
}

Status PartitionLog::load_leader_epochs() {
  auto stored = read_leader_epoch_checkpoint(io_, dir_);
  if (!stored && !stored.error().is_not_found()) {
    spdlog::warn("{}: {}; rebuilding it from the log", dir_.string(), stored.error().to_string());
  }
  int32_t log_epoch = -1;  // the epoch of the log's last batch
  for (auto it = segments_.rbegin(); it != segments_.rend() && log_epoch < 0; ++it) {
    if (!(*it)->empty()) log_epoch = (*it)->last_leader_epoch();
  }
  bool rewrite = false;
  if (stored && stored->latest_epoch().value_or(-1) >= log_epoch) {
    epochs_ = std::move(*stored);
    rewrite = epochs_.drop_past(high_watermark());
  } else {
    // Missing, damaged, or cut back before the log was (a crash during truncate_to()): the
    // batch headers say it all. Epochs never decrease, so a segment whose first and last
    // batches have the same epoch holds no other: only the others are read through.
    epochs_ = LeaderEpochCache();
    for (const auto& segment : segments_) {
      if (segment->empty() || segment->last_leader_epoch() == epochs_.latest_epoch()) continue;
      BatchScanner scanner(*segment->log(), FilePosition(0), segment->size_bytes(),
                           BatchScanner::Mode::kHeaders);
      auto first = scanner.next();
      if (first && first->header.leader_epoch == segment->last_leader_epoch()) {
        auto changed = epochs_.assign(first->header.leader_epoch, first->header.base_offset);
        if (!changed) return changed.error().with_context(segment->log_path().string());
        continue;
      }
      for (auto item = first; item; item = scanner.next()) {
        auto changed = epochs_.assign(item->header.leader_epoch, item->header.base_offset);
        if (!changed) return changed.error().with_context(segment->log_path().string());
      }
      CAIRN_RETURN_IF_ERROR(scanner.status());
    }
    rewrite = !epochs_.entries().empty();
  }
  leader_epoch_ = std::max(config_.leader_epoch, epochs_.latest_epoch().value_or(0));
  // The epoch this log stamps starts at the log end unless the log already holds it. Not
  // written: the next open derives it the same way, and a newer epoch's entry is written before
  // its first batch (so opening a new partition costs no extra file).
  if (auto assigned = epochs_.assign(leader_epoch_, high_watermark()); !assigned) {
    return assigned.error();
  }
  if (!rewrite) return Status::ok();
  if (clean_start_) {
    // Nothing is written on a clean start: the checkpoint goes with the clean close that
    // follows a write, and until then every open derives it the same way.
    epochs_unwritten_ = true;
    return Status::ok();
  }
  if (Status s = write_leader_epoch_checkpoint(io_, dir_, epochs_); !s.is_ok()) {
    // Not fatal: the next open rebuilds it again; a newer epoch rewrites it before its data.
    spdlog::warn("{}: writing the leader epoch checkpoint: {}", dir_.string(), s.to_string());
  }
  return Status::ok();
}

Result<Offset> PartitionLog::truncate_to(Offset offset) {
  if (offset < log_start_offset()) {
    return Status::out_of_range("cannot truncate to " + offset.to_string() +
                                ", before the log start " + log_start_offset().to_string());
  }
  if (offset >= high_watermark()) return high_watermark();
  if (!idle() || compaction_ || !write_status_.is_ok() || closed_) {
    if (!write_status_.is_ok()) return write_status_;
    return Status::unavailable("partition " + dir_.string() +
                               " is busy; truncation waits until it is idle");
  }
  CAIRN_RETURN_IF_ERROR(leave_clean_start());
  auto holder = std::prev(std::upper_bound(
      segments_.begin(), segments_.end(), offset,
      [](Offset o, const std::shared_ptr<Segment>& s) { return o < s->base_offset(); }));
  std::shared_ptr<Segment> cut = *holder;
  FilePosition position(0);
  Offset new_end = cut->base_offset();
  if (offset > cut->base_offset()) {
    auto batch = cut->find_batch(offset);
    if (!batch) return batch.error();
    position = batch->position;
    new_end = batch->header.base_offset;
  }
  spdlog::warn("{}: truncating the log from {} to {}", dir_.string(), high_watermark().to_string(),
               new_end.to_string());
  // The order makes every crash point safe. The checkpoint first: behind the log, it is rebuilt
  // from the batch headers on open. Then the recovery point, so nothing past the cut counts as
  // sealed. Then the segments after the cut, newest first, each removal synced, so the log
  // stays a valid prefix. Then the cut segment's tail and its index files, which described it.
  LeaderEpochCache epochs = epochs_;
  if (epochs.truncate_from(new_end)) {
    CAIRN_RETURN_IF_ERROR(write_leader_epoch_checkpoint(io_, dir_, epochs));
  }
  epochs_ = std::move(epochs);
  auto fail = [this](const Status& s) {
    fence(s.with_context("truncating the log; the partition refuses writes until it is reopened"));
    return write_status_;
  };
  Status s = io_.sync_file(*cut->log());
  if (s.is_ok()) {
    bool point_in_cut = recovery_point_ >= cut->base_offset();
    Offset point = point_in_cut ? cut->base_offset() : recovery_point_;
    uint64_t synced = point_in_cut ? position.value() : recovery_point_synced_;
    s = write_recovery_point(io_, dir_, point, synced);
    if (s.is_ok()) recovery_point_ = point, recovery_point_synced_ = synced;
  }
  for (auto it = segments_.end(); s.is_ok() && it != std::next(holder);) {
    --it;
    s = (*it)->remove_files(io_);
    if (s.is_ok()) s = io_.sync_directory(dir_);
  }
  if (s.is_ok()) s = io_.truncate(*cut->log(), position.value());
  if (s.is_ok()) s = io_.sync_file(*cut->log());
  if (s.is_ok()) s = remove_file_if_exists(io_, cut->offset_index_path());
  if (s.is_ok()) s = remove_file_if_exists(io_, cut->time_index_path());
  if (s.is_ok()) s = remove_file_if_exists(io_, cut->txn_index_path());
  if (s.is_ok()) s = io_.sync_directory(dir_);
  if (s.is_ok() && cleaner_checkpoint_ > new_end) {
    s = write_cleaner_checkpoint(io_, dir_, new_end);
    if (s.is_ok()) cleaner_checkpoint_ = new_end;
  }
  if (s.is_ok()) s = reload_segments();
  if (!s.is_ok()) return fail(s);
  if (listener_) listener_(high_watermark());
  return high_watermark();
}

Status PartitionLog::restart_at(Offset start) {
  // Before the end only while the log holds nothing but one empty segment: the new segment's
  // base must stay apart from, and an open must order it before, every segment left by a crash.
  const bool empty = segments_.size() == 1 && segments_.front()->empty();
  if (start == high_watermark() || (start < high_watermark() && !empty)) {
    return Status::invalid_argument("cannot restart the log at " + start.to_string() +
                                    ": not past its end " + high_watermark().to_string() +
                                    " (nor elsewhere in a log with no batch)");
  }
  if (!idle() || compaction_ || !write_status_.is_ok() || closed_) {
    if (!write_status_.is_ok()) return write_status_;
    return Status::unavailable("partition " + dir_.string() +
                               " is busy; restarting it waits until it is idle");
  }
  CAIRN_RETURN_IF_ERROR(leave_clean_start());
  spdlog::info("{}: emptying the log (offsets {} to {}) and restarting it at {}", dir_.string(),
               log_start_offset().to_string(), high_watermark().to_string(), start.to_string());
  // The order makes every crash point safe (FORMAT.md, "Restarting a log at an offset"). The log
  // start first: until the new segment is alone, an open clamps it to the old log's end. Then
  // what would outlive the old segments and describe them (epochs, producer snapshots): without
  // them an open derives both from the segments there are. Then the empty segment at the new
  // start, which an open removes while an older segment precedes it. Then the old segments,
  // oldest first, each removal synced, so the log stays a prefix-cut of the old one until only
  // the new segment is left.
  CAIRN_RETURN_IF_ERROR(write_offset_checkpoint(io_, dir_, kLogStartCheckpoint, start));
  auto fail = [this](const Status& s) {
    fence(s.with_context("restarting the log; the partition refuses writes until it is reopened"));
    return write_status_;
  };
  Status s = remove_file_if_exists(io_, dir_ / format::kLeaderEpochFile);
  if (s.is_ok()) {
    auto names = io_.list_directory(dir_);
    s = names ? Status::ok() : names.error();
    for (size_t i = 0; s.is_ok() && names && i < names->size(); ++i) {
      if ((*names)[i].ends_with(format::kSnapshotSuffix)) s = io_.remove_file(dir_ / (*names)[i]);
    }
  }
  if (s.is_ok()) s = io_.sync_directory(dir_);
  if (s.is_ok() && recovery_point_ > start) {
    // An empty log restarting below its end: no segment may look sealed past the new one.
    s = write_recovery_point(io_, dir_, start, 0);
    if (s.is_ok()) recovery_point_ = start, recovery_point_synced_ = 0;
  }
  if (s.is_ok()) {
    auto fresh = Segment::create(io_, dir_, start, config_.index_interval_bytes);
    s = fresh ? io_.sync_directory(dir_) : fresh.error();
  }
  for (auto it = segments_.begin(); s.is_ok() && it != segments_.end(); ++it) {
    s = (*it)->remove_files(io_);
    if (s.is_ok()) s = io_.sync_directory(dir_);
  }
  if (!s.is_ok()) return fail(s);
  log_start_ = start;
  epochs_on_disk_.reset();
  if (s = reload_segments(); s.is_ok()) s = load_leader_epochs();
  if (!s.is_ok()) return fail(s);
  if (listener_) listener_(high_watermark());
  return Status::ok();
}

Status PartitionLog::reload_segments() {
  auto recovered = recover_log(io_, dir_, config_.index_interval_bytes);
  if (!recovered) return recovered.error();
  if (recovered->segments.empty()) return Status::corruption("no segment is left after truncation");
  unindexed_.clear();
  segments_ = std::move(recovered->segments);
  Segment& active = *segments_.back();
  CAIRN_RETURN_IF_ERROR(io_.sync_file(*active.log()));
  active_synced_bytes_ = active.size_bytes();
  CAIRN_RETURN_IF_ERROR(
      write_recovery_point(io_, dir_, active.base_offset(), active_synced_bytes_));
  recovery_point_ = active.base_offset();
  recovery_point_synced_ = active_synced_bytes_;
  writes_synced_ = writes_completed_;
  auto producers =
      recover_producer_state(io_, dir_, segments_, config_.max_producers, config_.clock());
  if (!producers) return producers.error();
  producers_ = std::move(*producers);
  return Status::ok();
}

}  // namespace cairn::storage
