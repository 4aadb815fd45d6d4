// A partition's clean close (begin_close, close: what the next open trusts without recovery) and
// PartitionLog::close_all, closing a broker's partitions at once for a clean stop.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "storage/offset_checkpoint.h"
#include "storage/partition_log.h"
#include "storage/producer_snapshots.h"

namespace cairn::storage {

void PartitionLog::begin_close() { closing_ = true; }

Status PartitionLog::close() {
  if (closed_) return Status::ok();
  if (!idle()) {
    // The recovery point would leave out what is still in flight.
    return Status::unavailable("partition " + dir_.string() +
                               " has writes in flight; flush before closing");
  }
  closed_ = true;
  cancel_sync_timer();
  if (!write_status_.is_ok()) return write_status_;  // leave recovery to the next open
  // Nothing written since a clean open: the files are as the last clean close left them.
  if (clean_start_) return Status::ok();
  Segment& active = *segments_.back();
  // A clean close leaves the file as long as its batches (what a clean start expects).
  CAIRN_RETURN_IF_ERROR(active.release_preallocated(io_));
  CAIRN_RETURN_IF_ERROR(io_.sync_file(*active.log()));
  for (const auto& segment : unindexed_) CAIRN_RETURN_IF_ERROR(segment->write_indexes(io_));
  unindexed_.clear();
  CAIRN_RETURN_IF_ERROR(active.write_indexes(io_));
  if (std::exchange(epochs_unwritten_, false)) {
    if (Status s = write_leader_epoch_checkpoint(io_, dir_, epochs_); !s.is_ok()) {
      spdlog::warn("{}: writing the leader epoch checkpoint: {}", dir_.string(), s.to_string());
    }
  }
  Offset end = active.next_offset();
  if (Status s = write_producer_snapshot_file(io_, dir_, end, take_producer_snapshot(end));
      !s.is_ok()) {
    // Not fatal: the state is rebuilt from the log, from an older snapshot.
    spdlog::warn("{}: writing a producer snapshot: {}", dir_.string(), s.to_string());
  }
  return write_recovery_point(io_, dir_, end, active.size_bytes());
}

std::vector<Status> PartitionLog::close_all(std::span<PartitionLog* const> logs, size_t threads) {
  std::vector<Status> statuses(logs.size());
  threads = std::clamp<size_t>(threads, 1, std::max<size_t>(logs.size(), 1));
  if (threads == 1) {
    for (size_t i = 0; i < logs.size(); ++i) statuses[i] = logs[i]->close();
    return statuses;
  }
  // Each thread takes the next log not yet taken: the closes share nothing but the file system.
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < logs.size(); i = next++) statuses[i] = logs[i]->close();
  };
  std::vector<std::jthread> pool;
  pool.reserve(threads);
  for (size_t t = 0; t < threads; ++t) pool.emplace_back(work);
  pool.clear();  // joins
  return statuses;
}

}  // namespace cairn::storage
