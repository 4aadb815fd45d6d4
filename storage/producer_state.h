#pragma once

// ProducerState: what a partition knows of each idempotent producer (FORMAT.md, "Producer
// snapshots"): its epoch and its last few batches' sequence ranges and offsets. It decides
// whether a batch is the next one (append it), one already stored (a retry: answer with its
// offsets, store nothing), out of order (a gap: refuse) or from an older epoch (fenced).
// The log is the source of truth: the state is rebuilt from batch headers, starting from a
// snapshot written at each segment roll and on a clean close. Owned by its PartitionLog.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "protocol/record_batch.h"
#include "protocol/status.h"
#include "protocol/types.h"
#include "storage/io/io_backend.h"

namespace cairn::storage {

class ProducerState {
 public:
  // Batches remembered per producer, so this many retried in a row are still recognised.
  static constexpr size_t kRememberedBatches = 5;

  struct BatchMeta {
    int32_t first_sequence = 0;
    int32_t last_sequence = 0;
    Offset base_offset;
    Offset last_offset;
  };

  enum class Verdict { kAppend, kDuplicate, kOutOfOrder, kFenced };
  struct Check {
    Verdict verdict = Verdict::kAppend;
    BatchMeta duplicate_of;  // for kDuplicate
    std::string why;         // for kOutOfOrder and kFenced
  };

  // Judges a batch of an idempotent producer (producer id >= 0).
  Check check(const protocol::BatchHeader& batch) const;
  // Records a batch that was stored at `base_offset` (its header says the rest).
  void record(const protocol::BatchHeader& batch, Offset base_offset);
  // Forgets producers whose last batch is older than `cutoff_ms` (a batch max timestamp).
  void expire(int64_t cutoff_ms);
  size_t size() const { return producers_.size(); }

  // Snapshot file: the state as of every batch below `offset`.
  std::vector<std::byte> encode(Offset offset) const;
  static Result<std::pair<Offset, ProducerState>> decode(Bytes bytes);

 private:
  struct Entry {
    int16_t epoch = 0;
    int64_t last_timestamp_ms = 0;
    std::deque<BatchMeta> recent;
  };
  std::map<int64_t, Entry> producers_;
};

}  // namespace cairn::storage
