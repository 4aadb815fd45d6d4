// Groups whose leader assigns (Kafka's classic protocol, as Connect and Streams use it): the
// coordinator picks a protocol every member offers, hands the leader every member's metadata,
// holds the other members' SyncGroup until the leader's assignments arrive, and never mixes
// such members with those it assigns itself.
#include <gtest/gtest.h>

#include "tests/unit/broker/group/coordinator_fixture.h"

namespace cairn::broker {
namespace {

using namespace std::chrono_literals;
using group_testing::CoordinatorTest;
using protocol::ErrorCode;
using testing::run_until;

std::vector<std::byte> bytes(std::string_view text) {
  std::vector<std::byte> out;
  for (char c : text) out.push_back(static_cast<std::byte>(c));
  return out;
}

class ClientAssignedGroupTest : public CoordinatorTest {
 protected:
  // A worker offering `protocols` (name, metadata) in its order of preference.
  static JoinRequest worker(const std::string& client,
                            std::vector<std::pair<std::string, std::string>> protocols,
                            std::string type = "connect") {
    JoinRequest r = join_request("workers", client);
    r.topics.clear();
    r.protocol_type = std::move(type);
    for (auto& [name, metadata] : protocols) r.protocols.push_back({name, bytes(metadata)});
    return r;
  }

  // Joins `requests` together and completes the rebalance.
  std::vector<JoinResult> join_all(std::vector<JoinRequest> requests) {
    std::vector<std::shared_ptr<std::optional<JoinResult>>> slots;
    for (auto& r : requests) slots.push_back(start(coordinator->join(std::move(r))));
    settle();
    world.clock += options.rebalance_delay;
    coordinator->housekeep();
    EXPECT_TRUE(run_until(ctx, [&] {
      return std::all_of(slots.begin(), slots.end(), [](auto& s) { return s->has_value(); });
    }));
    std::vector<JoinResult> out;
    for (auto& s : slots) out.push_back(s->value_or(JoinResult{}));
    return out;
  }

  static MemberRequest member(const JoinResult& joined) {
    return MemberRequest{"workers", joined.generation, joined.member_id, {}};
  }
};

TEST_F(ClientAssignedGroupTest, TheLeaderGetsEveryMembersMetadataAndItsAssignmentsReachTheMembers) {
  open();
  auto joined = join_all({worker("aa", {{"sessioned", "a-s"}, {"default", "a-d"}}),
                          worker("zz", {{"default", "z-d"}})});
  const JoinResult& leader = joined[0];
  const JoinResult& follower = joined[1];
  ASSERT_EQ(leader.error, ErrorCode::kNone);
  ASSERT_EQ(follower.error, ErrorCode::kNone);
  EXPECT_EQ(leader.leader, leader.member_id);
  EXPECT_EQ(follower.leader, leader.member_id);
  EXPECT_EQ(leader.strategy, "default") << "the only protocol both offer";
  EXPECT_EQ(leader.protocol_type, "connect");
  ASSERT_EQ(leader.members.size(), 2u);
  EXPECT_EQ(leader.members[0].metadata, bytes("a-d"));
  EXPECT_EQ(leader.members[1].metadata, bytes("z-d"));
  EXPECT_TRUE(follower.members.empty() || follower.members[0].metadata.empty())
      << "only the leader sees the metadata";
  EXPECT_EQ(coordinator->describe("workers").state, "CompletingRebalance");

  auto waiting = start(coordinator->sync(member(follower)));
  settle();
  EXPECT_FALSE(waiting->has_value()) << "a member waits for the leader's assignments";
  EXPECT_EQ(coordinator->heartbeat(member(follower)), ErrorCode::kNone);

  MemberRequest assign = member(leader);
  assign.assignments = {{leader.member_id, bytes("tasks 0-3")},
                        {follower.member_id, bytes("tasks 4-7")},
                        {"no-such-member", bytes("dropped")}};
  SyncResult mine = run(coordinator->sync(std::move(assign)));
  ASSERT_TRUE(run_until(ctx, [&] { return waiting->has_value(); }));
  EXPECT_EQ(mine.error, ErrorCode::kNone);
  EXPECT_TRUE(mine.client_assigned);
  EXPECT_EQ(mine.client_assignment, bytes("tasks 0-3"));
  EXPECT_EQ((*waiting)->error, ErrorCode::kNone);
  EXPECT_EQ((*waiting)->client_assignment, bytes("tasks 4-7"));
  GroupDescription d = coordinator->describe("workers");
  EXPECT_EQ(d.state, "Stable");
  EXPECT_EQ(d.protocol_type, "connect");
  EXPECT_EQ(d.strategy, "default");
}

TEST_F(ClientAssignedGroupTest, MembersOfAnotherKindTypeOrProtocolSetAreRefused) {
  open();
  auto joined = join_all({worker("aa", {{"sessioned", "m"}, {"default", "m"}})});
  ASSERT_EQ(joined[0].error, ErrorCode::kNone);
  EXPECT_EQ(run(coordinator->join(join_request("workers"))).error,
            ErrorCode::kInconsistentGroupProtocol)
      << "a member the broker would assign";
  EXPECT_EQ(run(coordinator->join(worker("bb", {{"default", "m"}}, "consumer"))).error,
            ErrorCode::kInconsistentGroupProtocol)
      << "another protocol type";
  EXPECT_EQ(run(coordinator->join(worker("cc", {{"eager", "m"}}))).error,
            ErrorCode::kInconsistentGroupProtocol)
      << "no protocol in common";

  auto consumers = start(coordinator->join(join_request("g")));
  settle();
  world.clock += options.rebalance_delay;
  coordinator->housekeep();
  ASSERT_TRUE(run_until(ctx, [&] { return consumers->has_value(); }));
  JoinRequest into_consumers = worker("dd", {{"default", "m"}});
  into_consumers.group_id = "g";
  EXPECT_EQ(run(coordinator->join(std::move(into_consumers))).error,
            ErrorCode::kInconsistentGroupProtocol)
      << "a group the broker assigns";
}

TEST_F(ClientAssignedGroupTest, ALeaderThatNeverAssignsIsRemovedAndTheOthersAreToldToRejoin) {
  open();
  auto joined = join_all({worker("aa", {{"default", "a"}}), worker("zz", {{"default", "z"}})});
  ASSERT_EQ(joined[1].error, ErrorCode::kNone);
  auto waiting = start(coordinator->sync(member(joined[1])));
  settle();
  ASSERT_FALSE(waiting->has_value());
  // The follower keeps heartbeating; the leader sends nothing past the rebalance timeout.
  for (auto waited = 0ms; waited <= JoinRequest{}.rebalance_timeout; waited += 5s) {
    world.clock += 5s;
    coordinator->heartbeat(member(joined[1]));
    coordinator->housekeep();
  }
  ASSERT_TRUE(run_until(ctx, [&] { return waiting->has_value(); }));
  EXPECT_EQ((*waiting)->error, ErrorCode::kRebalanceInProgress);
  GroupDescription d = coordinator->describe("workers");
  ASSERT_EQ(d.members.size(), 1u);
  EXPECT_EQ(d.members[0].member_id, joined[1].member_id);
}

}  // namespace
}  // namespace cairn::broker
