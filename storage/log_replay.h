#pragma once

// Replaying a whole partition log: how the broker's internal topics (consumer offsets, the
// security log, transaction state) rebuild their state at start.

#include <functional>

#include "protocol/record_batch.h"
#include "protocol/status.h"

namespace cairn::storage {

class PartitionLog;

// Calls `apply` on every stored batch of `log`, from its log start to its high watermark, in
// order, reading at most 4 MiB at a time. Stops at the first failure: `apply`'s (with the batch's
// base offset added), a read's, or a batch that fails its stored checks.
Status replay_log(const PartitionLog& log,
                  const std::function<Status(const protocol::RecordBatchView&)>& apply);

}  // namespace cairn::storage
