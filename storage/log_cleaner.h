#pragma once

// LogCleaner: the compaction scheduler of one core (FORMAT.md, "Compaction").
//
// Lives on one core, with that core's io_context, and drives the compaction passes of the
// partitions the core owns, one slice at a time: it takes the partition with the highest dirty
// ratio among those that want compaction (PartitionLog::wants_compaction), runs its pass to the
// end, then looks again. Between slices it waits so that the core's passes read at most
// `bytes_per_sec` on average; with nothing to do it looks again every `idle_interval`. The
// partitions are listed afresh before every slice, so one that closes meanwhile is simply
// skipped. The owner calls stop() before the partitions go away for good.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "storage/partition_log.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace cairn::storage {

class LogCleaner {
 public:
  struct Options {
    uint64_t bytes_per_sec = 32ull << 20;
    uint64_t slice_bytes = 1ull << 20;
    std::chrono::milliseconds idle_interval = std::chrono::seconds(15);
  };
  // The partition logs of the core, open and serving; called on the core's thread.
  using ListLogs = std::function<std::vector<PartitionLog*>()>;

  LogCleaner(boost::asio::io_context& context, Options options, ListLogs list);
  ~LogCleaner();
  LogCleaner(const LogCleaner&) = delete;
  LogCleaner& operator=(const LogCleaner&) = delete;

  void start();
  // No slice starts after this; one in flight finishes on its own.
  void stop();

  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t passes_finished() const { return passes_finished_; }

 private:
  struct Timer;
  void tick();
  void wait(std::chrono::nanoseconds delay);

  Options options_;
  ListLogs list_;
  std::unique_ptr<Timer> timer_;
  std::filesystem::path current_;  // the partition whose pass is under way
  bool stopped_ = true;
  uint64_t bytes_read_ = 0;
  uint64_t passes_finished_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace cairn::storage
