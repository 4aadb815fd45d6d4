// Retention (FORMAT.md, "Retention"): which of a PartitionLog's oldest segments are deleted, and
// the deleting. Whole segments only, oldest first, never the active one, and never a segment still
// being sealed (its sync, or its index files, in flight).
#include <spdlog/spdlog.h>

#include <algorithm>

#include "storage/partition_log.h"

namespace cairn::storage {

Result<size_t> PartitionLog::enforce_retention() {
  if (!config_.retention_bytes && !config_.retention_age) return size_t{0};
  Timestamp now = config_.clock();
  uint64_t total = size_bytes();
  return delete_oldest_while([&](const Segment& oldest) -> const char* {
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
