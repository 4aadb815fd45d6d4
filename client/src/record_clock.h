#pragma once

// RecordClock: the wall clock a producer stamps records with (milliseconds since the Unix epoch),
// read once per record. A system clock read costs 30-40 ns on the project's machine, a fifth of
// a record's cost to the producer; a TSC read costs 10. So each thread keeps the millisecond it
// read last and the TSC value at which that millisecond ends, and reads the system clock again
// only past it: a few times per millisecond instead of once per record. The TSC is used only
// where it ticks at a constant rate on every core (x86-64 with an invariant TSC); elsewhere, and
// until a thread has timed the TSC against the system clock over at least 10 ms, every read is a
// system clock read. A millisecond is ended early (by 1/16 of it) rather than late, and a TSC that
// goes back (another core's) forces a system read, so a timestamp is never later than the system
// clock's by more than the TSC's rate error over one millisecond. Thread-safe: the state is
// per thread.

#include <cstdint>

#include "protocol/types.h"

namespace cairn::client {

class RecordClock {
 public:
  static Timestamp now();
  // Whether now() may take the time from the TSC on this machine, and how many of the calling
  // thread's now() calls read the system clock (tests).
  static bool uses_tsc();
  static uint64_t system_reads();
};

}  // namespace cairn::client
