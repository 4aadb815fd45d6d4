// Decoding fetched batches of transactions: markers never become records, and a read_committed
// answer's aborted transactions drop their producers' batches (Kafka's rule).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/src/fetched_records.h"
#include "tests/unit/client/fetched_records_util.h"
#include "protocol/control_record.h"
#include "protocol/record_batch.h"
#include "protocol/record_batch_builder.h"

namespace cairn::client {
namespace {

using protocol::FetchAbortedTransaction;
using protocol::TxnResult;

// Stored batches back to back from offset 0, built one call at a time.
class Log {
 public:
  // A batch of `records` records; transactional of `pid` when pid >= 0.
  Log& data(int records, int64_t pid = -1) {
    protocol::RecordBatchBuilder b(
        pid >= 0 ? protocol::RecordBatchBuilder::Options{.producer_id = pid,
                                                         .producer_epoch = 0,
                                                         .base_sequence = 0,
                                                         .transactional = true}
                 : protocol::RecordBatchBuilder::Options{});
    for (int i = 0; i < records; ++i) {
      b.append(timestamp_from_millis(1), std::nullopt, protocol::as_bytes("v"));
    }
    return add(b.seal(), records);
  }
  Log& marker(int64_t pid, TxnResult result) {
    return add(protocol::build_control_batch({.producer_id = pid,
                                              .producer_epoch = 0,
                                              .result = result,
                                              .coordinator_epoch = 0,
                                              .timestamp = timestamp_from_millis(1)}),
               1);
  }
  const std::vector<std::byte>& bytes() const { return bytes_; }

 private:
  Log& add(std::vector<std::byte> batch, int records) {
    protocol::assign_offsets(batch, Offset(next_), 0);
    next_ += records;
    bytes_.insert(bytes_.end(), batch.begin(), batch.end());
    return *this;
  }
  std::vector<std::byte> bytes_;
  int64_t next_ = 0;
};

std::vector<int64_t> offsets_of(const FetchedPartition& f) {
  std::vector<int64_t> out;
  for (const auto& r : records_of(f)) out.push_back(r.offset);
  return out;
}

// 0-1 producer 7's, 2 plain, 3 producer 8's, 4 producer 7's, 5 7's abort, 6 producer 7's next
// transaction, 7 8's commit, 8 7's commit.
Log two_producers() {
  Log log;
  log.data(2, 7).data(1).data(1, 8).data(1, 7).marker(7, TxnResult::kAbort);
  log.data(1, 7).marker(8, TxnResult::kCommit).marker(7, TxnResult::kCommit);
  return log;
}

TEST(FetchedTransactions, MarkersAreSkippedAndTheNextFetchGoesPastThem) {
  Log log;
  log.data(2).marker(7, TxnResult::kCommit);
  FetchedPartition f;
  decode_partition(log.bytes(), 0, f);
  EXPECT_EQ(offsets_of(f), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(f.next_fetch, 3);
  EXPECT_TRUE(f.corruption.is_ok());
}

TEST(FetchedTransactions, ReadUncommittedKeepsEveryTransactionalRecord) {
  Log log = two_producers();  // the batches view its bytes
  FetchedPartition f;
  decode_partition(log.bytes(), 0, f);
  EXPECT_EQ(offsets_of(f), (std::vector<int64_t>{0, 1, 2, 3, 4, 6}));
  EXPECT_EQ(f.next_fetch, 9);
}

TEST(FetchedTransactions, ReadCommittedDropsTheAbortedRangeOfItsProducerOnly) {
  std::vector<FetchAbortedTransaction> aborted{{7, 0}};
  Log log = two_producers();  // the batches view its bytes
  FetchedPartition f;
  decode_partition(log.bytes(), 0, f, protocol::batch::kDefaultMaxDecompressedBytes, &aborted);
  EXPECT_EQ(offsets_of(f), (std::vector<int64_t>{2, 3, 6})) << "7's next transaction is kept";
  EXPECT_EQ(f.next_fetch, 9);
}

TEST(FetchedTransactions, AProducerAbortedTwiceLosesBothRangesAndNothingBetween) {
  Log log;
  log.data(1, 7).marker(7, TxnResult::kAbort);                   // 0, 1
  log.data(1).data(1, 7).marker(7, TxnResult::kAbort);           // 2, 3, 4
  std::vector<FetchAbortedTransaction> aborted{{7, 3}, {7, 0}};  // in any order
  FetchedPartition f;
  decode_partition(log.bytes(), 0, f, protocol::batch::kDefaultMaxDecompressedBytes, &aborted);
  EXPECT_EQ(offsets_of(f), (std::vector<int64_t>{2}));
  EXPECT_EQ(f.next_fetch, 5);
}

TEST(FetchedTransactions, DecodeFetchAppliesTheAbortedListOnlyWhenReadCommitted) {
  Log log = two_producers();
  protocol::FetchResponse response;
  protocol::FetchPartitionResult p;
  p.partition = 0;
  p.high_watermark = 9;
  p.last_stable_offset = 9;
  p.aborted_transactions = {{7, 0}};
  p.records = log.bytes();
  response.topics.push_back({"t", {p}});
  std::map<TopicPartition, int64_t> asked{{{"t", 0}, 0}};
  auto committed =
      decode_fetch(response, nullptr, asked, protocol::batch::kDefaultMaxDecompressedBytes, true);
  ASSERT_EQ(committed.size(), 1u);
  EXPECT_EQ(offsets_of(committed[0]), (std::vector<int64_t>{2, 3, 6}));
  auto uncommitted = decode_fetch(response, nullptr, asked);
  ASSERT_EQ(uncommitted.size(), 1u);
  EXPECT_EQ(offsets_of(uncommitted[0]).size(), 6u);
}

}  // namespace
}  // namespace cairn::client
