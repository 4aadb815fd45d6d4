#pragma once

// The records of the internal `__consumer_offsets` topic (storage/FORMAT.md, "Committed
// offsets"): each commit is a record whose key names the group, topic and partition and whose
// value holds the offset; a null value deletes it; a snapshot record starts a full copy of the
// partition's offsets, after which everything before it can go.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker/group/group.h"
#include "protocol/record_batch.h"
#include "protocol/status.h"

namespace cairn::broker {

inline constexpr std::string_view kOffsetsTopic = "__consumer_offsets";

struct OffsetRecord {
  std::string group;
  std::string topic;
  int32_t partition = 0;
  std::optional<CommittedOffset> value;  // nullopt: deleted
};

// A sealed batch of commit (or delete) records.
std::vector<std::byte> encode_offset_batch(const std::vector<OffsetRecord>& records,
                                           Timestamp now);
// A sealed batch that starts with a snapshot marker followed by `records`.
std::vector<std::byte> encode_offset_snapshot(const std::vector<OffsetRecord>& records,
                                              Timestamp now);

// Replays an offsets partition's batches into `groups` (group id -> offsets).
class OffsetReplay {
 public:
  using Offsets = std::map<std::string, std::map<std::pair<std::string, int32_t>, CommittedOffset>>;
  // Applies every record of a stored batch; kCorruption for a record it cannot read.
  Status apply(const protocol::RecordBatchView& batch);
  Offsets& offsets() { return offsets_; }

 private:
  Offsets offsets_;
};

// Which offsets partition, of `partitions`, holds a group.
int32_t offsets_partition_for(std::string_view group, int32_t partitions);

}  // namespace cairn::broker
