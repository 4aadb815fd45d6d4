#include "storage/log_cleaner.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace cairn::storage {

struct LogCleaner::Timer {
  explicit Timer(boost::asio::io_context& ctx) : timer(ctx) {}
  boost::asio::steady_timer timer;
};

LogCleaner::LogCleaner(boost::asio::io_context& context, Options options, ListLogs list)
    : options_(options), list_(std::move(list)), timer_(std::make_unique<Timer>(context)) {}

LogCleaner::~LogCleaner() {
  *alive_ = false;
  timer_->timer.cancel();
}

void LogCleaner::start() {
  if (!stopped_) return;
  stopped_ = false;
  wait(std::chrono::nanoseconds(0));
}

void LogCleaner::stop() {
  stopped_ = true;
  timer_->timer.cancel();
}

void LogCleaner::wait(std::chrono::nanoseconds delay) {
  timer_->timer.expires_after(delay);
  timer_->timer.async_wait([this, alive = std::weak_ptr<bool>(alive_)](auto ec) {
    if (alive.expired() || ec || stopped_) return;
    tick();
  });
}

void LogCleaner::tick() {
  std::vector<PartitionLog*> logs = list_();
  PartitionLog* chosen = nullptr;
  for (PartitionLog* log : logs) {
    if (log->dir() == current_ && log->wants_compaction()) chosen = log;
  }
  if (chosen == nullptr) {
    double best = -1;
    for (PartitionLog* log : logs) {
      if (!log->wants_compaction()) continue;
      double ratio = log->dirty_ratio();
      if (ratio > best) best = ratio, chosen = log;
    }
  }
  if (chosen == nullptr) {
    current_.clear();
    return wait(options_.idle_interval);
  }
  current_ = chosen->dir();
  chosen->compact_slice(options_.slice_bytes, [this, alive = std::weak_ptr<bool>(alive_)](
                                                  Result<PartitionLog::CompactionProgress> r) {
    if (alive.expired() || stopped_) return;
    uint64_t read = 0;
    if (!r) {
      // Logged by the partition; it is tried again when it next wants compaction.
      current_.clear();
    } else {
      read = r->bytes_read;
      bytes_read_ += read;
      if (r->pass_finished) {
        ++passes_finished_;
        current_.clear();
      }
    }
    auto delay = std::chrono::nanoseconds(
        options_.bytes_per_sec == 0 ? 0 : read * 1'000'000'000ull / options_.bytes_per_sec);
    wait(!r ? options_.idle_interval : delay);
  });
}

}  // namespace cairn::storage
