#include "storage/producer_state.h"

#include <gtest/gtest.h>

#include "storage/format.h"
#include "tests/unit/storage/partition_fixture.h"

namespace cairn::storage {
namespace {

using testing::PartitionFixture;

Timestamp at(int64_t ms) { return timestamp_from_millis(ms); }

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
  s.record(header(7, 0, 0, 3), Offset(100), at(0));
  EXPECT_EQ(s.check(header(7, 0, 3, 2)).verdict, ProducerState::Verdict::kAppend);
  s.record(header(7, 0, 3, 2), Offset(103), at(0));
  auto dup = s.check(header(7, 0, 0, 3));
  EXPECT_EQ(dup.verdict, ProducerState::Verdict::kDuplicate);
  EXPECT_EQ(dup.duplicate_of.base_offset, Offset(100));
  EXPECT_EQ(dup.duplicate_of.last_offset, Offset(102));
  EXPECT_EQ(s.check(header(7, 0, 6, 1)).verdict, ProducerState::Verdict::kOutOfOrder);
  EXPECT_EQ(s.check(header(7, 0, 4, 1)).verdict, ProducerState::Verdict::kOutOfOrder);
}

TEST(ProducerState, EpochsFenceOlderInstancesAndRestartSequences) {
  ProducerState s;
  s.record(header(1, 3, 0, 10), Offset(0), at(0));
  EXPECT_EQ(s.check(header(1, 2, 10, 1)).verdict, ProducerState::Verdict::kFenced);
  EXPECT_EQ(s.check(header(1, 4, 10, 1)).verdict, ProducerState::Verdict::kOutOfOrder);
  EXPECT_EQ(s.check(header(1, 4, 0, 1)).verdict, ProducerState::Verdict::kAppend);
}

TEST(ProducerState, SequencesWrapAroundAtTheTop) {
  ProducerState s;
  s.record(header(1, 0, INT32_MAX - 1, 2), Offset(0), at(0));
  EXPECT_EQ(s.check(header(1, 0, 0, 1)).verdict, ProducerState::Verdict::kAppend);
}

// --- the batches of one group commit, judged before any of them is stored ---

using Verdict = ProducerState::Verdict;

TEST(ProducerStateGroup, BatchesThatFollowTheProducersLastOneInTheGroupAreTaken) {
  ProducerState s;
  s.record(header(7, 0, 0, 3), Offset(0), at(0));
  ProducerState::GroupCheck group(s);
  EXPECT_EQ(group.check(header(7, 0, 3, 2)).verdict, Verdict::kAppend);  // follows the stored
  EXPECT_EQ(group.check(header(7, 0, 5, 1)).verdict, Verdict::kAppend);  // follows the group's
  EXPECT_EQ(group.check(header(8, 0, 0, 1)).verdict, Verdict::kAppend);  // a new producer
  EXPECT_EQ(group.check(header(8, 0, 1, 4)).verdict, Verdict::kAppend);
  EXPECT_EQ(s.size(), 1u) << "judging stores nothing";
}

TEST(ProducerStateGroup, ABatchThatDoesNotFollowTheProducersLastOneInTheGroupIsInFlight) {
  ProducerState s;
  ProducerState::GroupCheck group(s);
  ASSERT_EQ(group.check(header(7, 0, 0, 2)).verdict, Verdict::kAppend);
  auto retry = group.check(header(7, 0, 0, 2));
  EXPECT_EQ(retry.verdict, Verdict::kInFlight);
  EXPECT_NE(retry.why.find("retry"), std::string::npos) << retry.why;
  EXPECT_EQ(group.check(header(7, 0, 5, 1)).verdict, Verdict::kInFlight) << "a gap";
  EXPECT_EQ(group.check(header(7, 1, 0, 1)).verdict, Verdict::kInFlight) << "a new epoch";
  EXPECT_EQ(group.check(header(7, 0, 2, 1)).verdict, Verdict::kAppend) << "the next still goes";
}

TEST(ProducerStateGroup, AProducersFirstBatchInTheGroupIsJudgedByTheStoredState) {
  ProducerState s;
  s.record(header(7, 1, 0, 3), Offset(40), at(0));
  ProducerState::GroupCheck group(s);
  auto dup = group.check(header(7, 1, 0, 3));
  EXPECT_EQ(dup.verdict, Verdict::kDuplicate);
  EXPECT_EQ(dup.duplicate_of.base_offset, Offset(40));
  EXPECT_EQ(group.check(header(7, 0, 3, 1)).verdict, Verdict::kFenced);
  EXPECT_EQ(group.check(header(7, 1, 9, 1)).verdict, Verdict::kOutOfOrder);
  // None of those was taken, so the producer's next batch is still judged by what is stored.
  EXPECT_EQ(group.check(header(7, 1, 3, 1)).verdict, Verdict::kAppend);
}

TEST(ProducerStateGroup, SequencesWrapAroundWithinAGroup) {
  ProducerState s;
  s.record(header(1, 0, INT32_MAX - 3, 2), Offset(0), at(0));
  ProducerState::GroupCheck group(s);
  EXPECT_EQ(group.check(header(1, 0, INT32_MAX - 1, 2)).verdict, Verdict::kAppend);
  EXPECT_EQ(group.check(header(1, 0, 0, 1)).verdict, Verdict::kAppend) << "after 2^31 - 1";
  ProducerState t;
  t.record(header(2, 0, INT32_MAX - 1, 1), Offset(0), at(0));
  ProducerState::GroupCheck across(t);
  EXPECT_EQ(across.check(header(2, 0, INT32_MAX, 3)).verdict, Verdict::kAppend);  // ..., 0, 1
  EXPECT_EQ(across.check(header(2, 0, 2, 1)).verdict, Verdict::kAppend);
}

TEST(ProducerState, OnlyTheLastFewBatchesAreRemembered) {
  ProducerState s;
  for (int i = 0; i < 10; ++i) s.record(header(1, 0, i, 1), Offset(i), at(0));
  EXPECT_EQ(s.check(header(1, 0, 9, 1)).verdict, ProducerState::Verdict::kDuplicate);
  EXPECT_EQ(s.check(header(1, 0, 5, 1)).verdict, ProducerState::Verdict::kDuplicate);
  EXPECT_EQ(s.check(header(1, 0, 4, 1)).verdict, ProducerState::Verdict::kOutOfOrder);
}

TEST(ProducerState, AnUnknownProducerMustStartAtSequenceZero) {
  ProducerState s;
  EXPECT_EQ(s.check(header(7, 0, 0, 3)).verdict, ProducerState::Verdict::kAppend);
  auto gap = s.check(header(8, 0, 10, 3));
  EXPECT_EQ(gap.verdict, ProducerState::Verdict::kOutOfOrder);
  EXPECT_NE(gap.why.find("sequence 0"), std::string::npos) << gap.why;
}

TEST(ProducerState, ProducersPastTheCapEvictTheLeastRecentlyAppended) {
  ProducerState s(3);
  s.record(header(1, 0, 0, 1), Offset(0), at(100));
  s.record(header(2, 0, 0, 1), Offset(1), at(200));
  s.record(header(3, 0, 0, 1), Offset(2), at(300));
  s.record(header(1, 0, 1, 1), Offset(3), at(400));  // producer 1 is the most recent now
  s.record(header(4, 0, 0, 1), Offset(4), at(500));  // a fourth: producer 2 goes
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.check(header(2, 0, 1, 1)).verdict, ProducerState::Verdict::kOutOfOrder);
  EXPECT_EQ(s.check(header(1, 0, 2, 1)).verdict, ProducerState::Verdict::kAppend);
  EXPECT_EQ(s.check(header(3, 0, 1, 1)).verdict, ProducerState::Verdict::kAppend);
  EXPECT_EQ(s.check(header(4, 0, 0, 1)).verdict, ProducerState::Verdict::kDuplicate);
}

