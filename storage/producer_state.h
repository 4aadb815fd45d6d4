#pragma once

// ProducerState: what a partition knows of each idempotent producer (FORMAT.md, "Producer
// snapshots"): its epoch, its last few batches' sequence ranges and offsets, and when it last
// appended by the broker's clock. It decides whether a batch is the next one (append it), one
// already stored (a retry: answer with its offsets, store nothing), out of order (a gap, or a
// producer it does not know that does not start at sequence 0: refuse) or from an older epoch
// (fenced). It remembers at most a fixed number of producers: recording a new one past that
// forgets the least recently appended. The log is the source of truth: the state is rebuilt from
// batch headers, starting from a snapshot written at each segment roll and on a clean close.
// Owned by its PartitionLog; movable, not copyable.

#include <array>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
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
  static constexpr size_t kDefaultMaxProducers = 1000;

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

  explicit ProducerState(size_t max_producers = kDefaultMaxProducers);
  ProducerState(ProducerState&&) = default;
  ProducerState& operator=(ProducerState&&) = default;
  ProducerState(const ProducerState&) = delete;
  ProducerState& operator=(const ProducerState&) = delete;

  // Judges a batch of an idempotent producer (producer id >= 0).
  Check check(const protocol::BatchHeader& batch) const;
  // Records a batch that was stored at `base_offset` (its header says the rest), appended at
  // `now_ms` by the broker's clock.
  void record(const protocol::BatchHeader& batch, Offset base_offset, int64_t now_ms);
  // Forgets producers whose last append (broker clock) was before `cutoff_ms`.
  void expire(int64_t cutoff_ms);
  size_t size() const { return producers_.size(); }

  // Snapshot file: the state as of every batch below `offset`, least recently appended first.
  std::vector<std::byte> encode(Offset offset) const;
  // Keeps the `max_producers` most recent of the snapshot's producers. A version 1 snapshot
  // (which held batch timestamps, not append times) gives each producer `now_ms`.
  static Result<std::pair<Offset, ProducerState>> decode(Bytes bytes, size_t max_producers,
                                                          int64_t now_ms);

 private:
  struct Entry {
    int16_t epoch = 0;
    int64_t last_append_ms = 0;
    std::array<BatchMeta, kRememberedBatches> recent{};  // oldest first
    uint8_t count = 0;
    std::list<int64_t>::iterator use;  // its place in order_
  };

  // Makes `pid` the most recently used, creating its entry (and evicting past the cap).
  Entry& touch(int64_t pid);

  size_t max_producers_;
  std::unordered_map<int64_t, Entry> producers_;
  std::list<int64_t> order_;  // producer ids, least recently appended first
};

}  // namespace cairn::storage
