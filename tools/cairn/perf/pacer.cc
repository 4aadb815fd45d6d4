#include "tools/cairn/perf/pacer.h"

#include <sys/prctl.h>

#include <algorithm>
#include <thread>

namespace cairn::tools::perf {

void pace_until(std::chrono::steady_clock::time_point t) {
  thread_local bool tight = ::prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0) == 0;
  (void)tight;
  std::this_thread::sleep_until(t);
}

Pacer::Pacer(Clock::time_point start, double rate, std::chrono::nanoseconds tick)
    : start_(start), ns_per_record_(1e9 / rate), tick_(tick), last_wake_(start - tick) {}

Pacer::Clock::time_point Pacer::wait_for(int64_t i) {
  auto due = start_ + std::chrono::nanoseconds(
                          static_cast<int64_t>(ns_per_record_ * static_cast<double>(i)));
  if (due <= Clock::now()) return due;
  last_wake_ = std::max(due, last_wake_ + tick_);
  ++sleeps_;
  pace_until(last_wake_);
  return due;
}

}  // namespace cairn::tools::perf
