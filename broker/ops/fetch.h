#pragma once

// Fetch's inputs and outputs (Operations::fetch, fetch.cc).

#include <chrono>
#include <cstdint>
#include <string_view>
#include <vector>

#include "broker/broker_metrics.h"
#include "protocol/error_code.h"
#include "protocol/types.h"
#include "storage/aborted_txn_index.h"
#include "storage/segment.h"

namespace cairn::broker {

struct FetchEntry {
  std::string_view topic;
  int32_t partition = 0;
  Offset fetch_offset;
  uint32_t max_bytes = 0;  // this partition's records; its first batch may pass it
};

struct FetchLimits {
  std::chrono::milliseconds max_wait{0};  // wait this long for min_bytes (capped by the broker)
  uint32_t min_bytes = 0;                 // answer as soon as this many record bytes are there
  uint32_t max_bytes = 0;                 // the whole answer's records; its first batch may pass it
  // A follower's node id when it fetches to replicate: it reads past the high watermark, up to
  // the log end, and its fetch offsets count as its position. -1 for a consumer.
  int32_t replica_id = -1;
  // A consumer's read_committed fetch (PROTOCOL.md, "Isolation"): reads whole batches below the
  // last stable offset only, learns the aborted transactions in what it reads, and waits for
  // the last stable offset to move.
  bool read_committed = false;
};

// What a fetch read from one partition: whole stored batches, as slices of their files, to send
// as they are (sendfile).
struct PartitionRead {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  int64_t high_watermark = -1;  // -1 when the partition could not be found or read
  int64_t log_start_offset = -1;
  int64_t last_stable_offset = -1;  // -1 when the partition could not be found or read
  // For a read_committed fetch: the aborted transactions whose range overlaps what it read.
  std::vector<storage::AbortedTxn> aborted;
  std::vector<storage::LogSlice> slices;
  uint64_t bytes = 0;  // of all slices
  bool more = false;   // stopped at a limit with more data behind it
  // The topic's throughput counters, which the fetch counts what it returns in.
  std::shared_ptr<const TopicCounters> counters;
};

// The largest answer and partition read a fetch builds, so that a response frame stays well
// inside a 32-bit length whatever the protocol.
inline constexpr uint32_t kMaxFetchBytes = 256u << 20;

// Memory fetch builds per entry, for the caller's charge before it calls.
inline constexpr uint64_t kFetchBytesPerEntry =
    sizeof(FetchEntry) + sizeof(PartitionRead) + sizeof(storage::LogSlice) + sizeof(size_t) + 64;

}  // namespace cairn::broker
