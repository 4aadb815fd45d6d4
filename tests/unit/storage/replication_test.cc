// A PartitionLog as a replica: the leader's batches appended at its offsets, leader epochs and
// their checkpoint, and truncation of a divergent tail, crash-safe.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "protocol/record_batch_builder.h"
#include "storage/format.h"
#include "storage/partition_log.h"
#include "tests/unit/storage/partition_fixture.h"

namespace cairn::storage {
namespace {

using testing::BatchSpec;
using testing::make_batch;
using testing::PartitionFixture;

// Every stored batch of `log` from `from` on, each as its own bytes.
std::vector<std::vector<std::byte>> stored_batches(const PartitionLog& log, Offset from) {
  std::vector<std::vector<std::byte>> out;
  Offset next = from;
  while (next < log.high_watermark()) {
    auto slice = log.read(next, 64 * 1024);
    EXPECT_TRUE(slice) << slice.error().to_string();
    if (!slice) break;
    auto bytes = PartitionFixture::slice_bytes(*slice);
    protocol::BatchIterator batches(bytes, protocol::Verify::kStored);
    while (auto view = batches.next()) {
      out.emplace_back(view->bytes().begin(), view->bytes().end());
    }
    EXPECT_TRUE(batches.status().is_ok());
    next = slice->next_offset;
  }
  return out;
}

std::vector<std::byte> all_bytes(const PartitionLog& log) {
  std::vector<std::byte> out;
  for (auto& b : stored_batches(log, log.log_start_offset()))
    out.insert(out.end(), b.begin(), b.end());
  return out;
}

std::vector<std::byte> idempotent_batch(int16_t epoch, int32_t seq, int records) {
  protocol::RecordBatchBuilder b({.producer_id = 7, .producer_epoch = epoch, .base_sequence = seq});
  for (int i = 0; i < records; ++i) {
    b.append(system_now(), std::nullopt, protocol::as_bytes(std::to_string(seq + i)));
  }
  return b.seal();
}

class ReplicationTest : public ::testing::TestWithParam<std::string> {
 protected:
  PartitionFixture leader_fx{GetParam()};
  PartitionFixture fx{GetParam()};
  PartitionConfig config{.segment_bytes = 2048, .index_interval_bytes = 256};

  // A leader log holding batches of two epochs across several segments.
  std::unique_ptr<PartitionLog> filled_leader() {
    auto leader = leader_fx.open_ok(config);
    for (int i = 0; i < 40; ++i) {
      if (i == 25) EXPECT_TRUE(leader->set_leader_epoch(3).is_ok());
      auto r = leader_fx.append(
          *leader,
          make_batch({.records = 1 + i % 3, .value_bytes = 60, .seed = static_cast<uint64_t>(i)}));
      EXPECT_TRUE(r) << r.error().to_string();
    }
    return leader;
  }

