#pragma once

// Produce's inputs and outputs (Operations::produce, produce.cc).

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/byte_io.h"
#include "protocol/error_code.h"

namespace cairn::broker {

// One partition's batches.
struct ProduceEntry {
  std::string_view topic;
  int32_t partition = 0;
  // One or more whole Cairn record batches, back to back. Offsets are written into them.
  protocol::MutableBytes records;
};

struct ProduceOutcome {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::string message;            // why, when the entry failed
  int64_t base_offset = -1;       // of the entry's first batch; -1 when the entry failed
  int64_t log_start_offset = -1;  // once the entry reached its partition
};

// Memory produce builds per entry, for the caller's charge before it calls.
inline constexpr uint64_t kProduceBytesPerEntry =
    sizeof(ProduceEntry) + 2 * sizeof(ProduceOutcome) + sizeof(size_t) + 64;

}  // namespace cairn::broker