TEST(ProducerState, ExpiryGoesByTheBrokersClockNotByBatchTimestamps) {
  ProducerState s;
  auto old = header(1, 0, 0, 5);
  old.max_timestamp = 1;  // a backfill with records from long ago
  s.record(old, Offset(0), at(1'000'000));
  auto future = header(2, 0, 0, 5);
  future.max_timestamp = INT64_MAX / 2;  // a clock far ahead
  s.record(future, Offset(5), at(1'000'000));
  s.expire(at(999'000));
  EXPECT_EQ(s.size(), 2u);  // both appended after the cutoff
  s.expire(at(1'000'001));
  EXPECT_EQ(s.size(), 0u);  // both idle since before it
}

TEST(ProducerState, ASnapshotKeepsTheOrderOfUseAndTheCap) {
  ProducerState s(10);
  for (int64_t pid = 1; pid <= 5; ++pid) s.record(header(pid, 0, 0, 1), Offset(pid), at(pid * 10));
  s.record(header(1, 0, 1, 1), Offset(6), at(60));  // producer 1 most recent, producer 2 least
  auto bytes = s.encode(Offset(7));
  auto back = ProducerState::decode(bytes, 3, at(0));  // a smaller cap keeps the 3 most recent
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->second.size(), 3u);
  EXPECT_EQ(back->second.check(header(1, 0, 2, 1)).verdict, ProducerState::Verdict::kAppend);
  EXPECT_EQ(back->second.check(header(5, 0, 1, 1)).verdict, ProducerState::Verdict::kAppend);
  EXPECT_EQ(back->second.check(header(4, 0, 1, 1)).verdict, ProducerState::Verdict::kAppend);
  EXPECT_EQ(back->second.check(header(3, 0, 1, 1)).verdict, ProducerState::Verdict::kOutOfOrder);
  back->second.expire(at(45));  // last appends kept through the snapshot: 60, 50, 40
  EXPECT_EQ(back->second.size(), 2u);
}

TEST(ProducerState, SnapshotsRoundTripAndCorruptionIsDetected) {
  ProducerState s;
  s.record(header(1, 0, 0, 5), Offset(0), at(0));
  s.record(header(2, 9, 40, 2), Offset(5), at(0));
  auto bytes = s.encode(Offset(7));
  auto back = ProducerState::decode(bytes, 100, at(0));
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->first, Offset(7));
  EXPECT_EQ(back->second.size(), 2u);
  EXPECT_EQ(back->second.check(header(2, 9, 40, 2)).verdict, ProducerState::Verdict::kDuplicate);
  EXPECT_EQ(back->second.check(header(1, 0, 5, 1)).verdict, ProducerState::Verdict::kAppend);
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto bad = bytes;
    bad[i] ^= std::byte{0x20};
    EXPECT_FALSE(ProducerState::decode(bad, 100, at(0))) << "flip at " << i;
  }
  EXPECT_FALSE(ProducerState::decode(std::span(bytes).first(bytes.size() - 1), 100, at(0)));
}

