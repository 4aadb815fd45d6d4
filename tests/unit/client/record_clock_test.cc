// RecordClock: the millisecond it stamps a record with is never before the system clock's reading
// just before nor after its reading just after, also once it takes the time from the TSC (after
// its first 10 ms of timing, when most readings no longer read the system clock) and across many
// millisecond boundaries, on several threads at once.
#include "client/src/record_clock.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace cairn::testing {
namespace {

using client::RecordClock;

// Reads for `span` and counts the readings outside [system before, system after].
int64_t misreadings(std::chrono::milliseconds span, int64_t& reads) {
  int64_t wrong = 0;
  auto end = std::chrono::steady_clock::now() + span;
  while (std::chrono::steady_clock::now() < end) {
    for (int i = 0; i < 1000; ++i) {
      Timestamp before = system_now();
      Timestamp t = RecordClock::now();
      Timestamp after = system_now();
      if (t < before || t > after) ++wrong;
      ++reads;
    }
  }
  return wrong;
}

TEST(RecordClock, EachReadingLiesBetweenTheSystemClocksReadingsAroundIt) {
  int64_t reads = 0;
  // The first 10 ms time the TSC (every reading is a system read then).
  EXPECT_EQ(misreadings(std::chrono::milliseconds(15), reads), 0);
  reads = 0;
  uint64_t system_before = RecordClock::system_reads();
  EXPECT_EQ(misreadings(std::chrono::milliseconds(60), reads), 0);
  EXPECT_GT(reads, 1000);
  uint64_t system = RecordClock::system_reads() - system_before;
  if (RecordClock::uses_tsc()) {
    // A system read per millisecond, and one per reading in the last 1/16 of each: about 7%.
    EXPECT_LT(system, static_cast<uint64_t>(reads) / 4) << reads << " readings";
  } else {
    EXPECT_EQ(system, static_cast<uint64_t>(reads));
  }
}

TEST(RecordClock, ThreadsReadingAtOnceEachGetTheRightMillisecond) {
  std::vector<int64_t> wrong(4, -1);
  std::vector<int64_t> reads(4, 0);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < wrong.size(); ++i) {
    threads.emplace_back(
        [&, i] { wrong[i] = misreadings(std::chrono::milliseconds(40), reads[i]); });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < wrong.size(); ++i) {
    EXPECT_EQ(wrong[i], 0) << "thread " << i;
    EXPECT_GT(reads[i], 0);
  }
}

}  // namespace
}  // namespace cairn::testing
