#include "storage/producer_state.h"

#include <gtest/gtest.h>

#include "storage/format.h"
#include "tests/unit/storage/partition_fixture.h"

namespace cairn::storage {
namespace {

using testing::PartitionFixture;

protocol::BatchHeader header(int64_t pid, int16_t epoch, int32_t seq, int32_t count) {
  protocol::BatchHeader h;
  h.producer_id = pid;
  h.producer_epoch = epoch;
  h.base_sequence = seq;
  h.record_count = count;
  h.last_offset_delta = count - 1;
  h.max_timestamp = 1000;
  return h;
}

TEST(ProducerState, NextBatchesAppendRetriesAreDuplicatesGapsAreRefused) {
  ProducerState s;
  EXPECT_EQ(s.check(header(7, 0, 0, 3)).verdict, ProducerState::Verdict::kAppend);
  s.record(header(7, 0, 0, 3), Offset(100));
  EXPECT_EQ(s.check(header(7, 0, 3, 2)).verdict, ProducerState::Verdict::kAppend);
  s.record(header(7, 0, 3, 2), Offset(103));
  auto dup = s.check(header(7, 0, 0, 3));
  EXPECT_EQ(dup.verdict, ProducerState::Verdict::kDuplicate);
  EXPECT_EQ(dup.duplicate_of.base_offset, Offset(100));
  EXPECT_EQ(dup.duplicate_of.last_offset, Offset(102));
  EXPECT_EQ(s.check(header(7, 0, 6, 1)).verdict, ProducerState::Verdict::kOutOfOrder);
  EXPECT_EQ(s.check(header(7, 0, 4, 1)).verdict, ProducerState::Verdict::kOutOfOrder);
}

TEST(ProducerState, EpochsFenceOlderInstancesAndRestartSequences) {
  ProducerState s;
  s.record(header(1, 3, 0, 10), Offset(0));
  EXPECT_EQ(s.check(header(1, 2, 10, 1)).verdict, ProducerState::Verdict::kFenced);
  EXPECT_EQ(s.check(header(1, 4, 10, 1)).verdict, ProducerState::Verdict::kOutOfOrder);
  EXPECT_EQ(s.check(header(1, 4, 0, 1)).verdict, ProducerState::Verdict::kAppend);
}

TEST(ProducerState, SequencesWrapAroundAtTheTop) {
  ProducerState s;
  s.record(header(1, 0, INT32_MAX - 1, 2), Offset(0));
  EXPECT_EQ(s.check(header(1, 0, 0, 1)).verdict, ProducerState::Verdict::kAppend);
}

TEST(ProducerState, OnlyTheLastFewBatchesAreRemembered) {
  ProducerState s;
  for (int i = 0; i < 10; ++i) s.record(header(1, 0, i, 1), Offset(i));
  EXPECT_EQ(s.check(header(1, 0, 9, 1)).verdict, ProducerState::Verdict::kDuplicate);
  EXPECT_EQ(s.check(header(1, 0, 5, 1)).verdict, ProducerState::Verdict::kDuplicate);
  EXPECT_EQ(s.check(header(1, 0, 4, 1)).verdict, ProducerState::Verdict::kOutOfOrder);
}

TEST(ProducerState, SnapshotsRoundTripAndCorruptionIsDetected) {
  ProducerState s;
  s.record(header(1, 0, 0, 5), Offset(0));
  s.record(header(2, 9, 40, 2), Offset(5));
  auto bytes = s.encode(Offset(7));
  auto back = ProducerState::decode(bytes);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->first, Offset(7));
  EXPECT_EQ(back->second.size(), 2u);
  EXPECT_EQ(back->second.check(header(2, 9, 40, 2)).verdict, ProducerState::Verdict::kDuplicate);
  EXPECT_EQ(back->second.check(header(1, 0, 5, 1)).verdict, ProducerState::Verdict::kAppend);
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto bad = bytes;
    bad[i] ^= std::byte{0x20};
    EXPECT_FALSE(ProducerState::decode(bad)) << "flip at " << i;
  }
  EXPECT_FALSE(ProducerState::decode(std::span(bytes).first(bytes.size() - 1)));
}

// Idempotent appends through a PartitionLog, across restarts and a power loss.
class IdempotentLog : public ::testing::Test {
 protected:
  std::vector<std::byte> batch(int16_t epoch, int32_t seq, int records) {
    protocol::RecordBatchBuilder b({.producer_id = 42, .producer_epoch = epoch, .base_sequence = seq});
    for (int i = 0; i < records; ++i) {
      std::string v = std::to_string(seq + i);
      v.insert(v.begin(), 's');
      b.append(timestamp_from_millis(system_now().time_since_epoch().count()), std::nullopt,
               protocol::as_bytes(v));
    }
    return b.seal();
  }
  PartitionFixture fx{"fault"};
  PartitionConfig config{.segment_bytes = 1024};
};

