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
    : start_(start),
      ns_per_record_(1e9 / rate),
      tick_(std::max(tick, std::chrono::nanoseconds(1))) {}

Pacer::Clock::time_point Pacer::wait_for(int64_t i) {
  auto due = static_cast<int64_t>(ns_per_record_ * static_cast<double>(i));
  int64_t ticks = (due + tick_.count() - 1) / tick_.count();
  auto release = start_ + tick_ * ticks;
  if (release <= Clock::now()) return release;
  ++sleeps_;
  pace_until(release);
  return release;
}

}  // namespace cairn::tools::perf
