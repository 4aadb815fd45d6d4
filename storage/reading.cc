// Reading a PartitionLog: slices of whole batches for fetches (up to the log end, or up to a
// replicated partition's high watermark) and the offset for a timestamp.
#include <algorithm>
#include <iterator>

#include "storage/partition_log.h"

namespace cairn::storage {

Result<LogSlice> PartitionLog::read(Offset from, uint32_t max_bytes) const {
  if (from < log_start_offset()) {
    return Status::out_of_range("offset " + from.to_string() + " is before the log start " +
                                log_start_offset().to_string());
  }
  if (from > high_watermark()) {
    return Status::out_of_range("offset " + from.to_string() + " is past the log end " +
                                high_watermark().to_string());
  }
  if (from == high_watermark()) return LogSlice{nullptr, FilePosition(0), 0, from, from};
  auto it = std::upper_bound(
      segments_.begin(), segments_.end(), from,
      [](Offset o, const std::shared_ptr<Segment>& s) { return o < s->base_offset(); });
  return (*std::prev(it))->read(from, max_bytes);
}

Result<std::optional<Offset>> PartitionLog::offset_for_timestamp(Timestamp ts) const {
  for (const auto& segment : segments_) {
    auto max = segment->max_timestamp();
    if (!max || *max < ts) continue;
    auto found = segment->find_offset_for_timestamp(ts);
    if (!found || *found) return found;
  }
  return std::optional<Offset>();
}

Result<LogSlice> PartitionLog::read(Offset from, uint32_t max_bytes, Offset end) const {
  auto slice = read(from, max_bytes);
  if (!slice || slice->next_offset <= end) return slice;
  LogSlice empty{nullptr, FilePosition(0), 0, from, from};
  if (from >= end) return empty;
  // The slice lies in one segment, which holds `end` too: cut it where that batch starts.
  auto holder = std::prev(std::upper_bound(
      segments_.begin(), segments_.end(), end,
      [](Offset o, const std::shared_ptr<Segment>& s) { return o < s->base_offset(); }));
  auto cut = (*holder)->find_batch(end);
  if (!cut) return cut.error();
  if (cut->position.value() <= slice->position.value()) return empty;
  slice->size_bytes = static_cast<uint32_t>(cut->position.value() - slice->position.value());
  slice->next_offset = cut->header.base_offset;
  return slice;
}

}  // namespace cairn::storage
