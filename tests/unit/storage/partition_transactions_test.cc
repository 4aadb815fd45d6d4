// A partition's transactions (PROTOCOL.md, "Isolation"): a transactional batch appended to the
// log holds its last stable offset at the batch's first offset until the producer's marker, and
// the open transaction survives a clean close and a crash. Producers cannot send transactional
// batches yet, so these tests store them at their own offsets, as a replica does.
#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "protocol/control_record.h"
#include "protocol/record_batch_builder.h"
#include "storage/partition_log.h"
#include "tests/unit/storage/partition_fixture.h"

namespace cairn::storage {
namespace {

using testing::make_batch;
using testing::PartitionFixture;

std::vector<std::byte> transactional(int64_t pid, int32_t sequence) {
  protocol::RecordBatchBuilder b(
      {.producer_id = pid, .producer_epoch = 0, .base_sequence = sequence, .transactional = true});
  std::byte v{1};
  b.append(timestamp_from_millis(1), std::nullopt, protocol::Bytes(&v, 1));
  return b.seal();
}

std::vector<std::byte> marker(int64_t pid, protocol::TxnResult result) {
  return protocol::build_control_batch({.producer_id = pid,
                                        .producer_epoch = 0,
                                        .result = result,
                                        .coordinator_epoch = 1,
                                        .timestamp = timestamp_from_millis(1)});
}

class PartitionTransactionsTest : public ::testing::TestWithParam<std::string> {
 protected:
  // Stores `batch` at the log end, as the leader would have.
  bool put(PartitionLog& log, std::vector<std::byte> batch) {
    protocol::assign_offsets(batch, log.high_watermark(), 0);
    auto bytes = std::make_shared<std::vector<std::byte>>(std::move(batch));
    std::optional<Result<AppendResult>> result;
    log.append_replica(*bytes, [&result, bytes](Result<AppendResult> r) { result = std::move(r); });
    EXPECT_TRUE(testing::run_until(fx.ctx(), [&] { return result.has_value(); }));
    if (result && !*result) ADD_FAILURE() << result->error().to_string();
    return result && *result;
  }

  PartitionFixture fx{GetParam()};
};

TEST_P(PartitionTransactionsTest, WithoutTransactionsTheLastStableOffsetIsTheHighWatermark) {
  auto log = fx.open_ok({});
  EXPECT_EQ(log->last_stable_offset(), Offset(0));
  ASSERT_TRUE(put(*log, make_batch({.records = 3})));
  EXPECT_EQ(log->last_stable_offset(), Offset(3));
}

TEST_P(PartitionTransactionsTest, AnOpenTransactionHoldsTheLastStableOffsetUntilItsMarker) {
  auto log = fx.open_ok({});
  ASSERT_TRUE(put(*log, make_batch({.records = 2})));
  ASSERT_TRUE(put(*log, transactional(7, 0)));  // offset 2
  ASSERT_TRUE(put(*log, make_batch({.records = 2})));
  ASSERT_TRUE(put(*log, transactional(7, 1)));  // offset 5
  EXPECT_EQ(log->high_watermark(), Offset(6));
  EXPECT_EQ(log->last_stable_offset(), Offset(2));
  ASSERT_TRUE(put(*log, marker(7, protocol::TxnResult::kCommit)));
  EXPECT_EQ(log->last_stable_offset(), Offset(7));
}

TEST_P(PartitionTransactionsTest, TheOldestOpenTransactionOfSeveralProducersIsTheLimit) {
  auto log = fx.open_ok({});
  ASSERT_TRUE(put(*log, transactional(1, 0)));  // offset 0
  ASSERT_TRUE(put(*log, transactional(2, 0)));  // offset 1
  ASSERT_TRUE(put(*log, marker(1, protocol::TxnResult::kAbort)));
  EXPECT_EQ(log->last_stable_offset(), Offset(1));
  ASSERT_TRUE(put(*log, marker(2, protocol::TxnResult::kCommit)));
  EXPECT_EQ(log->last_stable_offset(), Offset(4));
}

TEST_P(PartitionTransactionsTest, AnOpenTransactionSurvivesACleanCloseAndReopen) {
  {
    auto log = fx.open_ok({});
    ASSERT_TRUE(put(*log, make_batch({.records = 2})));
    ASSERT_TRUE(put(*log, transactional(7, 0)));  // offset 2
    fx.flush_and_close(*log);
  }
  auto log = fx.open_ok({});
  EXPECT_EQ(log->last_stable_offset(), Offset(2));
  ASSERT_TRUE(put(*log, marker(7, protocol::TxnResult::kAbort)));
  EXPECT_EQ(log->last_stable_offset(), Offset(4));
}

TEST_P(PartitionTransactionsTest, RecoveryAfterACrashRebuildsTheOpenTransactionFromTheLog) {
  {
    auto log = fx.open_ok({});
    ASSERT_TRUE(put(*log, transactional(7, 0)));  // offset 0
    ASSERT_TRUE(put(*log, transactional(8, 0)));  // offset 1
    ASSERT_TRUE(put(*log, marker(7, protocol::TxnResult::kCommit)));
    ASSERT_TRUE(fx.flush(*log).is_ok());
  }  // dropped without a clean close: no snapshot at the log end
  auto log = fx.open_ok({});
  EXPECT_EQ(log->high_watermark(), Offset(3));
  EXPECT_EQ(log->last_stable_offset(), Offset(1));
}

INSTANTIATE_TEST_SUITE_P(Backends, PartitionTransactionsTest,
                         ::testing::Values("uring", "posix", "fault"), testing::backend_name);

}  // namespace
}  // namespace cairn::storage
