#pragma once

// The records of the internal `__consumer_offsets` topic (storage/FORMAT.md, "Committed
// offsets"): each commit is a record whose key names the group, topic and partition and whose
// value holds the offset; a null value deletes it. A snapshot is a run of records, a begin
// marker, one entry per live offset and an end marker with the entry count, over as many
// batches as it takes; once its end is stored, everything before its begin can go.

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
std::vector<std::byte> encode_offset_batch(const std::vector<OffsetRecord>& records, Timestamp now);
// A sealed batch of transactional commits of producer `producer_id` (none null): pending until a
// marker of that producer reaches the partition (commit: they apply; abort: they are dropped).
std::vector<std::byte> encode_txn_offset_batch(int64_t producer_id,
                                               const std::vector<OffsetRecord>& records,
                                               Timestamp now);
// The sealed batches of snapshot `snapshot_id` of `entries` (every live offset, none null), each
// of about `batch_bytes` at most (one entry more than fits is never split).
std::vector<std::vector<std::byte>> encode_offset_snapshot(uint64_t snapshot_id,
                                                           const std::vector<OffsetRecord>& entries,
                                                           Timestamp now, size_t batch_bytes);
// About how many bytes `record` takes in a batch.
size_t offset_record_bytes(const OffsetRecord& record);

// Replays an offsets partition's batches, in log order, into the live offsets by group. A
// snapshot replaces everything before it only once its end marker arrives with the right entry
// count; a snapshot cut short (a crash, a failed write) is ignored.
class OffsetReplay {
 public:
  using Offsets = std::map<std::string, std::map<TopicPartitionKey, CommittedOffset>>;
  // Transactional commits waiting for their marker, by producer id.
  using Pending = std::map<int64_t, Offsets>;
  // Applies every record of a stored batch; kCorruption for a record it cannot read.
  Status apply(const protocol::RecordBatchView& batch);
  Offsets& offsets() { return offsets_; }
  Pending& pending() { return pending_; }

 private:
  struct Snapshot {
    uint64_t id = 0;
    uint64_t entries = 0;
    Offsets offsets;
  };

  Offsets offsets_;
  Pending pending_;
  std::optional<Snapshot> building_;  // begun, its end not seen yet
};

// Which offsets partition, of `partitions`, holds a group.
int32_t offsets_partition_for(std::string_view group, int32_t partitions);

}  // namespace cairn::broker
