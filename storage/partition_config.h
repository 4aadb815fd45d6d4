#pragma once

// PartitionConfig: how one partition's log is kept (FORMAT.md: segments, durability, recovery,
// retention, producer snapshots). A value type; PartitionLog::open validates it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/compression.h"
#include "protocol/status.h"
#include "protocol/types.h"
#include "storage/durability_policy.h"
#include "storage/producer_state.h"

namespace cairn::storage {

// What happens to old data (FORMAT.md, "Retention" and "Compaction"): `delete` (whole segments
// past the retention limits), `compact` (keep the last record of each key), or both.
struct CleanupPolicy {
  bool compact = false;
  bool delete_old = true;

  // "delete", "compact", "compact,delete" (or "delete,compact").
  static Result<CleanupPolicy> parse(std::string_view text);
  std::string to_string() const;
  friend bool operator==(const CleanupPolicy&, const CleanupPolicy&) = default;
};

// How the cleaner compacts a partition (FORMAT.md, "Compaction").
struct CompactionConfig {
  static constexpr std::chrono::milliseconds kDefaultDeleteRetention = std::chrono::hours(24);

  // A record younger than this (by its timestamp) is never compacted away.
  std::chrono::milliseconds min_lag{0};
  // A tombstone (null value) is kept this long after the cleaner first finds its segment clean,
  // so that consumers see the deletion; then it goes too.
  std::chrono::milliseconds delete_retention = kDefaultDeleteRetention;
  // The cleaner takes a partition once the dirty part (bytes past the last cleaned offset, in
  // sealed segments) is at least this share of its sealed bytes.
  double min_dirty_ratio = 0.5;
  friend bool operator==(const CompactionConfig&, const CompactionConfig&) = default;
};

struct PartitionConfig {
  static constexpr uint64_t kDefaultSegmentBytes = 1ull << 30;
  static constexpr std::chrono::milliseconds kDefaultSegmentAge = std::chrono::days(7);

  uint64_t segment_bytes = kDefaultSegmentBytes;  // roll when the next batch would pass this
  std::chrono::milliseconds segment_age = kDefaultSegmentAge;  // roll a segment this old
  std::optional<uint64_t> retention_bytes;  // keep at least this much, delete older segments
  // Delete the segments whose newest record is older than this.
  std::optional<std::chrono::milliseconds> retention_age;
  DurabilityPolicy durability = DurabilityPolicy::always();
  CleanupPolicy cleanup;
  CompactionConfig compaction;
  // The codec the broker stores batches with; nullopt keeps each batch as its producer sent it.
  std::optional<protocol::Compression> compression;
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
