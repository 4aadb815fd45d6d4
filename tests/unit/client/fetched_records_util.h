#pragma once

// The records of checked fetched batches, copied out as poll() copies them.

#include <vector>

#include "client/src/fetched_records.h"

namespace cairn::client {

inline std::vector<ConsumerRecord> records_of(const FetchedPartition& f) {
  std::vector<ConsumerRecord> out;
  for (const auto& b : f.batches) {
    auto reader = b.plain->reader();
    copy_records(b, reader, f.tp, b.count, out);
  }
  return out;
}

}  // namespace cairn::client
