#include "tools/cairn/perf/pacer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace cairn::tools::perf {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(PacerTest, EachRecordIsReleasedAtTheFirstTickAtOrAfterItsDueTimeAndNotBefore) {
  auto start = Clock::now() + milliseconds(2);
  Pacer pacer(start, 50'000, microseconds(200));  // one record every 20 us, ten per tick
  for (int64_t i = 0; i < 500; ++i) {
    auto release = pacer.wait_for(i);
    ASSERT_LE(release, Clock::now()) << "record " << i << " was sent early";
    auto due = start + microseconds(20 * i);
    EXPECT_GE(release, due);
    EXPECT_LT(release, due + microseconds(200));
    EXPECT_EQ((release - start) % microseconds(200), microseconds(0)) << "record " << i;
  }
}

TEST(PacerTest, RecordsDueWithinOneTickShareAWakeUp) {
  // 500 records 20 us apart span 10 ms: with a 1 ms tick the sender sleeps about 10 times, not
  // 500 (a late wake-up only makes it fewer).
  Pacer pacer(Clock::now() + milliseconds(2), 50'000, milliseconds(1));
  for (int64_t i = 0; i < 500; ++i) pacer.wait_for(i);
  EXPECT_GE(pacer.sleeps(), 1);
  EXPECT_LE(pacer.sleeps(), 12);
}

TEST(PacerTest, RecordsFartherApartThanATickEachWaitForTheirOwnTime) {
  auto start = Clock::now();
  Pacer pacer(start, 1'000, microseconds(200));  // one record every ms, on the grid
  for (int64_t i = 1; i <= 5; ++i) {
    auto release = pacer.wait_for(i);
    EXPECT_EQ(release, start + milliseconds(i));
    EXPECT_LE(release, Clock::now());
  }
  EXPECT_GE(pacer.sleeps(), 1);
}

TEST(PacerTest, AGeneratorThatFallsBehindKeepsItsScheduleSoTheDelayIsMeasured) {
  auto start = Clock::now();
  Pacer pacer(start, 10'000, microseconds(200));  // one record every 100 us
  std::this_thread::sleep_for(milliseconds(5));   // blocked, as in a full producer buffer
  auto release = pacer.wait_for(10);              // due at 1 ms
  EXPECT_EQ(release, start + milliseconds(1));
  EXPECT_EQ(pacer.sleeps(), 0);
}

}  // namespace
}  // namespace cairn::tools::perf
