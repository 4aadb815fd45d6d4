// PartitionLog::close_all: closing a broker's partitions at once for a clean stop.

#include <algorithm>
#include <atomic>
#include <thread>

#include "storage/partition_log.h"

namespace cairn::storage {

std::vector<Status> PartitionLog::close_all(std::span<PartitionLog* const> logs, size_t threads) {
  std::vector<Status> statuses(logs.size());
  threads = std::clamp<size_t>(threads, 1, std::max<size_t>(logs.size(), 1));
  if (threads == 1) {
    for (size_t i = 0; i < logs.size(); ++i) statuses[i] = logs[i]->close();
    return statuses;
  }
  // Each thread takes the next log not yet taken: the closes share nothing but the file system.
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < logs.size(); i = next++) statuses[i] = logs[i]->close();
  };
  std::vector<std::jthread> pool;
  pool.reserve(threads);
  for (size_t t = 0; t < threads; ++t) pool.emplace_back(work);
  pool.clear();  // joins
  return statuses;
}

}  // namespace cairn::storage
