#include "cairn/partitioner.h"

#include <xxhash.h>

namespace cairn::client {

int32_t partition_for_key(std::span<const std::byte> key, int32_t partitions) {
  if (partitions <= 1) return 0;
  uint64_t h = XXH3_64bits(key.data(), key.size());
  return static_cast<int32_t>(h % static_cast<uint64_t>(partitions));
}

}  // namespace cairn::client
