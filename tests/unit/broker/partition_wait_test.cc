// Long polls on a partition (Partition::wait_for_data): a read_committed fetch waits for the last
// stable offset, which a transaction's marker moves, not for the high watermark.
#include "broker/partition.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "protocol/control_record.h"
#include "protocol/record_batch.h"
#include "protocol/record_batch_builder.h"
#include "storage/partition_log.h"
#include "tests/support/test_util.h"

namespace cairn::broker {
namespace {

struct CountingWaiter : DataWaiter {
  void wake() override { ++wakes; }
  int wakes = 0;
};

class PartitionWaitTest : public ::testing::Test {
 protected:
  PartitionWaitTest() {
    auto log = storage::PartitionLog::open(*io_, tmp_.path() / "t-0", {});
    EXPECT_TRUE(log) << log.error().to_string();
    partition_ = std::make_unique<Partition>("t", 0, std::move(*log));
  }

  // Stores `batch` at the log end, as a replica would.
  void put(std::vector<std::byte> batch) {
    storage::PartitionLog& log = *partition_->log();
    protocol::assign_offsets(batch, log.high_watermark(), 0);
    auto bytes = std::make_shared<std::vector<std::byte>>(std::move(batch));
    std::optional<Result<storage::AppendResult>> result;
    log.append_replica(*bytes, [&result, bytes](auto r) { result = std::move(r); });
    ASSERT_TRUE(testing::run_until(ctx_, [&] { return result.has_value(); }));
    ASSERT_TRUE(*result) << (*result).error().to_string();
  }

  static std::vector<std::byte> transactional(int64_t pid) {
    protocol::RecordBatchBuilder b(
        {.producer_id = pid, .producer_epoch = 0, .base_sequence = 0, .transactional = true});
    std::byte v{1};
    b.append(timestamp_from_millis(1), std::nullopt, protocol::Bytes(&v, 1));
    return b.seal();
  }

  boost::asio::io_context ctx_;
  testing::TempDir tmp_;
  std::unique_ptr<storage::IoBackend> io_ = testing::make_test_backend("posix", ctx_);
  std::unique_ptr<Partition> partition_;
};

TEST_F(PartitionWaitTest, AReadCommittedWaiterSleepsPastAnOpenTransactionUntilItsMarker) {
  put(transactional(7));  // offset 0: the last stable offset stays 0
  ASSERT_EQ(partition_->high_watermark(), Offset(1));
  ASSERT_EQ(partition_->last_stable_offset(), Offset(0));
  auto committed = std::make_shared<CountingWaiter>();
  partition_->wait_for_data(Offset(0), committed, Partition::WaitFor::kLastStableOffset);
  EXPECT_EQ(committed->wakes, 0) << "data past the last stable offset does not wake it";
  auto uncommitted = std::make_shared<CountingWaiter>();
  partition_->wait_for_data(Offset(0), uncommitted);
  EXPECT_EQ(uncommitted->wakes, 1) << "a read_uncommitted waiter sees the record at once";
  put(protocol::build_control_batch({.producer_id = 7,
                                     .producer_epoch = 0,
                                     .result = protocol::TxnResult::kCommit,
                                     .timestamp = timestamp_from_millis(1)}));
  EXPECT_EQ(partition_->last_stable_offset(), Offset(2));
  EXPECT_EQ(committed->wakes, 1) << "the marker moved the last stable offset";
}

}  // namespace
}  // namespace cairn::broker
