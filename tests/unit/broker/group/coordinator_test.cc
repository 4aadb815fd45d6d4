// GroupCoordinator on the in-memory fault backend, with a manual clock: commits, fetches,
// retention, snapshots, deletion, joins and restarts, driven one step at a time.
#include "broker/group/coordinator.h"

#include <gtest/gtest.h>

#include <regex>

#include "tests/unit/broker/group/coordinator_fixture.h"

namespace cairn::broker {
namespace {

using namespace std::chrono_literals;
using group_testing::CoordinatorTest;
using protocol::ErrorCode;
using testing::run_until;

TEST_F(CoordinatorTest, ACommitIsFetchedBackAndSurvivesARestart) {
  open();
  ASSERT_EQ(commit("g", "t", 1, 17, "meta"), ErrorCode::kNone);
  EXPECT_EQ(committed("g", "t", 1), 17);
  restart();
  EXPECT_EQ(committed("g", "t", 1), 17);
}

// Finding 1: a snapshot built while a commit is still being written must not leave it out.
TEST_F(CoordinatorTest, ASnapshotTakenWhileACommitIsInFlightKeepsThatCommit) {
  options.snapshot_bytes = 1;
  open();
  ASSERT_EQ(commit("g", "t", 0, 5), ErrorCode::kNone);
  io.hold_completions();
  auto acked = start(coordinator->commit(commit_request("g", "t", 0, 42)));
  ASSERT_TRUE(run_until(ctx, [&] { return io.held_completions() > 0; }));
  coordinator->housekeep();  // a snapshot is due
  io.release_completions();
  ASSERT_TRUE(run_until(ctx, [&] { return acked->has_value(); }));
  ASSERT_EQ(error_of(**acked), ErrorCode::kNone);
  settle();
  // The two commits, then the snapshot's begin, entry and end.
  EXPECT_EQ(offsets_log().high_watermark(), Offset(5)) << "no snapshot was written";
  restart();
  EXPECT_EQ(committed("g"), 42);
}

// Finding 4: a group without members (manual assignment) keeps offsets it keeps committing.
TEST_F(CoordinatorTest, OffsetsCommittedWithoutMembershipExpireOnlyARetentionAfterTheirLastCommit) {
  options.offsets_retention = 10s;
  open();
  ASSERT_EQ(commit("g", "t", 0, 1), ErrorCode::kNone);
  ASSERT_EQ(commit("g", "t", 1, 100), ErrorCode::kNone);
  world.clock += 6s;
  ASSERT_EQ(commit("g", "t", 0, 2), ErrorCode::kNone);
  world.clock += 6s;  // 12 s after the first commits, 6 s after the last one
  coordinator->housekeep();
  settle();
  EXPECT_EQ(committed("g", "t", 0), 2);
  EXPECT_EQ(committed("g", "t", 1), -1) << "partition 1 was last committed 12 s ago";
  world.clock += 5s;
  coordinator->housekeep();
  settle();
  EXPECT_EQ(committed("g", "t", 0), -1);
  restart();
  EXPECT_EQ(committed("g", "t", 0), -1);
  EXPECT_EQ(committed("g", "t", 1), -1);
}

// Finding 4: expiry must not free a group that a commit in flight still uses (ASan catches it).
TEST_F(CoordinatorTest, ACommitInFlightWhenItsGroupExpiresIsKeptAndAcknowledged) {
  options.offsets_retention = 10s;
  open();
  ASSERT_EQ(commit("g", "t", 0, 1), ErrorCode::kNone);
  world.clock += 11s;
  io.hold_completions();
  auto acked = start(coordinator->commit(commit_request("g", "t", 0, 2)));
  ASSERT_TRUE(run_until(ctx, [&] { return io.held_completions() > 0; }));
  coordinator->housekeep();
  io.release_completions();
  ASSERT_TRUE(run_until(ctx, [&] { return acked->has_value(); }));
  EXPECT_EQ(error_of(**acked), ErrorCode::kNone);
  settle();
  EXPECT_EQ(committed("g"), 2);
  restart();
  EXPECT_EQ(committed("g"), 2);
}

// Finding 4: a join woken after its group was left empty past the retention must not find it
// freed (ASan catches it).
TEST_F(CoordinatorTest, AJoinWokenAfterItsGroupEmptiedPastTheRetentionAnswersSafely) {
  options.offsets_retention = 1ms;
  open();
  auto joined = start(coordinator->join(join_request("g", "c")));
  settle();
  ASSERT_FALSE(joined->has_value());
  auto described = coordinator->describe("g");
  ASSERT_EQ(described.members.size(), 1u);
  ASSERT_EQ(coordinator->leave("g", described.members[0].member_id), ErrorCode::kNone);
  world.clock += 1s;
  coordinator->housekeep();  // before the join runs again
  ASSERT_TRUE(run_until(ctx, [&] { return joined->has_value(); }));
  EXPECT_EQ((*joined)->error, ErrorCode::kUnknownMemberId);
}

// Finding 4: a failed tombstone write keeps the offsets (memory agrees with the log) and is
// retried later.
TEST_F(CoordinatorTest, AnExpiryWhoseTombstoneWriteFailsKeepsTheOffsetsAndIsRetried) {
  options.offsets_retention = 10s;
  open();
  ASSERT_EQ(commit("g", "t", 0, 7), ErrorCode::kNone);
  world.clock += 11s;
  io.fail_writes(EIO);
  coordinator->housekeep();
  settle();
  EXPECT_EQ(committed("g"), 7);
  world.clock += 1min;
  coordinator->housekeep();
  settle();
  EXPECT_EQ(committed("g"), -1);
  restart();
  EXPECT_EQ(committed("g"), -1);
}

// Finding 5: a group on an offline offsets partition is not "nothing committed".
TEST_F(CoordinatorTest, AGroupOnAnOfflineOffsetsPartitionGetsCoordinatorNotAvailable) {
  open({0});
  auto fetched = run(coordinator->fetch_offsets(fetch_request("g", "t", 0)));
  EXPECT_EQ(fetched.error, ErrorCode::kCoordinatorNotAvailable);
  EXPECT_EQ(commit("g", "t", 0, 1), ErrorCode::kCoordinatorNotAvailable);
  auto joined = run(coordinator->join(join_request("g")));
  EXPECT_EQ(joined.error, ErrorCode::kCoordinatorNotAvailable);
}

// Finding 5: a body bit flip in the offsets log leaves that partition unloaded, not the
// coordinator failed.
TEST_F(CoordinatorTest, AnOffsetsLogThatFailsToReplayIsLeftUnloadedAndItsGroupsRetry) {
  world.offsets_partitions = 2;
  open();
  std::string on0, on1;
  for (int i = 0; on0.empty() || on1.empty(); ++i) {
    std::string g = "g" + std::to_string(i);
    (offsets_partition_for(g, 2) == 0 ? on0 : on1) = g;
  }
  ASSERT_EQ(commit(on0, "t", 0, 5), ErrorCode::kNone);
  ASSERT_EQ(commit(on1, "t", 0, 6), ErrorCode::kNone);
  close();
  auto* bytes = io.contents(dir(0) / "00000000000000000000.log");
  ASSERT_NE(bytes, nullptr);
  bytes->back() ^= std::byte{0x01};  // the last record's commit time
  open();
  auto fetched = run(coordinator->fetch_offsets(fetch_request(on0, "t", 0)));
  EXPECT_EQ(fetched.error, ErrorCode::kCoordinatorNotAvailable);
  ASSERT_EQ(fetched.offsets.size(), 1u);
  EXPECT_EQ(fetched.offsets[0].error, ErrorCode::kCoordinatorNotAvailable);
  EXPECT_EQ(commit(on0, "t", 0, 9), ErrorCode::kCoordinatorNotAvailable);
  EXPECT_EQ(committed(on1), 6) << "the other partition serves as before";
}

// Finding 6: a snapshot larger than the 8 MiB batch limit is written as several batches.
TEST_F(CoordinatorTest, LiveOffsetsLargerThanOneBatchAreSnapshottedAndSurviveARestart) {
  log_config.segment_bytes = 1 << 20;
  options.snapshot_bytes = 1 << 20;
  world.topics["big"] = std::vector<int64_t>(150, 1000);
  open();
  std::string metadata(60 << 10, 'm');
  for (int32_t p = 0; p < 150; ++p) {
    ASSERT_EQ(commit("g", "big", p, p, metadata + std::to_string(p)), ErrorCode::kNone);
  }
  ASSERT_GT(offsets_log().size_bytes(), 8u << 20);
  coordinator->housekeep();
  settle();
  EXPECT_GT(offsets_log().log_start_offset(), Offset(0)) << "no snapshot was written";
  restart();
  for (int32_t p = 0; p < 150; ++p) {
    auto r = run(coordinator->fetch_offsets(fetch_request("g", "big", p)));
    ASSERT_EQ(r.offsets.at(0).offset, p);
    ASSERT_EQ(r.offsets.at(0).metadata, metadata + std::to_string(p));
  }
}

// Finding 6: a failing snapshot is retried after a backoff, not on every tick.
TEST_F(CoordinatorTest, ASnapshotThatFailsIsRetriedAfterABackoffNotOnEveryTick) {
  options.snapshot_bytes = 1;
  open();
  ASSERT_EQ(commit("g", "t", 0, 5), ErrorCode::kNone);
  io.fail_writes(EIO);
  coordinator->housekeep();
  settle();
  Offset end = offsets_log().high_watermark();
  coordinator->housekeep();
  settle();
  EXPECT_EQ(offsets_log().high_watermark(), end) << "retried at once";
  world.clock += 2min;
  coordinator->housekeep();
  settle();
  EXPECT_GT(offsets_log().high_watermark(), end) << "never retried";
  restart();
  EXPECT_EQ(committed("g"), 5);
}

// Finding 17: an OffsetFetch never answers with an offset older than a commit already accepted.
TEST_F(CoordinatorTest, AnOffsetFetchWaitsForACommitAcceptedBeforeIt) {
  open();
  ASSERT_EQ(commit("g", "t", 0, 5), ErrorCode::kNone);
  io.hold_completions();
  auto acked = start(coordinator->commit(commit_request("g", "t", 0, 9)));
  ASSERT_TRUE(run_until(ctx, [&] { return io.held_completions() > 0; }));
  auto fetched = start(coordinator->fetch_offsets(fetch_request("g", "t", 0)));
  ctx.poll();
  EXPECT_FALSE(fetched->has_value()) << "answered while the commit was being written";
  io.release_completions();
  ASSERT_TRUE(run_until(ctx, [&] { return acked->has_value() && fetched->has_value(); }));
  EXPECT_EQ(error_of(**acked), ErrorCode::kNone);
  EXPECT_EQ((*fetched)->offsets.at(0).offset, 9);
}

// Finding 3: once stopped, nothing of the coordinator's reaches the offsets log.
TEST_F(CoordinatorTest, AStoppedCoordinatorAppendsNothing) {
  options.snapshot_bytes = 1;
  options.offsets_retention = 10s;
  open();
  ASSERT_EQ(commit("g", "t", 0, 5), ErrorCode::kNone);
  world.clock += 11s;  // expiry and a snapshot are due
  Offset end = offsets_log().high_watermark();
  coordinator->stop();
  EXPECT_EQ(commit("g", "t", 0, 6), ErrorCode::kCoordinatorNotAvailable);
  EXPECT_EQ(run(coordinator->join(join_request("g2"))).error, ErrorCode::kCoordinatorNotAvailable);
  coordinator->housekeep();
  settle();
  EXPECT_EQ(offsets_log().high_watermark(), end);
}

// OffsetCommit validates each partition against the broker's topics.
TEST_F(CoordinatorTest, ACommitPastTheLogEndIsRefusedForThatPartitionOnly) {
  world.topics["t"] = {50, 50};
  open();
  CommitRequest r = commit_request("g", "t", 0, 500);
  r.entries.push_back({"t", 1, 50, ""});
  auto out = run(coordinator->commit(r));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], ErrorCode::kOffsetOutOfRange);
  EXPECT_EQ(out[1], ErrorCode::kNone);
  EXPECT_EQ(committed("g", "t", 0), -1);
  EXPECT_EQ(committed("g", "t", 1), 50);
}

