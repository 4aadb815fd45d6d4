// A partition's transactions (PROTOCOL.md, "Isolation"): a transactional batch appended to the
// log holds its last stable offset at the batch's first offset until the producer's marker, and
// the open transaction survives a clean close and a crash. An abort marker adds the transaction
// to its segment's aborted transactions index (FORMAT.md, ".txnindex"), which is written at seal
// and close, rebuilt by recovery, cut by truncation and deleted with its segment. These tests
// store batches at their own offsets, as a replica does.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/control_record.h"
#include "protocol/record_batch_builder.h"
#include "storage/format.h"
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

  // Whether the partition directory holds the `.txnindex` of the segment at `base`.
  bool has_txn_index(Offset base) {
    auto names = fx.io().list_directory(fx.dir());
    EXPECT_TRUE(names.has_value());
    std::string name = segment_file_name(base, format::kTxnIndexSuffix);
    return names.has_value() && std::find(names->begin(), names->end(), name) != names->end();
  }

  PartitionFixture fx{GetParam()};
};

using protocol::TxnResult;

// A segment per batch: every batch rolls the log, so the segment bases are the batches' offsets.
PartitionConfig one_batch_segments() { return PartitionConfig{.segment_bytes = 69}; }

AbortedTxn aborted(int64_t pid, int64_t first, int64_t last, int64_t stable) {
  return AbortedTxn{pid, Offset(first), Offset(last), Offset(stable)};
}

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

TEST_P(PartitionTransactionsTest, AnAbortMarkerIndexesItsTransactionAndACommitDoesNot) {
  auto log = fx.open_ok({});
  ASSERT_TRUE(put(*log, make_batch({.records = 2})));
  ASSERT_TRUE(put(*log, transactional(7, 0)));            // offset 2
  ASSERT_TRUE(put(*log, transactional(8, 0)));            // offset 3
  ASSERT_TRUE(put(*log, transactional(7, 1)));            // offset 4
  ASSERT_TRUE(put(*log, marker(7, TxnResult::kAbort)));   // offset 5; 8 still open at 3
  ASSERT_TRUE(put(*log, marker(8, TxnResult::kCommit)));  // offset 6
  EXPECT_EQ(log->aborted_transactions(Offset(0), Offset(7)),
            (std::vector<AbortedTxn>{aborted(7, 2, 5, 3)}));
  // Ranges that miss the transaction get nothing.
  EXPECT_TRUE(log->aborted_transactions(Offset(0), Offset(2)).empty());
  EXPECT_TRUE(log->aborted_transactions(Offset(6), Offset(7)).empty());
  EXPECT_EQ(log->aborted_transactions(Offset(5), Offset(6)).size(), 1u);
}

TEST_P(PartitionTransactionsTest, AnAbortWithoutDataInThePartitionCoversOnlyItsMarker) {
  auto log = fx.open_ok({});
  ASSERT_TRUE(put(*log, make_batch({.records = 2})));
  ASSERT_TRUE(put(*log, marker(9, TxnResult::kAbort)));  // offset 2
  EXPECT_EQ(log->aborted_transactions(Offset(0), Offset(3)),
            (std::vector<AbortedTxn>{aborted(9, 2, 2, 3)}));
}

TEST_P(PartitionTransactionsTest, AbortedTransactionsAreFoundAcrossSegments) {
  auto log = fx.open_ok(one_batch_segments());
  ASSERT_TRUE(put(*log, transactional(7, 0)));           // offset 0, segment 0
  ASSERT_TRUE(put(*log, make_batch({.records = 1})));    // offset 1
  ASSERT_TRUE(put(*log, marker(7, TxnResult::kAbort)));  // offset 2, segment 2
  ASSERT_TRUE(put(*log, transactional(8, 0)));           // offset 3
  ASSERT_TRUE(put(*log, marker(8, TxnResult::kAbort)));  // offset 4
  ASSERT_EQ(log->segment_count(), 5u);
  EXPECT_EQ(log->aborted_transactions(Offset(0), Offset(1)),
            (std::vector<AbortedTxn>{aborted(7, 0, 2, 3)}));
  EXPECT_EQ(log->aborted_transactions(Offset(1), Offset(5)),
            (std::vector<AbortedTxn>{aborted(7, 0, 2, 3), aborted(8, 3, 4, 5)}));
  EXPECT_EQ(log->aborted_transactions(Offset(3), Offset(5)),
            (std::vector<AbortedTxn>{aborted(8, 3, 4, 5)}));
}

