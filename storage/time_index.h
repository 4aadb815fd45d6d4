#pragma once

// TimeIndex: the sparse map from timestamps to offsets in one segment.
//
// An entry (T, O) says: every record in this segment before offset O has a timestamp <= T.
// T is the running maximum of the batches' max timestamps before O, so entries never decrease
// in T and increase strictly in O. An entry is added beside each offset index entry (except for
// a segment's first batch), and a final entry (segment max timestamp, segment end offset) is
// written when the segment is sealed. To find the first offset with a timestamp >= t, start at
// the O of the last entry whose T < t and scan batches forward (FORMAT.md, "Time index").
// Owned by its Segment, on the partition's core.

#include <cstdint>
#include <optional>
#include <vector>

#include "protocol/status.h"
#include "protocol/types.h"
#include "storage/io/io_backend.h"

namespace cairn::storage {

class TimeIndex {
 public:
  struct Entry {
    Timestamp timestamp;
    Offset offset;
  };

  explicit TimeIndex(Offset base_offset) : base_offset_(base_offset) {}

  // Adds (timestamp, offset) unless it says nothing new: the timestamp must not be below the
  // last entry's and the offset must be above it.
  void maybe_append(Timestamp timestamp, Offset offset);
  // Where a scan for the first record with a timestamp >= `timestamp` may start: the offset of
  // the last entry whose timestamp is below it, or nullopt for the segment's start.
  std::optional<Offset> scan_start(Timestamp timestamp) const;
  std::optional<Entry> last() const;
  size_t size() const { return entries_.size(); }
  Entry entry(size_t i) const;
  void clear() { entries_.clear(); }

  std::vector<std::byte> encode() const;
  // Decodes a .timeindex file of a segment holding `offset_count` offsets. Checks the entry
  // size, the order of the entries and that offsets stay within [1, offset_count].
  static Result<TimeIndex> decode(Offset base_offset, Bytes bytes, int64_t offset_count);

 private:
  struct Raw {
    Timestamp timestamp;
    uint32_t relative_offset;
  };

  Offset base_offset_;
  std::vector<Raw> entries_;
};

}  // namespace cairn::storage
