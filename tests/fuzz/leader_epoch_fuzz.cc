// Fuzz target: a partition's leader-epoch-checkpoint file as a broker reads it on open. A file
// that decodes must encode back to the same bytes and answer end offset queries in order.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "storage/leader_epoch_cache.h"

// libFuzzer calls the entry point by this name.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {  // NOLINT
  std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  auto cache = cairn::storage::LeaderEpochCache::decode(bytes);
  if (!cache) return 0;
  auto again = cache->encode();
  if (again.size() != size || !std::equal(again.begin(), again.end(), bytes.begin())) std::abort();
  for (const auto& entry : cache->entries()) {
    auto end = cache->end_offset_for(entry.epoch, cairn::Offset(INT64_MAX));
    if (end.epoch != entry.epoch || end.end_offset <= entry.start_offset) std::abort();
  }
  return 0;
}
