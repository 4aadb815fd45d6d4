#include "broker/group/group.h"

#include <gtest/gtest.h>

namespace cairn::broker {
namespace {

using namespace std::chrono_literals;

Member member(const std::string& id, std::vector<std::string> topics = {"t"}) {
  Member m;
  m.id = id;
  m.topics = std::move(topics);
  m.strategy = "range";
  m.session_timeout = 1000ms;
  m.rebalance_timeout = 5000ms;
  return m;
}

class GroupTest : public ::testing::Test {
 protected:
  Group::PartitionCounts twelve = [](const std::string&) { return 12; };
  GroupTime t0 = std::chrono::steady_clock::now();
  Group g{"g"};
  std::chrono::milliseconds delay = 100ms;
};

TEST_F(GroupTest, AFirstJoinCompletesAfterTheJoinWindow) {
  g.join(member("a"), t0, delay);
  EXPECT_EQ(g.state(), GroupState::kPreparingRebalance);
  EXPECT_FALSE(g.maybe_complete(t0 + 50ms, twelve));
  ASSERT_TRUE(g.maybe_complete(t0 + 100ms, twelve));
  EXPECT_EQ(g.state(), GroupState::kStable);
  EXPECT_EQ(g.generation(), 1);
  EXPECT_EQ(g.members().at("a").assignment.at(0).partitions.size(), 12u);
}

TEST_F(GroupTest, ARebalanceWaitsForEveryMemberToRejoin) {
  g.join(member("a"), t0, delay);
  g.join(member("b"), t0, delay);
  ASSERT_TRUE(g.maybe_complete(t0 + 100ms, twelve));
  // A third member: a and b must give up their partitions and rejoin first.
  g.join(member("c"), t0 + 1s, delay);
  EXPECT_EQ(g.state(), GroupState::kPreparingRebalance);
  EXPECT_FALSE(g.maybe_complete(t0 + 2s, twelve));
  g.join(member("a"), t0 + 2s, delay);
  EXPECT_FALSE(g.maybe_complete(t0 + 2s, twelve));
  g.join(member("b"), t0 + 2s, delay);
  ASSERT_TRUE(g.maybe_complete(t0 + 2s, twelve));
  EXPECT_EQ(g.generation(), 2);
  size_t total = 0;
  for (const auto& [id, m] : g.members()) total += m.assignment.at(0).partitions.size();
  EXPECT_EQ(total, 12u);
  EXPECT_EQ(g.members().at("c").assignment.at(0).partitions.size(), 4u);
}

TEST_F(GroupTest, MembersThatDoNotRejoinByTheDeadlineAreDropped) {
  g.join(member("a"), t0, delay);
  g.join(member("b"), t0, delay);
  ASSERT_TRUE(g.maybe_complete(t0 + 100ms, twelve));
  g.join(member("c"), t0 + 1s, delay);
  g.join(member("a"), t0 + 1s, delay);
  // b never rejoins; its heartbeats keep it in the group until the rebalance deadline.
  EXPECT_FALSE(g.maybe_complete(t0 + 5s, twelve));
  ASSERT_TRUE(g.maybe_complete(t0 + 6100ms, twelve));
  EXPECT_EQ(g.members().size(), 2u);
  EXPECT_FALSE(g.members().count("b"));
}

TEST_F(GroupTest, SilentMembersExpireAndTheRestRebalance) {
  g.join(member("a"), t0, delay);
  g.join(member("b"), t0, delay);
  ASSERT_TRUE(g.maybe_complete(t0 + 100ms, twelve));
  g.touch("a", t0 + 900ms);
  auto gone = g.expire_members(t0 + 1200ms, delay);
  ASSERT_EQ(gone, std::vector<std::string>{"b"});
  EXPECT_EQ(g.state(), GroupState::kPreparingRebalance);
  g.join(member("a"), t0 + 1300ms, delay);
  ASSERT_TRUE(g.maybe_complete(t0 + 1400ms, twelve));
  EXPECT_EQ(g.members().at("a").assignment.at(0).partitions.size(), 12u);
}

TEST_F(GroupTest, TheLastMemberLeavingEmptiesTheGroup) {
  g.join(member("a"), t0, delay);
  ASSERT_TRUE(g.maybe_complete(t0 + 100ms, twelve));
  int32_t gen = g.generation();
  g.remove("a", t0 + 1s, delay);
  EXPECT_EQ(g.state(), GroupState::kEmpty);
  EXPECT_GT(g.generation(), gen);  // a late commit from the old generation is refused
}

TEST_F(GroupTest, ASubscriptionChangeTriggersARebalance) {
  g.join(member("a"), t0, delay);
  ASSERT_TRUE(g.maybe_complete(t0 + 100ms, twelve));
  g.join(member("a", {"t", "u"}), t0 + 1s, delay);
  EXPECT_EQ(g.state(), GroupState::kPreparingRebalance);
  ASSERT_TRUE(g.maybe_complete(t0 + 1200ms, twelve));
  EXPECT_EQ(g.members().at("a").assignment.size(), 2u);
}

TEST_F(GroupTest, AnOffsetOfAGroupWithoutMembersExpiresARetentionAfterItsLastCommit) {
  g.offsets()[{"t", 0}] = CommittedOffset{5, "", 0, t0};
  g.offsets()[{"t", 1}] = CommittedOffset{6, "", 0, t0 + 5s};
  EXPECT_TRUE(g.expired_offsets(t0 + 10s, 10s).empty());
  EXPECT_EQ(g.expired_offsets(t0 + 11s, 10s), (std::vector<TopicPartitionKey>{{"t", 0}}));
  EXPECT_EQ(g.expired_offsets(t0 + 16s, 10s).size(), 2u);
}

TEST_F(GroupTest, OffsetsOfAGroupExpireOnlyARetentionAfterItsLastMemberLeft) {
  g.offsets()[{"t", 0}] = CommittedOffset{5, "", 0, t0};
  g.join(member("a"), t0, delay);
  ASSERT_TRUE(g.maybe_complete(t0 + 100ms, twelve));
  EXPECT_TRUE(g.expired_offsets(t0 + 1h, 10s).empty()) << "the group has a member";
  g.remove("a", t0 + 1h, delay);
  EXPECT_TRUE(g.expired_offsets(t0 + 1h + 10s, 10s).empty());
  EXPECT_EQ(g.expired_offsets(t0 + 1h + 11s, 10s).size(), 1u);
}

}  // namespace
}  // namespace cairn::broker
