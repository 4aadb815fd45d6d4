// The group coordinator's transactional offset commits (PROTOCOL.md, "Transactions"): pending
// until their producer's marker, unstable to OffsetFetch meanwhile, replayed after a restart.
#include <gtest/gtest.h>

#include "tests/unit/broker/group/coordinator_fixture.h"

namespace cairn::broker {
namespace {

using group_testing::CoordinatorTest;
using protocol::ErrorCode;
using testing::run_until;

class TxnOffsetsTest : public CoordinatorTest {
 protected:
  ErrorCode txn_commit(int64_t producer, const std::string& group, int64_t offset) {
    CommitRequest r = commit_request(group, "t", 0, offset);
    r.producer_id = producer;
    return error_of(run(coordinator->commit(std::move(r))));
  }
  ErrorCode fetch_error(const std::string& group) {
    auto r = run(coordinator->fetch_offsets(fetch_request(group, "t", 0)));
    return r.offsets.size() == 1 ? r.offsets[0].error : ErrorCode::kUnknownServerError;
  }
  void marker(int64_t producer, protocol::TxnResult result) {
    auto batch = protocol::build_control_batch({producer, 0, result, 0, system_now()});
    bool stored = false;
    offsets_log().append_marker(batch, [&](const Result<storage::AppendResult>& r) {
      EXPECT_TRUE(r) << r.error().to_string();
      stored = true;
    });
    ASSERT_TRUE(run_until(ctx, [&] { return stored; }));
    coordinator->transaction_ended(0, producer, result);
  }
};

TEST_F(TxnOffsetsTest, ATransactionalCommitIsUnstableUntilItsCommitMarkerAndSurvivesARestart) {
  open();
  ASSERT_EQ(commit("g", "t", 0, 3), ErrorCode::kNone);
  ASSERT_EQ(txn_commit(7, "g", 5), ErrorCode::kNone);
  EXPECT_EQ(fetch_error("g"), ErrorCode::kUnstableOffsetCommit);
  restart();
  EXPECT_EQ(fetch_error("g"), ErrorCode::kUnstableOffsetCommit) << "pending after the replay";
  marker(7, protocol::TxnResult::kCommit);
  EXPECT_EQ(committed("g"), 5);
  restart();
  EXPECT_EQ(committed("g"), 5);
}

TEST_F(TxnOffsetsTest, AnAbortMarkerDropsTheTransactionalCommitAlsoAfterARestart) {
  open();
  ASSERT_EQ(commit("g", "t", 0, 3), ErrorCode::kNone);
  ASSERT_EQ(txn_commit(7, "g", 5), ErrorCode::kNone);
  marker(8, protocol::TxnResult::kCommit);
  EXPECT_EQ(fetch_error("g"), ErrorCode::kUnstableOffsetCommit) << "another producer's marker";
  marker(7, protocol::TxnResult::kAbort);
  EXPECT_EQ(committed("g"), 3);
  restart();
  EXPECT_EQ(committed("g"), 3);
}

TEST_F(TxnOffsetsTest, ATransactionalCommitOutsideTheMembershipIsTakenFromAGroupWithMembers) {
  open();
  auto joined = start(coordinator->join(join_request("g")));
  settle();
  world.clock += options.rebalance_delay;
  coordinator->housekeep();
  ASSERT_TRUE(run_until(ctx, [&] { return joined->has_value(); }));
  EXPECT_EQ(commit("g", "t", 0, 3), ErrorCode::kNonEmptyGroup);
  EXPECT_EQ(txn_commit(7, "g", 5), ErrorCode::kNone);
}

}  // namespace
}  // namespace cairn::broker
