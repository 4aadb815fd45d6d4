#include "client/src/record_clock.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#if defined(__x86_64__)
#include <cpuid.h>
#include <x86intrin.h>
#endif

namespace cairn::client {

namespace {

using std::chrono::nanoseconds;

constexpr int64_t kNsPerMs = 1'000'000;
// A millisecond is taken to end this long before the TSC says it does.
constexpr int64_t kEarlyNs = kNsPerMs / 16;
// The TSC's rate is timed over at least this long, and timed afresh after kRetimeNs.
constexpr int64_t kTimingNs = 10 * kNsPerMs;
constexpr int64_t kRetimeNs = 1'000 * kNsPerMs;
// A system clock read whose TSC reads around it lie further apart than this (about 20-100 us at
// 1-5 GHz) was preempted: too loose to time the TSC by.
constexpr uint64_t kPairTicks = 100'000;
// A new timing further than this from the last one means a clock stepped: timing starts again.
constexpr double kRateTolerance = 0.001;

bool invariant_tsc() {
#if defined(__x86_64__)
  unsigned a = 0;
  unsigned b = 0;
  unsigned c = 0;
  unsigned d = 0;
  if (__get_cpuid(0x80000000U, &a, &b, &c, &d) == 0 || a < 0x80000007U) return false;
  __get_cpuid(0x80000007U, &a, &b, &c, &d);
  return (d & (1U << 8)) != 0;  // "invariant TSC": constant rate, runs in every C-state
#else
  return false;
#endif
}

const bool kUsesTsc = invariant_tsc();

uint64_t read_tsc() {
#if defined(__x86_64__)
  return __rdtsc();
#else
  return 0;
#endif
}

struct ThreadClock {
  int64_t ms = 0;           // the millisecond read last
  uint64_t last_tsc = 0;    // the TSC when it was last used
  uint64_t ms_ends = 0;     // the TSC value from which `ms` is no longer used (0: read again)
  uint64_t anchor_tsc = 0;  // a system clock read and the TSC beside it, to time the TSC by
  int64_t anchor_ns = 0;
  double ticks_per_ns = 0;  // 0: not timed yet
  uint64_t system_reads = 0;

  // Times the TSC by a system clock read `ns` with `t` read right after it.
  void time_tsc(uint64_t t, int64_t ns) {
    if (anchor_tsc == 0 || t <= anchor_tsc || ns <= anchor_ns) {
      anchor_tsc = t;  // first read, or either clock went back: start timing again
      anchor_ns = ns;
      ticks_per_ns = 0;
      return;
    }
    if (ns - anchor_ns < kTimingNs) return;
    double rate = static_cast<double>(t - anchor_tsc) / static_cast<double>(ns - anchor_ns);
    if (ticks_per_ns > 0 && std::abs(rate - ticks_per_ns) > ticks_per_ns * kRateTolerance) {
      // The system clock stepped (or the TSC changed rate): time it again from here.
      anchor_tsc = t;
      anchor_ns = ns;
      ticks_per_ns = 0;
      return;
    }
    ticks_per_ns = rate;
    if (ns - anchor_ns >= kRetimeNs) {
      anchor_tsc = t;
      anchor_ns = ns;
    }
  }

  // `before`: the TSC read just before; the millisecond is timed from it, so it ends early
  // rather than late.
  Timestamp read_system(uint64_t before) {
    ++system_reads;
    int64_t ns =
        std::chrono::duration_cast<nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    uint64_t t = read_tsc();
    // A pair preempted between its reads (or whose TSC went back) is too loose to time by.
    if (t >= before && t - before <= kPairTicks) time_tsc(t, ns);
    ms = ns / kNsPerMs;
    last_tsc = std::max(before, t);
    int64_t left = (ms + 1) * kNsPerMs - ns - kEarlyNs;  // until the millisecond is taken to end
    ms_ends = ticks_per_ns > 0 && left > 0
                  ? before + static_cast<uint64_t>(static_cast<double>(left) * ticks_per_ns)
                  : 0;
    return Timestamp(std::chrono::milliseconds(ms));
  }
};

thread_local ThreadClock tls_clock;

}  // namespace

Timestamp RecordClock::now() {
  ThreadClock& c = tls_clock;
  if (!kUsesTsc) {
    ++c.system_reads;
    return system_now();
  }
  uint64_t t = read_tsc();
  if (t >= c.last_tsc && t < c.ms_ends) {
    c.last_tsc = t;
    return Timestamp(std::chrono::milliseconds(c.ms));
  }
  return c.read_system(t);
}

bool RecordClock::uses_tsc() { return kUsesTsc; }

uint64_t RecordClock::system_reads() { return tls_clock.system_reads; }

}  // namespace cairn::client
