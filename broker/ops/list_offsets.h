#pragma once

// ListOffsets' inputs and outputs (Operations::list_offsets, list_offsets.cc).

#include <cstdint>
#include <string_view>

#include "protocol/error_code.h"
#include "protocol/types.h"

namespace cairn::broker {

struct OffsetQuery {
  enum class Position {
    kEarliest,     // the log start offset
    kLatest,       // the high watermark (the next offset to be written)
    kAtTimestamp,  // the first offset whose record timestamp is at or after `timestamp`
  };
  std::string_view topic;
  int32_t partition = 0;
  Position position = Position::kLatest;
  Timestamp timestamp{};
};

struct OffsetAnswer {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  int64_t offset = -1;  // -1 when no record is that recent, or on an error
};

inline constexpr uint64_t kListOffsetsBytesPerEntry =
    sizeof(OffsetQuery) + 2 * sizeof(OffsetAnswer) + sizeof(size_t) + 16;

}  // namespace cairn::broker
