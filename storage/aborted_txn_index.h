#pragma once

// AbortedTxnIndex: the aborted transactions whose abort marker lies in one segment (FORMAT.md,
// ".txnindex"). Each entry names the producer, the transaction's first offset (which may lie in
// an earlier segment), the offset of its abort marker (in this segment), and the partition's
// last stable offset when the abort was written. A `read_committed` fetch asks every segment
// from the one holding its start for the entries whose range overlaps what it returns, and
// drops those producers' batches in the range.
//
// Entries are appended in marker order, so their last offsets increase strictly. The index of
// the active segment lives in memory and is written to its .txnindex file when the segment is
// sealed or closed; the file carries no checksum and recovery rebuilds it from the log and the
// producer state. Owned by its Segment, on the partition's core.

#include <cstdint>
#include <vector>

#include "protocol/byte_io.h"
#include "protocol/status.h"
#include "protocol/types.h"

namespace cairn::storage {

struct AbortedTxn {
  int64_t producer_id = -1;
  Offset first_offset;
  Offset last_offset;         // the abort marker's offset
  Offset last_stable_offset;  // the partition's LSO once the abort was written

  bool operator==(const AbortedTxn&) const = default;
};

class AbortedTxnIndex {
 public:
  explicit AbortedTxnIndex(Offset base_offset) : base_offset_(base_offset) {}

  // Requires first_offset <= last_offset, last_offset in this segment and above the last
  // entry's.
  void append(const AbortedTxn& txn);
  // Every entry whose [first offset, last offset] overlaps [from, to), in marker order.
  std::vector<AbortedTxn> overlapping(Offset from, Offset to) const;
  // Entries whose marker lies at or above `offset` are dropped (a truncated log).
  void truncate_to(Offset offset);
  const std::vector<AbortedTxn>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }

  std::vector<std::byte> encode() const;
  // Decodes a .txnindex file of the segment at `base_offset` holding offsets below
  // `next_offset`. kCorruption for a size that is not a whole number of entries, a negative
  // producer id or offset, a first offset after its last, a marker outside the segment, or
  // markers that do not increase strictly.
  static Result<AbortedTxnIndex> decode(Offset base_offset, protocol::Bytes bytes,
                                        Offset next_offset);

 private:
  Offset base_offset_;
  std::vector<AbortedTxn> entries_;
};

}  // namespace cairn::storage