TEST_P(PartitionTransactionsTest, TheIndexIsWrittenAtSealAndCloseAndLoadedAtOpen) {
  {
    auto log = fx.open_ok(one_batch_segments());
    ASSERT_TRUE(put(*log, transactional(7, 0)));
    ASSERT_TRUE(put(*log, marker(7, TxnResult::kAbort)));  // offset 1
    ASSERT_TRUE(put(*log, make_batch({.records = 1})));    // seals segment 1
    ASSERT_TRUE(fx.flush(*log).is_ok());
    EXPECT_TRUE(has_txn_index(Offset(1)));
    ASSERT_TRUE(put(*log, transactional(8, 0)));           // offset 3
    ASSERT_TRUE(put(*log, marker(8, TxnResult::kAbort)));  // offset 4, active
    fx.flush_and_close(*log);
    EXPECT_TRUE(has_txn_index(Offset(4)));
  }
  auto log = fx.open_ok(one_batch_segments());
  EXPECT_TRUE(log->recovery_report().clean_start);
  EXPECT_EQ(log->aborted_transactions(Offset(0), Offset(5)),
            (std::vector<AbortedTxn>{aborted(7, 0, 1, 2), aborted(8, 3, 4, 5)}));
}

TEST_P(PartitionTransactionsTest, RecoveryAfterACrashRebuildsTheActiveSegmentsIndex) {
  {
    auto log = fx.open_ok(one_batch_segments());
    ASSERT_TRUE(put(*log, transactional(7, 0)));           // offset 0
    ASSERT_TRUE(put(*log, transactional(8, 0)));           // offset 1
    ASSERT_TRUE(put(*log, marker(7, TxnResult::kAbort)));  // offset 2, active
    ASSERT_TRUE(fx.flush(*log).is_ok());
  }  // dropped without a clean close
  auto log = fx.open_ok(one_batch_segments());
  EXPECT_FALSE(log->recovery_report().clean_start);
  EXPECT_EQ(log->aborted_transactions(Offset(0), Offset(3)),
            (std::vector<AbortedTxn>{aborted(7, 0, 2, 1)}));
}

TEST_P(PartitionTransactionsTest, AMissingIndexOfASealedSegmentIsRebuiltFromTheLog) {
  {
    auto log = fx.open_ok(one_batch_segments());
    ASSERT_TRUE(put(*log, transactional(7, 0)));           // offset 0
    ASSERT_TRUE(put(*log, transactional(8, 0)));           // offset 1
    ASSERT_TRUE(put(*log, marker(7, TxnResult::kAbort)));  // offset 2
    ASSERT_TRUE(put(*log, marker(8, TxnResult::kCommit)));
    fx.flush_and_close(*log);
  }
  ASSERT_TRUE(has_txn_index(Offset(2)));
  ASSERT_TRUE(fx.io().remove_file(fx.segment_path(Offset(2), format::kTxnIndexSuffix)).is_ok());
  auto log = fx.open_ok(one_batch_segments());
  EXPECT_EQ(log->aborted_transactions(Offset(0), Offset(4)),
            (std::vector<AbortedTxn>{aborted(7, 0, 2, 1)}));
  EXPECT_TRUE(has_txn_index(Offset(2))) << "written back, so the next open need not rebuild it";
}

TEST_P(PartitionTransactionsTest, TruncationDropsTheAbortsPastTheCutAlsoAfterReopen) {
  {
    auto log = fx.open_ok({});
    ASSERT_TRUE(put(*log, transactional(7, 0)));           // offset 0
    ASSERT_TRUE(put(*log, marker(7, TxnResult::kAbort)));  // offset 1
    ASSERT_TRUE(put(*log, transactional(8, 0)));           // offset 2
    ASSERT_TRUE(put(*log, marker(8, TxnResult::kAbort)));  // offset 3
    fx.flush_and_close(*log);
  }
  {
    auto log = fx.open_ok({});
    ASSERT_EQ(log->aborted_transactions(Offset(0), Offset(4)).size(), 2u);
    auto end = log->truncate_to(Offset(3));
    ASSERT_TRUE(end.has_value()) << end.error().to_string();
    EXPECT_EQ(log->aborted_transactions(Offset(0), Offset(3)),
              (std::vector<AbortedTxn>{aborted(7, 0, 1, 2)}));
    EXPECT_EQ(log->last_stable_offset(), Offset(2));  // 8's transaction is open again
    fx.flush_and_close(*log);
  }
  auto log = fx.open_ok({});
  EXPECT_EQ(log->aborted_transactions(Offset(0), Offset(3)),
            (std::vector<AbortedTxn>{aborted(7, 0, 1, 2)}));
}