TEST_F(IdempotentLog, ARetriedBatchIsStoredOnceAndAnsweredWithItsOffsets) {
  auto log = fx.open_ok(config);
  auto first = fx.append(*log, batch(0, 0, 3));
  ASSERT_TRUE(first);
  auto retry = fx.append(*log, batch(0, 0, 3));
  ASSERT_TRUE(retry) << retry.error().to_string();
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->base_offset, first->base_offset);
  EXPECT_EQ(log->high_watermark(), Offset(3));
  auto gap = fx.append(*log, batch(0, 5, 1));
  ASSERT_FALSE(gap);
  EXPECT_EQ(gap.error().code(), Status::Code::kOutOfOrder);
  ASSERT_TRUE(fx.append(*log, batch(0, 3, 2)));
  ASSERT_TRUE(fx.append(*log, batch(0, 5, 1)));         // the same epoch continues
  ASSERT_TRUE(fx.append(*log, batch(1, 0, 1)));          // a new epoch starts at 0
  auto old = fx.append(*log, batch(0, 6, 1));
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().code(), Status::Code::kFenced);
}

TEST_F(IdempotentLog, RetriesInOneGroupAndAcrossRestartsAreRecognised) {
  int32_t seq = 0;
  std::vector<Offset> bases;
  {
    auto log = fx.open_ok(config);
    // A retry queued behind its original is answered with the original's offsets; a retry in
    // the same write group as its original is refused with a retriable error.
    std::vector<std::vector<std::byte>> batches{batch(0, 0, 2), batch(0, 0, 2), batch(0, 2, 2),
                                                batch(0, 2, 2)};
    auto results = fx.append_all(*log, std::move(batches));
    ASSERT_TRUE(results[0]);
    ASSERT_TRUE(results[1]) << results[1].error().to_string();
    EXPECT_TRUE(results[1]->duplicate);
    EXPECT_EQ(results[1]->base_offset, results[0]->base_offset);
    ASSERT_TRUE(results[2]);
    ASSERT_FALSE(results[3]);
    EXPECT_EQ(results[3].error().code(), Status::Code::kUnavailable);
    EXPECT_EQ(log->high_watermark(), Offset(4));
    seq = 4;
    for (int i = 0; i < 30; ++i, seq += 2) {
      auto r = fx.append(*log, batch(0, seq, 2));
      ASSERT_TRUE(r);
      bases.push_back(r->base_offset);
    }
    EXPECT_GT(log->segment_count(), 2u);  // snapshots were written at the rolls
    fx.flush_and_close(*log);
  }
  {
    auto log = fx.open_ok(config);  // clean reopen: state from the close-time snapshot
    auto retry = fx.append(*log, batch(0, seq - 2, 2));
    ASSERT_TRUE(retry);
    EXPECT_TRUE(retry->duplicate);
    EXPECT_EQ(retry->base_offset, bases.back());
    ASSERT_TRUE(fx.append(*log, batch(0, seq, 2)));
    seq += 2;
  }  // no clean close: the next open replays the active segment
  fx.fault().crash();
  auto log = fx.open_ok(config);
  auto retry = fx.append(*log, batch(0, seq - 2, 2));
  ASSERT_TRUE(retry) << retry.error().to_string();
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(fx.append(*log, batch(0, seq + 2, 2)).error().code(), Status::Code::kOutOfOrder);
}

TEST_F(IdempotentLog, StateIsRebuiltFromTheLogWhenSnapshotsAreGone) {
  {
    auto log = fx.open_ok(config);
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(fx.append(*log, batch(0, i, 1)));
    fx.flush_and_close(*log);
  }
  auto names = fx.io().list_directory(fx.dir());
  ASSERT_TRUE(names);
  int removed = 0;
  for (const auto& n : *names) {
    if (n.ends_with(format::kSnapshotSuffix)) {
      ASSERT_TRUE(fx.io().remove_file(fx.dir() / n).is_ok());
      ++removed;
    }
  }
  EXPECT_GT(removed, 0);
  auto log = fx.open_ok(config);
  auto retry = fx.append(*log, batch(0, 19, 1));
  ASSERT_TRUE(retry);
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->base_offset, Offset(19));
}

}  // namespace
}  // namespace cairn::storage
