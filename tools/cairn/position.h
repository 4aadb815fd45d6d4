#pragma once

// Where a consumer starts, as kcat and rpk users write it (--offset), and points in time as
// people write them (@1795783821000, @2026-11-27T12:50:00Z, @-1h). Pure parsing and
// arithmetic: the caller asks the broker for offsets.

#include <cstdint>
#include <optional>
#include <string_view>

#include "protocol/status.h"

namespace cairn::tools {

struct StartPosition {
  enum class Kind {
    kEarliest,   // beginning, earliest, start
    kLatest,     // end, latest
    kOffset,     // N: offset N of every partition
    kLastN,      // -N: the last N records of every partition
    kTimestamp,  // @TIME: the first record at or after TIME (ms since the epoch)
  };
  Kind kind = Kind::kEarliest;
  int64_t value = 0;  // the offset, N, or the time in ms
};

// A point in time: milliseconds since the epoch (digits), ISO 8601 / RFC 3339
// (2026-11-27T12:50:00Z, with fractions of a second or a +HH:MM offset; no zone means UTC; a
// date alone is its midnight UTC), or a duration before `now_ms` (-90s, -15m, -1h, -2d).
Result<int64_t> parse_time(std::string_view text, int64_t now_ms);

// --offset: beginning|earliest|start, end|latest, N, -N, @TIME, or kcat's s@MS.
Result<StartPosition> parse_start_position(std::string_view text, int64_t now_ms);

// Where `position` starts a partition holding [log_start, log_end). For kTimestamp,
// `offset_at_time` is the broker's answer for that time (nullopt when no record is that new:
// the partition starts at its end). N outside the partition is clamped to its nearer end.
int64_t start_offset(const StartPosition& position, int64_t log_start, int64_t log_end,
                     std::optional<int64_t> offset_at_time);

}  // namespace cairn::tools
