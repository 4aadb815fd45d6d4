#include "tools/cairn/perf/pacer.h"

#include <gtest/gtest.h>

#include <chrono>

namespace cairn::tools::perf {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(PacerTest, NoRecordIsSentBeforeItsIntendedTimeAndEveryOneGetsItsOwn) {
  auto start = Clock::now() + milliseconds(2);
  Pacer pacer(start, 50'000);  // one record every 20 us
  for (int64_t i = 0; i < 500; ++i) {
    auto intended = pacer.wait_for(i);
    ASSERT_LE(intended, Clock::now()) << "record " << i << " was sent early";
    EXPECT_EQ(intended, start + microseconds(20 * i));
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
  Pacer pacer(start, 1'000, microseconds(200));  // one record every ms
  for (int64_t i = 1; i <= 5; ++i) {
    auto intended = pacer.wait_for(i);
    EXPECT_EQ(intended, start + milliseconds(i));
    EXPECT_LE(intended, Clock::now());
  }
  EXPECT_GE(pacer.sleeps(), 1);
}

}  // namespace
}  // namespace cairn::tools::perf
