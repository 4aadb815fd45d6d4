#pragma once

// ProducerIds: hands out producer ids for InitProducerId, unique across restarts. The next
// unreserved id lives in <data dir>/producer-ids (storage/FORMAT.md); ids are reserved in blocks
// and the file is rewritten (atomically, synced) before the first id of a block is handed out,
// so a crash can skip ids but never repeat one. Used on shard 0 only, except issued(), which any
// shard may call: ids are handed out in order, so an id was issued (now or before a restart)
// exactly when it is below the next one.

#include <atomic>
#include <cstdint>
#include <filesystem>

#include "protocol/status.h"
#include "storage/io/io_backend.h"

namespace cairn::broker {

class ProducerIds {
 public:
  static constexpr int64_t kBlock = 1000;

  ProducerIds(storage::IoBackend& io, std::filesystem::path file)
      : io_(io), file_(std::move(file)) {}

  // Reads the file (a missing one starts at 0).
  Status load();
  Result<int64_t> next();
  // Makes every later id larger than `id` (an id a replica saw in its leader's batches, so that
  // once promoted it never hands out an id the old leader issued), durably.
  Status advance_past(int64_t id);
  // Whether `id` may have been handed out, by this run or an earlier one. Any thread.
  bool issued(int64_t id) const {
    return id >= 0 && id < issued_below_.load(std::memory_order_acquire);
  }

 private:
  storage::IoBackend& io_;
  std::filesystem::path file_;
  int64_t next_ = 0;
  int64_t reserved_until_ = 0;  // ids below this are covered by the file
  // Ids below this may be in use: those handed out now, and the whole of the file's value at
  // load (an earlier run may have handed out any of them).
  std::atomic<int64_t> issued_below_{0};
};

}  // namespace cairn::broker
