#include "storage/log_replay.h"

#include <vector>

#include "storage/partition_log.h"

namespace cairn::storage {

Status replay_log(const PartitionLog& log,
                  const std::function<Status(const protocol::RecordBatchView&)>& apply) {
  constexpr uint32_t kReadBytes = 4 << 20;
  Offset next = log.log_start_offset();
  while (next < log.high_watermark()) {
    auto slice = log.read(next, kReadBytes);
    if (!slice) return slice.error();
    std::vector<std::byte> bytes(slice->size_bytes);
    auto n = slice->file->read_at(slice->position, bytes);
    if (!n) return n.error();
    protocol::BatchIterator batches(bytes, protocol::Verify::kStored);
    while (auto batch = batches.next()) {
      CAIRN_RETURN_IF_ERROR(apply(*batch).with_context("in the batch at offset " +
                                                       batch->header().base_offset.to_string()));
    }
    if (!batches.status().is_ok()) {
      return batches.status().with_context("reading from offset " + next.to_string());
    }
    next = slice->next_offset;
  }
  return Status::ok();
}

}  // namespace cairn::storage
