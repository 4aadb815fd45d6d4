#pragma once

// RecordClock: the wall clock a producer stamps records with (milliseconds since the Unix epoch),
// read once per record. A system clock read costs 20-40 ns on the project's machine, a sixth of
// a record's cost to the producer; a TSC read costs 10. So each thread keeps the millisecond it
// read last and the TSC value at which that millisecond ends, and reads the system clock again
// only past it: once per millisecond, and for every record in the last 1/16 of one, where the
// millisecond is taken to have ended already. The TSC is used only where it ticks at a constant
// rate on every core (x86-64 with an invariant TSC); elsewhere, and until a thread has timed the
// TSC against the system clock over at least 10 ms (again after a timing that disagrees with the
// last one, as when the system clock steps), every read is a system clock read. A reading is
// thus never later than the system clock's at that moment, and earlier by less than the TSC's
// rate error over one millisecond, except right after the system clock steps back, or on a core
// whose TSC lags the last one read by this thread (a TSC read lower than that one forces a
// system read). Thread-safe: the state is per thread.

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