  void copy(const PartitionLog& leader, PartitionLog& follower) {
    for (auto& batch : stored_batches(leader, follower.high_watermark())) {
      auto r = fx.append_replica(follower, std::move(batch));
      ASSERT_TRUE(r) << r.error().to_string();
    }
  }
};

TEST_P(ReplicationTest, ReplicaAppendsKeepTheLeadersOffsetsAndBytes) {
  auto leader = filled_leader();
  auto follower = fx.open_ok(config);
  copy(*leader, *follower);
  EXPECT_EQ(follower->high_watermark(), leader->high_watermark());
  EXPECT_EQ(all_bytes(*follower), all_bytes(*leader));
  EXPECT_EQ(follower->segment_count(), leader->segment_count());
  EXPECT_EQ(follower->leader_epochs().entries(), leader->leader_epochs().entries());
}

TEST_P(ReplicationTest, AReplicaBatchThatDoesNotContinueTheLogIsRefused) {
  auto leader = filled_leader();
  auto follower = fx.open_ok(config);
  auto batches = stored_batches(*leader, Offset(0));
  ASSERT_TRUE(fx.append_replica(*follower, batches[0]));
  auto gap = fx.append_replica(*follower, batches[2]);
  ASSERT_FALSE(gap);
  EXPECT_TRUE(gap.error().is_out_of_order()) << gap.error().to_string();
  auto again = fx.append_replica(*follower, batches[0]);
  EXPECT_FALSE(again);
  EXPECT_EQ(follower->high_watermark(), Offset(1));
}

TEST_P(ReplicationTest, AReplicaBatchOfAnOlderEpochIsRefused) {
  auto leader = filled_leader();
  auto follower = fx.open_ok(config);
  ASSERT_TRUE(follower->set_leader_epoch(5).is_ok());
  auto old = fx.append_replica(*follower, stored_batches(*leader, Offset(0))[0]);
  ASSERT_FALSE(old);
  EXPECT_TRUE(old.error().is_invalid_argument()) << old.error().to_string();
}

TEST_P(ReplicationTest, AReplicaBatchWithADamagedHeaderIsRefused) {
  auto leader = filled_leader();
  auto follower = fx.open_ok(config);
  auto batch = stored_batches(*leader, Offset(0))[0];
  batch[protocol::batch::kLeaderEpochAt] ^= std::byte{1};
  auto r = fx.append_replica(*follower, batch);
  ASSERT_FALSE(r);
  EXPECT_EQ(follower->high_watermark(), Offset(0));
}

TEST_P(ReplicationTest, AReadBoundedByAHighWatermarkEndsBeforeTheBatchHoldingIt) {
  auto leader = filled_leader();
  auto batches = stored_batches(*leader, Offset(0));
  auto second = protocol::RecordBatchView::parse(batches[1], protocol::Verify::kStored);
  ASSERT_TRUE(second);
  Offset bound = second->header().next_offset();  // the end of the second batch
  auto two = leader->read(Offset(0), 1 << 20, bound);
  ASSERT_TRUE(two) << two.error().to_string();
  EXPECT_EQ(two->next_offset, bound);
  EXPECT_EQ(two->size_bytes, batches[0].size() + batches[1].size());
  // A bound inside the second batch leaves only the first; at the start, nothing.
  auto one = leader->read(Offset(0), 1 << 20, Offset(bound.value() - 1));
  ASSERT_TRUE(one);
  EXPECT_EQ(one->size_bytes, batches[0].size());
  auto none = leader->read(Offset(0), 1 << 20, Offset(0));
  ASSERT_TRUE(none);
  EXPECT_EQ(none->size_bytes, 0u);
  auto at_end = leader->read(Offset(0), 1 << 20, leader->high_watermark());
  ASSERT_TRUE(at_end);
  EXPECT_EQ(at_end->size_bytes, leader->read(Offset(0), 1 << 20)->size_bytes);
}

TEST_P(ReplicationTest, LeaderEpochsAreCheckpointedAndSurviveAReopen) {
  auto log = fx.open_ok(config);
  ASSERT_TRUE(fx.append(*log, make_batch({.records = 4})));
  ASSERT_TRUE(log->set_leader_epoch(2).is_ok());
  ASSERT_TRUE(fx.append(*log, make_batch({.records = 3})));
  EXPECT_TRUE(fx.flush(*log).is_ok());
  log.reset();  // no clean close: the checkpoint was written when the epoch started
  auto reopened = fx.open_ok(config);
  EXPECT_EQ(reopened->leader_epoch(), 2);
  EXPECT_EQ(reopened->end_offset_for_epoch(0), (EpochEnd{0, Offset(4)}));
  EXPECT_EQ(reopened->end_offset_for_epoch(1), (EpochEnd{0, Offset(4)}));
  EXPECT_EQ(reopened->end_offset_for_epoch(2), (EpochEnd{2, Offset(7)}));
  auto r = fx.append(*reopened, make_batch({.records = 1}));
  ASSERT_TRUE(r);
  auto batches = stored_batches(*reopened, Offset(7));
  ASSERT_EQ(batches.size(), 1u);
  auto view = protocol::RecordBatchView::parse(batches[0], protocol::Verify::kStored);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->header().leader_epoch, 2);
}

TEST_P(ReplicationTest, AMissingOrDamagedCheckpointIsRebuiltFromTheBatchHeaders) {
  auto leader = filled_leader();
  auto expected = leader->leader_epochs().entries();
  leader_fx.flush_and_close(*leader);
  leader.reset();
  auto path = leader_fx.dir() / format::kLeaderEpochFile;
  ASSERT_TRUE(leader_fx.io().remove_file(path).is_ok());
  auto rebuilt = leader_fx.open_ok(config);
  EXPECT_EQ(rebuilt->leader_epochs().entries(), expected);
  leader_fx.flush_and_close(*rebuilt);
  rebuilt.reset();
  ASSERT_TRUE(write_file_atomically(leader_fx.io(), path, protocol::as_bytes("damaged")).is_ok());
  EXPECT_EQ(leader_fx.open_ok(config)->leader_epochs().entries(), expected);
}

TEST_P(ReplicationTest, TruncationCutsAtTheBatchHoldingTheOffsetAcrossSegments) {
  auto leader = filled_leader();
  auto follower = fx.open_ok(config);
  copy(*leader, *follower);
  auto batches = stored_batches(*follower, Offset(0));
  // A cut in the middle of batch 10 (which holds more than one record) keeps batches 0-9.
  auto tenth = protocol::RecordBatchView::parse(batches[10], protocol::Verify::kStored);
  ASSERT_TRUE(tenth);
  ASSERT_GT(tenth->header().last_offset_delta, 0);
  size_t segments_before = follower->segment_count();
  ASSERT_TRUE(fx.flush(*follower).is_ok());  // truncation waits for the sealing of rolled segments
  auto end = follower->truncate_to(tenth->header().base_offset + 1);
  ASSERT_TRUE(end) << end.error().to_string();
  EXPECT_EQ(*end, tenth->header().base_offset);
  EXPECT_EQ(follower->high_watermark(), *end);
  EXPECT_LT(follower->segment_count(), segments_before);
  EXPECT_EQ(stored_batches(*follower, Offset(0)).size(), 10u);
  // The epoch that started later is gone, and the log takes the leader's batches again.
  EXPECT_EQ(follower->leader_epochs().latest_epoch(), 0);
  copy(*leader, *follower);
  EXPECT_EQ(all_bytes(*follower), all_bytes(*leader));
  fx.flush_and_close(*follower);
  follower.reset();
  auto reopened = fx.open_ok(config);
  EXPECT_EQ(all_bytes(*reopened), all_bytes(*leader));
  EXPECT_EQ(reopened->leader_epochs().entries(), leader->leader_epochs().entries());
}

TEST_P(ReplicationTest, TruncationToTheLogStartEmptiesTheLogAndPastTheEndDoesNothing) {
  auto log = fx.open_ok(config);
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(fx.append(*log, make_batch({.value_bytes = 100})));
  ASSERT_TRUE(fx.flush(*log).is_ok());
  auto same = log->truncate_to(Offset(100));
  ASSERT_TRUE(same);
  EXPECT_EQ(*same, Offset(30));
  auto empty = log->truncate_to(Offset(0));
  ASSERT_TRUE(empty) << empty.error().to_string();
  EXPECT_EQ(*empty, Offset(0));
  EXPECT_EQ(log->segment_count(), 1u);
  auto r = fx.append(*log, make_batch({}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->base_offset, Offset(0));
}

TEST_P(ReplicationTest, IdempotentProducersStateFollowsReplicaAppendsAndTruncation) {
  auto leader = leader_fx.open_ok(config);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(leader_fx.append(*leader, idempotent_batch(0, 2 * i, 2)));
  auto follower = fx.open_ok(config);
  copy(*leader, *follower);
  // Promoted, the follower knows the producer: a retry of its last batch is a duplicate.
  ASSERT_TRUE(follower->set_leader_epoch(1).is_ok());
  auto retry = fx.append(*follower, idempotent_batch(0, 6, 2));
  ASSERT_TRUE(retry) << retry.error().to_string();
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->base_offset, Offset(6));
  // Cut back before the last two batches, the producer continues from sequence 4.
  ASSERT_TRUE(fx.flush(*follower).is_ok());
  ASSERT_TRUE(follower->truncate_to(Offset(4)));
  auto next = fx.append(*follower, idempotent_batch(0, 4, 2));
  ASSERT_TRUE(next) << next.error().to_string();
  EXPECT_FALSE(next->duplicate);
  EXPECT_EQ(next->base_offset, Offset(4));
}

INSTANTIATE_TEST_SUITE_P(Backends, ReplicationTest, ::testing::Values("posix", "fault"),
                         testing::backend_name);

// Truncation cut short by a failed sync at each of its steps, then a power loss: the log that
// opens is a valid prefix of the old one, at least as long as the cut, and truncating again
// finishes the job.
TEST(ReplicationCrashTest, ATruncationCutShortAtAnySyncLeavesAValidPrefixThatTruncatesAgain) {
  PartitionConfig config{.segment_bytes = 2048, .index_interval_bytes = 256};
  for (int skip = 0; skip < 40; ++skip) {
    SCOPED_TRACE("syncs before the failure: " + std::to_string(skip));
    PartitionFixture fx("fault");
    auto log = fx.open_ok(config);
    for (int i = 0; i < 40; ++i) {
      if (i == 20) ASSERT_TRUE(log->set_leader_epoch(4).is_ok());
      ASSERT_TRUE(
          fx.append(*log, make_batch({.value_bytes = 80, .seed = static_cast<uint64_t>(i)})));
    }
    fx.flush_and_close(*log);
    log.reset();
    log = fx.open_ok(config);
    auto before = all_bytes(*log);
    fx.fault().fail_syncs(EIO, 1, skip);
    auto cut = log->truncate_to(Offset(7));
    bool finished = cut.has_value();
    fx.fault().fail_syncs(EIO, 0);
    log.reset();
    fx.fault().crash();
    auto reopened = fx.open_ok(config);
    auto after = all_bytes(*reopened);
    ASSERT_LE(after.size(), before.size());
    EXPECT_TRUE(std::equal(after.begin(), after.end(), before.begin()));
    EXPECT_GE(reopened->high_watermark(), Offset(7));
    if (finished) EXPECT_EQ(reopened->high_watermark(), Offset(7));
    if (reopened->high_watermark() != Offset(20)) {
      EXPECT_EQ(reopened->leader_epochs().latest_epoch(),
                reopened->high_watermark() > Offset(20) ? 4 : 0);
    }
    auto again = reopened->truncate_to(Offset(7));
    ASSERT_TRUE(again) << again.error().to_string();
    EXPECT_EQ(*again, Offset(7));
    if (finished) break;
  }
}

}  // namespace
}  // namespace cairn::storage
