#pragma once

// Open-loop pacing for the load generator (`cairn perf produce --rate`, `cairn perf e2e`).

#include <chrono>
#include <cstdint>

namespace cairn::tools::perf {

// Sleeps until `t` with 1 us of timer slack: the kernel's default slack lets a sleeping thread
// wake up to 50 us late, which a latency run measured from scheduled send times would charge to
// the broker.
void pace_until(std::chrono::steady_clock::time_point t);

// Paces records at `rate` records/s from `start` without a wake-up per record. Record i is due
// at start + i / rate and released at the first point of a `tick` grid (start + k * tick) at or
// after that: the records due within one tick go out together, on one wake-up (a timer, never a
// spin). wait_for(i) returns record i's release time, at once when it has passed, and latency is
// measured from it: the grid is the generator's schedule (bursts of rate * tick records), so the
// wait for the next grid point is not charged to the broker, while a late wake-up or a send()
// that blocks still is (no coordinated omission). The peers' tools measure from the actual send.
class Pacer {
 public:
  using Clock = std::chrono::steady_clock;
  // Each wake-up costs ~20 us of CPU on a small VM, so this tick alone is ~10% of a core at
  // high rates. A longer one would make the bursts larger than the peers' tools send (one
  // message per wake-up).
  static constexpr std::chrono::microseconds kDefaultTick{200};

  Pacer(Clock::time_point start, double rate, std::chrono::nanoseconds tick = kDefaultTick);
  // Waits until record i's release time and returns it.
  Clock::time_point wait_for(int64_t i);
  // How many times wait_for() slept.
  int64_t sleeps() const { return sleeps_; }

 private:
  Clock::time_point start_;
  double ns_per_record_;
  std::chrono::nanoseconds tick_;
  int64_t sleeps_ = 0;
};

}  // namespace cairn::tools::perf