// Idempotent appends through a PartitionLog, across restarts and a power loss.
class IdempotentLog : public ::testing::Test {
 protected:
  std::vector<std::byte> batch(int16_t epoch, int32_t seq, int records,
                               std::optional<int64_t> timestamp_ms = std::nullopt,
                               int64_t producer_id = 42) {
    protocol::RecordBatchBuilder b(
        {.producer_id = producer_id, .producer_epoch = epoch, .base_sequence = seq});
    for (int i = 0; i < records; ++i) {
      std::string v = std::to_string(seq + i);
      v.insert(v.begin(), 's');
      b.append(timestamp_from_millis(timestamp_ms.value_or(to_millis(system_now()))),
               std::nullopt, protocol::as_bytes(v));
    }
    return b.seal();
  }
  static std::vector<std::byte> make_plain_batch() { return testing::make_batch({}); }
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

// A backfill producing records with week-old timestamps: its state must survive the roll, so
// that a retry of a batch from before the roll is still recognised.
TEST_F(IdempotentLog, ARetryAfterARollIsADuplicateWhateverTheBatchTimestamps) {
  auto log = fx.open_ok(config);
  int64_t eight_days_ago = to_millis(system_now() - std::chrono::days(8));
  std::vector<std::byte> last;
  int32_t seq = 0;
  size_t segments = log->segment_count();
  while (log->segment_count() == segments) {
    last = batch(0, seq, 1, eight_days_ago);
    ASSERT_TRUE(fx.append(*log, last));
    seq += 1;
  }
  // The batch that rolled went to the new segment; retry the one before it.
  auto retry = fx.append(*log, batch(0, seq - 2, 1, eight_days_ago));
  ASSERT_TRUE(retry) << retry.error().to_string();
  EXPECT_TRUE(retry->duplicate);
}

TEST_F(IdempotentLog, AProducerIdleLongerThanTheExpiryIsForgotten) {
  Timestamp now = system_now();
  PartitionConfig c = config;
  c.clock = [&now] { return now; };
  c.producer_expiry = std::chrono::hours(1);
  auto log = fx.open_ok(c);
  ASSERT_TRUE(fx.append(*log, batch(0, 0, 1)));
  now += std::chrono::hours(2);
  // Another producer's appends roll the segment, which expires idle producers.
  int32_t seq = 0;
  size_t segments = log->segment_count();
  while (log->segment_count() == segments) {
    ASSERT_TRUE(fx.append(*log, batch(0, seq, 1, std::nullopt, 43)));
    ++seq;
  }
  auto forgotten = fx.append(*log, batch(0, 1, 1));
  ASSERT_FALSE(forgotten);
  EXPECT_EQ(forgotten.error().code(), Status::Code::kOutOfOrder);
}

TEST_F(IdempotentLog, ProducerIdsThatWereNeverIssuedAreRefused) {
  auto log = fx.open_ok(config);
  log->set_producer_id_filter([](int64_t id) { return id < 100; });
  auto forged = fx.append(*log, batch(0, 0, 1, std::nullopt, 5000));
  ASSERT_FALSE(forged);
  EXPECT_EQ(forged.error().code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(fx.append(*log, batch(0, 0, 1)));
  EXPECT_TRUE(fx.append(*log, make_plain_batch()));  // no producer id: no check
  EXPECT_EQ(log->producer_state().size(), 1u);
}

TEST_F(IdempotentLog, ARollAcknowledgesAppendsBeforeTheProducerSnapshotIsWritten) {
  auto log = fx.open_ok(config);
  fx.fault().hold_runs(true);
  int32_t seq = 0;
  size_t segments = log->segment_count();
  while (log->segment_count() == segments) {
    ASSERT_TRUE(fx.append(*log, batch(0, seq, 1)));  // acknowledged, snapshot or not
    ++seq;
  }
  auto snapshots = [&] {
    return list_offset_files(fx.io(), fx.dir(), format::kSnapshotSuffix)->size();
  };
  EXPECT_EQ(snapshots(), 0u);
  fx.fault().hold_runs(false);
  fx.fault().release_deferred();
  ASSERT_TRUE(fx.flush(*log).is_ok());
  EXPECT_EQ(snapshots(), 1u);
}

}  // namespace
}  // namespace cairn::storage
