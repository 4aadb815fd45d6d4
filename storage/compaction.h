#pragma once

// Compaction of one record batch (FORMAT.md, "Compaction"): which records survive, and the batch
// that holds them. Plain functions and a map; no I/O. CompactionJob (compaction_job.h) drives
// them over a partition's segments.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "protocol/record_batch.h"
#include "protocol/status.h"
#include "protocol/types.h"

namespace cairn::storage {

using Bytes = std::span<const std::byte>;

// The offset of the newest record of each key seen, keyed by a 128-bit hash of the key (XXH3-128):
// 24 bytes per key plus the hash table's own. Two keys whose hashes collide would count as one;
// at 128 bits that is not expected in any log.
class KeyOffsetMap {
 public:
  // Records `offset` for `key` when it is newer than what the map holds.
  void put(Bytes key, Offset offset);
  std::optional<Offset> find(Bytes key) const;
  size_t size() const { return map_.size(); }

 private:
  struct Hash128 {
    uint64_t low = 0;
    uint64_t high = 0;
    friend bool operator==(const Hash128&, const Hash128&) = default;
  };
  struct HashOfHash {
    size_t operator()(const Hash128& h) const { return static_cast<size_t>(h.low); }
  };
  static Hash128 hash(Bytes key);

  std::unordered_map<Hash128, Offset, HashOfHash> map_;
};

struct CompactionRules {
  // A tombstone (a record with a key and a null value) older than `tombstone_horizon` by its
  // timestamp is dropped even when it is the newest record of its key.
  Timestamp tombstone_horizon = Timestamp::min();
  size_t max_decompressed_bytes = protocol::batch::kDefaultMaxDecompressedBytes;
};

// Adds the offset of every keyed record of `batch` to `map`.
Status add_to_key_map(const protocol::RecordBatchView& batch, size_t max_decompressed_bytes,
                      KeyOffsetMap& map);

// The result of compacting one batch.
struct CompactedBatch {
  int32_t records_dropped = 0;
  // The batch to store instead, when records were dropped (empty when none was).
  std::vector<std::byte> bytes;
};

// Keeps the records of `batch` that are the newest of their key in `map` (records without a
// key are always kept), dropping tombstones past the rules' horizon. Transactional and control
// batches are kept whole. When records are dropped, the new batch keeps the base offset, last
// offset delta, leader epoch, timestamps, producer fields and codec of the old one, holds the
// kept records byte for byte (compressed again with the codec), and is resealed; when none is
// kept it is an empty batch (a header alone, uncompressed), so that offsets and the idempotent
// producers' state replay exactly as before.
Result<CompactedBatch> compact_batch(const protocol::RecordBatchView& batch,
                                     const KeyOffsetMap& map, const CompactionRules& rules);

}  // namespace cairn::storage