TEST_P(PartitionTransactionsTest, DeletedSegmentsTakeTheirIndexWithThem) {
  auto log = fx.open_ok(one_batch_segments());
  ASSERT_TRUE(put(*log, transactional(7, 0)));           // offset 0
  ASSERT_TRUE(put(*log, marker(7, TxnResult::kAbort)));  // offset 1
  ASSERT_TRUE(put(*log, make_batch({.records = 1})));    // offset 2
  ASSERT_TRUE(put(*log, make_batch({.records = 1})));    // offset 3
  ASSERT_TRUE(fx.flush(*log).is_ok());
  ASSERT_TRUE(has_txn_index(Offset(1)));
  auto deleted = log->delete_segments_before(Offset(2));
  ASSERT_TRUE(deleted.has_value());
  EXPECT_EQ(*deleted, 2u);
  EXPECT_FALSE(has_txn_index(Offset(1)));
  EXPECT_TRUE(log->aborted_transactions(Offset(2), Offset(4)).empty());
}

std::vector<std::byte> keyed(std::string_view key) {
  protocol::RecordBatchBuilder b;
  std::byte v{1};
  b.append(timestamp_from_millis(1), protocol::as_bytes(key), protocol::Bytes(&v, 1));
  return b.seal();
}

TEST_P(PartitionTransactionsTest, CompactionKeepsTheAbortsOfTheSegmentsItRewrites) {
  // Segments of up to 250 bytes: [0, 1, 2] (about 240 bytes), [3], [4].
  PartitionConfig config{.segment_bytes = 250};
  config.cleanup = CleanupPolicy{true, false};
  {
    auto log = fx.open_ok(config);
    ASSERT_TRUE(put(*log, keyed("k")));                        // 0: shadowed by 3
    ASSERT_TRUE(put(*log, transactional(7, 0)));               // 1
    ASSERT_TRUE(put(*log, marker(7, TxnResult::kAbort)));      // 2, in the segment rewritten
    ASSERT_TRUE(put(*log, keyed("k")));                        // 3
    ASSERT_TRUE(put(*log, make_batch({.value_bytes = 300})));  // 4: the active segment
    ASSERT_EQ(log->segment_count(), 3u);
    ASSERT_TRUE(fx.flush(*log).is_ok());
    std::optional<Result<PartitionLog::CompactionProgress>> progress;
    for (int i = 0; i < 1000 && !(progress && *progress && (*progress)->pass_finished); ++i) {
      progress.reset();
      log->compact_slice(1 << 20, [&progress](auto r) { progress = std::move(r); });
      ASSERT_TRUE(testing::run_until(fx.ctx(), [&] { return progress.has_value(); }));
      ASSERT_TRUE(*progress) << (*progress).error().to_string();
    }
    ASSERT_TRUE((*progress)->pass_finished);
    EXPECT_GT((*progress)->stats.segments_rewritten, 0u);
    EXPECT_EQ(log->aborted_transactions(Offset(0), Offset(5)),
              (std::vector<AbortedTxn>{aborted(7, 1, 2, 3)}));
    fx.flush_and_close(*log);
  }
  auto log = fx.open_ok(config);
  EXPECT_EQ(log->aborted_transactions(Offset(0), Offset(5)),
            (std::vector<AbortedTxn>{aborted(7, 1, 2, 3)}));
}

INSTANTIATE_TEST_SUITE_P(Backends, PartitionTransactionsTest,
                         ::testing::Values("uring", "posix", "fault"), testing::backend_name);

}  // namespace
}  // namespace cairn::storage
