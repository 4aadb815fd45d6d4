// A partition's open: recovery of what the directory holds (recovery.cc), the recovery point,
// the log start, producer state and leader epochs, and the partition made ready to append.

#include <spdlog/spdlog.h>

#include <algorithm>

#include "storage/compaction_job.h"
#include "storage/offset_checkpoint.h"
#include "storage/partition_log.h"
#include "storage/producer_snapshots.h"
#include "storage/recovery.h"
#include "storage/txn_markers.h"

namespace cairn::storage {

Result<std::unique_ptr<PartitionLog>> PartitionLog::open(IoBackend& io, std::filesystem::path dir,
                                                         PartitionConfig config) {
  CAIRN_RETURN_IF_ERROR(config.validate());
  auto listing = io.list_directory(dir);
  if (!listing) {
    if (!listing.error().is_not_found()) return listing.error();
    CAIRN_RETURN_IF_ERROR(io.create_directory(dir));
    CAIRN_RETURN_IF_ERROR(io.sync_directory(dir.parent_path()));
  }
  if (listing) CAIRN_RETURN_IF_ERROR(finish_interrupted_swap(io, dir));
  auto recovered = recover_log(io, dir, config.index_interval_bytes);
  if (!recovered) return recovered.error();
  if (recovered->segments.empty()) {
    auto first = Segment::create(io, dir, Offset(0), config.index_interval_bytes);
    if (!first) return first.error();
    CAIRN_RETURN_IF_ERROR(io.sync_directory(dir));
    recovered->segments.push_back(std::move(*first));
  }
  const Segment& active = *recovered->segments.back();
  RecoveryPoint on_disk = recovered->recovery_point.value_or(RecoveryPoint{Offset(0), 0});
  uint64_t synced = 0;
  bool clean = left_by_clean_close(recovered->recovery_point, active);
  if (clean) {
    // A clean close synced the whole active segment and its indexes before recording this
    // point: nothing to sync, and the point stays until the first write (leave_clean_start()).
    synced = active.size_bytes();
    recovered->report.clean_start = true;
  } else {
    // Every byte of the active segment recovery kept is on the disk now; synced, it can be
    // recorded as such.
    synced = io.sync_file(*active.log()).is_ok() ? active.size_bytes() : 0;
    // From here on the active segment may change: it is no longer sealed. Serving what is
    // stored needs no free space, so a failed write (a full disk) leaves the old point, which
    // recovery handles: data after a point inside the last segment is verified like any
    // unsealed tail.
    if (Status s = write_recovery_point(io, dir, active.base_offset(), synced); !s.is_ok()) {
      spdlog::warn(
          "{}: could not write the recovery point ({}); serving the partition with the "
          "one on disk",
          dir.string(), s.to_string());
    } else {
      on_disk = RecoveryPoint{active.base_offset(), synced};
    }
  }
  std::unique_ptr<PartitionLog> log(
      new PartitionLog(io, std::move(dir), std::move(config), std::move(*recovered)));
  log->recovery_point_ = on_disk.offset;
  log->recovery_point_synced_ = on_disk.synced_bytes.value_or(0);
  log->active_synced_bytes_ = synced;
  log->clean_start_ = clean;
  log->cleaner_checkpoint_ = read_cleaner_checkpoint(io, log->dir_);
  // A log start past the log end (a tail lost in a crash under a lax policy) is the log end.
  log->log_start_ =
      std::min(read_offset_checkpoint(io, log->dir_, kLogStartCheckpoint).value_or(Offset(0)),
               log->high_watermark());
  auto rebuilt = stale_sealed_txn_indexes(log->segments_, on_disk.offset);
  auto producers = recover_producer_state(io, log->dir_, log->segments_, log->config_.max_producers,
                                          log->config_.clock());
  if (!producers) return producers.error();
  log->producers_ = std::move(*producers);
  write_rebuilt_txn_indexes(io, rebuilt);
  CAIRN_RETURN_IF_ERROR(log->load_leader_epochs());
  return log;
}

}  // namespace cairn::storage
