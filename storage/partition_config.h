#pragma once

// PartitionConfig: how one partition's log is kept (FORMAT.md: segments, durability, recovery,
// retention, producer snapshots). A value type; PartitionLog::open validates it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "protocol/status.h"
#include "protocol/types.h"
#include "storage/durability_policy.h"
#include "storage/producer_state.h"

namespace cairn::storage {

struct PartitionConfig {
  static constexpr uint64_t kDefaultSegmentBytes = 1ull << 30;
  static constexpr std::chrono::milliseconds kDefaultSegmentAge = std::chrono::days(7);

  uint64_t segment_bytes = kDefaultSegmentBytes;  // roll when the next batch would pass this
  std::chrono::milliseconds segment_age = kDefaultSegmentAge;  // roll a segment this old
  std::optional<uint64_t> retention_bytes;  // keep at least this much, delete older segments
  // Delete the segments whose newest record is older than this.
  std::optional<std::chrono::milliseconds> retention_age;
  DurabilityPolicy durability = DurabilityPolicy::always();
  uint32_t index_interval_bytes = 4096;
  uint32_t max_batch_bytes = 8u << 20;
  // The recovery point records how much of the active segment is known synced; it is rewritten
  // (off the core's thread) once this many more bytes are synced. Recovery treats damage past
  // it as a torn write (FORMAT.md, "Recovery"), so smaller is stricter and costs more fsyncs.
  uint64_t synced_hint_bytes = 4u << 20;
  int32_t leader_epoch = 0;
  Clock clock = system_now;
  // Idempotent producers remembered (the least recently appended is forgotten past this), and
  // how long one is remembered after its last append, by `clock`.
  size_t max_producers = ProducerState::kDefaultMaxProducers;
  std::chrono::milliseconds producer_expiry = ProducerState::kDefaultExpiry;

  // kInvalidArgument naming the first setting out of bounds.
  Status validate() const;
};

}  // namespace cairn::storage
