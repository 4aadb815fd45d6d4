#pragma once

// Produce's inputs and outputs (Operations::produce, produce.cc).

#include <chrono>
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

// What a produce waits for: acks=all (`all`) waits, up to `timeout`, until every in-sync replica
// has each batch; acks 0 and 1 complete after the append.
struct ProduceAcks {
  bool all = false;
  std::chrono::milliseconds timeout{30'000};
};

// Memory produce builds per entry, for the caller's charge before it calls.
inline constexpr uint64_t kProduceBytesPerEntry =
    sizeof(ProduceEntry) + 2 * sizeof(ProduceOutcome) + sizeof(size_t) + 64;

}  // namespace cairn::broker
