#pragma once

// Fetch: read stored record batches from partitions, waiting for data (PROTOCOL.md, "Fetch").

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/codec.h"
#include "protocol/error_code.h"

namespace cairn::protocol {

struct FetchPartition {
  int32_t partition = 0;
  int64_t fetch_offset = 0;
  uint32_t max_bytes = 1 << 20;  // per partition; the first batch is returned even if larger
};

struct FetchTopic {
  std::string name;
  std::vector<FetchPartition> partitions;
};

struct FetchRequest {
  uint32_t max_wait_ms = 500;     // wait this long for min_bytes to arrive
  uint32_t min_bytes = 1;         // answer as soon as this much is available
  uint32_t max_bytes = 50 << 20;  // per response; the first batch is returned even if larger
  uint8_t isolation_level = 0;    // 0 read uncommitted
  // v1 on: the node id of a follower fetching to replicate (reads past the high watermark and
  // reports its position); -1 for a consumer.
  int32_t replica_id = -1;
  std::vector<FetchTopic> topics;

  void encode(Encoder& e, uint16_t version) const;
  static Result<FetchRequest> decode(Bytes body, uint16_t version);
};

// An aborted transaction in a read_committed answer (v2 on): the consumer drops the producer's
// batches from `first_offset` up to the producer's abort marker.
struct FetchAbortedTransaction {
  int64_t producer_id = -1;
  int64_t first_offset = 0;

  bool operator==(const FetchAbortedTransaction&) const = default;
};

struct FetchPartitionResult {
  int32_t partition = 0;
  ErrorCode error = ErrorCode::kNone;
  int64_t high_watermark = -1;
  int64_t log_start_offset = -1;
  // Whole stored batches. Decoded: a view into the response body. Encoded: these bytes, or,
  // when external_size > 0, that many bytes from external source external_id (see Encoder).
  Bytes records;
  uint32_t external_size = 0;
  uint32_t external_id = 0;
  int64_t last_stable_offset = -1;                            // v2 on
  std::vector<FetchAbortedTransaction> aborted_transactions;  // v2 on, read_committed only
};

struct FetchTopicResult {
  std::string name;
  std::vector<FetchPartitionResult> partitions;
};

struct FetchResponse {
  std::vector<FetchTopicResult> topics;

  void encode(Encoder& e, uint16_t version) const;
  static Result<FetchResponse> decode(Bytes body, uint16_t version);
};

}  // namespace cairn::protocol
