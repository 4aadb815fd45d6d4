#include "storage/partition_config.h"

#include <string>

#include "protocol/wire_format.h"
#include "storage/format.h"

namespace cairn::storage {

Result<CleanupPolicy> CleanupPolicy::parse(std::string_view text) {
  if (text == "delete") return CleanupPolicy{false, true};
  if (text == "compact") return CleanupPolicy{true, false};
  if (text == "compact,delete" || text == "delete,compact") return CleanupPolicy{true, true};
  return Status::invalid_argument("cleanup policy '" + std::string(text) +
                                  "' is none of delete, compact, compact,delete");
}

std::string CleanupPolicy::to_string() const {
  if (compact && delete_old) return "compact,delete";
  return compact ? "compact" : "delete";
}

Status PartitionConfig::validate() const {
  if (segment_bytes < protocol::batch::kHeaderSize || segment_bytes > format::kMaxSegmentBytes) {
    return Status::invalid_argument("segment size must be between " +
                                    std::to_string(protocol::batch::kHeaderSize) + " and " +
                                    std::to_string(format::kMaxSegmentBytes) + " bytes");
  }
  if (index_interval_bytes == 0) return Status::invalid_argument("index interval must be > 0");
  if (max_batch_bytes < protocol::batch::kHeaderSize ||
      max_batch_bytes > protocol::batch::kMaxBatchLength) {
    return Status::invalid_argument("max batch size out of bounds");
  }
  if (segment_age.count() <= 0) return Status::invalid_argument("segment age must be > 0");
  if (max_producers == 0) return Status::invalid_argument("max producers must be > 0");
  if (producer_expiry.count() <= 0) return Status::invalid_argument("producer expiry must be > 0");
  if (!cleanup.compact && !cleanup.delete_old) {
    return Status::invalid_argument("cleanup policy needs delete, compact or both");
  }
  if (compaction.min_lag.count() < 0) {
    return Status::invalid_argument("min compaction lag must be >= 0");
  }
  if (compaction.delete_retention.count() < 0) {
    return Status::invalid_argument("delete retention must be >= 0");
  }
  if (!(compaction.min_dirty_ratio >= 0.0 && compaction.min_dirty_ratio <= 1.0)) {
    return Status::invalid_argument("min cleanable dirty ratio must be between 0 and 1");
  }
  if (durability.kind == DurabilityPolicy::Kind::kInterval && durability.interval.count() <= 0) {
    return Status::invalid_argument("sync interval must be > 0");
  }
  return Status::ok();
}

}  // namespace cairn::storage
