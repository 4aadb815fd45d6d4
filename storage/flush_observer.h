#pragma once

// FlushObserver: what a partition log tells whoever measures it about its writes and syncs.
// Storage knows no metrics library; the broker implements this interface and records what it
// hears. Called on the log's core thread, from the log's own completion handlers: an
// implementation must be quick, must not allocate per call and must not call back into the log.

#include <chrono>
#include <cstddef>

namespace cairn::storage {

enum class StorageOperation { kAppend, kFsync, kRoll };

class FlushObserver {
 public:
  virtual ~FlushObserver() = default;

  // A group of `appends` batches became durable with one sync. `sync_duration` is how long the
  // sync took (under DurabilityPolicy::always the write and its fdatasync, issued together).
  virtual void on_group_synced(size_t appends, std::chrono::nanoseconds sync_duration) = 0;
  // One batch appended under DurabilityPolicy::always became durable `latency` after append()
  // took it.
  virtual void on_append_durable(std::chrono::nanoseconds latency) = 0;
  // A storage operation failed.
  virtual void on_error(StorageOperation operation) = 0;
};

}  // namespace cairn::storage
