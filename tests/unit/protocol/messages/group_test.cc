// The bodies of protocol/messages/group.h (the group APIs): each round trips
// field for field, and its decoder refuses every truncation, a trailing byte, and counts that
// cannot fit, with an error instead of a read past the end.
#include "protocol/messages/group.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/unit/protocol/body_test_util.h"

namespace cairn::protocol {
namespace {

using testing::decode_body;
using testing::encode_body;
using testing::expect_every_truncation_rejected;
using testing::round_trip;

TEST(GroupMessages, FindCoordinatorRoundTripsAndRefusesEveryTruncation) {
  auto req = round_trip(FindCoordinatorRequest{"orders-group", 0});
  EXPECT_EQ(req.key, "orders-group");
  EXPECT_EQ(req.key_type, 0);

  auto resp =
      round_trip(FindCoordinatorResponse{ErrorCode::kCoordinatorNotAvailable, 3, "::1", 9292});
  EXPECT_EQ(resp.error, ErrorCode::kCoordinatorNotAvailable);
  EXPECT_EQ(resp.node_id, 3);
  EXPECT_EQ(resp.host, "::1");
  EXPECT_EQ(resp.port, 9292);
}

TEST(GroupMessages, FindCoordinatorTakesATransactionalIdKeyAndRefusesAnUndefinedKeyType) {
  EXPECT_EQ(round_trip(FindCoordinatorRequest{"tx-1", 1}).key_type, 1);
  auto undefined = encode_body(FindCoordinatorRequest{"g", 2});
  EXPECT_FALSE(decode_body<FindCoordinatorRequest>(undefined));
}

TEST(GroupMessages, JoinGroupRoundTripsAndRefusesEveryTruncation) {
  JoinGroupRequest j;
  j.group_id = "g";
  j.session_timeout_ms = 6000;
  j.rebalance_timeout_ms = 45000;
  j.member_id = "cli-00000000000000ff";
  j.strategy = "roundrobin";
  j.topics = {"a", "", "bb"};
  auto req = round_trip(j);
  EXPECT_EQ(req.group_id, "g");
  EXPECT_EQ(req.session_timeout_ms, 6000);
  EXPECT_EQ(req.rebalance_timeout_ms, 45000);
  EXPECT_EQ(req.member_id, j.member_id);
  EXPECT_EQ(req.strategy, "roundrobin");
  EXPECT_EQ(req.topics, j.topics);

  JoinGroupResponse r{ErrorCode::kNone, 7, "m2", "m1", "range", {{"m1", "c1"}, {"m2", ""}}};
  auto resp = round_trip(r);
  EXPECT_EQ(resp.generation, 7);
  EXPECT_EQ(resp.member_id, "m2");
  EXPECT_EQ(resp.leader, "m1");
  EXPECT_EQ(resp.strategy, "range");
  ASSERT_EQ(resp.members.size(), 2u);
  EXPECT_EQ(resp.members[0].client_id, "c1");
  EXPECT_EQ(resp.members[1].member_id, "m2");

  auto failed = round_trip(JoinGroupResponse{ErrorCode::kUnknownMemberId, -1, "", "", "", {}});
  EXPECT_EQ(failed.error, ErrorCode::kUnknownMemberId);
  EXPECT_TRUE(failed.members.empty());
}

TEST(GroupMessages, SyncGroupRoundTripsAndRefusesEveryTruncation) {
  auto req = round_trip(SyncGroupRequest{"g", 4, "m"});
  EXPECT_EQ(req.group_id, "g");
  EXPECT_EQ(req.generation, 4);
  EXPECT_EQ(req.member_id, "m");

  SyncGroupResponse r{ErrorCode::kNone, {{"a", {0, 2, 4}}, {"b", {}}}};
  auto resp = round_trip(r);
  ASSERT_EQ(resp.assignment.size(), 2u);
  EXPECT_EQ(resp.assignment[0].topic, "a");
  EXPECT_EQ(resp.assignment[0].partitions, (std::vector<int32_t>{0, 2, 4}));
  EXPECT_TRUE(resp.assignment[1].partitions.empty());

  EXPECT_EQ(round_trip(SyncGroupResponse{ErrorCode::kRebalanceInProgress, {}}).error,
            ErrorCode::kRebalanceInProgress);
}

TEST(GroupMessages, HeartbeatAndLeaveGroupRoundTripAndRefuseEveryTruncation) {
  auto hb = round_trip(HeartbeatRequest{"g", 9, "m"});
  EXPECT_EQ(hb.group_id, "g");
  EXPECT_EQ(hb.generation, 9);
  EXPECT_EQ(hb.member_id, "m");

  auto leave = round_trip(LeaveGroupRequest{"g", "m"});
  EXPECT_EQ(leave.group_id, "g");
  EXPECT_EQ(leave.member_id, "m");

  EXPECT_EQ(round_trip(GroupErrorResponse{ErrorCode::kIllegalGeneration}).error,
            ErrorCode::kIllegalGeneration);
}

TEST(GroupMessages, OffsetCommitRoundTripsAndRefusesEveryTruncation) {
  OffsetCommitRequest c;
  c.group_id = "g";
  c.generation = -1;
  c.member_id = "";
  c.topics.push_back({"a", {{0, 0, ""}, {1, 1'000'000'000'000, "meta"}}});
  c.topics.push_back({"b", {}});
  auto req = round_trip(c);
  EXPECT_EQ(req.generation, -1);
  ASSERT_EQ(req.topics.size(), 2u);
  ASSERT_EQ(req.topics[0].partitions.size(), 2u);
  EXPECT_EQ(req.topics[0].partitions[1].partition, 1);
  EXPECT_EQ(req.topics[0].partitions[1].offset, 1'000'000'000'000);
  EXPECT_EQ(req.topics[0].partitions[1].metadata, "meta");
  EXPECT_TRUE(req.topics[1].partitions.empty());

  OffsetCommitResponse r;
  r.topics.push_back({"a", {{0, ErrorCode::kNone}, {1, ErrorCode::kIllegalGeneration}}});
  auto resp = round_trip(r);
  ASSERT_EQ(resp.topics[0].partitions.size(), 2u);
  EXPECT_EQ(resp.topics[0].partitions[1].partition, 1);
  EXPECT_EQ(resp.topics[0].partitions[1].error, ErrorCode::kIllegalGeneration);
}

TEST(GroupMessages, AnOffsetCommitOfANegativeOffsetDecodesSoTheBrokerCanRefuseItAlone) {
  // The broker answers OFFSET_OUT_OF_RANGE for that partition and commits the others, so the
  // body must decode (PROTOCOL.md, OffsetCommit).
  OffsetCommitRequest c{"g", 1, "m", {{"a", {{0, -1, ""}}}}};
  auto decoded = round_trip(c);
  ASSERT_EQ(decoded.topics.size(), 1u);
  EXPECT_EQ(decoded.topics[0].partitions[0].offset, -1);
}

TEST(GroupMessages, OffsetFetchRoundTripsAndRefusesEveryTruncation) {
  OffsetFetchRequest some{"g", std::vector<TopicPartitions>{{"a", {0, 1}}, {"b", {}}}};
  auto req = round_trip(some);
  ASSERT_TRUE(req.topics.has_value());
  ASSERT_EQ(req.topics->size(), 2u);
  EXPECT_EQ((*req.topics)[0].partitions, (std::vector<int32_t>{0, 1}));
  EXPECT_TRUE((*req.topics)[1].partitions.empty());

  OffsetFetchResponse r;
  r.topics.push_back({"a", {{0, 42, "m", ErrorCode::kNone}, {1, -1, "", ErrorCode::kNone}}});
  auto resp = round_trip(r);
  ASSERT_EQ(resp.topics[0].partitions.size(), 2u);
  EXPECT_EQ(resp.topics[0].partitions[0].offset, 42);
  EXPECT_EQ(resp.topics[0].partitions[0].metadata, "m");
  EXPECT_EQ(resp.topics[0].partitions[1].offset, -1);

  auto failed = round_trip(OffsetFetchResponse{ErrorCode::kCoordinatorNotAvailable, {}});
  EXPECT_EQ(failed.error, ErrorCode::kCoordinatorNotAvailable);
}

TEST(GroupMessages, OffsetFetchKeepsANullTopicListApartFromAnEmptyOne) {
  auto all = round_trip(OffsetFetchRequest{"g", std::nullopt});
  EXPECT_FALSE(all.topics.has_value());
  auto none = round_trip(OffsetFetchRequest{"g", std::vector<TopicPartitions>{}});
  ASSERT_TRUE(none.topics.has_value());
  EXPECT_TRUE(none.topics->empty());
}

TEST(GroupMessages, ANegativeTopicCountOtherThanNullIsRefused) {
  std::vector<std::byte> body = encode_body(OffsetFetchRequest{"g", std::nullopt});
  store_le<int32_t>(body.data() + 3, -2);
  EXPECT_FALSE(decode_body<OffsetFetchRequest>(body));
}

TEST(GroupMessages, ListGroupsRoundTripsAndRefusesEveryTruncation) {
  std::vector<std::byte> empty;
  EXPECT_TRUE(decode_body<ListGroupsRequest>(empty));
  expect_every_truncation_rejected<ListGroupsRequest>(empty);

  ListGroupsResponse r{{{"g1", "Stable", 2}, {"g2", "Empty", 0}}};
  auto resp = round_trip(r);
  ASSERT_EQ(resp.groups.size(), 2u);
  EXPECT_EQ(resp.groups[0].group_id, "g1");
  EXPECT_EQ(resp.groups[0].state, "Stable");
  EXPECT_EQ(resp.groups[0].members, 2);
  EXPECT_EQ(resp.groups[1].state, "Empty");
}

TEST(GroupMessages, DescribeGroupsRoundTripsAndRefusesEveryTruncation) {
  auto req = round_trip(DescribeGroupsRequest{{"g1", "g2"}});
  EXPECT_EQ(req.groups, (std::vector<std::string>{"g1", "g2"}));

  DescribedGroup stable{"g1", ErrorCode::kNone, "Stable", "range", 5, {}};
  stable.members.push_back({"m1", "c1", "127.0.0.1", {{"a", {0, 1}}}});
  stable.members.push_back({"m2", "c2", "10.0.0.2", {}});
  DescribedGroup missing{"g2", ErrorCode::kGroupIdNotFound, "", "", 0, {}};
  auto resp = round_trip(DescribeGroupsResponse{{stable, missing}});
  ASSERT_EQ(resp.groups.size(), 2u);
  const DescribedGroup& g = resp.groups[0];
  EXPECT_EQ(g.state, "Stable");
  EXPECT_EQ(g.strategy, "range");
  EXPECT_EQ(g.generation, 5);
  ASSERT_EQ(g.members.size(), 2u);
  EXPECT_EQ(g.members[0].client_id, "c1");
  EXPECT_EQ(g.members[0].host, "127.0.0.1");
  ASSERT_EQ(g.members[0].assignment.size(), 1u);
  EXPECT_EQ(g.members[0].assignment[0].partitions, (std::vector<int32_t>{0, 1}));
  EXPECT_TRUE(g.members[1].assignment.empty());
  EXPECT_EQ(resp.groups[1].error, ErrorCode::kGroupIdNotFound);
}

TEST(GroupMessages, DeleteGroupsRoundTripsAndRefusesEveryTruncation) {
  auto req = round_trip(DeleteGroupsRequest{{"g1", "g2"}});
  EXPECT_EQ(req.groups, (std::vector<std::string>{"g1", "g2"}));
  auto resp = round_trip(DeleteGroupsResponse{
      {{"g1", ErrorCode::kNone, ""}, {"g2", ErrorCode::kNonEmptyGroup, "2 members"}}});
  ASSERT_EQ(resp.groups.size(), 2u);
  EXPECT_EQ(resp.groups[1].error, ErrorCode::kNonEmptyGroup);
  EXPECT_EQ(resp.groups[1].message, "2 members");

  // The layout of PROTOCOL.md, "DeleteGroups": strings u16 length + bytes, arrays u32 count.
  auto bytes = encode_body(DeleteGroupsResponse{{{"g", ErrorCode::kNonEmptyGroup, "m"}}});
  const std::vector<uint8_t> spec = {1, 0, 0, 0, 1, 0, 'g', 25, 0, 1, 0, 'm'};
  EXPECT_EQ(bytes,
            std::vector<std::byte>(reinterpret_cast<const std::byte*>(spec.data()),
                                   reinterpret_cast<const std::byte*>(spec.data()) + spec.size()));
}

// `msg` decodes; with the array count at byte `at` raised far past what the bytes left can hold,
// it is refused before anything is allocated for the elements.
template <typename T>
void expect_absurd_count_refused(const T& msg, size_t at) {
  auto body = encode_body(msg);
  ASSERT_TRUE(decode_body<T>(body));
  store_le<uint32_t>(body.data() + at, 0x7fffffffu);
  EXPECT_FALSE(decode_body<T>(body)) << "count at byte " << at;
}

TEST(GroupMessages, CountsThatCannotFitAreRefusedBeforeAllocating) {
  expect_absurd_count_refused(JoinGroupRequest{"g", 1, 1, "", "range", {"t"}}, 20);
  expect_absurd_count_refused(JoinGroupResponse{ErrorCode::kNone, 1, "", "", "", {{"m", "c"}}}, 12);
  expect_absurd_count_refused(SyncGroupResponse{ErrorCode::kNone, {{"t", {0}}}}, 2);
  expect_absurd_count_refused(SyncGroupResponse{ErrorCode::kNone, {{"t", {0}}}}, 9);
  expect_absurd_count_refused(OffsetCommitRequest{"g", 1, "m", {{"t", {}}}}, 10);
  expect_absurd_count_refused(OffsetCommitResponse{{{"t", {{0, ErrorCode::kNone}}}}}, 7);
  expect_absurd_count_refused(OffsetFetchRequest{"g", std::vector<TopicPartitions>{{"t", {}}}}, 3);
  expect_absurd_count_refused(OffsetFetchResponse{ErrorCode::kNone, {{"t", {}}}}, 2);
  expect_absurd_count_refused(ListGroupsResponse{{{"g", "Empty", 0}}}, 0);
  expect_absurd_count_refused(DescribeGroupsRequest{{"g"}}, 0);
  expect_absurd_count_refused(DescribeGroupsResponse{{{"g", ErrorCode::kNone, "", "", 0, {}}}}, 0);
  expect_absurd_count_refused(DeleteGroupsRequest{{"g"}}, 0);
  expect_absurd_count_refused(DeleteGroupsResponse{{{"g", ErrorCode::kNone, ""}}}, 0);
}

}  // namespace
}  // namespace cairn::protocol
