#pragma once

// DeleteRecords' inputs and outputs (Operations::delete_records, delete_records.cc).

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/error_code.h"

namespace cairn::broker {

struct RecordsDeletion {
  std::string_view topic;
  int32_t partition = 0;
  int64_t before = -1;  // the new log start; -1: the high watermark (everything)
};

struct RecordsDeletionOutcome {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::string message;
  int64_t log_start_offset = -1;  // after the deletion (Kafka's low watermark); -1 on an error
};

inline constexpr uint64_t kDeleteRecordsBytesPerEntry =
    sizeof(RecordsDeletion) + sizeof(RecordsDeletionOutcome) + sizeof(size_t) + 64;

}  // namespace cairn::broker
