#include "storage/partition_config.h"

#include <string>

#include "protocol/wire_format.h"
#include "storage/format.h"

namespace cairn::storage {

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
  if (durability.kind == DurabilityPolicy::Kind::kInterval && durability.interval.count() <= 0) {
    return Status::invalid_argument("sync interval must be > 0");
  }
  return Status::ok();
}

}  // namespace cairn::storage
