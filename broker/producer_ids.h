#pragma once

// ProducerIds: hands out producer ids for InitProducerId, unique across restarts. The next
// unreserved id lives in <data dir>/producer-ids (storage/FORMAT.md); ids are reserved in blocks
// and the file is rewritten (atomically, synced) before the first id of a block is handed out,
// so a crash can skip ids but never repeat one. Used on shard 0 only.

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

 private:
  storage::IoBackend& io_;
  std::filesystem::path file_;
  int64_t next_ = 0;
  int64_t reserved_until_ = 0;  // ids below this are covered by the file
};

}  // namespace cairn::broker
