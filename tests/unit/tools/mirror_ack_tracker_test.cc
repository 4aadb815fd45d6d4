#include "tools/cairn/mirror_ack_tracker.h"

#include <gtest/gtest.h>

namespace cairn::tools {
namespace {

using client::TopicPartition;

const TopicPartition kA{"orders", 0};
const TopicPartition kB{"orders", 1};

TEST(MirrorAckTrackerTest, APartitionSentButNotAcknowledgedResumesAtItsFirstSentOffset) {
  MirrorAckTracker t;
  t.sending(kA, 40);
  t.sending(kA, 41);
  EXPECT_EQ(t.next_offsets().at(kA), 40);
  EXPECT_EQ(t.unacknowledged(), 2u);
}

TEST(MirrorAckTrackerTest, AcknowledgementsMoveTheNextOffsetPastTheAcknowledgedRecord) {
  MirrorAckTracker t;
  t.sending(kA, 40);
  t.sending(kA, 41);
  t.sending(kB, 7);
  t.acknowledged(kA, 40);
  EXPECT_EQ(t.next_offsets().at(kA), 41);
  t.acknowledged(kA, 41);
  EXPECT_EQ(t.next_offsets().at(kA), 42);
  EXPECT_EQ(t.next_offsets().at(kB), 7);
  EXPECT_EQ(t.copied(), 2);
  EXPECT_EQ(t.unacknowledged(), 1u);
}

TEST(MirrorAckTrackerTest, AFailedDeliveryFreezesItsPartitionAgainstLaterAcknowledgements) {
  MirrorAckTracker t;
  for (int64_t o = 10; o < 14; ++o) t.sending(kA, o);
  t.sending(kB, 0);
  t.acknowledged(kA, 10);
  t.failed(kA, Status::timed_out("delivery timeout"));
  t.acknowledged(kA, 12);  // a later record stored after the failed one must not skip it
  t.acknowledged(kA, 13);
  t.acknowledged(kB, 0);
  EXPECT_EQ(t.next_offsets().at(kA), 11);
  EXPECT_EQ(t.next_offsets().at(kB), 1);
  EXPECT_EQ(t.copied(), 2);
  EXPECT_EQ(t.unacknowledged(), 0u);
}

TEST(MirrorAckTrackerTest, TakeFailedNamesWhereToReadAgainAndClearsTheFailure) {
  MirrorAckTracker t;
  t.sending(kA, 5);
  t.sending(kA, 6);
  t.acknowledged(kA, 5);
  t.failed(kA, Status::unavailable("destination gone"));
  ASSERT_TRUE(t.any_failed());
  Status why;
  auto failed = t.take_failed(&why);
  EXPECT_EQ(failed, (std::map<TopicPartition, int64_t>{{kA, 6}}));
  EXPECT_EQ(why.message(), "destination gone");
  EXPECT_FALSE(t.any_failed());
  t.sending(kA, 6);  // read again from there
  t.acknowledged(kA, 6);
  EXPECT_EQ(t.next_offsets().at(kA), 7);
}

TEST(MirrorAckTrackerTest, ARecordRefusedAtSendCountsAsAFailure) {
  MirrorAckTracker t;
  t.sending(kA, 3);
  t.failed(kA, Status::unavailable("buffer full"));
  EXPECT_EQ(t.unacknowledged(), 0u);
  Status why;
  EXPECT_EQ(t.take_failed(&why).at(kA), 3);
}

}  // namespace
}  // namespace cairn::tools
