#pragma once

// OffsetIndex: the sparse map from offsets to byte positions in one segment's .log file.
//
// One entry per `index_interval_bytes` of log (the first batch of a segment always has one):
// the base offset of a batch, relative to the segment's base offset, and that batch's position.
// Entries increase strictly in both fields. A lookup finds the last entry at or before the
// target offset; the caller scans forward from its position. The index of the active segment
// lives in memory and is written to its .index file when the segment is sealed or closed; the
// file carries no checksum and recovery rebuilds it from the log (FORMAT.md, "Offset index").
// Owned by its Segment, on the partition's core.

#include <cstdint>
#include <optional>
#include <vector>

#include "protocol/status.h"
#include "protocol/types.h"
#include "storage/file_position.h"
#include "storage/io/io_backend.h"

namespace cairn::storage {

class OffsetIndex {
 public:
  struct Entry {
    Offset offset;
    FilePosition position;
  };

  explicit OffsetIndex(Offset base_offset) : base_offset_(base_offset) {}

  // Requires offset and position greater than the last entry's.
  void append(Offset offset, FilePosition position);
  // The last entry at or before `target`, or nullopt when `target` precedes every entry.
  std::optional<Entry> floor(Offset target) const;
  // The last entry whose position is at or before `position`, or nullopt.
  std::optional<Entry> floor_position(FilePosition position) const;
  std::optional<Entry> last() const;
  size_t size() const { return entries_.size(); }
  Entry entry(size_t i) const;
  void clear() { entries_.clear(); }

  std::vector<std::byte> encode() const;
  // Decodes an .index file of a segment whose .log holds `log_size` bytes and `offset_count`
  // offsets. Checks the entry size, that both fields increase strictly and stay in bounds.
  static Result<OffsetIndex> decode(Offset base_offset, Bytes bytes, uint64_t log_size,
                                    int64_t offset_count);

 private:
  struct Raw {
    uint32_t relative_offset;
    uint32_t position;
  };

  Offset base_offset_;
  std::vector<Raw> entries_;
};

}  // namespace cairn::storage
