#pragma once

// Bodies of the replication APIs (PROTOCOL.md, "Promote" and "OffsetForLeaderEpoch"): making a
// follower the leader, and asking a leader where a leader epoch of each partition ended.

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/codec.h"
#include "protocol/error_code.h"

namespace cairn::protocol {

struct PromoteRequest {
  void encode(Encoder& e, uint16_t version) const;
  static Result<PromoteRequest> decode(Bytes body, uint16_t version);
};

struct PromoteResponse {
  ErrorCode error = ErrorCode::kNone;
  std::string message;
  int32_t partitions = 0;     // partitions that started a new leader epoch
  int32_t leader_epoch = -1;  // the newest of those epochs

  void encode(Encoder& e, uint16_t version) const;
  static Result<PromoteResponse> decode(Bytes body, uint16_t version);
};

struct EpochQueryPartition {
  int32_t partition = 0;
  int32_t leader_epoch = 0;
};

struct EpochQueryTopic {
  std::string name;
  std::vector<EpochQueryPartition> partitions;
};

struct OffsetForLeaderEpochRequest {
  std::vector<EpochQueryTopic> topics;

  void encode(Encoder& e, uint16_t version) const;
  static Result<OffsetForLeaderEpochRequest> decode(Bytes body, uint16_t version);
};

struct EpochEndPartition {
  int32_t partition = 0;
  ErrorCode error = ErrorCode::kNone;
  int32_t leader_epoch = -1;  // the largest epoch at or below the one asked; -1: none
  int64_t end_offset = -1;    // one past that epoch's last offset; -1 with epoch -1
};

struct EpochEndTopic {
  std::string name;
  std::vector<EpochEndPartition> partitions;
};

struct OffsetForLeaderEpochResponse {
  std::vector<EpochEndTopic> topics;

  void encode(Encoder& e, uint16_t version) const;
  static Result<OffsetForLeaderEpochResponse> decode(Bytes body, uint16_t version);
};

}  // namespace cairn::protocol
