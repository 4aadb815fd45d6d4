// ProducerState's open transactions (FORMAT.md, "Producer snapshots"): a transactional batch
// opens its producer's transaction, the producer's marker closes it, the oldest open one is the
// partition's first unstable offset, and all of it survives a snapshot.
#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <utility>
#include <vector>

#include <xxhash.h>

#include "protocol/byte_io.h"
#include "protocol/wire_format.h"
#include "storage/format.h"
#include "storage/producer_state.h"

namespace cairn::storage {
namespace {

Timestamp at(int64_t ms) { return timestamp_from_millis(ms); }

protocol::BatchHeader batch(int64_t pid, int16_t epoch, int32_t seq, int32_t count,
                            bool transactional) {
  protocol::BatchHeader h;
  h.producer_id = pid;
  h.producer_epoch = epoch;
  h.base_sequence = seq;
  h.record_count = count;
  h.last_offset_delta = count - 1;
  h.max_timestamp = 1000;
  if (transactional) h.attributes = protocol::batch::kTransactionalBit;
  return h;
}

protocol::BatchHeader marker(int64_t pid, int16_t epoch) {
  protocol::BatchHeader h = batch(pid, epoch, protocol::batch::kNoSequence, 1, true);
  h.attributes |= protocol::batch::kControlBit;
  return h;
}

TEST(ProducerTransactions, ATransactionalBatchOpensATransactionAtItsBaseOffset) {
  ProducerState s;
  EXPECT_FALSE(s.first_unstable_offset());
  s.record(batch(7, 0, 0, 3, true), Offset(100), at(0));
  EXPECT_EQ(s.open_transaction(7), Offset(100));
  s.record(batch(7, 0, 3, 2, true), Offset(110), at(0));
  EXPECT_EQ(s.open_transaction(7), Offset(100)) << "later batches do not move it";
  EXPECT_EQ(s.first_unstable_offset(), Offset(100));
}

TEST(ProducerTransactions, TheOpenProducersAreListedWithTheirEpochsOldestTransactionFirst) {
  ProducerState s;
  s.record(batch(9, 2, 0, 1, true), Offset(200), at(0));
  s.record(batch(7, 0, 0, 3, true), Offset(100), at(0));
  s.record(batch(8, 1, 0, 1, false), Offset(150), at(0));
  using Open = std::vector<std::pair<int64_t, int16_t>>;
  EXPECT_EQ(s.open_producers(), (Open{{7, 0}, {9, 2}}));
  s.record(marker(7, 0), Offset(201), at(0));
  EXPECT_EQ(s.open_producers(), (Open{{9, 2}}));
}

TEST(ProducerTransactions, AnIdempotentBatchOpensNothing) {
  ProducerState s;
  s.record(batch(7, 0, 0, 3, false), Offset(100), at(0));
  EXPECT_FALSE(s.open_transaction(7));
  EXPECT_FALSE(s.first_unstable_offset());
}

TEST(ProducerTransactions, TheMarkerClosesTheTransactionAndKeepsTheSequences) {
  ProducerState s;
  s.record(batch(7, 0, 0, 3, true), Offset(100), at(0));
  s.record(marker(7, 0), Offset(103), at(0));
  EXPECT_FALSE(s.open_transaction(7));
  EXPECT_FALSE(s.first_unstable_offset());
  // The marker is no batch of the producer's sequence: the next one follows batch 0-2.
  EXPECT_EQ(s.check(batch(7, 0, 3, 1, true)).verdict, ProducerState::Verdict::kAppend);
  EXPECT_EQ(s.check(batch(7, 0, 0, 3, true)).verdict, ProducerState::Verdict::kDuplicate);
}

TEST(ProducerTransactions, AFencingMarkerTakesTheNewEpoch) {
  ProducerState s;
  s.record(batch(7, 0, 0, 3, true), Offset(100), at(0));
  s.record(marker(7, 1), Offset(103), at(0));
  EXPECT_EQ(s.check(batch(7, 0, 3, 1, true)).verdict, ProducerState::Verdict::kFenced);
  EXPECT_EQ(s.check(batch(7, 1, 0, 1, true)).verdict, ProducerState::Verdict::kAppend);
}

TEST(ProducerTransactions, TheFirstUnstableOffsetIsTheOldestOpenTransaction) {
  ProducerState s;
  s.record(batch(1, 0, 0, 1, true), Offset(10), at(0));
  s.record(batch(2, 0, 0, 1, true), Offset(11), at(0));
  s.record(batch(3, 0, 0, 1, true), Offset(12), at(0));
  EXPECT_EQ(s.first_unstable_offset(), Offset(10));
  s.record(marker(1, 0), Offset(13), at(0));
  EXPECT_EQ(s.first_unstable_offset(), Offset(11));
  s.record(marker(3, 0), Offset(14), at(0));
  EXPECT_EQ(s.first_unstable_offset(), Offset(11));
  s.record(marker(2, 0), Offset(15), at(0));
  EXPECT_FALSE(s.first_unstable_offset());
}

TEST(ProducerTransactions, TheLastStableOffsetIsTheOldestOpenTransactionOrTheHighWatermark) {
  ProducerState s;
  EXPECT_EQ(s.last_stable_offset(Offset(50)), Offset(50)) << "nothing open";
  s.record(batch(1, 0, 0, 1, true), Offset(10), at(0));
  EXPECT_EQ(s.last_stable_offset(Offset(50)), Offset(10));
  EXPECT_EQ(s.last_stable_offset(Offset(5)), Offset(5)) << "a follower's watermark behind it";
  s.record(marker(1, 0), Offset(11), at(0));
  EXPECT_EQ(s.last_stable_offset(Offset(50)), Offset(50));
}

TEST(ProducerTransactions, AProducerWithAnOpenTransactionIsNeverExpired) {
  ProducerState s;
  s.record(batch(1, 0, 0, 1, true), Offset(10), at(0));
  s.record(batch(2, 0, 0, 1, false), Offset(11), at(0));
  s.expire(at(1'000'000));
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(s.open_transaction(1), Offset(10));
}

TEST(ProducerTransactions, AProducerWithAnOpenTransactionIsNeverEvictedForTheCap) {
  ProducerState s(2);
  s.record(batch(1, 0, 0, 1, true), Offset(10), at(0));  // least recent, open
  s.record(batch(2, 0, 0, 1, false), Offset(11), at(1));
  s.record(batch(3, 0, 0, 1, false), Offset(12), at(2));  // evicts 2, not 1
  EXPECT_EQ(s.open_transaction(1), Offset(10));
  EXPECT_EQ(s.check(batch(2, 0, 1, 1, false)).verdict, ProducerState::Verdict::kOutOfOrder);
  EXPECT_EQ(s.check(batch(3, 0, 1, 1, false)).verdict, ProducerState::Verdict::kAppend);
}

TEST(ProducerTransactions, OpenTransactionsSurviveASnapshot) {
  ProducerState s;
  s.record(batch(1, 0, 0, 1, true), Offset(10), at(0));
  s.record(batch(2, 0, 0, 1, true), Offset(11), at(0));
  s.record(marker(2, 0), Offset(12), at(0));
  auto back = ProducerState::decode(s.encode(Offset(13)), 1000, at(0));
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->second.open_transaction(1), Offset(10));
  EXPECT_FALSE(back->second.open_transaction(2));
  EXPECT_EQ(back->second.first_unstable_offset(), Offset(10));
}

TEST(ProducerTransactions, TheFirstUnstableOffsetFollowsOpensClosesEvictionsAndExpiry) {
  // Against the oldest open transaction found by asking every producer, after each step of a
  // seeded mix of transactional batches, markers, plain batches, a small cap and expiry.
  ProducerState s(48);
  std::mt19937 rng(11);
  int64_t offset = 0;
  for (int step = 0; step < 20'000; ++step) {
    int64_t pid = static_cast<int64_t>(rng() % 64);
    int kind = static_cast<int>(rng() % 8);
    if (kind < 3) {
      s.record(batch(pid, 0, 0, 1, true), Offset(offset), at(step));
    } else if (kind < 6) {
      s.record(marker(pid, 0), Offset(offset), at(step));
    } else if (kind < 7) {
      s.record(batch(pid, 0, 0, 1, false), Offset(offset), at(step));
    } else if (step % 50 == 0) {
      s.expire(at(step - 100));
    }
    ++offset;
    std::optional<Offset> oldest;
    for (int64_t p = 0; p < 64; ++p) {
      auto open = s.open_transaction(p);
      if (open && (!oldest || *open < *oldest)) oldest = open;
    }
    ASSERT_EQ(s.first_unstable_offset(), oldest) << "step " << step;
  }
}

TEST(ProducerTransactions, ASnapshotTransactionFirstOffsetBelowMinusOneIsCorruption) {
  ProducerState s;
  s.record(batch(1, 0, 0, 1, true), Offset(10), at(0));
  auto bytes = s.encode(Offset(11));
  // The field sits after the header, producer id, epoch, last append and batch count.
  size_t at_field = format::kProducerSnapshotHeaderSize + format::kSnapshotTxnFirstOffsetAt;
  protocol::store_le<int64_t>(bytes.data() + at_field, -2);
  // Reseal so that only the field is wrong.
  size_t body = bytes.size() - format::kChecksumSize;
  protocol::store_le<uint64_t>(bytes.data() + body, XXH3_64bits(bytes.data(), body));
  EXPECT_FALSE(ProducerState::decode(bytes, 1000, at(0)));
}

}  // namespace
}  // namespace cairn::storage
