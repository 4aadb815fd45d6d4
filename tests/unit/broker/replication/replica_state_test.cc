// ReplicaState: the high watermark a leader computes from its followers' fetches, and the
// in-sync set, on a clock the test moves by hand.
#include "broker/replication/replica_state.h"

#include <gtest/gtest.h>

namespace cairn::broker {
namespace {

using std::chrono::milliseconds;
using Clock = ReplicaState::Clock;

class ReplicaStateTest : public ::testing::Test {
 protected:
  ReplicaState state{milliseconds(1000)};
  Clock::time_point now = Clock::time_point{} + std::chrono::hours(1);
  static constexpr int32_t kFollower = 2;
};

TEST_F(ReplicaStateTest, WithNoFollowerTheHighWatermarkIsTheLogEnd) {
  EXPECT_EQ(state.high_watermark(Offset(42), now), Offset(42));
  EXPECT_EQ(state.in_sync_count(now), 1);
}

TEST_F(ReplicaStateTest, AFollowerThatNeverCaughtUpIsOutOfSyncAndHoldsNothingBack) {
  state.on_replica_fetch(kFollower, Offset(0), Offset(100), now);
  EXPECT_EQ(state.in_sync_count(now), 1);
  EXPECT_EQ(state.high_watermark(Offset(100), now), Offset(100));
}

TEST_F(ReplicaStateTest, AnInSyncFollowerHoldsTheHighWatermarkAtWhatItHasFetched) {
  state.on_replica_fetch(kFollower, Offset(10), Offset(10), now);  // caught up
  EXPECT_EQ(state.in_sync_count(now), 2);
  // Ten more records appended: the follower has not asked past 10 yet.
  EXPECT_EQ(state.high_watermark(Offset(20), now), Offset(10));
  state.on_replica_fetch(kFollower, Offset(20), Offset(20), now + milliseconds(5));
  EXPECT_EQ(state.high_watermark(Offset(20), now + milliseconds(5)), Offset(20));
}

TEST_F(ReplicaStateTest, AFollowerKeepingPaceWithAStreamStaysInSync) {
  // Each fetch asks from where the log ended at the previous one, never quite at the end.
  state.on_replica_fetch(kFollower, Offset(10), Offset(10), now);
  for (int i = 1; i <= 5; ++i) {
    auto t = now + milliseconds(600 * i);
    state.on_replica_fetch(kFollower, Offset(10 * i + 5), Offset(10 * i + 10), t);
    EXPECT_EQ(state.in_sync_count(t), 2) << "fetch " << i;
  }
}

TEST_F(ReplicaStateTest,
       AFollowerBehindLongerThanTheLagLimitLeavesTheInSyncSetAndTheHighWatermarkMovesOn) {
  state.on_replica_fetch(kFollower, Offset(10), Offset(10), now);
  EXPECT_EQ(state.next_expiry(now), now + milliseconds(1000));
  EXPECT_EQ(state.high_watermark(Offset(30), now + milliseconds(999)), Offset(10));
  auto later = now + milliseconds(1001);
  EXPECT_EQ(state.in_sync_count(later), 1);
  EXPECT_EQ(state.high_watermark(Offset(30), later), Offset(30));
  EXPECT_EQ(state.next_expiry(later), Clock::time_point::max());
}

TEST_F(ReplicaStateTest, AFollowerThatCatchesUpAgainRejoinsWithoutMovingTheHighWatermarkBack) {
  state.on_replica_fetch(kFollower, Offset(10), Offset(10), now);
  auto later = now + milliseconds(2000);
  EXPECT_EQ(state.high_watermark(Offset(30), later), Offset(30));  // it left
  // It fetches from 20 while the log ends at 30, then from 30: caught up, in sync again.
  state.on_replica_fetch(kFollower, Offset(20), Offset(30), later);
  EXPECT_EQ(state.in_sync_count(later), 1);
  state.on_replica_fetch(kFollower, Offset(30), Offset(40), later + milliseconds(1));
  EXPECT_EQ(state.in_sync_count(later + milliseconds(1)), 2);
  EXPECT_EQ(state.high_watermark(Offset(40), later + milliseconds(1)), Offset(30));
}

TEST_F(ReplicaStateTest, AFollowerTakesTheLeadersHighWatermarkAndForgetsItOnReset) {
  state.set_leader_high_watermark(Offset(7));
  EXPECT_EQ(state.leader_high_watermark(), Offset(7));
  state.reset();
  EXPECT_FALSE(state.leader_high_watermark().has_value());
}

}  // namespace
}  // namespace cairn::broker
