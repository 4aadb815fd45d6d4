#pragma once

// Open-loop pacing for the load generator (`cairn perf produce --rate`, `cairn perf e2e`).

#include <chrono>
#include <cstdint>

namespace cairn::tools::perf {

// Sleeps until `t` with 1 us of timer slack: the kernel's default slack lets a sleeping thread
// wake up to 50 us late, which a latency run measured from intended send times would charge to
// the broker.
void pace_until(std::chrono::steady_clock::time_point t);

// Paces records at `rate` records/s from `start` without a wake-up per record: wait_for(i)
// returns at once when record i is due (its intended time has passed), and otherwise sleeps (a
// timer, never a spin) until it is, but wakes at most once per `tick`: the records that fall due
// between two wake-ups are sent together at the second. A record is never sent before its
// intended time and at most about a tick after it; latency is measured from the intended time.
class Pacer {
 public:
  using Clock = std::chrono::steady_clock;
  // Each wake-up costs ~20 us of CPU on a small VM, so this tick alone is ~10% of a core. A
  // 500 us tick cut the generator's CPU at 20,000 records/s from 23% to 14% of a core but raised
  // the p50 under `interval:100` from ~210 to ~380 us (a record may wait a tick), and waking on
  // each answer instead was no cheaper under `interval:100`: latency accuracy wins.
  static constexpr std::chrono::microseconds kDefaultTick{200};

  Pacer(Clock::time_point start, double rate, std::chrono::nanoseconds tick = kDefaultTick);
  // Waits until record i is due; returns its intended send time.
  Clock::time_point wait_for(int64_t i);
  // How many times wait_for() slept.
  int64_t sleeps() const { return sleeps_; }

 private:
  Clock::time_point start_;
  double ns_per_record_;
  std::chrono::nanoseconds tick_;
  Clock::time_point last_wake_;
  int64_t sleeps_ = 0;
};

}  // namespace cairn::tools::perf
