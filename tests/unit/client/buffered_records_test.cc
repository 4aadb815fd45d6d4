#include "client/src/buffered_records.h"

#include <gtest/gtest.h>

#include <string>

#include "client/src/fetched_records.h"
#include "protocol/record_batch_builder.h"

namespace cairn::client {
namespace {

const TopicPartition kTp{"t", 0};

// A checked stored batch of records [first, first + n), each with a value of `value_bytes`
// bytes, delivered from offset `from` (default: all of them).
std::vector<FetchedBatch> records(int64_t first, int n, size_t value_bytes = 10,
                                  int64_t from = -1) {
  protocol::RecordBatchBuilder builder;
  for (int i = 0; i < n; ++i) {
    builder.append(timestamp_from_millis(i), std::nullopt,
                   protocol::as_bytes(std::string(value_bytes, 'v')));
  }
  auto bytes = std::make_shared<std::vector<std::byte>>(builder.seal());
  protocol::assign_offsets(*bytes, Offset(first), 0);
  FetchedPartition f;
  f.tp = kTp;
  decode_partition(*bytes, from < 0 ? first : from, f);
  EXPECT_TRUE(f.corruption.is_ok()) << f.corruption.to_string();
  for (auto& b : f.batches) b.owner = bytes;
  return std::move(f.batches);
}

std::vector<int64_t> offsets(const std::vector<ConsumerRecord>& rs) {
  std::vector<int64_t> out;
  for (const auto& r : rs) out.push_back(r.offset);
  return out;
}

TEST(BufferedRecordsTest, TakesInOffsetOrderAcrossFetchesUpToTheLimit) {
  BufferedRecords b;
  b.append(records(0, 3));
  b.append(records(3, 2));
  EXPECT_EQ(b.size(), 5U);
  std::vector<ConsumerRecord> out;
  auto first = b.take(4, kTp, out);
  EXPECT_EQ(first.count, 4U);
  EXPECT_EQ(first.next_offset, 4);
  EXPECT_EQ(offsets(out), (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(out[0].topic_partition, kTp);
  EXPECT_EQ(out[3].value, std::string(10, 'v'));
  EXPECT_EQ(b.size(), 1U);
  std::vector<ConsumerRecord> rest;
  auto second = b.take(10, kTp, rest);
  EXPECT_EQ(second.count, 1U);
  EXPECT_EQ(second.next_offset, 5);
  EXPECT_EQ(offsets(rest), (std::vector<int64_t>{4}));
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.size(), 0U);
}

TEST(BufferedRecordsTest, APartlyTakenBatchGoesOnWhereTheLastTakeStopped) {
  BufferedRecords b;
  b.append(records(10, 5));
  std::vector<ConsumerRecord> out;
  EXPECT_EQ(b.take(2, kTp, out).next_offset, 12);
  out.clear();
  EXPECT_EQ(b.take(2, kTp, out).next_offset, 14);
  EXPECT_EQ(offsets(out), (std::vector<int64_t>{12, 13}));
  out.clear();
  EXPECT_EQ(b.take(2, kTp, out).count, 1U);
  EXPECT_EQ(offsets(out), (std::vector<int64_t>{14}));
  EXPECT_TRUE(b.empty());
}

TEST(BufferedRecordsTest, ABatchFetchedFromAnOffsetInsideItGivesOnlyTheRecordsFromThere) {
  BufferedRecords b;
  b.append(records(0, 6, 10, 4));
  EXPECT_EQ(b.size(), 2U);
  std::vector<ConsumerRecord> out;
  EXPECT_EQ(b.take(10, kTp, out).count, 2U);
  EXPECT_EQ(offsets(out), (std::vector<int64_t>{4, 5}));
}

TEST(BufferedRecordsTest, TakenRecordsAreAppendedAfterWhatTheCallerHolds) {
  BufferedRecords b;
  b.append(records(7, 2));
  std::vector<ConsumerRecord> out(1);
  out[0].offset = 3;
  EXPECT_EQ(b.take(5, kTp, out).count, 2U);
  EXPECT_EQ(offsets(out), (std::vector<int64_t>{3, 7, 8}));
}

TEST(BufferedRecordsTest, TheBytesTakenAreWhatTheFetchCountedAgainstTheBuffer) {
  BufferedRecords b;
  auto batches = records(0, 3, 100);
  size_t counted = batches.front().bytes;
  b.append(std::move(batches));
  std::vector<ConsumerRecord> out;
  size_t taken = b.take(1, kTp, out).bytes;
  taken += b.take(5, kTp, out).bytes;
  EXPECT_EQ(taken, counted);
  size_t sizes = 0;
  for (const auto& r : out) sizes += buffered_size(r);
  EXPECT_EQ(taken, sizes);
}

TEST(BufferedRecordsTest, NothingToTakeLeavesTheOffsetUnknownAndClearDropsEverything) {
  BufferedRecords b;
  b.append({});
  EXPECT_TRUE(b.empty());
  std::vector<ConsumerRecord> out;
  auto none = b.take(5, kTp, out);
  EXPECT_EQ(none.count, 0U);
  EXPECT_EQ(none.next_offset, -1);
  b.append(records(0, 2));
  ASSERT_EQ(b.take(1, kTp, out).count, 1U);
  b.clear();
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.size(), 0U);
  EXPECT_EQ(b.take(5, kTp, out).count, 0U);
}

}  // namespace
}  // namespace cairn::client