TEST_F(CoordinatorTest, ACommitForAnUnknownTopicOrPartitionIsRefusedForThatPartitionOnly) {
  open();
  CommitRequest r = commit_request("g", "t", 2, 1);
  r.entries.push_back({"t", 0, 3, ""});
  r.entries.push_back({"nope", 0, 1, ""});
  auto out = run(coordinator->commit(r));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0], ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(out[1], ErrorCode::kNone);
  EXPECT_EQ(out[2], ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(committed("g", "t", 0), 3);
  EXPECT_EQ(committed("g", "nope", 0), -1);
}

TEST_F(CoordinatorTest, ANegativeOffsetIsRefusedForThatPartitionOnly) {
  open();
  CommitRequest r = commit_request("g", "t", 0, -5);
  r.entries.push_back({"t", 1, 4, ""});
  auto out = run(coordinator->commit(r));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], ErrorCode::kOffsetOutOfRange);
  EXPECT_EQ(out[1], ErrorCode::kNone);
  EXPECT_EQ(committed("g", "t", 1), 4);
}

TEST_F(CoordinatorTest, ACommitForAnOfflinePartitionIsStoredUnchecked) {
  world.offline.insert("t/0");
  open();
  EXPECT_EQ(commit("g", "t", 0, 123456), ErrorCode::kNone);
  EXPECT_EQ(committed("g", "t", 0), 123456);
}

