#pragma once

// Produce: append record batches to partitions (PROTOCOL.md, "Produce").

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/codec.h"
#include "protocol/error_code.h"

namespace cairn::protocol {

struct ProducePartition {
  int32_t partition = 0;
  // One or more whole record batches, back to back. After decode: a view into the request
  // body, writable because the broker writes offsets into the batches it stores. Encoded: these
  // bytes, or, when external_size > 0, that many bytes from external source external_id (see
  // Encoder), which a client sends from its own buffer instead of copying it into the frame.
  MutableBytes records;
  uint32_t external_size = 0;
  uint32_t external_id = 0;
};

struct ProduceTopic {
  std::string name;
  std::vector<ProducePartition> partitions;
};

struct ProduceRequest {
  int16_t acks = 1;  // 0: no response; 1: after the append (synced as the topic's policy says);
                     // -1 (all): after every in-sync replica has it
  uint32_t timeout_ms = 30000;
  std::vector<ProduceTopic> topics;

  // Where acks sits in the body, for code that must know whether a response is owed before the
  // body is decoded (acks 0 gets none).
  static constexpr size_t kAcksAt = 0;

  void encode(Encoder& e, uint16_t version) const;
  // Decodes a body that stays alive and writable as long as the request does.
  static Result<ProduceRequest> decode(MutableBytes body, uint16_t version);
};

// The acks field of a Produce body (its first), read without decoding the rest, so that a
// request that cannot be decoded can still be told to expect no response; nullopt when the body
// is too short to hold it.
std::optional<int16_t> peek_produce_acks(Bytes body);

struct ProducePartitionResult {
  int32_t partition = 0;
  ErrorCode error = ErrorCode::kNone;
  int64_t base_offset = -1;  // of the first batch, when error is NONE
  int64_t log_start_offset = -1;
  std::string message;
};

struct ProduceTopicResult {
  std::string name;
  std::vector<ProducePartitionResult> partitions;
};

struct ProduceResponse {
  std::vector<ProduceTopicResult> topics;

  void encode(Encoder& e, uint16_t version) const;
  static Result<ProduceResponse> decode(Bytes body, uint16_t version);
};

}  // namespace cairn::protocol
