#pragma once

// The replication operations' inputs and outputs (Operations::promote and
// Operations::epoch_ends, replication.cc).

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/error_code.h"
#include "protocol/types.h"

namespace cairn::broker {

struct PromoteOutcome {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::string message;
  int32_t partitions = 0;     // partitions that started a new leader epoch
  int32_t leader_epoch = -1;  // the newest of those epochs
};

// Where did `leader_epoch` end in a partition (storage/leader_epoch_cache.h, EpochEnd).
struct EpochQuery {
  std::string_view topic;
  int32_t partition = 0;
  int32_t leader_epoch = 0;
};

struct EpochAnswer {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  int32_t leader_epoch = -1;  // the largest epoch at or below the one asked; -1: none
  int64_t end_offset = -1;
};

// Memory epoch_ends builds per query, for the caller's charge before it calls.
inline constexpr uint64_t kEpochQueryBytesPerEntry = sizeof(EpochQuery) + sizeof(EpochAnswer) + 32;

}  // namespace cairn::broker