// PROTOCOL.md, JoinGroup: member ids, the leader, the first generation and the member list.
TEST_F(CoordinatorTest, ADeletedGroupLosesItsOffsetsAndStaysDeletedAfterARestart) {
  open();
  ASSERT_EQ(commit("g", "t", 0, 5), ErrorCode::kNone);
  ASSERT_EQ(commit("g", "t", 1, 7), ErrorCode::kNone);
  ASSERT_EQ(commit("h", "t", 0, 3), ErrorCode::kNone);
  auto deleted = run(coordinator->delete_group("g"));
  EXPECT_EQ(deleted.error, ErrorCode::kNone) << deleted.message;
  EXPECT_EQ(committed("g", "t", 0), -1);
  EXPECT_EQ(coordinator->describe("g").error, ErrorCode::kGroupIdNotFound);
  restart();
  EXPECT_EQ(committed("g", "t", 0), -1);
  EXPECT_EQ(committed("g", "t", 1), -1);
  EXPECT_EQ(committed("h", "t", 0), 3);
  EXPECT_EQ(coordinator->describe("g").error, ErrorCode::kGroupIdNotFound);
}

TEST_F(CoordinatorTest, AGroupWithMembersOrNoneAtAllIsNotDeleted) {
  open();
  EXPECT_EQ(run(coordinator->delete_group("nobody")).error, ErrorCode::kGroupIdNotFound);
  EXPECT_EQ(run(coordinator->delete_group("")).error, ErrorCode::kInvalidGroupId);
  ASSERT_EQ(commit("g", "t", 0, 5), ErrorCode::kNone);
  auto joined = start(coordinator->join(join_request("g")));
  settle();
  world.clock += options.rebalance_delay;
  coordinator->housekeep();
  ASSERT_TRUE(run_until(ctx, [&] { return joined->has_value(); }));
  auto refused = run(coordinator->delete_group("g"));
  EXPECT_EQ(refused.error, ErrorCode::kNonEmptyGroup);
  EXPECT_EQ(refused.message, "it has 1 member; stop its consumers, then delete it");
  EXPECT_EQ(committed("g"), 5);
}

