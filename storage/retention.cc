// Retention (FORMAT.md, "Retention"): which of a PartitionLog's oldest segments are deleted, and
// the deleting. Whole segments only, oldest first, never the active one, and never a segment still
// being sealed (its sync, or its index files, in flight).
#include <spdlog/spdlog.h>

#include <algorithm>

#include "storage/offset_checkpoint.h"
#include "storage/partition_log.h"

namespace cairn::storage {

Result<size_t> PartitionLog::enforce_retention() {
  // A compact-only topic keeps its segments (the cleaner shrinks them instead), but for those
  // wholly below a log start that DeleteRecords moved.
  const bool by_limits = config_.cleanup.delete_old &&
                         (config_.retention_bytes.has_value() || config_.retention_age.has_value());
  if (!by_limits && segments_.front()->next_offset() > log_start_) return size_t{0};
  Timestamp now = config_.clock();
  uint64_t total = size_bytes();
  return delete_oldest_while([&](const Segment& oldest) -> const char* {
    if (oldest.next_offset() <= log_start_) {
      total -= oldest.size_bytes();
      return "deleted records";
    }
    if (!by_limits) return nullptr;
    if (config_.retention_bytes && total - oldest.size_bytes() >= *config_.retention_bytes) {
      total -= oldest.size_bytes();
      return "size";
    }
    auto newest = oldest.max_timestamp();
    if (config_.retention_age && newest && now - *newest > *config_.retention_age) {
      total -= oldest.size_bytes();
      return "age";
    }
    return nullptr;
  });
}

Result<Offset> PartitionLog::delete_records_before(Offset offset) {
  if (offset > high_watermark()) {
    return Status::out_of_range("offset " + offset.to_string() + " is past the log end " +
                                high_watermark().to_string());
  }
  if (offset <= log_start_offset()) return log_start_offset();
  CAIRN_RETURN_IF_ERROR(write_offset_checkpoint(io_, dir_, kLogStartCheckpoint, offset));
  log_start_ = offset;
  spdlog::info("{}: log start moved to {} (records deleted)", dir_.string(), offset.value());
  // The segments below go now; one that cannot be deleted yet goes at a later pass (unreadable
  // meanwhile).
  if (auto deleted = delete_segments_before(offset); !deleted) {
    spdlog::warn("{}: deleting segments below {}: {}", dir_.string(), offset.value(),
                 deleted.error().to_string());
  }
  return log_start_offset();
}

Result<size_t> PartitionLog::delete_segments_before(Offset offset) {
  return delete_oldest_while([offset](const Segment& oldest) -> const char* {
    return oldest.next_offset() <= offset ? "offset" : nullptr;
  });
}

Result<size_t> PartitionLog::delete_oldest_while(
    const std::function<const char*(const Segment&)>& reason) {
  size_t deleted = 0;
  while (segments_.size() > 1) {
    const std::shared_ptr<Segment>& oldest = segments_.front();
    if (std::find(sealing_.begin(), sealing_.end(), oldest) != sealing_.end()) break;
    // A compaction pass is reading it (and will replace its file): it waits for the pass.
    if (compaction_ && std::find(compaction_->segments().begin(), compaction_->segments().end(),
                                 oldest) != compaction_->segments().end()) {
      break;
    }
    auto unindexed = std::find(unindexed_.begin(), unindexed_.end(), oldest);
    if (unindexed != unindexed_.end() && seal_writing_) break;  // its index files are being written
    const char* why = reason(*oldest);
    if (why == nullptr) break;
    CAIRN_RETURN_IF_ERROR(oldest->remove_files(io_));
    if (unindexed != unindexed_.end()) unindexed_.erase(unindexed);
    spdlog::info("{}: deleted segment {} ({} bytes, by {})", dir_.string(),
                 oldest->base_offset().value(), oldest->size_bytes(), why);
    segments_.erase(segments_.begin());
    ++deleted;
  }
  if (deleted > 0) CAIRN_RETURN_IF_ERROR(io_.sync_directory(dir_));
  return deleted;
}

}  // namespace cairn::storage