TEST_F(CoordinatorTest, ADeletionWhoseTombstoneWriteFailsKeepsTheGroup) {
  open();
  ASSERT_EQ(commit("g", "t", 0, 5), ErrorCode::kNone);
  io.fail_writes(EIO);
  auto failed = run(coordinator->delete_group("g"));
  EXPECT_NE(failed.error, ErrorCode::kNone);
  EXPECT_EQ(committed("g"), 5);
}

TEST_F(CoordinatorTest, JoinGroupAnswersEveryMemberWithTheSmallestIdAsLeader) {
  open();
  auto a = start(coordinator->join(join_request("g", "zz")));
  auto b = start(coordinator->join(join_request("g", "aa")));
  settle();
  world.clock += options.rebalance_delay;
  coordinator->housekeep();
  ASSERT_TRUE(run_until(ctx, [&] { return a->has_value() && b->has_value(); }));
  const auto& ra = **a;
  const auto& rb = **b;
  ASSERT_EQ(ra.error, ErrorCode::kNone);
  ASSERT_EQ(rb.error, ErrorCode::kNone);
  EXPECT_TRUE(std::regex_match(ra.member_id, std::regex("zz-[0-9a-f]{16}"))) << ra.member_id;
  EXPECT_TRUE(std::regex_match(rb.member_id, std::regex("aa-[0-9a-f]{16}"))) << rb.member_id;
  EXPECT_EQ(ra.generation, 1);
  EXPECT_EQ(rb.generation, 1);
  EXPECT_EQ(ra.leader, rb.member_id);
  EXPECT_EQ(rb.leader, rb.member_id);
  ASSERT_EQ(ra.members.size(), 2u);
  ASSERT_EQ(rb.members.size(), 2u);
  EXPECT_EQ(ra.members[0].member_id, rb.member_id);
  EXPECT_EQ(ra.members[0].client_id, "aa");
}

}  // namespace
}  // namespace cairn::broker
